//! Reading and verifying the audit log.

pub mod ports;

use crate::App;
use crate::error::AppError;
use ports::AuditFilter;
use sportello_domain::access::Actor;
use sportello_domain::audit::AUDIT_READ;
use sportello_domain::audit::{CHAINS, ChainBreak, ChainVerifier, GENESIS, Head, StoredEntry};

/// The outcome of walking every chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Entries found intact before the first break (or all of them).
    pub checked: u64,
    /// Places from signed checkpoints that were compared.
    pub pins: usize,
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
        if !actor.may(AUDIT_READ) {
            return Err(AppError::Forbidden);
        }
        Ok(self.store.audit_search(filter, limit.clamp(1, 500)).await?)
    }

    /// Every chain's head now: what `sportello audit checkpoint` signs.
    pub async fn audit_heads(&self) -> Result<Vec<Head>, AppError> {
        Ok(self.store.audit_heads().await?)
    }

    /// Walks every chain from its first entry, then compares its end with its head and
    /// with `pins`, the heads signed in checkpoints (already checked for their signature):
    /// reports the first broken link, removed last entries, or a chain shorter than a
    /// checkpoint says it was.
    pub async fn verify_audit(&self, pins: &[Head]) -> Result<Verification, AppError> {
        let heads = self.store.audit_heads().await?;
        let mut checked = 0;
        let broken = |checked, b| Verification {
            checked,
            pins: pins.len(),
            first_break: Some(b),
        };
        for chain in 1..=CHAINS {
            // A missing head row is an empty chain's: entries in it are then reported.
            let head = heads
                .iter()
                .find(|h| h.chain == chain)
                .cloned()
                .unwrap_or(Head {
                    chain,
                    seq: 0,
                    hash: GENESIS.to_owned(),
                });
            let mut v = ChainVerifier::new(chain, pins.iter().cloned());
            let mut after = 0;
            loop {
                let batch = self.store.audit_scan(chain, after, VERIFY_BATCH).await?;
                let Some(last) = batch.last() else { break };
                after = last.content.seq;
                for e in &batch {
                    if let Err(b) = v.check(e) {
                        return Ok(broken(checked + v.checked(), b));
                    }
                }
            }
            if let Err(b) = v.finish(&head) {
                return Ok(broken(checked + v.checked(), b));
            }
            checked += v.checked();
        }
        Ok(Verification {
            checked,
            pins: pins.len(),
            first_break: None,
        })
    }
}

/// 32 random bytes for a new checkpoint signing key, from the operating system.
pub fn new_checkpoint_secret() -> [u8; 32] {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut secret = [0u8; 32];
    OsRng.fill_bytes(&mut secret);
    secret
}
