//! What the use cases need from persistence. `sportello-db` implements it with SeaORM for
//! SQLite and PostgreSQL. Every write takes its audit entry: the store appends it to the
//! hash chain in the same transaction as the change.

use async_trait::async_trait;
use serde_json::Value;
use sportello_domain::access::Scope;
use sportello_domain::audit::StoredEntry;
use sportello_domain::role::Role;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("duplicate: {0}")]
    Duplicate(String),
    #[error("{0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// An audit entry before the store gives it a place in the chain.
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

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub scope: Scope,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: Uuid,
    pub name: String,
    pub token_hash: String,
    pub role: Role,
    pub scope: Scope,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    /// Entries with a smaller sequence number than this (newest first paging).
    pub before_seq: Option<i64>,
}

/// A stored response for an `Idempotency-Key`.
#[derive(Debug, Clone)]
pub struct IdempotentResponse {
    pub fingerprint: String,
    pub status: u16,
    pub body: String,
}

#[async_trait]
pub trait Store: Send + Sync {
    // users
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>>;
    async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<UserRecord>>;
    async fn insert_user(&self, user: &UserRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn list_users(&self, after: Option<Uuid>, limit: u64) -> StoreResult<Vec<UserRecord>>;
    /// Records a login attempt's effect on the account (counter, lock) with its audit entry.
    async fn update_login_state(
        &self,
        user_id: Uuid,
        failed_logins: i32,
        locked_until: Option<OffsetDateTime>,
        audit: AuditDraft,
    ) -> StoreResult<()>;

    // API tokens
    async fn insert_token(&self, token: &TokenRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn token_by_hash(&self, hash: &str) -> StoreResult<Option<TokenRecord>>;
    async fn list_tokens(&self) -> StoreResult<Vec<TokenRecord>>;
    async fn revoke_token(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> StoreResult<()>;

    // sessions (the web layer's session store sits on these)
    /// The session's data and expiry, if it exists and has not expired.
    async fn session_load(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(String, OffsetDateTime)>>;
    async fn session_save(&self, id: &str, data: &str, expires: OffsetDateTime) -> StoreResult<()>;
    /// Inserts only if the id is free; false on collision.
    async fn session_create(
        &self,
        id: &str,
        data: &str,
        expires: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn session_delete(&self, id: &str) -> StoreResult<()>;
    async fn sessions_purge(&self, now: OffsetDateTime) -> StoreResult<u64>;

    // audit
    /// Appends an entry on its own (reads of sensitive data, login events).
    async fn audit_append(&self, audit: AuditDraft) -> StoreResult<()>;
    async fn audit_search(&self, filter: &AuditFilter, limit: u64)
    -> StoreResult<Vec<StoredEntry>>;
    /// Entries with `seq > after_seq`, oldest first, for verification.
    async fn audit_scan(&self, after_seq: i64, limit: u64) -> StoreResult<Vec<StoredEntry>>;

    // idempotency keys for creating POSTs
    async fn idempotency_get(
        &self,
        scope: &str,
        key: &str,
    ) -> StoreResult<Option<IdempotentResponse>>;
    async fn idempotency_put(
        &self,
        scope: &str,
        key: &str,
        response: &IdempotentResponse,
    ) -> StoreResult<()>;

    /// Liveness of the database connection.
    async fn ping(&self) -> StoreResult<()>;
}
