//! The audit log over SeaORM: entries appended at commit by the unit of work, each to
//! one of the chains, and the queries that read and verify them.

use crate::entity::{audit_head, audit_log};
use crate::store::{SeaStore, other, rfc3339, stamp};
use async_trait::async_trait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use sportello_app::audit::ports::{AuditFilter, AuditQueries};
use sportello_app::ports::{AuditDraft, StoreResult};
use sportello_domain::audit::{EntryContent, Head, StoredEntry, chain_for, link_hash};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Appends a transaction's entries to their chains. Each chain's head is locked once, in
/// chain order (two commits never wait on each other in a cycle), the entries linked in
/// the order given, and inserted in batches; writes whose entries fall in different
/// chains do not wait on each other at all.
pub(crate) async fn append_all(
    txn: &DatabaseTransaction,
    drafts: Vec<AuditDraft>,
) -> Result<(), DbErr> {
    if drafts.is_empty() {
        return Ok(());
    }
    let mut by_chain: BTreeMap<i32, Vec<AuditDraft>> = BTreeMap::new();
    for d in drafts {
        by_chain
            .entry(chain_for(&d.entity, d.entity_id.as_deref()))
            .or_default()
            .push(d);
    }
    let at = stamp(OffsetDateTime::now_utc());
    let mut rows = Vec::new();
    for (chain, entries) in by_chain {
        let head = audit_head::Entity::find_by_id(chain)
            .lock_exclusive()
            .one(txn)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
        let (mut seq, mut prev) = (head.seq, head.hash);
        for a in entries {
            seq += 1;
            let content = EntryContent {
                seq,
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
            let hash = link_hash(&prev, &content);
            rows.push(audit_log::ActiveModel {
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
                prev_hash: Set(prev),
                hash: Set(hash.clone()),
            });
            prev = hash;
        }
        audit_head::ActiveModel {
            id: Set(chain),
            seq: Set(seq),
            hash: Set(prev),
        }
        .update(txn)
        .await?;
    }
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(crate::uow::BATCH));
        audit_log::Entity::insert_many(std::mem::replace(&mut rows, rest))
            .exec_without_returning(txn)
            .await?;
    }
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

#[async_trait]
impl AuditQueries for SeaStore {
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
}
