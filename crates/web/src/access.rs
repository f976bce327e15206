//! Who is calling and whether the route lets them in. Every request passes `guard`: it
//! finds the route's declared rule (no rule, no entry), resolves the actor from the bearer
//! token (API) or the session (pages), and checks the role's permission. Record scope is
//! checked by the use case that loads the record.

use crate::error::{ApiError, PageError};
use crate::routes::{RuleTable, Surface};
use crate::state::AppState;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sportello_app::AppError;
use sportello_domain::access::{Actor, Permission};
use std::sync::Arc;
use tower_sessions::Session;
use uuid::Uuid;

pub const SESSION_USER: &str = "uid";
pub const SESSION_LOGIN_AT: &str = "login_at";
/// When the session's idle expiry was last pushed forward (Unix seconds).
const SESSION_SEEN_AT: &str = "seen_at";
/// A session is written only when it changes; for its idle expiry, at most this often.
const SEEN_EVERY_SECS: i64 = 60;

/// The signed-in actor; extracting it where there is none is a 401.
#[derive(Debug, Clone)]
pub struct CurrentActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for CurrentActor {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .map(CurrentActor)
            .ok_or_else(|| {
                if parts.uri.path().starts_with("/api/") {
                    ApiError(AppError::Unauthenticated).into_response()
                } else {
                    PageError(AppError::Unauthenticated).into_response()
                }
            })
    }
}

/// The actor if any: pages that also serve anonymous visitors use this.
#[derive(Debug, Clone)]
pub struct MaybeActor(pub Option<Actor>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeActor {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeActor(parts.extensions.get::<Actor>().cloned()))
    }
}

/// The client's address, for rate limits and the audit log.
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(&parts.extensions)))
    }
}

/// The client's address as the socket saw it (a proxy in front is configured to pass
/// the real one; until then this is what we rate-limit on).
pub fn client_address(req_parts: &axum::http::Extensions) -> String {
    req_parts
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

async fn actor_from_bearer(
    st: &AppState,
    authorization: Option<axum::http::HeaderValue>,
) -> Result<Option<Actor>, AppError> {
    let Some(value) = authorization else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AppError::Unauthenticated)?;
    let secret = value
        .strip_prefix("Bearer ")
        .ok_or(AppError::Unauthenticated)?;
    st.app.authenticate_token(secret.trim()).await.map(Some)
}

async fn actor_from_session(st: &AppState, session: &Session) -> Result<Option<Actor>, AppError> {
    let uid: Option<Uuid> = session
        .get(SESSION_USER)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(uid) = uid else { return Ok(None) };
    let login_at: i64 = session
        .get(SESSION_LOGIN_AT)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .unwrap_or(0);
    let age = time::OffsetDateTime::now_utc().unix_timestamp() - login_at;
    if age > st.cfg.session_absolute.whole_seconds() {
        // Absolute lifetime reached: the person signs in again.
        session
            .flush()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        return Ok(None);
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let seen_at: i64 = session
        .get(SESSION_SEEN_AT)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .unwrap_or(0);
    if now - seen_at >= SEEN_EVERY_SECS {
        // Changing the session is what makes it saved, with a new idle expiry.
        session
            .insert(SESSION_SEEN_AT, now)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    match st.app.session_user(uid).await {
        Ok(u) => Ok(Some(u.actor())),
        Err(AppError::Unauthenticated) => {
            session
                .flush()
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn refuse(surface: Surface, e: AppError, path_and_query: &str) -> Response {
    match (surface, &e) {
        (Surface::Page, AppError::Unauthenticated) => {
            let next: String = url_encode(path_and_query);
            Redirect::to(&format!("/login?next={next}")).into_response()
        }
        (Surface::Page | Surface::Asset, _) => PageError(e).into_response(),
        (Surface::Api, _) => ApiError(e).into_response(),
    }
}

fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

fn method_not_allowed(api: bool, allowed: &[&str]) -> Response {
    let detail = format!("Questo indirizzo accetta solo: {}.", allowed.join(", "));
    let mut r = if api {
        crate::error::problem(
            "method-not-allowed",
            StatusCode::METHOD_NOT_ALLOWED,
            "Metodo non consentito",
            Some(detail),
        )
    } else {
        crate::error::error_page(
            StatusCode::METHOD_NOT_ALLOWED,
            "Metodo non consentito",
            &detail,
        )
    };
    let mut methods = allowed.to_vec();
    if methods.contains(&"GET") {
        methods.push("HEAD");
    }
    if let Ok(v) = axum::http::HeaderValue::from_str(&methods.join(", ")) {
        r.headers_mut().insert(header::ALLOW, v);
    }
    r
}

pub async fn guard(
    State((st, rules)): State<(AppState, Arc<RuleTable>)>,
    mut req: Request,
    next: Next,
) -> Response {
    let matched = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let rule = matched.as_deref().and_then(|p| rules.find(req.method(), p));
    let Some(rule) = rule else {
        // The path exists with other methods: 405 and what it allows, not an alarm.
        let allowed: Vec<&str> = rules
            .0
            .iter()
            .filter(|r| Some(r.path.as_str()) == matched.as_deref())
            .map(|r| r.method.as_str())
            .collect();
        if !allowed.is_empty() {
            return method_not_allowed(req.uri().path().starts_with("/api/"), &allowed);
        }
        // Default no: a route without a declared rule is not served.
        tracing::error!(path = ?matched, method = %req.method(), "route without access rule");
        return crate::error::error_page(
            StatusCode::FORBIDDEN,
            "Operazione non consentita",
            "Percorso senza regola di accesso.",
        );
    };
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let actor = match rule.surface {
        Surface::Asset => return next.run(req).await,
        Surface::Api => {
            let authorization = req.headers().get(header::AUTHORIZATION).cloned();
            actor_from_bearer(&st, authorization).await
        }
        Surface::Page => match req.extensions().get::<Session>().cloned() {
            Some(session) => actor_from_session(&st, &session).await,
            None => Ok(None),
        },
    };
    let actor = match actor {
        Ok(a) => a,
        Err(e) => return refuse(rule.surface, e, &path_and_query),
    };
    match (&actor, rule.permission) {
        (_, Permission::PUBLIC) => {}
        (None, _) => return refuse(rule.surface, AppError::Unauthenticated, &path_and_query),
        (Some(a), p) if !a.may(p) => {
            return refuse(rule.surface, AppError::Forbidden, &path_and_query);
        }
        _ => {}
    }
    if rule.surface == Surface::Api && rule.permission == Permission::PUBLIC {
        let key = client_address(req.extensions());
        if let Err(e) = st.app.limits.public_api.hit(&key, sportello_app::now()) {
            return ApiError(e).into_response();
        }
    }
    if let Some(a) = actor {
        req.extensions_mut().insert(a);
    }
    next.run(req).await
}
