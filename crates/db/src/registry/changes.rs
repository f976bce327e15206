//! Change requests of self-service users.

use crate::entity::change_request;
use crate::store::{SeaStore, other, stamp};
use crate::uow::SeaTx;
use async_trait::async_trait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use sportello_app::ports::{StoreError, StoreResult};
use sportello_app::registry::ports::*;
use uuid::Uuid;

fn to_change(m: change_request::Model) -> StoreResult<ChangeRequestRecord> {
    let subject = match (m.person_id, m.employer_id) {
        (Some(p), None) => Subject::Person(p),
        (None, Some(e)) => Subject::Employer(e),
        _ => {
            return Err(StoreError::Other(format!(
                "richiesta di modifica {} senza un solo destinatario",
                m.id
            )));
        }
    };
    Ok(ChangeRequestRecord {
        id: m.id,
        subject,
        proposed: serde_json::from_str(&m.proposed)
            .map_err(|e| StoreError::Other(e.to_string()))?,
        proposed_by: m.proposed_by,
        created_at: m.created_at,
        status: ChangeStatus::parse(&m.status)
            .ok_or_else(|| StoreError::Other(format!("stato sconosciuto: {}", m.status)))?,
        decided_by: m.decided_by,
        decided_at: m.decided_at,
        reason: m.reason,
    })
}

fn about(subject: Subject, status: ChangeStatus) -> sea_orm::Select<change_request::Entity> {
    let q = change_request::Entity::find().filter(change_request::Column::Status.eq(status.code()));
    match subject {
        Subject::Person(id) => q.filter(change_request::Column::PersonId.eq(id)),
        Subject::Employer(id) => q.filter(change_request::Column::EmployerId.eq(id)),
    }
}

fn pending_about(subject: Subject) -> sea_orm::Select<change_request::Entity> {
    about(subject, ChangeStatus::Pending).order_by_asc(change_request::Column::Id)
}

/// The requests a query finds, read back as records.
async fn fetch(
    q: sea_orm::Select<change_request::Entity>,
    db: &impl sea_orm::ConnectionTrait,
) -> StoreResult<Vec<ChangeRequestRecord>> {
    q.all(db)
        .await
        .map_err(other)?
        .into_iter()
        .map(to_change)
        .collect()
}

#[async_trait]
impl ChangeQueries for SeaStore {
    async fn pending_changes(&self, subject: Subject) -> StoreResult<Vec<ChangeRequestRecord>> {
        fetch(pending_about(subject), &self.db).await
    }

    async fn refused_since(
        &self,
        subject: Subject,
        since: time::OffsetDateTime,
    ) -> StoreResult<Vec<ChangeRequestRecord>> {
        let q = about(subject, ChangeStatus::Refused)
            .filter(change_request::Column::DecidedAt.gte(stamp(since)))
            .order_by_desc(change_request::Column::DecidedAt);
        fetch(q, &self.db).await
    }
}

#[async_trait]
impl ChangeRepo for SeaTx {
    async fn change_for_update(&mut self, id: Uuid) -> StoreResult<Option<ChangeRequestRecord>> {
        change_request::Entity::find_by_id(id)
            .lock_exclusive()
            .one(&self.txn)
            .await
            .map_err(other)?
            .map(to_change)
            .transpose()
    }

    async fn pending_for_update(
        &mut self,
        subject: Subject,
    ) -> StoreResult<Vec<ChangeRequestRecord>> {
        fetch(pending_about(subject).lock_exclusive(), &self.txn).await
    }

    async fn insert_change(&mut self, c: &ChangeRequestRecord) -> StoreResult<()> {
        let (person, employer) = match c.subject {
            Subject::Person(p) => (Some(p), None),
            Subject::Employer(e) => (None, Some(e)),
        };
        change_request::ActiveModel {
            id: Set(c.id),
            person_id: Set(person),
            employer_id: Set(employer),
            proposed: Set(serde_json::to_string(&c.proposed).unwrap_or_default()),
            proposed_by: Set(c.proposed_by.clone()),
            created_at: Set(stamp(c.created_at)),
            status: Set(c.status.code().to_owned()),
            decided_by: Set(None),
            decided_at: Set(None),
            reason: Set(None),
        }
        .insert(&self.txn)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn close_change(&mut self, c: &ChangeRequestRecord) -> StoreResult<()> {
        change_request::ActiveModel {
            id: Set(c.id),
            status: Set(c.status.code().to_owned()),
            decided_by: Set(c.decided_by.clone()),
            decided_at: Set(c.decided_at.map(stamp)),
            reason: Set(c.reason.clone()),
            ..Default::default()
        }
        .update(&self.txn)
        .await
        .map_err(other)?;
        Ok(())
    }
}
