//! Runs a creating command at most once per `Idempotency-Key`.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sportello_app::idempotency::{Replay, fingerprint};
use sportello_domain::access::Actor;
use std::future::Future;

pub const HEADER: &str = "idempotency-key";

/// Without the header the command simply runs. With it, the key is recorded in the
/// command's own transaction; a repeat of the same request (even concurrent) answers 201
/// with the record the first one created, as `reload` reads it now, and a different
/// request under the same key gets 409.
pub async fn once<F, Fut, R, RFut>(
    st: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    path: &str,
    body: &Bytes,
    run: F,
    reload: R,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(StatusCode, String), ApiError>>,
    R: FnOnce(String) -> RFut,
    RFut: Future<Output = Result<(StatusCode, String), ApiError>>,
{
    let key = match headers.get(HEADER).map(|v| v.to_str()) {
        None => return respond(run().await),
        Some(Ok(k)) => k.to_owned(),
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
    // The common retry, after the first answer was lost: no need to run anything.
    match st.app.idempotency_check(actor, &key, &fp).await {
        Ok(Replay::Created(id)) => return respond(reload(id).await),
        Ok(Replay::Fresh) => {}
        Err(e) => return ApiError(e).into_response(),
    }
    let ran = st
        .app
        .with_idempotency_key(actor, &key, &fp, async {
            run().await.map_err(|ApiError(e)| e)
        })
        .await;
    match ran {
        Ok(Ok(done)) => respond(Ok(done)),
        Ok(Err(Replay::Created(id))) => respond(reload(id).await),
        Ok(Err(Replay::Fresh)) => respond(Err(ApiError(sportello_app::AppError::Internal(
            "replay senza record".into(),
        )))),
        Err(e) => ApiError(e).into_response(),
    }
}

fn respond(r: Result<(StatusCode, String), ApiError>) -> Response {
    match r {
        Ok((status, body)) => {
            let mut res = (status, body).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            res
        }
        Err(e) => e.into_response(),
    }
}
