//! `Idempotency-Key` for creating POSTs: the same key with the same request answers with
//! what the first request created; the same key with a different request is refused.
//!
//! The key is recorded by the command's own write transaction (the first transaction the
//! request opens takes the claim, `App::begin`), so two concurrent retries cannot both run the command and a
//! crash after the commit cannot lose the key: zero2prod's `try_processing`, with the
//! created record's id instead of a copy of the response.

use crate::App;
use crate::error::AppError;
use crate::ports::{IdempotencyClaim, IdempotentResponse};
use sha2::{Digest, Sha256};
use sportello_domain::access::Actor;
use std::cell::RefCell;
use std::future::Future;

pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    hex::encode(h.finalize())
}

fn scope_of(actor: &Actor) -> String {
    actor
        .token_id
        .or(actor.user_id)
        .map(|i| i.to_string())
        .unwrap_or_else(|| actor.name.clone())
}

tokio::task_local! {
    /// The claim of the request being served, until its first write transaction takes it.
    static CLAIM: RefCell<Option<IdempotencyClaim>>;
}

/// The claim for the request's first write transaction, if the request has one.
pub(crate) fn take_claim() -> Option<IdempotencyClaim> {
    CLAIM.try_with(|c| c.borrow_mut().take()).ok().flatten()
}

/// How long a key is remembered: a client retries within minutes, never a day later.
pub const RETENTION: time::Duration = time::Duration::hours(24);

/// What a request with an `Idempotency-Key` finds.
pub enum Replay {
    /// Not seen before: run the command inside `App::with_idempotency_key`.
    Fresh,
    /// Already done: answer with the record it created (its id).
    Created(String),
}

impl App {
    /// The periodic sweep: expired sessions and idempotency keys past `RETENTION`.
    /// Answers how many of each went.
    pub async fn sweep(&self, now: time::OffsetDateTime) -> Result<(u64, u64), AppError> {
        let sessions = self.store.sessions_purge(now).await?;
        let keys = self.store.idempotency_purge(now - RETENTION).await?;
        Ok((sessions, keys))
    }

    fn claim(actor: &Actor, key: &str, fingerprint: &str) -> Result<IdempotencyClaim, AppError> {
        if key.is_empty() || key.len() > 200 || key.chars().any(|c| c.is_control()) {
            return Err(AppError::invalid(
                "Idempotency-Key",
                "idempotency_key",
                "L'intestazione Idempotency-Key deve avere da 1 a 200 caratteri stampabili",
            ));
        }
        Ok(IdempotencyClaim {
            scope: scope_of(actor),
            key: key.to_owned(),
            fingerprint: fingerprint.to_owned(),
        })
    }

    /// Whether the key was used: by this same request (replay) or by another (409).
    pub async fn idempotency_check(
        &self,
        actor: &Actor,
        key: &str,
        fingerprint: &str,
    ) -> Result<Replay, AppError> {
        let claim = Self::claim(actor, key, fingerprint)?;
        match self.store.idempotency_get(&claim.scope, &claim.key).await? {
            None => Ok(Replay::Fresh),
            Some(r) => Self::replay(&claim, r),
        }
    }

    fn replay(claim: &IdempotencyClaim, r: IdempotentResponse) -> Result<Replay, AppError> {
        if r.fingerprint == claim.fingerprint {
            Ok(Replay::Created(r.body))
        } else {
            Err(AppError::Conflict {
                message: "La chiave Idempotency-Key è già stata usata per una richiesta diversa"
                    .into(),
                existing: None,
            })
        }
    }

    /// Runs `command` with the key claimed by its first write transaction. If a concurrent request
    /// with the same key committed first, the command's write was rolled back and this
    /// answers like a replay.
    pub async fn with_idempotency_key<T, F>(
        &self,
        actor: &Actor,
        key: &str,
        fingerprint: &str,
        command: F,
    ) -> Result<Result<T, Replay>, AppError>
    where
        F: Future<Output = Result<T, AppError>>,
    {
        let claim = Self::claim(actor, key, fingerprint)?;
        match CLAIM
            .scope(RefCell::new(Some(claim.clone())), command)
            .await
        {
            Ok(v) => Ok(Ok(v)),
            // The concurrent twin committed first: either our write found the key taken,
            // or our own checks already saw its record (as a duplicate). Answer with it.
            Err(e) => match self.store.idempotency_get(&claim.scope, &claim.key).await? {
                Some(stored) => Self::replay(&claim, stored).map(Err),
                None if matches!(e, AppError::Replayed) => {
                    Err(AppError::Internal("chiave di idempotenza sparita".into()))
                }
                None => Err(e),
            },
        }
    }
}
