//! API tokens: issued by an administrator for one role and scope, shown once, stored as
//! a SHA-256 hash (they are long random strings, so a slow hash adds nothing).

use crate::accounts::audit_draft;
use crate::error::AppError;
use crate::ports::TokenRecord;
use crate::{App, now};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sportello_domain::access::{Actor, Permission, Scope};
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
            Some(a) if !a.may(Permission::TokensManage) => return Err(AppError::Forbidden),
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
        let mut audit = audit_draft(actor, "create", "api_token", Some(record.id.to_string()));
        audit.after = Some(json!(view));
        self.store.insert_token(&record, audit).await?;
        Ok((secret, view))
    }

    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<TokenView>, AppError> {
        if !actor.may(Permission::TokensManage) {
            return Err(AppError::Forbidden);
        }
        let region = crate::accounts::principal_region(actor)?;
        Ok(self
            .store
            .list_tokens(region.as_deref())
            .await?
            .iter()
            .map(TokenView::from)
            .collect())
    }

    /// One token, if it lies in the administrator's region.
    pub async fn get_token(&self, actor: &Actor, id: Uuid) -> Result<TokenView, AppError> {
        if !actor.may(Permission::TokensManage) {
            return Err(AppError::Forbidden);
        }
        match self.store.token_by_id(id).await? {
            Some(t) if crate::accounts::principal_visible(actor, t.region.as_deref()) => {
                Ok(TokenView::from(&t))
            }
            _ => Err(AppError::NotFound),
        }
    }

    pub async fn revoke_token(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        if !actor.may(Permission::TokensManage) {
            return Err(AppError::Forbidden);
        }
        // A token outside the actor's region does not exist for them.
        match self.store.token_by_id(id).await? {
            Some(t) if crate::accounts::principal_visible(actor, t.region.as_deref()) => {}
            _ => return Err(AppError::NotFound),
        }
        let audit = audit_draft(actor, "revoke", "api_token", Some(id.to_string()));
        Ok(self.store.revoke_token(id, now(), audit).await?)
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
