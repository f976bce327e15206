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
            permission: Permission::Authenticated,
            order: 0,
        },
        NavEntry {
            href: "/api/docs",
            label: "API",
            permission: Permission::Authenticated,
            order: 90,
        },
    ],
    cards: &[HomeCard {
        permission: Permission::Authenticated,
        title: "API e documentazione",
        text: "Riferimento delle API REST, generato dalla specifica OpenAPI 3.1.",
        href: "/api/docs",
        link: "Consulta le API",
        order: 90,
    }],
    own_record: no_own_record,
};

pub fn routes(r: Routes) -> Routes {
    use Permission::*;
    r.at(Method::GET, "/", Public, None, home::home)
        .at(Method::GET, "/health", Public, None, home::health)
        .at(Method::GET, "/api/docs", Public, None, home::api_docs)
        .at(
            Method::GET,
            "/api/v1/openapi.json",
            Public,
            None,
            crate::api::openapi::document,
        )
        .api(Public, None, routes!(status::status))
}
