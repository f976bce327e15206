//! The platform: home page, health and status, the API reference.

pub mod home;
mod status;

use crate::context::{Context, HomeCard, NavEntry, no_own_record};
use crate::routes::Routes;
use axum::http::Method;
use sportello_domain::access::Permission;
use utoipa_axum::routes;

pub const CONTEXT: Context = Context {
    routes,
    nav: &[
        NavEntry {
            href: "/",
            label: "Home",
            permission: Permission::AUTHENTICATED,
            order: 0,
        },
        NavEntry {
            href: "/api/docs",
            label: "API",
            permission: Permission::AUTHENTICATED,
            order: 90,
        },
    ],
    cards: &[HomeCard {
        permission: Permission::AUTHENTICATED,
        title: "API e documentazione",
        text: "Riferimento delle API REST, generato dalla specifica OpenAPI 3.1.",
        href: "/api/docs",
        link: "Consulta le API",
        order: 90,
    }],
    own_record: no_own_record,
};

pub fn routes(r: Routes) -> Routes {
    r.at(Method::GET, "/", Permission::PUBLIC, None, home::home)
        .at(
            Method::GET,
            "/health",
            Permission::PUBLIC,
            None,
            home::health,
        )
        .at(
            Method::GET,
            "/api/docs",
            Permission::PUBLIC,
            None,
            home::api_docs,
        )
        .at(
            Method::GET,
            "/api/v1/openapi.json",
            Permission::PUBLIC,
            None,
            crate::api::openapi::document,
        )
        .api(Permission::PUBLIC, None, routes!(status::status))
}
