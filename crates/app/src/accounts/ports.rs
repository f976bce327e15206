//! Accounts' ports: users, API tokens and the sessions of signed-in users.

use crate::ports::StoreResult;
use crate::scope::{Authorized, ScopeFilter};
use async_trait::async_trait;
use sportello_domain::access::Scope;
use sportello_domain::role::Role;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub scope: Scope,
    /// The region the scope lies in (`None` for national scopes): what a regional
    /// administrator's listing filters on.
    pub region: Option<String>,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: Uuid,
    pub name: String,
    pub token_hash: String,
    pub role: Role,
    pub scope: Scope,
    /// As for users: the region the scope lies in, `None` for national scopes.
    pub region: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

#[async_trait]
pub trait AccountQueries: Send + Sync {
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>>;
    async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<UserRecord>>;
    /// Users by id, after `after`, within the scope (principals are owned by a region).
    async fn list_users(
        &self,
        scope: &ScopeFilter,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<UserRecord>>;
    async fn token_by_hash(&self, hash: &str) -> StoreResult<Option<TokenRecord>>;
    async fn token_by_id(&self, id: Uuid) -> StoreResult<Option<TokenRecord>>;
    /// Tokens, newest first, within the scope.
    async fn list_tokens(&self, scope: &ScopeFilter) -> StoreResult<Vec<TokenRecord>>;
}

/// Sessions of signed-in users: the web layer's session store sits on these. They are
/// the platform's state, not records: no audit entry, no version.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// The session's data and expiry, if it exists and has not expired.
    async fn session_load(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(String, OffsetDateTime)>>;
    async fn session_save(&self, id: &str, data: &str, expires: OffsetDateTime) -> StoreResult<()>;
    /// Inserts only if the id is free; false on collision.
    async fn session_create(
        &self,
        id: &str,
        data: &str,
        expires: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn session_delete(&self, id: &str) -> StoreResult<()>;
    async fn sessions_purge(&self, now: OffsetDateTime) -> StoreResult<u64>;
}

#[async_trait]
pub trait UserRepo: Send {
    async fn insert_user(&mut self, user: &Authorized<UserRecord>) -> StoreResult<()>;
    /// Changes what an administrator may change of an account.
    async fn update_user(&mut self, user: &Authorized<UserRecord>) -> StoreResult<()>;
    /// A new password hash; the account's failed sign-ins and lock are cleared.
    async fn set_password(&mut self, user: &Authorized<UserRecord>, hash: &str) -> StoreResult<()>;
    /// A successful sign-in: failed attempts and lock cleared.
    async fn clear_failed_logins(&mut self, id: Uuid) -> StoreResult<()>;
    /// Counts one failed sign-in in the database (concurrent failures all count: the
    /// increment holds the row until commit) and locks the account until `lock_until`
    /// when the count reaches `max`, starting it again from 0. Answers whether this
    /// failure locked the account.
    async fn count_failed_login(
        &mut self,
        id: Uuid,
        max: i32,
        lock_until: OffsetDateTime,
    ) -> StoreResult<bool>;
}

#[async_trait]
pub trait TokenRepo: Send {
    async fn insert_token(&mut self, token: &Authorized<TokenRecord>) -> StoreResult<()>;
    /// Revokes the token at `at` (a revoked token stays revoked at its first time).
    async fn revoke_token(
        &mut self,
        token: &Authorized<TokenRecord>,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
}
