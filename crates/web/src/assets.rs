//! Vendored Bootstrap Italia, htmx, Swagger UI and our own CSS/JS, embedded in the binary
//! (read from disk in debug builds). Paths carry the version, so they can be cached forever.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// The URL prefix of static files; it changes with each release.
pub const PREFIX: &str = concat!("/static/", env!("CARGO_PKG_VERSION"));
pub const ROUTE: &str = concat!("/static/", env!("CARGO_PKG_VERSION"), "/{*path}");

/// Browsers ask for `/favicon.ico` on their own; the icon is the versioned SVG.
pub async fn favicon() -> Response {
    axum::response::Redirect::permanent(concat!(
        "/static/",
        env!("CARGO_PKG_VERSION"),
        "/img/favicon.svg"
    ))
    .into_response()
}

pub async fn serve(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => {
            let mime = file.metadata.mimetype();
            let mut res = file.data.into_owned().into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(mime) {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            res
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
