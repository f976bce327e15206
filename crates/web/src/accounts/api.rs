use crate::access::CurrentActor;
use crate::api::idempotency;
use crate::api::pagination::{Page, PageParams};
use crate::api::parse_json;
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sportello_app::AppError;
use sportello_app::accounts::tokens::TokenView;
use sportello_app::accounts::{NewUser, UserChange, UserView};
use sportello_domain::access::{Actor, Scope};
use sportello_domain::role::Role;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// A role and the record its scope points at.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScopeDto {
    /// person, office, organisation, employer, region, global
    pub kind: String,
    /// UUID of the record, or the ISTAT region code; absent for global and all regions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl From<&Scope> for ScopeDto {
    fn from(s: &Scope) -> Self {
        let (kind, id) = s.to_parts();
        Self {
            kind: kind.to_owned(),
            id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub name: String,
    #[schema(value_type = String, example = "cpi_operator")]
    pub role: Role,
    pub role_label: String,
    pub scope: ScopeDto,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
///
/// Returns the role and scope of the token used, so an integrating system can check what it
/// may reach before it calls anything else.
pub async fn me(CurrentActor(a): CurrentActor) -> Json<Me> {
    Json(Me {
        name: a.name.clone(),
        role: a.role,
        role_label: a.role.label().to_owned(),
        scope: ScopeDto::from(&a.scope),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    #[schema(value_type = String)]
    pub role: Role,
    pub scope: ScopeDto,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl From<UserView> for UserOut {
    fn from(u: UserView) -> Self {
        Self {
            scope: ScopeDto::from(&u.scope),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            role: u.role,
            active: u.active,
            created_at: u.created_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", params(PageParams),
    responses((status = 200, body = Page<UserOut>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
/// Lists the users the administrator manages.
///
/// A regional administrator sees the users of their region, a national one every user;
/// ordered by id, paged with `cursor`.
pub async fn list_users(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<UserOut>>, ApiError> {
    let after = p
        .decode()?
        .map(|c| Uuid::parse_str(&c))
        .transpose()
        .map_err(|_| AppError::invalid("cursor", "cursor", "Cursore di paginazione non valido"))?;
    let limit = p.limit();
    let users = st.app.list_users(&a, after, limit).await?;
    let items: Vec<UserOut> = users.into_iter().map(UserOut::from).collect();
    Ok(Json(Page::new(items, limit, |u| u.id.to_string())))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserIn {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    /// At least 12 characters.
    pub password: String,
    /// citizen, cpi_operator, cpi_manager, apl_operator, employer, public_body, regional_admin, auditor
    pub role: String,
    pub scope: ScopeDto,
}

/// The role and scope of a request body; the scope's record must exist.
async fn scope_from_dto(
    st: &AppState,
    actor: &Actor,
    role: &str,
    s: &ScopeDto,
) -> Result<(Role, Scope), AppError> {
    let (role, scope) = st
        .app
        .resolve_scope(Some(actor), role, s.id.as_deref().unwrap_or(""))
        .await
        .map_err(|e| match e {
            // The page's field is `scope_ref`; in the API body it is `scope`.
            AppError::Validation(mut errors) => {
                for f in errors.iter_mut().filter(|f| f.field == "scope_ref") {
                    f.field = "scope".into();
                }
                AppError::Validation(errors)
            }
            other => other,
        })?;
    if scope.to_parts().0 != s.kind {
        return Err(AppError::invalid(
            "scope",
            "scope_mismatch",
            format!(
                "Il ruolo «{}» richiede un ambito di tipo «{}»",
                role.label(),
                scope.to_parts().0
            ),
        ));
    }
    Ok((role, scope))
}

/// Creates a user. Send `Idempotency-Key` to make retries safe.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUserIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = UserOut), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
///
/// The scope must exist and lie inside the administrator's own; a scope outside it is
/// answered as one that does not exist. The password is stored as an Argon2id hash and
/// never returned.
pub async fn create_user(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotency::once(
        &st,
        &a,
        &headers,
        "/api/v1/users",
        &body,
        || async {
            let input: NewUserIn = parse_json(&body)?;
            let (role, scope) = scope_from_dto(&st, &a, &input.role, &input.scope).await?;
            let user = st
                .app
                .create_user(
                    Some(&a),
                    NewUser {
                        username: input.username,
                        display_name: input.display_name,
                        email: input.email,
                        password: input.password,
                        role,
                        scope,
                    },
                )
                .await?;
            crate::api::created(&UserOut::from(user))
        },
        |id| {
            let (st, a) = (&st, &a);
            async move {
                let user = st.app.get_user(a, crate::api::record_id(&id)?).await?;
                crate::api::created(&UserOut::from(user))
            }
        },
    )
    .await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: Uuid,
    pub name: String,
    #[schema(value_type = String)]
    pub role: Role,
    pub scope: ScopeDto,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<TokenView> for TokenOut {
    fn from(t: TokenView) -> Self {
        Self {
            scope: ScopeDto::from(&t.scope),
            id: t.id,
            name: t.name,
            role: t.role,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = Vec<TokenOut>), (status = 403, body = Problem)),
    security(("bearer" = [])))]
/// Lists the API tokens the administrator manages.
///
/// Newest first, without their secrets (shown only when a token is issued); revoked tokens
/// stay listed with their revocation time.
pub async fn list_tokens(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
) -> Result<Json<Vec<TokenOut>>, ApiError> {
    Ok(Json(
        st.app
            .list_tokens(&a)
            .await?
            .into_iter()
            .map(TokenOut::from)
            .collect(),
    ))
}

/// Changes a user's name, e-mail or whether the account is active.
///
/// The role and scope of an account do not change: another job is another account.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "accounts",
    params(("id" = Uuid, Path)), request_body = UserChange,
    responses((status = 200, body = UserOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_user(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<UserOut>, ApiError> {
    let id = Uuid::parse_str(&raw).map_err(|_| ApiError(AppError::NotFound))?;
    let change: UserChange = parse_json(&body)?;
    Ok(Json(UserOut::from(
        st.app.update_user(&a, id, &change).await?,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordIn {
    /// At least 12 characters
    #[serde(default)]
    pub password: String,
}

/// Sets a new password for a user, clearing failed sign-ins and any lock.
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "accounts",
    params(("id" = Uuid, Path)), request_body = PasswordIn,
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
///
/// The administrator hands the new password over; users outside the administrator's region
/// answer 404.
pub async fn reset_password(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let id = Uuid::parse_str(&raw).map_err(|_| ApiError(AppError::NotFound))?;
    let input: PasswordIn = parse_json(&body)?;
    st.app.reset_password(&a, id, &input.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes a token at once; revoking twice is harmless.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
///
/// Systems using the token get 401 from their next call. Tokens outside the administrator's
/// region answer 404.
pub async fn revoke_token(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    st.app.revoke_token(&a, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
