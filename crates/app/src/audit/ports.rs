//! The audit log's queries. Entries are written by the unit of work (`uow`) at commit.

use crate::ports::StoreResult;
use async_trait::async_trait;
use sportello_domain::audit::{Head, StoredEntry};
use time::OffsetDateTime;

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    /// Entries written before this one (`StoredEntry::id`; newest first paging).
    pub before_id: Option<i64>,
}

#[async_trait]
pub trait AuditQueries: Send + Sync {
    async fn audit_search(&self, filter: &AuditFilter, limit: u64)
    -> StoreResult<Vec<StoredEntry>>;
    /// One chain's entries after `after_seq`, in chain order.
    async fn audit_scan(
        &self,
        chain: i32,
        after_seq: i64,
        limit: u64,
    ) -> StoreResult<Vec<StoredEntry>>;
    /// Every chain's head, in chain order.
    async fn audit_heads(&self) -> StoreResult<Vec<Head>>;
}
