//! What every request passes before any route sees it: a body within the limit, no NUL
//! characters anywhere (PostgreSQL refuses them in text, and no Italian name or code has
//! one), and JSON declared as JSON on the API. Each refusal is an Italian page or
//! problem+json, never the framework's English text or a 500.

use crate::error::{error_page, problem};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The largest body accepted, on pages and API alike.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;
/// The longest address accepted. Below hyper's own limits (64 KiB of URI, 100 headers,
/// ~400 KiB of head), which answer with an empty body, so that what a client can meet in
/// practice is refused here with a reason.
pub const URI_LIMIT: usize = 8 * 1024;
/// The largest header section accepted (names and values), and the most headers.
pub const HEADERS_LIMIT: usize = 32 * 1024;
pub const HEADERS_COUNT_LIMIT: usize = 64;

fn refuse(api: bool, status: StatusCode, kind: &str, title: &str, detail: &str) -> Response {
    if api {
        problem(kind, status, title, Some(detail.to_owned()))
    } else {
        error_page(status, title, detail)
    }
}

fn too_large(api: bool) -> Response {
    refuse(
        api,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "Richiesta troppo grande",
        "Il contenuto inviato supera i 4 MB ammessi.",
    )
}

/// A NUL as raw byte, percent-encoded (`%00`, forms and query strings) or JSON-escaped.
fn has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00"))
        || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
}

pub async fn guard(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    if req.uri().to_string().len() > URI_LIMIT {
        return refuse(
            api,
            StatusCode::URI_TOO_LONG,
            "uri-too-long",
            "Indirizzo troppo lungo",
            "L'indirizzo della richiesta supera gli 8 KB ammessi: per inviare molti dati usare il corpo della richiesta.",
        );
    }
    let headers = req.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if header_bytes > HEADERS_LIMIT || headers.len() > HEADERS_COUNT_LIMIT {
        return refuse(
            api,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers-too-large",
            "Intestazioni troppo grandi",
            "Le intestazioni della richiesta superano i 32 KB o le 64 voci ammesse: se il problema si ripete, cancellare i cookie del sito.",
        );
    }
    if has_nul(req.uri().to_string().as_bytes()) {
        return refuse(
            api,
            StatusCode::BAD_REQUEST,
            "invalid-characters",
            "Caratteri non ammessi",
            "L'indirizzo contiene un carattere nullo, che non è ammesso.",
        );
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return too_large(api);
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return too_large(api);
    };
    if !bytes.is_empty() {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let json = content_type
            .split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
        if api && !json {
            return problem(
                "unsupported-media-type",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Formato non supportato",
                Some(
                    "Il corpo della richiesta deve essere JSON, con Content-Type: application/json"
                        .to_owned(),
                ),
            );
        }
        if has_nul(&bytes) {
            return refuse(
                api,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-characters",
                "Caratteri non ammessi",
                "I dati inviati contengono un carattere nullo, che non è ammesso in nessun campo.",
            );
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::has_nul;

    #[test]
    fn nul_is_found_however_it_is_written() {
        assert!(has_nul(b"a\0b"));
        assert!(has_nul(b"q=ros%00si"));
        assert!(has_nul(b"{\"surname\":\"Ros\\u0000si\"}"));
        assert!(has_nul(b"{\"surname\":\"Ros\\U0000si\"}"));
        assert!(!has_nul(b"q=rossi%2000"));
        assert!(!has_nul(b"{\"phone\":\"055 000000\"}"));
    }
}
