//! The one error type of the use-case layer; the web layer maps it once to a response.

use serde::Serialize;

/// A message about one input field, in Italian, with a stable machine code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Accesso richiesto")]
    Unauthenticated,
    #[error("Credenziali non valide")]
    BadCredentials,
    #[error("Operazione non consentita")]
    Forbidden,
    #[error("Risorsa non trovata")]
    NotFound,
    #[error("Dati non validi")]
    Validation(Vec<FieldError>),
    #[error("{message}")]
    Conflict {
        message: String,
        /// Where the existing record lives, when there is one to point at.
        existing: Option<String>,
    },
    #[error("Troppi tentativi: riprovare tra {retry_after_secs} secondi")]
    RateLimited { retry_after_secs: u64 },
    #[error("Errore interno")]
    Internal(String),
}

impl AppError {
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, code, message)])
    }
}

impl From<crate::ports::StoreError> for AppError {
    fn from(e: crate::ports::StoreError) -> Self {
        match e {
            crate::ports::StoreError::NotFound => AppError::NotFound,
            crate::ports::StoreError::Duplicate(what) => AppError::Conflict {
                message: format!("Esiste già: {what}"),
                existing: None,
            },
            crate::ports::StoreError::Other(msg) => AppError::Internal(msg),
        }
    }
}
