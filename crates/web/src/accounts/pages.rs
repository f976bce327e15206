//! Regional administration: users and API tokens.

use crate::access::CurrentActor;
use crate::error::PageError;
use crate::extract::{Form, Query};
use crate::page::{Chrome, FormErrors};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sportello_app::accounts::tokens::TokenView;
use sportello_app::accounts::{NewUser, UserView};
use sportello_app::{AppError, FieldError};
use sportello_domain::italian_time::format_datetime;
use sportello_domain::role::Role;
use tower_sessions::Session;
use uuid::Uuid;

/// Rows of principals with their scope named (office, region, person… by name).
async fn labelled<V, R>(
    st: &AppState,
    items: Vec<V>,
    row: impl Fn(V) -> (sportello_domain::access::Scope, R),
    set: impl Fn(&mut R, String),
) -> Result<Vec<R>, PageError> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let (scope, mut r) = row(item);
        set(&mut r, st.app.scope_label(&scope).await?);
        out.push(r);
    }
    Ok(out)
}

pub struct RoleOption {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

fn role_options(selected: &str) -> Vec<RoleOption> {
    Role::ALL
        .iter()
        .map(|r| RoleOption {
            code: r.code(),
            label: r.label(),
            selected: r.code() == selected,
        })
        .collect()
}

pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub scope: String,
    pub active: bool,
    pub created_at: String,
}

impl From<UserView> for UserRow {
    fn from(u: UserView) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.label(),
            scope: String::new(),
            active: u.active,
            created_at: format_datetime(u.created_at),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub scope_ref: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/users.html")]
pub struct UsersPage {
    pub c: Chrome,
    pub users: Vec<UserRow>,
    pub next_after: Option<String>,
    pub f: UserForm,
    pub roles: Vec<RoleOption>,
    pub errors: FormErrors,
    /// Offices, organisations and regions by name, for the scope field.
    pub scopes: Vec<String>,
}

const USERS_PAGE: u64 = 50;

#[derive(Deserialize, Default)]
pub struct AfterQuery {
    after: Option<Uuid>,
}

async fn users_page(
    st: &AppState,
    actor: &sportello_domain::access::Actor,
    c: Chrome,
    after: Option<Uuid>,
    f: UserForm,
    errors: FormErrors,
) -> Result<UsersPage, PageError> {
    let users = st.app.list_users(actor, after, USERS_PAGE).await?;
    let next_after = (users.len() as u64 == USERS_PAGE)
        .then(|| users.last().map(|u| u.id.to_string()))
        .flatten();
    Ok(UsersPage {
        scopes: st.app.scope_choices(actor).await?,
        roles: role_options(&f.role),
        users: labelled(
            st,
            users,
            |u| (u.scope.clone(), UserRow::from(u)),
            |r, l| r.scope = l,
        )
        .await?,
        next_after,
        c,
        f,
        errors,
    })
}

pub async fn users(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Query(q): Query<AfterQuery>,
) -> Result<UsersPage, PageError> {
    users_page(
        &st,
        &actor,
        c,
        q.after,
        UserForm::default(),
        FormErrors::default(),
    )
    .await
}

pub async fn create_user(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Form(f): Form<UserForm>,
) -> Result<Response, PageError> {
    let result = match st
        .app
        .resolve_scope(Some(&actor), &f.role, &f.scope_ref)
        .await
    {
        Ok((role, scope)) => {
            st.app
                .create_user(
                    Some(&actor),
                    NewUser {
                        username: f.username.clone(),
                        display_name: f.display_name.clone(),
                        email: Some(f.email.clone()),
                        password: f.password.clone(),
                        role,
                        scope,
                    },
                )
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(u) => {
            c.flash(&format!("Utente «{}» creato.", u.username)).await;
            Ok(Redirect::to("/admin/users").into_response())
        }
        Err(AppError::Validation(errors)) => {
            let f = UserForm {
                password: String::new(),
                ..f
            };
            let page = users_page(&st, &actor, c, None, f, FormErrors(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict { message, .. }) => {
            let f = UserForm {
                password: String::new(),
                ..f
            };
            let errors = FormErrors(vec![FieldError::new("username", "duplicate", message)]);
            let page = users_page(&st, &actor, c, None, f, errors).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub scope: String,
    pub created_at: String,
    pub status: String,
    pub revoked: bool,
}

impl From<TokenView> for TokenRow {
    fn from(t: TokenView) -> Self {
        let status = match (t.revoked_at, t.expires_at) {
            (Some(r), _) => format!("Revocato il {}", format_datetime(r)),
            (None, Some(e)) => format!("Scade il {}", format_datetime(e)),
            (None, None) => "Attivo".to_owned(),
        };
        Self {
            id: t.id.to_string(),
            name: t.name,
            role: t.role.label(),
            scope: String::new(),
            created_at: format_datetime(t.created_at),
            revoked: t.revoked_at.is_some(),
            status,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub scope_ref: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/tokens.html")]
pub struct TokensPage {
    pub c: Chrome,
    pub tokens: Vec<TokenRow>,
    pub f: TokenForm,
    pub roles: Vec<RoleOption>,
    pub errors: FormErrors,
    /// The new secret, shown once.
    pub secret: Option<String>,
    /// Offices, organisations and regions by name, for the scope field.
    pub scopes: Vec<String>,
}

async fn tokens_page(
    st: &AppState,
    actor: &sportello_domain::access::Actor,
    c: Chrome,
    f: TokenForm,
    errors: FormErrors,
    secret: Option<String>,
) -> Result<TokensPage, PageError> {
    let tokens = st.app.list_tokens(actor).await?;
    Ok(TokensPage {
        scopes: st.app.scope_choices(actor).await?,
        roles: role_options(&f.role),
        tokens: labelled(
            st,
            tokens,
            |t| (t.scope.clone(), TokenRow::from(t)),
            |r, l| r.scope = l,
        )
        .await?,
        c,
        f,
        errors,
        secret,
    })
}

#[derive(Deserialize, Default)]
pub struct UserEditForm {
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    pub active: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    pub password: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/user_edit.html")]
pub struct UserEditPage {
    pub c: Chrome,
    pub u: UserRow,
    pub f: UserEditForm,
    pub errors: FormErrors,
    pub password_errors: FormErrors,
}

async fn user_page(
    st: &AppState,
    actor: &sportello_domain::access::Actor,
    c: Chrome,
    id: Uuid,
) -> Result<UserEditPage, PageError> {
    let u = st.app.get_user(actor, id).await?;
    let scope = st.app.scope_label(&u.scope).await?;
    let f = UserEditForm {
        display_name: u.display_name.clone(),
        email: u.email.clone().unwrap_or_default(),
        active: u.active.then(|| "on".to_owned()),
    };
    Ok(UserEditPage {
        c,
        u: UserRow {
            scope,
            ..UserRow::from(u)
        },
        f,
        errors: FormErrors::default(),
        password_errors: FormErrors::default(),
    })
}

pub async fn edit_user(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
) -> Result<UserEditPage, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    user_page(&st, &actor, c, id).await
}

pub async fn save_user(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
    Form(f): Form<UserEditForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    let change = sportello_app::accounts::UserChange {
        display_name: f.display_name.clone(),
        email: Some(f.email.clone()),
        active: Some(f.active.is_some()),
    };
    match st.app.update_user(&actor, id, &change).await {
        Ok(_) => {
            c.flash("Dati dell'utente salvati.").await;
            Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
        }
        Err(AppError::Validation(errors)) => {
            let mut page = user_page(&st, &actor, c, id).await?;
            page.f = f;
            page.errors = FormErrors(errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn reset_password(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    match st.app.reset_password(&actor, id, &f.password).await {
        Ok(()) => {
            c.flash(
                "Password reimpostata: comunicarla all'utente di persona o per un canale sicuro.",
            )
            .await;
            Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
        }
        Err(AppError::Validation(errors)) => {
            let mut page = user_page(&st, &actor, c, id).await?;
            page.password_errors = FormErrors(errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Where a new token's secret waits for the one page view that shows it.
const SESSION_NEW_TOKEN: &str = "new_token";

pub async fn tokens(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    session: Session,
) -> Result<TokensPage, PageError> {
    let secret = session
        .get::<String>(SESSION_NEW_TOKEN)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if secret.is_some() {
        // Shown once: gone from the session before the page is rendered.
        let _ = session.remove::<String>(SESSION_NEW_TOKEN).await;
    }
    tokens_page(
        &st,
        &actor,
        c,
        TokenForm::default(),
        FormErrors::default(),
        secret,
    )
    .await
}

pub async fn issue_token(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    session: Session,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    let result = match st
        .app
        .resolve_scope(Some(&actor), &f.role, &f.scope_ref)
        .await
    {
        Ok((role, scope)) => {
            st.app
                .issue_token(Some(&actor), &f.name, role, scope, None)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((secret, _)) => {
            // Post-redirect-get: a reload shows the list, it does not issue a second token.
            session
                .insert(SESSION_NEW_TOKEN, secret)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(Redirect::to("/admin/tokens").into_response())
        }
        Err(AppError::Validation(errors)) => {
            let page = tokens_page(&st, &actor, c, f, FormErrors(errors), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/token_revoke.html")]
pub struct RevokePage {
    pub c: Chrome,
    pub t: TokenRow,
}

/// Asks before revoking: the systems using the token stop working at once.
pub async fn revoke_form(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(id): Path<String>,
) -> Result<RevokePage, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let t = st.app.get_token(&actor, id).await?;
    let mut rows = labelled(
        &st,
        vec![t],
        |t| (t.scope.clone(), TokenRow::from(t)),
        |r, l| r.scope = l,
    )
    .await?;
    Ok(RevokePage {
        c,
        t: rows.remove(0),
    })
}

pub async fn revoke_token(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    st.app.revoke_token(&actor, id).await?;
    c.flash("Token revocato: i sistemi che lo usavano non possono più accedere.")
        .await;
    Ok(Redirect::to("/admin/tokens").into_response())
}
