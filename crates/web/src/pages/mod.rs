//! HTML pages. Each handler reads the form, calls one use case and renders a template;
//! the common frame (header, navigation, CSRF token) comes from `Chrome`.

mod admin;
mod audit;
mod auth;
mod employers;
mod home;
mod offices;
mod persons;
mod reference;
mod rules;

use crate::access::MaybeActor;
use crate::csrf;
use crate::routes::{Routes, ScopedRecord};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use sportello_domain::access::{Actor, Permission};
use tower_sessions::Session;

pub fn declare(r: Routes) -> Routes {
    use Permission::*;
    r.at(Method::GET, "/", Public, None, home::home)
        .at(Method::GET, "/health", Public, None, home::health)
        .at(Method::GET, "/login", Public, None, auth::login_form)
        .at(Method::POST, "/login", Public, None, auth::login)
        .at(Method::POST, "/logout", Authenticated, None, auth::logout)
        .at(Method::GET, "/api/docs", Public, None, home::api_docs)
        .at(
            Method::GET,
            "/rules/codice-fiscale",
            Public,
            None,
            rules::codice_fiscale,
        )
        .at(Method::GET, "/audit", AuditRead, None, audit::search)
        .at(
            Method::GET,
            "/reference/comuni",
            Authenticated,
            None,
            reference::comuni,
        )
        .at(
            Method::GET,
            "/reference/countries",
            Authenticated,
            None,
            reference::countries,
        )
        .at(
            Method::GET,
            "/reference/ateco",
            Authenticated,
            None,
            reference::ateco,
        )
        .at(Method::GET, "/persons", PersonsRead, None, persons::search)
        .at(
            Method::POST,
            "/persons",
            PersonsWrite,
            None,
            persons::create,
        )
        .at(
            Method::GET,
            "/persons/new",
            PersonsWrite,
            None,
            persons::new_form,
        )
        .at(
            Method::GET,
            "/persons/cf-check",
            PersonsWrite,
            None,
            persons::cf_feedback,
        )
        .at(
            Method::GET,
            "/persons/{id}",
            PersonsRead,
            Some(ScopedRecord::Person),
            persons::card,
        )
        .at(
            Method::GET,
            "/persons/{id}/edit",
            PersonsWrite,
            Some(ScopedRecord::Person),
            persons::edit_form,
        )
        .at(
            Method::POST,
            "/persons/{id}/edit",
            PersonsWrite,
            Some(ScopedRecord::Person),
            persons::update,
        )
        .at(
            Method::GET,
            "/employers",
            EmployersRead,
            None,
            employers::search,
        )
        .at(
            Method::POST,
            "/employers",
            EmployersWrite,
            None,
            employers::create,
        )
        .at(
            Method::GET,
            "/employers/new",
            EmployersWrite,
            None,
            employers::new_form,
        )
        .at(
            Method::GET,
            "/employers/{id}",
            EmployersRead,
            Some(ScopedRecord::Employer),
            employers::card,
        )
        .at(
            Method::GET,
            "/employers/{id}/edit",
            EmployersWrite,
            Some(ScopedRecord::Employer),
            employers::edit_form,
        )
        .at(
            Method::POST,
            "/employers/{id}/edit",
            EmployersWrite,
            Some(ScopedRecord::Employer),
            employers::update,
        )
        .at(
            Method::GET,
            "/admin/offices",
            OfficesManage,
            None,
            offices::list,
        )
        .at(
            Method::POST,
            "/admin/offices",
            OfficesManage,
            None,
            offices::save,
        )
        .at(
            Method::GET,
            "/admin/offices/new",
            OfficesManage,
            None,
            offices::new_form,
        )
        .at(
            Method::GET,
            "/admin/offices/{id}",
            OfficesManage,
            Some(ScopedRecord::Office),
            offices::edit_form,
        )
        .at(
            Method::POST,
            "/admin/offices/{id}",
            OfficesManage,
            Some(ScopedRecord::Office),
            offices::save,
        )
        .at(
            Method::POST,
            "/admin/offices/{id}/comuni",
            OfficesManage,
            Some(ScopedRecord::Office),
            offices::assign,
        )
        .at(Method::GET, "/admin/users", UsersManage, None, admin::users)
        .at(
            Method::GET,
            "/admin/users/{id}",
            UsersManage,
            Some(ScopedRecord::User),
            admin::edit_user,
        )
        .at(
            Method::POST,
            "/admin/users/{id}",
            UsersManage,
            Some(ScopedRecord::User),
            admin::save_user,
        )
        .at(
            Method::POST,
            "/admin/users/{id}/password",
            UsersManage,
            Some(ScopedRecord::User),
            admin::reset_password,
        )
        .at(
            Method::POST,
            "/admin/users",
            UsersManage,
            None,
            admin::create_user,
        )
        .at(
            Method::GET,
            "/admin/tokens",
            TokensManage,
            None,
            admin::tokens,
        )
        .at(
            Method::POST,
            "/admin/tokens",
            TokensManage,
            None,
            admin::issue_token,
        )
        .at(
            Method::GET,
            "/admin/tokens/{id}/revoke",
            TokensManage,
            Some(ScopedRecord::Token),
            admin::revoke_form,
        )
        .at(
            Method::POST,
            "/admin/tokens/{id}/revoke",
            TokensManage,
            Some(ScopedRecord::Token),
            admin::revoke_token,
        )
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The frame around every page.
pub struct Chrome {
    pub admin_name: String,
    pub actor: Option<Actor>,
    pub role_label: &'static str,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub assets: &'static str,
    pub path: String,
    /// A message left by the previous request (a save before its redirect), shown once.
    pub flash: Option<String>,
    session: Option<Session>,
}

/// Where the message for the next page waits in the session.
const SESSION_FLASH: &str = "flash";

/// The waiting message, removed so it shows once. Only a session that has one is
/// changed (and so written): a plain page view writes nothing.
async fn take_flash(s: &Session) -> Option<String> {
    let message = s.get::<String>(SESSION_FLASH).await.ok().flatten()?;
    let _ = s.remove::<String>(SESSION_FLASH).await;
    Some(message)
}

impl Chrome {
    /// Leaves `message` for the page the browser is redirected to (post-redirect-get): it
    /// is shown once, so a reload does not repeat it.
    pub async fn flash(&self, message: &str) {
        if let Some(s) = &self.session {
            let _ = s.insert(SESSION_FLASH, message).await;
        }
    }
}

/// Navigation: an entry appears only if the role has its permission.
const NAV: &[(&str, &str, Permission)] = &[
    ("/", "Home", Permission::Authenticated),
    ("/persons", "Persone", Permission::PersonsRead),
    ("/employers", "Datori di lavoro", Permission::EmployersRead),
    ("/audit", "Registro di audit", Permission::AuditRead),
    ("/admin/offices", "Uffici", Permission::OfficesManage),
    ("/admin/users", "Utenti", Permission::UsersManage),
    ("/admin/tokens", "Token API", Permission::TokensManage),
    (
        "/rules/codice-fiscale",
        "Verifica codice fiscale",
        Permission::Authenticated,
    ),
    ("/api/docs", "API", Permission::Authenticated),
];

impl FromRequestParts<AppState> for Chrome {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let MaybeActor(actor) = MaybeActor::from_request_parts(parts, st).await?;
        let session = parts.extensions.get::<Session>().cloned();
        let (csrf, flash) = match &session {
            Some(s) => (csrf::token(s).await, take_flash(s).await),
            None => (String::new(), None),
        };
        let path = parts.uri.path().to_owned();
        let nav = match &actor {
            Some(a) => NAV
                .iter()
                .filter(|(_, _, p)| a.may(*p))
                .map(|(href, label, _)| NavItem {
                    href,
                    label,
                    active: *href == path || (*href != "/" && path.starts_with(href)),
                })
                .collect(),
            None => vec![],
        };
        Ok(Chrome {
            admin_name: st.cfg.administration_name.clone(),
            role_label: actor.as_ref().map(|a| a.role.label()).unwrap_or(""),
            actor,
            nav,
            csrf,
            assets: crate::routes::STATIC_PREFIX,
            path,
            flash,
            session,
        })
    }
}

/// A field error shown next to its input and in the summary at the top of the form.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<sportello_app::FieldError>);

impl FormErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
