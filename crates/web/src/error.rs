//! The one mapping from use-case errors to HTTP: `application/problem+json` (RFC 9457) on
//! the API, an Italian page for people.

use askama::Template;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use sportello_app::{AppError, FieldError};
use utoipa::ToSchema;

/// A problem document. `type` is stable per kind of error and never changes meaning.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// Where the conflicting record lives, for duplicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl From<&FieldError> for ProblemField {
    fn from(f: &FieldError) -> Self {
        Self {
            field: f.field.clone(),
            code: f.code.clone(),
            message: f.message.clone(),
        }
    }
}

pub const PROBLEM_BASE: &str = "urn:sportello:problem:";

/// Stable (kind, status, Italian title) for each error.
fn classify(e: &AppError) -> (&'static str, StatusCode, &'static str) {
    match e {
        AppError::Unauthenticated => (
            "unauthenticated",
            StatusCode::UNAUTHORIZED,
            "Autenticazione richiesta",
        ),
        AppError::BadCredentials => (
            "bad-credentials",
            StatusCode::UNAUTHORIZED,
            "Credenziali non valide",
        ),
        AppError::Forbidden => (
            "forbidden",
            StatusCode::FORBIDDEN,
            "Operazione non consentita",
        ),
        AppError::NotFound => ("not-found", StatusCode::NOT_FOUND, "Risorsa non trovata"),
        AppError::Validation(_) => (
            "validation",
            StatusCode::UNPROCESSABLE_ENTITY,
            "Dati non validi",
        ),
        AppError::Conflict { .. } | AppError::Replayed => (
            "conflict",
            StatusCode::CONFLICT,
            "Conflitto con dati esistenti",
        ),
        AppError::Stale => (
            "stale",
            StatusCode::PRECONDITION_FAILED,
            "Dati modificati nel frattempo",
        ),
        AppError::RateLimited { .. } => (
            "rate-limited",
            StatusCode::TOO_MANY_REQUESTS,
            "Troppe richieste",
        ),
        AppError::Unavailable(_) => (
            "unavailable",
            StatusCode::SERVICE_UNAVAILABLE,
            "Servizio non disponibile",
        ),
        AppError::Internal(_) => (
            "internal",
            StatusCode::INTERNAL_SERVER_ERROR,
            "Errore interno",
        ),
    }
}

/// An error answered as problem+json.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

pub fn problem(kind: &str, status: StatusCode, title: &str, detail: Option<String>) -> Response {
    problem_response(Problem {
        kind: format!("{PROBLEM_BASE}{kind}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
        errors: vec![],
        existing: None,
    })
}

fn problem_response(p: Problem) -> Response {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = (status, Json(p)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (kind, status, title) = classify(&self.0);
        if let AppError::Internal(msg) = &self.0 {
            tracing::error!(error = %msg, "internal error");
        }
        let (errors, existing, detail) = match &self.0 {
            AppError::Validation(fs) => (fs.iter().map(ProblemField::from).collect(), None, None),
            AppError::Conflict { message, existing } => {
                (vec![], existing.clone(), Some(message.clone()))
            }
            AppError::Internal(_) => (vec![], None, None),
            other => (vec![], None, Some(other.to_string())),
        };
        let retry = match &self.0 {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let mut res = problem_response(Problem {
            kind: format!("{PROBLEM_BASE}{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
            existing,
        });
        if let Some(s) = retry
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub title: String,
    pub detail: String,
}

pub fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        title: title.to_owned(),
        detail: detail.to_owned(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, title.to_owned()).into_response(),
    }
}

/// An error answered as an HTML page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (_, status, title) = classify(&self.0);
        let detail = match &self.0 {
            AppError::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                "Si è verificato un errore imprevisto. Riprovare più tardi; se il problema \
                 persiste, contattare l'assistenza."
                    .to_owned()
            }
            AppError::Unauthenticated => "Accedere per continuare.".to_owned(),
            AppError::Forbidden => {
                "Il suo profilo non consente di accedere a questa pagina o a questo dato."
                    .to_owned()
            }
            AppError::NotFound => "La pagina o il dato richiesto non esiste.".to_owned(),
            other => other.to_string(),
        };
        error_page(status, title, &detail)
    }
}
