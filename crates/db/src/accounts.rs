//! Accounts over SeaORM: users, API tokens and sessions.

use crate::entity::{api_token, session, user};
use crate::store::{SeaStore, other, stamp};
use crate::uow::SeaTx;
use async_trait::async_trait;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use sportello_app::accounts::ports::*;
use sportello_app::ports::{StoreError, StoreResult};
use sportello_app::scope::{Authorized, ScopeFilter};
use sportello_domain::access::Scope;
use sportello_domain::role::Role;
use time::OffsetDateTime;
use uuid::Uuid;

fn parse_role(s: &str) -> Result<Role, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Other(format!("ruolo sconosciuto nel database: {s}")))
}

fn parse_scope(kind: &str, reference: Option<&str>) -> Result<Scope, StoreError> {
    Scope::from_parts(kind, reference)
        .ok_or_else(|| StoreError::Other(format!("ambito non valido nel database: {kind}")))
}

fn to_user(m: user::Model) -> StoreResult<UserRecord> {
    Ok(UserRecord {
        role: parse_role(&m.role)?,
        scope: parse_scope(&m.scope_kind, m.scope_ref.as_deref())?,
        region: m.region,
        id: m.id,
        username: m.username,
        display_name: m.display_name,
        email: m.email,
        password_hash: m.password_hash,
        active: m.active,
        failed_logins: m.failed_logins,
        locked_until: m.locked_until,
        created_at: m.created_at,
    })
}

fn to_token(m: api_token::Model) -> StoreResult<TokenRecord> {
    Ok(TokenRecord {
        role: parse_role(&m.role)?,
        scope: parse_scope(&m.scope_kind, m.scope_ref.as_deref())?,
        region: m.region,
        id: m.id,
        name: m.name,
        token_hash: m.token_hash,
        created_by: m.created_by,
        created_at: m.created_at,
        expires_at: m.expires_at,
        revoked_at: m.revoked_at,
    })
}

#[async_trait]
impl AccountQueries for SeaStore {
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_user)
            .transpose()
    }

    async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<UserRecord>> {
        user::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_user)
            .transpose()
    }

    async fn list_users(
        &self,
        scope: &ScopeFilter,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<UserRecord>> {
        // Principals belong to a region only: a narrower scope reaches none of them.
        if !scope.region_only() {
            return Ok(vec![]);
        }
        let mut q = user::Entity::find().order_by_asc(user::Column::Id);
        if let Some(r) = scope.region() {
            q = q.filter(user::Column::Region.eq(r));
        }
        if let Some(a) = after {
            q = q.filter(user::Column::Id.gt(a));
        }
        q.limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_user)
            .collect()
    }

    async fn token_by_hash(&self, hash: &str) -> StoreResult<Option<TokenRecord>> {
        api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(hash))
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_token)
            .transpose()
    }

    async fn token_by_id(&self, id: Uuid) -> StoreResult<Option<TokenRecord>> {
        api_token::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_token)
            .transpose()
    }

    async fn list_tokens(&self, scope: &ScopeFilter) -> StoreResult<Vec<TokenRecord>> {
        if !scope.region_only() {
            return Ok(vec![]);
        }
        let mut q = api_token::Entity::find();
        if let Some(r) = scope.region() {
            q = q.filter(api_token::Column::Region.eq(r));
        }
        q.order_by_desc(api_token::Column::CreatedAt)
            .limit(500)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_token)
            .collect()
    }
}

#[async_trait]
impl SessionStore for SeaStore {
    async fn session_load(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(String, OffsetDateTime)>> {
        Ok(session::Entity::find_by_id(id.to_owned())
            .filter(session::Column::ExpiresAt.gt(stamp(now)))
            .one(&self.db)
            .await
            .map_err(other)?
            .map(|s| (s.data, s.expires_at)))
    }

    async fn session_save(&self, id: &str, data: &str, expires: OffsetDateTime) -> StoreResult<()> {
        let model = session::ActiveModel {
            id: Set(id.to_owned()),
            data: Set(data.to_owned()),
            expires_at: Set(stamp(expires)),
        };
        session::Entity::insert(model)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([session::Column::Data, session::Column::ExpiresAt])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn session_create(
        &self,
        id: &str,
        data: &str,
        expires: OffsetDateTime,
    ) -> StoreResult<bool> {
        let model = session::ActiveModel {
            id: Set(id.to_owned()),
            data: Set(data.to_owned()),
            expires_at: Set(stamp(expires)),
        };
        match model.insert(&self.db).await.map_err(other) {
            Ok(_) => Ok(true),
            Err(StoreError::Duplicate(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn session_delete(&self, id: &str) -> StoreResult<()> {
        session::Entity::delete_by_id(id.to_owned())
            .exec(&self.db)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn sessions_purge(&self, now: OffsetDateTime) -> StoreResult<u64> {
        Ok(session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(stamp(now)))
            .exec(&self.db)
            .await
            .map_err(other)?
            .rows_affected)
    }
}

fn user_row(u: &UserRecord) -> user::ActiveModel {
    let (kind, reference) = u.scope.to_parts();
    user::ActiveModel {
        id: Set(u.id),
        username: Set(u.username.clone()),
        display_name: Set(u.display_name.clone()),
        email: Set(u.email.clone()),
        password_hash: Set(u.password_hash.clone()),
        role: Set(u.role.code().to_owned()),
        scope_kind: Set(kind.to_owned()),
        scope_ref: Set(reference),
        region: Set(u.region.clone()),
        active: Set(u.active),
        failed_logins: Set(u.failed_logins),
        locked_until: Set(u.locked_until.map(stamp)),
        created_at: Set(stamp(u.created_at)),
        updated_at: Set(stamp(u.created_at)),
    }
}

impl SeaTx {
    /// Changes the columns `model` sets on one user row.
    async fn update_user_row(&self, model: user::ActiveModel) -> StoreResult<()> {
        model.update(&self.txn).await.map_err(other)?;
        Ok(())
    }
}

#[async_trait]
impl UserRepo for SeaTx {
    async fn insert_user(&mut self, u: &Authorized<UserRecord>) -> StoreResult<()> {
        user_row(u).insert(&self.txn).await.map_err(other)?;
        Ok(())
    }

    async fn update_user(&mut self, u: &Authorized<UserRecord>) -> StoreResult<()> {
        self.update_user_row(user::ActiveModel {
            id: Set(u.id),
            display_name: Set(u.display_name.clone()),
            email: Set(u.email.clone()),
            active: Set(u.active),
            updated_at: Set(stamp(OffsetDateTime::now_utc())),
            ..Default::default()
        })
        .await
    }

    async fn set_password(&mut self, u: &Authorized<UserRecord>, hash: &str) -> StoreResult<()> {
        self.update_user_row(user::ActiveModel {
            id: Set(u.id),
            password_hash: Set(hash.to_owned()),
            failed_logins: Set(0),
            locked_until: Set(None),
            updated_at: Set(stamp(OffsetDateTime::now_utc())),
            ..Default::default()
        })
        .await
    }

    async fn clear_failed_logins(&mut self, id: Uuid) -> StoreResult<()> {
        self.update_user_row(user::ActiveModel {
            id: Set(id),
            failed_logins: Set(0),
            locked_until: Set(None),
            ..Default::default()
        })
        .await
    }

    async fn count_failed_login(
        &mut self,
        id: Uuid,
        max: i32,
        lock_until: OffsetDateTime,
    ) -> StoreResult<bool> {
        use sea_orm::sea_query::{Expr, ExprTrait};
        // An increment in the database, not a value computed from an earlier read: the
        // UPDATE holds the row until commit, so parallel failures queue and count.
        user::Entity::update_many()
            .col_expr(
                user::Column::FailedLogins,
                Expr::col(user::Column::FailedLogins).add(1),
            )
            .filter(user::Column::Id.eq(id))
            .exec(&self.txn)
            .await
            .map_err(other)?;
        let failed = user::Entity::find_by_id(id)
            .one(&self.txn)
            .await
            .map_err(other)?
            .map_or(0, |u| u.failed_logins);
        if failed < max {
            return Ok(false);
        }
        self.update_user_row(user::ActiveModel {
            id: Set(id),
            failed_logins: Set(0),
            locked_until: Set(Some(stamp(lock_until))),
            ..Default::default()
        })
        .await?;
        Ok(true)
    }
}

#[async_trait]
impl TokenRepo for SeaTx {
    async fn insert_token(&mut self, t: &Authorized<TokenRecord>) -> StoreResult<()> {
        let (kind, reference) = t.scope.to_parts();
        api_token::ActiveModel {
            id: Set(t.id),
            name: Set(t.name.clone()),
            token_hash: Set(t.token_hash.clone()),
            role: Set(t.role.code().to_owned()),
            scope_kind: Set(kind.to_owned()),
            scope_ref: Set(reference),
            region: Set(t.region.clone()),
            created_by: Set(t.created_by),
            created_at: Set(stamp(t.created_at)),
            expires_at: Set(t.expires_at.map(stamp)),
            revoked_at: Set(None),
        }
        .insert(&self.txn)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn revoke_token(
        &mut self,
        t: &Authorized<TokenRecord>,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        // Only a live token is touched: a revoked one keeps its first revocation time.
        api_token::Entity::update_many()
            .col_expr(
                api_token::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(stamp(at)),
            )
            .filter(api_token::Column::Id.eq(t.id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(&self.txn)
            .await
            .map_err(other)?;
        Ok(())
    }
}
