//! Reading and verifying the audit log.

use crate::App;
use crate::error::AppError;
use crate::ports::AuditFilter;
use sportello_domain::access::{Actor, Permission};
use sportello_domain::audit::{ChainBreak, ChainVerifier, StoredEntry};

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: u64,
    pub first_break: Option<ChainBreak>,
}

const VERIFY_BATCH: u64 = 5_000;

impl App {
    pub async fn search_audit(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, AppError> {
        if !actor.may(Permission::AuditRead) {
            return Err(AppError::Forbidden);
        }
        Ok(self.store.audit_search(filter, limit.clamp(1, 500)).await?)
    }

    /// Walks the chain from the first entry and reports the first broken link.
    pub async fn verify_audit(&self) -> Result<Verification, AppError> {
        let mut verifier = ChainVerifier::default();
        let mut after = 0;
        loop {
            let batch = self.store.audit_scan(after, VERIFY_BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.content.seq;
            for e in &batch {
                if let Err(b) = verifier.check(e) {
                    return Ok(Verification {
                        checked: verifier.checked(),
                        first_break: Some(b),
                    });
                }
            }
        }
        Ok(Verification {
            checked: verifier.checked(),
            first_break: None,
        })
    }
}
