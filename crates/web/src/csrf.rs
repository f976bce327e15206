//! CSRF protection for pages: every state-changing request carries the session's token,
//! in the `csrf_token` form field or the `X-CSRF-Token` header (htmx sends it), and a
//! cross-site `Origin` is refused outright. The API uses bearer tokens, not cookies, so
//! it is outside this check.

use crate::error::error_page;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

pub const SESSION_CSRF: &str = "csrf";
pub const FORM_FIELD: &str = "csrf_token";
const MAX_FORM: usize = 2 * 1024 * 1024;

/// The session's token, made on first use.
pub async fn token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(SESSION_CSRF).await {
        return t;
    }
    let t = uuid::Uuid::new_v4().simple().to_string() + &uuid::Uuid::new_v4().simple().to_string();
    let _ = session.insert(SESSION_CSRF, &t).await;
    t
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn refused() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "Richiesta non valida",
        "La richiesta non proviene da un modulo di questo sito o la sessione è scaduta. \
         Ricaricare la pagina e riprovare.",
    )
}

pub async fn protect(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let headers = req.headers();
    if let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        let origin = origin.to_str().unwrap_or("");
        let host = host.to_str().unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if origin_host != host {
            return refused();
        }
    }
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return refused();
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return refused();
    };
    let expected = match session.get::<String>(SESSION_CSRF).await {
        Ok(Some(t)) => t,
        _ => return refused(),
    };
    if let Some(h) = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return if same(h, &expected) {
            next.run(req).await
        } else {
            refused()
        };
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refused();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        return error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Richiesta troppo grande",
            "Il modulo inviato supera la dimensione consentita.",
        );
    };
    let sent = form_urlencoded_get(&bytes, FORM_FIELD);
    if !sent.is_some_and(|s| same(&s, &expected)) {
        return refused();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn form_urlencoded_get(body: &[u8], key: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}
