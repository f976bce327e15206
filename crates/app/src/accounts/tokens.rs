//! API tokens: issued by an administrator for one role and scope, shown once, stored as
//! a SHA-256 hash (they are long random strings, so a slow hash adds nothing).

use super::audit_draft;
use super::ports::TokenRecord;
use crate::error::AppError;
use crate::scope::{Owned, ScopeFilter, authorize_change, authorize_read, region_owners};
use crate::{App, now};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sportello_domain::access::{Actor, Scope};
use sportello_domain::accounts::TOKENS_MANAGE;
use sportello_domain::role::Role;
use time::OffsetDateTime;
use uuid::Uuid;

pub const TOKEN_PREFIX: &str = "spt_";

#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub scope: Scope,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<&TokenRecord> for TokenView {
    fn from(t: &TokenRecord) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            role: t.role,
            scope: t.scope.clone(),
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A token belongs to the region its scope lies in, like a user.
impl Owned for TokenRecord {
    fn owners(&self) -> sportello_domain::access::Owners {
        region_owners(self.region.as_deref())
    }
}

pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl App {
    /// Issues a token; the secret is returned here and never again.
    pub async fn issue_token(
        &self,
        actor: Option<&Actor>,
        name: &str,
        role: Role,
        scope: Scope,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<(String, TokenView), AppError> {
        let system = crate::accounts::system_actor();
        let actor = match actor {
            Some(a) if !a.may(TOKENS_MANAGE) => return Err(AppError::Forbidden),
            Some(a) => a,
            None => &system,
        };
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "name",
                "required",
                "Indicare un nome per il token (al massimo 100 caratteri)",
            ));
        }
        if role.scope_kind() != scope.kind() {
            return Err(AppError::invalid(
                "scope",
                "scope_mismatch",
                format!("L'ambito non è adatto al ruolo «{}»", role.label()),
            ));
        }
        let region = self
            .grantable(actor, &scope)
            .await
            .map_err(|e| AppError::Validation(vec![e]))?;
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        let secret = format!(
            "{TOKEN_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        );
        let record = TokenRecord {
            id: Uuid::now_v7(),
            name: name.to_owned(),
            token_hash: hash_token(&secret),
            role,
            scope,
            region,
            created_by: actor.user_id,
            created_at: now(),
            expires_at,
            revoked_at: None,
        };
        let view = TokenView::from(&record);
        let mut tx = self.begin().await?;
        let record = authorize_change(actor, TOKENS_MANAGE, None, record, || {
            AppError::invalid(
                "scope",
                "out_of_scope",
                super::not_in_scope(view.scope.kind()),
            )
        })?;
        tx.tokens().insert_token(&record).await?;
        let mut audit = audit_draft(actor, "create", "api_token", Some(record.id.to_string()));
        audit.after = Some(json!(view));
        tx.audit(audit);
        tx.commit().await?;
        Ok((secret, view))
    }

    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<TokenView>, AppError> {
        if !actor.may(TOKENS_MANAGE) {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store
            .list_tokens(&ScopeFilter::of(actor))
            .await?
            .iter()
            .map(TokenView::from)
            .collect())
    }

    /// One token, if it lies in the administrator's region.
    pub async fn get_token(&self, actor: &Actor, id: Uuid) -> Result<TokenView, AppError> {
        let t = authorize_read(actor, TOKENS_MANAGE, self.store.token_by_id(id).await?)?;
        Ok(TokenView::from(&t))
    }

    pub async fn revoke_token(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        // A token outside the actor's region does not exist for them.
        let t = authorize_read(actor, TOKENS_MANAGE, self.store.token_by_id(id).await?)?;
        let t = authorize_change(actor, TOKENS_MANAGE, Some(&t), t.clone(), || {
            AppError::NotFound
        })?;
        let mut tx = self.begin().await?;
        tx.tokens().revoke_token(&t, now()).await?;
        tx.audit(audit_draft(
            actor,
            "revoke",
            "api_token",
            Some(id.to_string()),
        ));
        Ok(tx.commit().await?)
    }

    /// The actor behind a bearer token, if the token is known, live and not revoked.
    pub async fn authenticate_token(&self, secret: &str) -> Result<Actor, AppError> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated);
        }
        let t = self
            .store
            .token_by_hash(&hash_token(secret))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let at = now();
        if t.revoked_at.is_some() || t.expires_at.is_some_and(|e| e <= at) {
            return Err(AppError::Unauthenticated);
        }
        Ok(Actor {
            user_id: None,
            token_id: Some(t.id),
            name: format!("token:{}", t.name),
            role: t.role,
            scope: t.scope,
        })
    }
}
