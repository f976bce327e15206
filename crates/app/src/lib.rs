//! Sportello's use cases, one module per bounded context. A command checks who may do it
//! (`scope`), validates, and makes its change in a write transaction it owns (`uow`),
//! together with the change's audit entries and outbox messages.

pub mod accounts;
pub mod audit;
pub mod error;
pub mod idempotency;
pub mod ports;
pub mod rate_limit;
pub mod registry;
pub mod rules;
pub mod scope;
pub mod uow;

use std::sync::Arc;

pub use error::{AppError, FieldError};
pub use ports::Store;

/// The use cases, wired to a store. Cheap to clone. The store is private: pages, the API
/// and the command line reach data only through the use cases.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    pub limits: Arc<rate_limit::Limits>,
}

impl App {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            limits: Arc::new(rate_limit::Limits::default()),
        }
    }

    /// Opens the write transaction of a command; the request's `Idempotency-Key`, if it
    /// has one, is claimed in it.
    pub(crate) async fn begin(&self) -> Result<Box<dyn uow::WriteTx>, AppError> {
        Ok(self.store.begin(idempotency::take_claim()).await?)
    }

    /// Records an audit entry that goes with no change of a record (a sign-out, a
    /// sensitive read, a bulk load run from the command line).
    pub async fn record(&self, entry: ports::AuditDraft) -> Result<(), AppError> {
        let mut tx = self.begin().await?;
        tx.audit(entry);
        Ok(tx.commit().await?)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), AppError> {
        Ok(self.store.ping().await?)
    }

    /// The sessions of signed-in users, for the web layer's session store.
    pub fn sessions(&self) -> Arc<dyn accounts::ports::SessionStore> {
        // Trait upcasting: the store is also the session store.
        self.store.clone()
    }
}

pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
