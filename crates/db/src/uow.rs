//! The unit of work over SeaORM: one database transaction per command, lending the
//! repositories of every context (implemented in their modules on `SeaTx`), with the audit
//! entries and outbox messages appended at commit.

use crate::entity::{idempotency_key, outbox};
use crate::store::{SeaStore, other, stamp};
use async_trait::async_trait;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set};
use sportello_app::accounts::ports::{TokenRepo, UserRepo};
use sportello_app::ports::{AuditDraft, IdempotencyClaim, StoreError, StoreResult};
use sportello_app::registry::ports::{
    ChangeRepo, EmployerRepo, OfficeRepo, OrganisationRepo, PersonRepo,
};
use sportello_app::uow::{Db, OutboxMessage, WriteTx};
use time::OffsetDateTime;

pub struct SeaTx {
    pub(crate) txn: DatabaseTransaction,
    audits: Vec<AuditDraft>,
    outbox: Vec<OutboxMessage>,
    claim: Option<IdempotencyClaim>,
}

#[async_trait]
impl Db for SeaStore {
    async fn begin(&self, claim: Option<IdempotencyClaim>) -> StoreResult<Box<dyn WriteTx>> {
        let txn = self.begin_write().await.map_err(other)?;
        if let Some(c) = &claim
            && !claim_key(&txn, c).await.map_err(other)?
        {
            txn.rollback().await.map_err(other)?;
            return Err(StoreError::Replayed);
        }
        Ok(Box::new(SeaTx {
            txn,
            audits: Vec::new(),
            outbox: Vec::new(),
            claim,
        }))
    }
}

/// Records an `Idempotency-Key` in the command's transaction, before the command changes
/// anything. False if the key is already taken: on PostgreSQL a concurrent holder makes
/// this wait for its commit, on SQLite the immediate transaction already did.
async fn claim_key(txn: &DatabaseTransaction, claim: &IdempotencyClaim) -> Result<bool, DbErr> {
    let model = idempotency_key::ActiveModel {
        scope: Set(claim.scope.clone()),
        key: Set(claim.key.clone()),
        fingerprint: Set(claim.fingerprint.clone()),
        status: Set(201),
        body: Set(String::new()),
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

/// Rows per multi-row INSERT: well under both databases' limit on bound parameters.
pub(crate) const BATCH: usize = 200;

#[async_trait]
impl WriteTx for SeaTx {
    fn persons(&mut self) -> &mut dyn PersonRepo {
        self
    }
    fn employers(&mut self) -> &mut dyn EmployerRepo {
        self
    }
    fn offices(&mut self) -> &mut dyn OfficeRepo {
        self
    }
    fn organisations(&mut self) -> &mut dyn OrganisationRepo {
        self
    }
    fn changes(&mut self) -> &mut dyn ChangeRepo {
        self
    }
    fn users(&mut self) -> &mut dyn UserRepo {
        self
    }
    fn tokens(&mut self) -> &mut dyn TokenRepo {
        self
    }

    fn audit(&mut self, entry: AuditDraft) {
        self.audits.push(entry);
    }

    fn publish(&mut self, message: OutboxMessage) {
        self.outbox.push(message);
    }

    async fn commit(self: Box<Self>) -> StoreResult<()> {
        let SeaTx {
            txn,
            audits,
            outbox: messages,
            claim,
        } = *self;
        let created = audits
            .iter()
            .find(|a| a.action == "create")
            .and_then(|a| a.entity_id.clone());
        crate::audit::append_all(&txn, audits)
            .await
            .map_err(other)?;
        let at = stamp(OffsetDateTime::now_utc());
        for chunk in messages.chunks(BATCH) {
            outbox::Entity::insert_many(chunk.iter().map(|m| outbox::ActiveModel {
                id: sea_orm::ActiveValue::NotSet,
                topic: Set(m.topic.clone()),
                entity_id: Set(m.entity_id.clone()),
                payload: Set(m.payload.to_string()),
                created_at: Set(at),
                attempts: Set(0),
                processed_at: Set(None),
            }))
            .exec_without_returning(&txn)
            .await
            .map_err(other)?;
        }
        if let (Some(claim), Some(created)) = (claim, created) {
            idempotency_key::Entity::update_many()
                .col_expr(
                    idempotency_key::Column::Body,
                    sea_orm::sea_query::Expr::value(created),
                )
                .filter(idempotency_key::Column::Scope.eq(claim.scope))
                .filter(idempotency_key::Column::Key.eq(claim.key))
                .exec(&txn)
                .await
                .map_err(other)?;
        }
        txn.commit().await.map_err(other)
    }
}
