//! `SeaStore`: the one store over SeaORM, for SQLite and PostgreSQL. Each context's ports
//! are implemented in its own module (`accounts`, `audit`, `registry/`); the unit of work
//! in `uow`. This module keeps what they share and the platform's own queries.

use crate::entity::idempotency_key;
use async_trait::async_trait;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, SqlErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sportello_app::ports::*;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Clone)]
pub struct SeaStore {
    pub db: DatabaseConnection,
    /// Comuni and countries by code, read once: they change only with a migration, and
    /// every listing names them row by row.
    pub(crate) reference: std::sync::Arc<tokio::sync::OnceCell<crate::registry::ReferenceCache>>,
}

/// The message of the `DbErr::Custom` a versioned save raises when the record moved on.
pub(crate) const STALE: &str = "sportello:stale";

pub(crate) fn other(e: DbErr) -> StoreError {
    if matches!(&e, DbErr::Custom(m) if m == STALE) {
        return StoreError::Stale;
    }
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(m)) => StoreError::Duplicate(m),
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => StoreError::Referenced,
        _ => match e {
            DbErr::RecordNotFound(_) => StoreError::NotFound,
            e => StoreError::Other(e.to_string()),
        },
    }
}

/// Timestamps are kept to the microsecond, the precision both databases store, so an
/// audit entry hashes the same before and after a round trip.
pub(crate) fn stamp(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t)
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

impl SeaStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            reference: Default::default(),
        }
    }

    /// A write transaction. On SQLite it starts IMMEDIATE (takes the write lock first), so
    /// two writers cannot deadlock on a lock upgrade; on PostgreSQL row locks order them.
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        self.db
            .begin_with_options(TransactionOptions {
                isolation_level: None,
                access_mode: None,
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            })
            .await
    }
}

#[async_trait]
impl PlatformQueries for SeaStore {
    async fn ping(&self) -> StoreResult<()> {
        self.db.ping().await.map_err(other)
    }

    async fn idempotency_get(
        &self,
        scope: &str,
        key: &str,
    ) -> StoreResult<Option<IdempotentResponse>> {
        Ok(
            idempotency_key::Entity::find_by_id((scope.to_owned(), key.to_owned()))
                .one(&self.db)
                .await
                .map_err(other)?
                .map(|m| IdempotentResponse {
                    fingerprint: m.fingerprint,
                    status: m.status as u16,
                    body: m.body,
                }),
        )
    }

    async fn idempotency_purge(&self, before: OffsetDateTime) -> StoreResult<u64> {
        Ok(idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::CreatedAt.lt(stamp(before)))
            .exec(&self.db)
            .await
            .map_err(other)?
            .rows_affected)
    }
}
