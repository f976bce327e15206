//! The `Store` port implemented over SeaORM.

use crate::entity::{api_token, audit_head, audit_log, idempotency_key, session, user};
use async_trait::async_trait;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use sportello_app::ports::*;
use sportello_domain::access::Scope;
use sportello_domain::audit::{EntryContent, Head, StoredEntry, chain_for, link_hash};
use sportello_domain::role::Role;
use std::future::Future;
use std::pin::Pin;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

#[derive(Clone)]
pub struct SeaStore {
    pub db: DatabaseConnection,
    /// Comuni and countries by code, read once: they change only with a migration, and
    /// every listing names them row by row.
    pub(crate) reference: std::sync::Arc<tokio::sync::OnceCell<crate::registry::ReferenceCache>>,
}

type TxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DbErr>> + Send + 'a>>;

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

fn rfc3339(t: OffsetDateTime) -> String {
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

    /// Changes the columns `model` sets on one user row, with its audit entry.
    async fn update_user_row(
        &self,
        model: user::ActiveModel,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        self.write(Some(audit), |txn| {
            Box::pin(async move {
                model.update(txn).await?;
                Ok(())
            })
        })
        .await
    }

    /// Runs `f` and appends `audit` in one write transaction. On SQLite the transaction
    /// starts IMMEDIATE (takes the write lock first), so two writers cannot deadlock on a
    /// lock upgrade; on PostgreSQL the audit head row lock orders the appends.
    pub async fn write<T: Send>(
        &self,
        audit: Option<AuditDraft>,
        f: impl for<'a> FnOnce(&'a DatabaseTransaction) -> TxFuture<'a, T> + Send,
    ) -> StoreResult<T> {
        let txn = self
            .db
            .begin_with_options(TransactionOptions {
                isolation_level: None,
                access_mode: None,
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            })
            .await
            .map_err(other)?;
        let mut audit = audit;
        if let Some(claim) = audit.as_mut().and_then(|a| a.claim.take()) {
            let created = audit.as_ref().and_then(|a| a.entity_id.clone());
            if !claim_key(&txn, claim, created).await.map_err(other)? {
                txn.rollback().await.map_err(other)?;
                return Err(StoreError::Replayed);
            }
        }
        let out = f(&txn).await.map_err(other)?;
        if let Some(a) = audit {
            append(&txn, a).await.map_err(other)?;
        }
        txn.commit().await.map_err(other)?;
        Ok(out)
    }
}

/// Records an `Idempotency-Key` in the command's transaction, before the command runs.
/// False if the key is already taken: on PostgreSQL a concurrent holder makes this wait for
/// its commit, on SQLite the immediate transaction already did.
async fn claim_key(
    txn: &DatabaseTransaction,
    claim: IdempotencyClaim,
    created: Option<String>,
) -> Result<bool, DbErr> {
    let model = idempotency_key::ActiveModel {
        scope: Set(claim.scope),
        key: Set(claim.key),
        fingerprint: Set(claim.fingerprint),
        status: Set(201),
        body: Set(created.unwrap_or_default()),
        created_at: Set(stamp(OffsetDateTime::now_utc())),
    };
    let inserted = idempotency_key::Entity::insert(model)
        .on_conflict(
            OnConflict::columns([idempotency_key::Column::Scope, idempotency_key::Column::Key])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(inserted == 1)
}

async fn append(txn: &DatabaseTransaction, a: AuditDraft) -> Result<(), DbErr> {
    let chain = chain_for(&a.entity, a.entity_id.as_deref());
    let head = audit_head::Entity::find_by_id(chain)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let at = stamp(OffsetDateTime::now_utc());
    let content = EntryContent {
        seq: head.seq + 1,
        at: rfc3339(at),
        actor: a.actor,
        role: a.role,
        action: a.action,
        entity: a.entity,
        entity_id: a.entity_id,
        before: a.before.map(|v| v.to_string()),
        after: a.after.map(|v| v.to_string()),
        address: a.address,
    };
    let hash = link_hash(&head.hash, &content);
    audit_log::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        chain: Set(chain),
        seq: Set(content.seq),
        at: Set(at),
        actor: Set(content.actor),
        role: Set(content.role),
        action: Set(content.action),
        entity: Set(content.entity),
        entity_id: Set(content.entity_id),
        before: Set(content.before),
        after: Set(content.after),
        address: Set(content.address),
        prev_hash: Set(head.hash),
        hash: Set(hash.clone()),
    }
    .insert(txn)
    .await?;
    audit_head::ActiveModel {
        id: Set(chain),
        seq: Set(content.seq),
        hash: Set(hash),
    }
    .update(txn)
    .await?;
    Ok(())
}

fn to_entry(m: audit_log::Model) -> StoredEntry {
    StoredEntry {
        id: m.id,
        chain: m.chain,
        content: EntryContent {
            seq: m.seq,
            at: rfc3339(m.at),
            actor: m.actor,
            role: m.role,
            action: m.action,
            entity: m.entity,
            entity_id: m.entity_id,
            before: m.before,
            after: m.after,
            address: m.address,
        },
        prev_hash: m.prev_hash,
        hash: m.hash,
    }
}

fn parse_role(s: &str) -> Result<Role, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Other(format!("ruolo sconosciuto nel database: {s}")))
}

fn parse_scope(kind: &str, reference: Option<&str>) -> Result<Scope, StoreError> {
    Scope::from_parts(kind, reference)
        .ok_or_else(|| StoreError::Other(format!("ambito non valido nel database: {kind}")))
}

fn to_user(m: user::Model) -> StoreResult<UserRecord> {
    Ok(UserRecord {
        role: parse_role(&m.role)?,
        scope: parse_scope(&m.scope_kind, m.scope_ref.as_deref())?,
        region: m.region,
        id: m.id,
        username: m.username,
        display_name: m.display_name,
        email: m.email,
        password_hash: m.password_hash,
        active: m.active,
        failed_logins: m.failed_logins,
        locked_until: m.locked_until,
        created_at: m.created_at,
    })
}

fn to_token(m: api_token::Model) -> StoreResult<TokenRecord> {
    Ok(TokenRecord {
        role: parse_role(&m.role)?,
        scope: parse_scope(&m.scope_kind, m.scope_ref.as_deref())?,
        region: m.region,
        id: m.id,
        name: m.name,
        token_hash: m.token_hash,
        created_by: m.created_by,
        created_at: m.created_at,
        expires_at: m.expires_at,
        revoked_at: m.revoked_at,
    })
}

#[async_trait]
impl Store for SeaStore {
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_user)
            .transpose()
    }

    async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<UserRecord>> {
        user::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_user)
            .transpose()
    }

    async fn insert_user(&self, u: &UserRecord, audit: AuditDraft) -> StoreResult<()> {
        let (kind, reference) = u.scope.to_parts();
        let model = user::ActiveModel {
            id: Set(u.id),
            username: Set(u.username.clone()),
            display_name: Set(u.display_name.clone()),
            email: Set(u.email.clone()),
            password_hash: Set(u.password_hash.clone()),
            role: Set(u.role.code().to_owned()),
            scope_kind: Set(kind.to_owned()),
            scope_ref: Set(reference),
            region: Set(u.region.clone()),
            active: Set(u.active),
            failed_logins: Set(u.failed_logins),
            locked_until: Set(u.locked_until),
            created_at: Set(stamp(u.created_at)),
            updated_at: Set(stamp(u.created_at)),
        };
        self.write(Some(audit), |txn| {
            Box::pin(async move {
                model.insert(txn).await?;
                Ok(())
            })
        })
        .await
    }

    async fn list_users(
        &self,
        region: Option<&str>,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<UserRecord>> {
        let mut q = user::Entity::find().order_by_asc(user::Column::Id);
        if let Some(r) = region {
            q = q.filter(user::Column::Region.eq(r));
        }
        if let Some(a) = after {
            q = q.filter(user::Column::Id.gt(a));
        }
        q.limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_user)
            .collect()
    }

    async fn update_login_state(
        &self,
        user_id: Uuid,
        failed_logins: i32,
        locked_until: Option<OffsetDateTime>,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        self.update_user_row(
            user::ActiveModel {
                id: Set(user_id),
                failed_logins: Set(failed_logins),
                locked_until: Set(locked_until.map(stamp)),
                ..Default::default()
            },
            audit,
        )
        .await
    }

    async fn update_user(
        &self,
        id: Uuid,
        display_name: &str,
        email: Option<&str>,
        active: bool,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        let model = user::ActiveModel {
            id: Set(id),
            display_name: Set(display_name.to_owned()),
            email: Set(email.map(str::to_owned)),
            active: Set(active),
            updated_at: Set(stamp(OffsetDateTime::now_utc())),
            ..Default::default()
        };
        self.update_user_row(model, audit).await
    }

    async fn set_password(&self, id: Uuid, hash: &str, audit: AuditDraft) -> StoreResult<()> {
        let model = user::ActiveModel {
            id: Set(id),
            password_hash: Set(hash.to_owned()),
            failed_logins: Set(0),
            locked_until: Set(None),
            updated_at: Set(stamp(OffsetDateTime::now_utc())),
            ..Default::default()
        };
        self.update_user_row(model, audit).await
    }

    async fn record_failed_login(
        &self,
        user_id: Uuid,
        max: i32,
        lock_until: OffsetDateTime,
        audit: AuditDraft,
    ) -> StoreResult<bool> {
        use sea_orm::sea_query::{Expr, ExprTrait};
        self.write(Some(audit), |txn| {
            Box::pin(async move {
                // An increment in the database, not a value computed from an earlier read:
                // the UPDATE holds the row until commit, so parallel failures queue and count.
                user::Entity::update_many()
                    .col_expr(
                        user::Column::FailedLogins,
                        Expr::col(user::Column::FailedLogins).add(1),
                    )
                    .filter(user::Column::Id.eq(user_id))
                    .exec(txn)
                    .await?;
                let failed = user::Entity::find_by_id(user_id)
                    .one(txn)
                    .await?
                    .map_or(0, |u| u.failed_logins);
                if failed < max {
                    return Ok(false);
                }
                user::ActiveModel {
                    id: Set(user_id),
                    failed_logins: Set(0),
                    locked_until: Set(Some(stamp(lock_until))),
                    ..Default::default()
                }
                .update(txn)
                .await?;
                Ok(true)
            })
        })
        .await
    }

    async fn insert_token(&self, t: &TokenRecord, audit: AuditDraft) -> StoreResult<()> {
        let (kind, reference) = t.scope.to_parts();
        let model = api_token::ActiveModel {
            id: Set(t.id),
            name: Set(t.name.clone()),
            token_hash: Set(t.token_hash.clone()),
            role: Set(t.role.code().to_owned()),
            scope_kind: Set(kind.to_owned()),
            scope_ref: Set(reference),
            region: Set(t.region.clone()),
            created_by: Set(t.created_by),
            created_at: Set(stamp(t.created_at)),
            expires_at: Set(t.expires_at.map(stamp)),
            revoked_at: Set(None),
        };
        self.write(Some(audit), |txn| {
            Box::pin(async move {
                model.insert(txn).await?;
                Ok(())
            })
        })
        .await
    }

    async fn token_by_hash(&self, hash: &str) -> StoreResult<Option<TokenRecord>> {
        api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(hash))
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_token)
            .transpose()
    }

    async fn token_by_id(&self, id: Uuid) -> StoreResult<Option<TokenRecord>> {
        api_token::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_token)
            .transpose()
    }

    async fn list_tokens(&self, region: Option<&str>) -> StoreResult<Vec<TokenRecord>> {
        let mut q = api_token::Entity::find();
        if let Some(r) = region {
            q = q.filter(api_token::Column::Region.eq(r));
        }
        q.order_by_desc(api_token::Column::CreatedAt)
            .limit(500)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_token)
            .collect()
    }

    async fn revoke_token(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        self.write(Some(audit), |txn| {
            Box::pin(async move {
                let found = api_token::Entity::find_by_id(id)
                    .one(txn)
                    .await?
                    .ok_or_else(|| DbErr::RecordNotFound("api_token".into()))?;
                if found.revoked_at.is_none() {
                    api_token::ActiveModel {
                        id: Set(id),
                        revoked_at: Set(Some(stamp(at))),
                        ..Default::default()
                    }
                    .update(txn)
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn session_load(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(String, OffsetDateTime)>> {
        Ok(session::Entity::find_by_id(id.to_owned())
            .filter(session::Column::ExpiresAt.gt(stamp(now)))
            .one(&self.db)
            .await
            .map_err(other)?
            .map(|s| (s.data, s.expires_at)))
    }

    async fn session_save(&self, id: &str, data: &str, expires: OffsetDateTime) -> StoreResult<()> {
        let model = session::ActiveModel {
            id: Set(id.to_owned()),
            data: Set(data.to_owned()),
            expires_at: Set(stamp(expires)),
        };
        self.write(None, |txn| {
            Box::pin(async move {
                session::Entity::insert(model)
                    .on_conflict(
                        OnConflict::column(session::Column::Id)
                            .update_columns([session::Column::Data, session::Column::ExpiresAt])
                            .to_owned(),
                    )
                    .exec(txn)
                    .await?;
                Ok(())
            })
        })
        .await
    }

    async fn session_create(
        &self,
        id: &str,
        data: &str,
        expires: OffsetDateTime,
    ) -> StoreResult<bool> {
        let model = session::ActiveModel {
            id: Set(id.to_owned()),
            data: Set(data.to_owned()),
            expires_at: Set(stamp(expires)),
        };
        match self
            .write(None, |txn| {
                Box::pin(async move {
                    model.insert(txn).await?;
                    Ok(())
                })
            })
            .await
        {
            Ok(()) => Ok(true),
            Err(StoreError::Duplicate(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn session_delete(&self, id: &str) -> StoreResult<()> {
        session::Entity::delete_by_id(id.to_owned())
            .exec(&self.db)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn sessions_purge(&self, now: OffsetDateTime) -> StoreResult<u64> {
        Ok(session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(stamp(now)))
            .exec(&self.db)
            .await
            .map_err(other)?
            .rows_affected)
    }

    async fn idempotency_purge(&self, before: OffsetDateTime) -> StoreResult<u64> {
        Ok(idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::CreatedAt.lt(stamp(before)))
            .exec(&self.db)
            .await
            .map_err(other)?
            .rows_affected)
    }

    async fn audit_append(&self, audit: AuditDraft) -> StoreResult<()> {
        self.write(Some(audit), |_| Box::pin(async { Ok(()) }))
            .await
    }

    async fn audit_search(&self, f: &AuditFilter, limit: u64) -> StoreResult<Vec<StoredEntry>> {
        let mut q = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
        if let Some(v) = &f.actor {
            q = q.filter(audit_log::Column::Actor.eq(v.as_str()));
        }
        if let Some(v) = &f.entity {
            q = q.filter(audit_log::Column::Entity.eq(v.as_str()));
        }
        if let Some(v) = &f.entity_id {
            q = q.filter(audit_log::Column::EntityId.eq(v.as_str()));
        }
        if let Some(v) = &f.action {
            q = q.filter(audit_log::Column::Action.eq(v.as_str()));
        }
        if let Some(v) = f.from {
            q = q.filter(audit_log::Column::At.gte(stamp(v)));
        }
        if let Some(v) = f.to {
            q = q.filter(audit_log::Column::At.lt(stamp(v)));
        }
        if let Some(v) = f.before_id {
            q = q.filter(audit_log::Column::Id.lt(v));
        }
        Ok(q.limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_entry)
            .collect())
    }

    async fn audit_scan(
        &self,
        chain: i32,
        after_seq: i64,
        limit: u64,
    ) -> StoreResult<Vec<StoredEntry>> {
        Ok(audit_log::Entity::find()
            .filter(audit_log::Column::Chain.eq(chain))
            .filter(audit_log::Column::Seq.gt(after_seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_entry)
            .collect())
    }

    async fn audit_heads(&self) -> StoreResult<Vec<Head>> {
        Ok(audit_head::Entity::find()
            .order_by_asc(audit_head::Column::Id)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(|h| Head {
                chain: h.id,
                seq: h.seq,
                hash: h.hash,
            })
            .collect())
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

    async fn ping(&self) -> StoreResult<()> {
        self.db.ping().await.map_err(other)
    }
}
