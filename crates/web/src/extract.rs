//! `Query` and `Form` that answer unreadable input like every other bad input: an Italian
//! page, or problem+json on the API (axum's own rejections are plain English text).

use crate::error::{ApiError, error_page};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sportello_app::AppError;

fn unreadable(path: &str, field: &str, detail: String) -> Response {
    if path.starts_with("/api/") {
        ApiError(AppError::invalid(
            field,
            "unreadable",
            format!("Parametri non validi: {detail}"),
        ))
        .into_response()
    } else {
        error_page(
            StatusCode::BAD_REQUEST,
            "Richiesta non valida",
            "I dati inviati non sono leggibili. Tornare alla pagina precedente e riprovare.",
        )
    }
}

pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(Query(q.0)),
            Err(e) => Err(unreadable(parts.uri.path(), "query", e.body_text())),
        }
    }
}

pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let path = req.uri().path().to_owned();
        match axum::Form::<T>::from_request(req, state).await {
            Ok(f) => Ok(Form(f.0)),
            Err(e) => Err(unreadable(&path, "form", e.body_text())),
        }
    }
}
