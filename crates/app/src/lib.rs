//! Sportello's use cases. Each command checks who may do it, validates, and hands the
//! change and its audit entry to the store, which writes both in one transaction.

pub mod accounts;
pub mod audit;
pub mod error;
pub mod idempotency;
pub mod ports;
pub mod rate_limit;
pub mod registry;
pub mod rules;
pub mod tokens;

use std::sync::Arc;

pub use error::{AppError, FieldError};
pub use ports::Store;

/// The use cases, wired to a store. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub limits: Arc<rate_limit::Limits>,
}

impl App {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            limits: Arc::new(rate_limit::Limits::default()),
        }
    }
}

pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
