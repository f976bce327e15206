//! The router, built so that a route cannot exist without its access rule: `Routes::at`
//! (pages) and `Routes::api` (API operations, with their OpenAPI operation) add the
//! handler and the rule together, and `access::guard` refuses any matched path that has no
//! rule. Each bounded context declares its own routes (`context::CONTEXTS`).

use crate::access::guard;
use crate::session_store::DbSessionStore;
use crate::state::AppState;
use crate::{assets, context, csrf, headers};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use sportello_domain::access::Permission;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Where a route is served: pages use sessions and answer in HTML, the API uses bearer
/// tokens and answers problem+json.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Page,
    Api,
    /// Embedded static files: public, no session or actor needed.
    Asset,
}

/// The kind of record a route's `{id}` names, whose owners the use case checks against the
/// actor's scope: the access-matrix test tries each kind inside and outside the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopedRecord {
    Person,
    Employer,
    Office,
    Organisation,
    /// A user account: owned by the region of its scope.
    User,
    /// An API token: likewise.
    Token,
}

#[derive(Debug, Clone)]
pub struct RouteRule {
    pub method: Method,
    pub path: String,
    pub permission: Permission,
    pub surface: Surface,
    /// The record whose owners the use case checks against the actor's scope, if any.
    pub scoped_record: Option<ScopedRecord>,
}

#[derive(Debug, Default)]
pub struct RuleTable(pub Vec<RouteRule>);

impl RuleTable {
    pub fn find(&self, method: &Method, path: &str) -> Option<&RouteRule> {
        let method = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        self.0.iter().find(|r| r.path == path && r.method == method)
    }
}

pub struct Routes {
    router: Router<AppState>,
    rules: Vec<RouteRule>,
    /// The API operations, as their handlers' `#[utoipa::path]` describe them.
    paths: utoipa::openapi::path::Paths,
    schemas: Vec<(
        String,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    )>,
}

fn surface_of(path: &str) -> Surface {
    if path.starts_with("/api/v1") {
        Surface::Api
    } else if path.starts_with("/static/") {
        Surface::Asset
    } else {
        Surface::Page
    }
}

impl Routes {
    fn new() -> Self {
        Self {
            router: Router::new(),
            rules: Vec::new(),
            paths: Default::default(),
            schemas: Vec::new(),
        }
    }

    /// Declares an API operation: its method, path and OpenAPI operation come from the
    /// handler's `#[utoipa::path]` (through `utoipa_axum::routes!`), its access rule from
    /// here, so the three cannot drift apart.
    pub fn api(
        mut self,
        permission: Permission,
        scoped_record: Option<ScopedRecord>,
        (schemas, paths, method_router): utoipa_axum::router::UtoipaMethodRouter<AppState>,
    ) -> Self {
        for (path, item) in paths.paths.iter() {
            let methods = [
                (Method::GET, item.get.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::PATCH, item.patch.is_some()),
                (Method::DELETE, item.delete.is_some()),
            ];
            for (method, _) in methods.into_iter().filter(|(_, present)| *present) {
                self.rules.push(RouteRule {
                    method,
                    path: path.clone(),
                    permission,
                    surface: surface_of(path),
                    scoped_record,
                });
            }
            self.router = self.router.route(path, method_router.clone());
        }
        self.paths.merge(paths);
        self.schemas.extend(schemas);
        self
    }

    /// Declares a route: method, path, the permission it needs and the record it scopes.
    pub fn at<H, T>(
        mut self,
        method: Method,
        path: &'static str,
        permission: Permission,
        scoped_record: Option<ScopedRecord>,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let mr: MethodRouter<AppState> = match method {
            Method::GET => get(handler),
            Method::POST => post(handler),
            Method::PUT => put(handler),
            Method::PATCH => patch(handler),
            Method::DELETE => delete(handler),
            _ => panic!("unsupported method {method} for {path}"),
        };
        self.router = self.router.route(path, mr);
        self.rules.push(RouteRule {
            method,
            path: path.to_owned(),
            permission,
            surface: surface_of(path),
            scoped_record,
        });
        self
    }
}

async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::error::problem(
            "not-found",
            StatusCode::NOT_FOUND,
            "Risorsa non trovata",
            Some(format!("Nessuna risorsa a «{}»", uri.path())),
        )
    } else {
        crate::error::error_page(
            StatusCode::NOT_FOUND,
            "Pagina non trovata",
            "La pagina richiesta non esiste o è stata spostata.",
        )
    }
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("panic while serving a request");
    crate::error::error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Errore interno",
        "Si è verificato un errore imprevisto. Riprovare più tardi.",
    )
    .into_response()
}

/// Every route of the application with its rule.
pub fn declare() -> Routes {
    let r = Routes::new()
        .at(
            Method::GET,
            assets::ROUTE,
            Permission::PUBLIC,
            None,
            assets::serve,
        )
        .at(
            Method::GET,
            "/favicon.ico",
            Permission::PUBLIC,
            None,
            assets::favicon,
        );
    context::CONTEXTS
        .iter()
        .fold(r, |r, context| (context.routes)(r))
}

/// The API operations every context declared, and the schemas they name.
pub fn api_paths() -> (
    utoipa::openapi::path::Paths,
    Vec<(
        String,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    )>,
) {
    let r = declare();
    (r.paths, r.schemas)
}

/// The access rules of every route, for the access-matrix test and documentation.
pub fn rules() -> Vec<RouteRule> {
    declare().rules
}

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let Routes { router, rules, .. } = declare();
    let rules = Arc::new(RuleTable(rules));
    let sessions = SessionManagerLayer::new(DbSessionStore(state.app.sessions()))
        .with_name("sportello_sid")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.cfg.behind_tls())
        .with_expiry(Expiry::OnInactivity(state.cfg.session_idle))
        // Saved when changed (sign-in, CSRF token, the once-a-minute idle refresh in
        // `access`), not on every page view: each save is a write transaction.
        .with_always_save(false);
    router
        .route_layer(from_fn_with_state((state.clone(), rules), guard))
        .fallback(not_found)
        .layer(from_fn(csrf::protect))
        .layer(sessions)
        // The guard buffers and checks every body within the limit; the extractors are
        // told the same limit (axum's default of 2 MB refused a 3.9 MB body).
        .layer(DefaultBodyLimit::max(crate::input_guard::BODY_LIMIT))
        .layer(from_fn(crate::input_guard::guard))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(state.clone(), headers::security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

pub use assets::PREFIX as STATIC_PREFIX;
