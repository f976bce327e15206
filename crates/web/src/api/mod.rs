//! What every context's JSON API shares under `/api/v1`: bearer tokens, RFC 3339 dates,
//! problem+json errors, cursor pagination, `Idempotency-Key` on creating POSTs, ETag and
//! If-Match on changes. Each context's operations live in its own `api` module; the
//! OpenAPI document is assembled from them (`openapi`).

pub mod idempotency;
pub mod openapi;
pub mod pagination;

use crate::error::ApiError;
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sportello_app::AppError;
use uuid::Uuid;

/// A record with its version as entity tag (`ETag: "3"`): send it back in `If-Match`.
pub(crate) fn tagged<T: serde::Serialize>(version: i64, body: T) -> Response {
    let mut r = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// The version an `If-Match` names (`"3"` or `W/"3"`); none or `*` accepts any. A tag that
/// is not one of ours cannot match: 412.
pub(crate) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let tag = v.to_str().map(str::trim).unwrap_or_default();
    if tag == "*" {
        return Ok(None);
    }
    tag.trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i64>()
        .map(Some)
        .map_err(|_| ApiError(AppError::Stale))
}

pub(crate) fn id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError(AppError::NotFound))
}

/// The id an idempotency key remembers, as stored by the write that created the record.
pub(crate) fn record_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|e| ApiError(AppError::Internal(e.to_string())))
}

pub(crate) fn created<T: serde::Serialize>(v: &T) -> Result<(StatusCode, String), ApiError> {
    serde_json::to_string(v)
        .map(|s| (StatusCode::CREATED, s))
        .map_err(|e| ApiError(AppError::Internal(e.to_string())))
}

/// Reads a JSON body, answering problem+json with an Italian message when it is not valid.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        use serde_json::error::Category;
        let what = match e.classify() {
            Category::Syntax => "JSON non valido",
            Category::Eof => "JSON incompleto",
            // serde's own words name Rust types: say where, in Italian.
            Category::Data => "valore di tipo errato o campo mancante",
            Category::Io => "corpo illeggibile",
        };
        ApiError(AppError::invalid(
            "body",
            "json",
            format!(
                "Corpo della richiesta non valido: {what} alla riga {}, colonna {}",
                e.line(),
                e.column()
            ),
        ))
    })
}
