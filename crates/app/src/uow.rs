//! The unit of work. A use case opens one write transaction, changes records through the
//! repositories it lends, adds the audit entries and outbox messages of the change, and
//! commits them all in one database transaction; dropping it rolls everything back. The
//! store never opens a transaction for a write on its own.

use crate::accounts::ports::{TokenRepo, UserRepo};
use crate::ports::{AuditDraft, IdempotencyClaim, StoreResult};
use crate::registry::ports::{ChangeRepo, EmployerRepo, OfficeRepo, OrganisationRepo, PersonRepo};
use async_trait::async_trait;
use serde_json::Value;

/// A message for other contexts and for the outside (notifications, the regional
/// exchange), written in the same transaction as the change it tells about and delivered
/// later by a worker: none is sent for a change that did not commit, none is lost for one
/// that did.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessage {
    /// What happened, `<entity>.<event>`: `person.created`, `employer.changed`.
    pub topic: String,
    /// The record it is about.
    pub entity_id: String,
    pub payload: Value,
}

impl OutboxMessage {
    pub fn new(topic: impl Into<String>, entity_id: impl ToString, payload: Value) -> Self {
        Self {
            topic: topic.into(),
            entity_id: entity_id.to_string(),
            payload,
        }
    }
}

#[async_trait]
pub trait Db: Send + Sync {
    /// Opens a write transaction. With `claim`, the request's `Idempotency-Key` is recorded
    /// first, in the same transaction: `StoreError::Replayed` if another request holds it
    /// (on PostgreSQL this waits for that request to commit or roll back).
    async fn begin(&self, claim: Option<IdempotencyClaim>) -> StoreResult<Box<dyn WriteTx>>;
}

/// One write transaction, owned by the use case.
#[async_trait]
pub trait WriteTx: Send {
    fn persons(&mut self) -> &mut dyn PersonRepo;
    fn employers(&mut self) -> &mut dyn EmployerRepo;
    fn offices(&mut self) -> &mut dyn OfficeRepo;
    fn organisations(&mut self) -> &mut dyn OrganisationRepo;
    fn changes(&mut self) -> &mut dyn ChangeRepo;
    fn users(&mut self) -> &mut dyn UserRepo;
    fn tokens(&mut self) -> &mut dyn TokenRepo;

    /// Appended to its audit chain at commit, in the order given. The first `create`
    /// entry names the record an `Idempotency-Key` replay answers with.
    fn audit(&mut self, entry: AuditDraft);
    /// Written to the outbox at commit.
    fn publish(&mut self, message: OutboxMessage);
    /// Appends the audit entries and outbox messages, then commits.
    async fn commit(self: Box<Self>) -> StoreResult<()>;
}
