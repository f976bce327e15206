//! Runs a creating command at most once per `Idempotency-Key`.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sportello_app::idempotency::{Replay, fingerprint};
use sportello_app::ports::IdempotentResponse;
use sportello_domain::access::Actor;
use std::future::Future;

pub const HEADER: &str = "idempotency-key";

/// Without the header the command simply runs. With it, a repeat of the same request gets
/// the first response back and a different request under the same key gets 409.
pub async fn once<F, Fut>(
    st: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    path: &str,
    body: &Bytes,
    run: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(StatusCode, String), ApiError>>,
{
    let key = match headers.get(HEADER).map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) => Some(k.to_owned()),
        Some(Err(_)) => {
            return ApiError(sportello_app::AppError::invalid(
                "Idempotency-Key",
                "idempotency_key",
                "Intestazione Idempotency-Key non valida",
            ))
            .into_response();
        }
    };
    let fp = fingerprint("POST", path, body);
    if let Some(k) = &key {
        match st.app.idempotency_check(actor, k, &fp).await {
            Ok(Replay::Stored(r)) => return json(r.status, r.body),
            Ok(Replay::Fresh) => {}
            Err(e) => return ApiError(e).into_response(),
        }
    }
    match run().await {
        Ok((status, body)) => {
            if let Some(k) = &key {
                let stored = IdempotentResponse {
                    fingerprint: fp,
                    status: status.as_u16(),
                    body: body.clone(),
                };
                if let Err(e) = st.app.idempotency_remember(actor, k, &stored).await {
                    return ApiError(e).into_response();
                }
            }
            json(status.as_u16(), body)
        }
        Err(e) => e.into_response(),
    }
}

fn json(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut res = (status, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}
