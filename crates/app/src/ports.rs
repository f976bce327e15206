//! What every context's use cases share of persistence: the errors, the audit entry a
//! change is recorded with, and `Store`, the one handle `App` keeps. Each context declares
//! its own ports (`<context>/ports.rs`): `*Queries` read outside any transaction, `*Repo`s
//! are lent by the write transaction (`uow`).

use async_trait::async_trait;
use serde_json::Value;
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// The transaction carried an `Idempotency-Key` that another request already used: it
    /// was rolled back, and the caller answers with what the first request created.
    #[error("idempotency key already used")]
    Replayed,
    /// The change would leave other records pointing at nothing (a foreign key).
    #[error("referenced")]
    Referenced,
    /// The record's version is no longer the one the change was made from.
    #[error("stale version")]
    Stale,
    #[error("{0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// An audit entry before the store gives it a place in its chain (at commit).
#[derive(Debug, Clone)]
pub struct AuditDraft {
    pub actor: String,
    pub role: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub address: Option<String>,
}

/// An `Idempotency-Key` being used by one request.
#[derive(Debug, Clone)]
pub struct IdempotencyClaim {
    /// Whose key it is (token or user id): keys of different callers never collide.
    pub scope: String,
    pub key: String,
    /// Hash of method, path and body: the same key with another request is refused.
    pub fingerprint: String,
}

/// What an `Idempotency-Key` is remembered with: the request's fingerprint and the id of
/// the record its command created (a replay answers with that record as it is now).
#[derive(Debug, Clone)]
pub struct IdempotentResponse {
    pub fingerprint: String,
    pub status: u16,
    /// The created record's id.
    pub body: String,
}

/// The platform's own reads and housekeeping.
#[async_trait]
pub trait PlatformQueries: Send + Sync {
    /// Liveness of the database connection.
    async fn ping(&self) -> StoreResult<()>;
    async fn idempotency_get(
        &self,
        scope: &str,
        key: &str,
    ) -> StoreResult<Option<IdempotentResponse>>;
    /// Forgets idempotency keys recorded before `before`.
    async fn idempotency_purge(&self, before: OffsetDateTime) -> StoreResult<u64>;
}

/// Everything `App` reaches persistence through: each context's queries and the unit of
/// work. A new context adds its `*Queries` here and its repositories to `uow::WriteTx`.
pub trait Store:
    crate::uow::Db
    + PlatformQueries
    + crate::audit::ports::AuditQueries
    + crate::accounts::ports::AccountQueries
    + crate::accounts::ports::SessionStore
    + crate::registry::ports::ReferenceQueries
    + crate::registry::ports::OfficeQueries
    + crate::registry::ports::PersonQueries
    + crate::registry::ports::EmployerQueries
    + crate::registry::ports::OrganisationQueries
    + crate::registry::ports::ChangeQueries
    + Send
    + Sync
{
}

impl<T> Store for T where
    T: crate::uow::Db
        + PlatformQueries
        + crate::audit::ports::AuditQueries
        + crate::accounts::ports::AccountQueries
        + crate::accounts::ports::SessionStore
        + crate::registry::ports::ReferenceQueries
        + crate::registry::ports::OfficeQueries
        + crate::registry::ports::PersonQueries
        + crate::registry::ports::EmployerQueries
        + crate::registry::ports::OrganisationQueries
        + crate::registry::ports::ChangeQueries
        + Send
        + Sync
{
}
