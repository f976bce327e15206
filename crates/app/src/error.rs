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
    /// The record changed after the caller read it: their save would overwrite it.
    #[error(
        "Nel frattempo la scheda è stata modificata da un altro utente: ricaricarla, riapplicare le modifiche e salvare di nuovo"
    )]
    Stale,
    /// A concurrent request with the same `Idempotency-Key` did the work first.
    #[error("La stessa richiesta è già stata eseguita")]
    Replayed,
    #[error("Troppi tentativi: riprovare tra {retry_after_secs} secondi")]
    RateLimited { retry_after_secs: u64 },
    /// A service this one depends on (the database) does not answer.
    #[error("{0}")]
    Unavailable(String),
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
            // Reached only when a concurrent write beat the use case's own check: the
            // database's words (English, with table names) never reach the person.
            crate::ports::StoreError::Duplicate(what) => AppError::Conflict {
                message: duplicate_message(&what).to_owned(),
                existing: None,
            },
            crate::ports::StoreError::Replayed => AppError::Replayed,
            crate::ports::StoreError::Stale => AppError::Stale,
            crate::ports::StoreError::Referenced => AppError::Conflict {
                message: "Il dato è collegato ad altri dati (per esempio una sede usata da un'offerta) e non può essere eliminato".into(),
                existing: None,
            },
            crate::ports::StoreError::Other(msg) => AppError::Internal(msg),
        }
    }
}

/// Italian words for a unique constraint the database reported.
fn duplicate_message(constraint: &str) -> &'static str {
    if constraint.contains("codice_fiscale") {
        "Esiste già una persona con questo codice fiscale"
    } else if constraint.contains("tax_code") {
        "Esiste già un soggetto registrato con questo codice fiscale o partita IVA"
    } else if constraint.contains("username") {
        "Questo nome utente è già in uso"
    } else {
        "Esiste già un dato registrato con questi valori"
    }
}
