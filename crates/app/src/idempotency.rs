//! `Idempotency-Key` for creating POSTs: the same key with the same request returns the
//! stored response; the same key with a different request is refused.

use crate::App;
use crate::error::AppError;
use crate::ports::IdempotentResponse;
use sha2::{Digest, Sha256};
use sportello_domain::access::Actor;

pub enum Replay {
    /// Not seen before: run the command, then `remember` its response.
    Fresh,
    Stored(IdempotentResponse),
}

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

impl App {
    pub async fn idempotency_check(
        &self,
        actor: &Actor,
        key: &str,
        fingerprint: &str,
    ) -> Result<Replay, AppError> {
        if key.is_empty() || key.len() > 200 {
            return Err(AppError::invalid(
                "Idempotency-Key",
                "idempotency_key",
                "L'intestazione Idempotency-Key deve avere da 1 a 200 caratteri",
            ));
        }
        match self.store.idempotency_get(&scope_of(actor), key).await? {
            None => Ok(Replay::Fresh),
            Some(r) if r.fingerprint == fingerprint => Ok(Replay::Stored(r)),
            Some(_) => Err(AppError::Conflict {
                message: "La chiave Idempotency-Key è già stata usata per una richiesta diversa"
                    .into(),
                existing: None,
            }),
        }
    }

    pub async fn idempotency_remember(
        &self,
        actor: &Actor,
        key: &str,
        response: &IdempotentResponse,
    ) -> Result<(), AppError> {
        Ok(self
            .store
            .idempotency_put(&scope_of(actor), key, response)
            .await?)
    }
}
