//! What every context's HTML pages share. Each handler reads the form, calls one use case
//! and renders a template; the common frame (header, navigation assembled from the
//! contexts, CSRF token, one-time message) comes from `Chrome`.

use crate::access::MaybeActor;
use crate::csrf;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sportello_domain::access::Actor;
use tower_sessions::Session;

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
            // An entry appears only if the role has its permission.
            Some(a) => crate::context::nav()
                .into_iter()
                .filter(|e| a.may(e.permission))
                .map(|e| NavItem {
                    href: e.href,
                    label: e.label,
                    active: e.href == path || (e.href != "/" && path.starts_with(e.href)),
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
