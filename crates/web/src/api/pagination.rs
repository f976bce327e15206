//! Cursor pagination: the cursor is opaque to clients (base64 of the last key seen), and
//! a page says where the next one starts.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sportello_app::AppError;
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Items per page (1–200, default 50).
    pub limit: Option<u64>,
}

impl PageParams {
    pub fn limit(&self) -> u64 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }

    pub fn decode(&self) -> Result<Option<String>, AppError> {
        self.cursor
            .as_deref()
            .map(|c| {
                URL_SAFE_NO_PAD
                    .decode(c)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        AppError::invalid("cursor", "cursor", "Cursore di paginazione non valido")
                    })
            })
            .transpose()
    }
}

pub fn encode(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A full page may have a successor; `key` gives the cursor of its last item.
    pub fn new(items: Vec<T>, limit: u64, key: impl Fn(&T) -> String) -> Self {
        let next_cursor = (items.len() as u64 == limit)
            .then(|| items.last().map(|i| encode(&key(i))))
            .flatten();
        Self { items, next_cursor }
    }
}
