//! Public calculators: the codice fiscale check, page and API.

mod api;
mod pages;

use crate::context::{Context, NavEntry, no_own_record};
use crate::routes::Routes;
use axum::http::Method;
use sportello_domain::access::Permission;
use utoipa_axum::routes;

pub const CONTEXT: Context = Context {
    routes,
    nav: &[NavEntry {
        href: "/rules/codice-fiscale",
        label: "Verifica codice fiscale",
        permission: Permission::AUTHENTICATED,
        order: 80,
    }],
    cards: &[],
    own_record: no_own_record,
};

pub fn routes(r: Routes) -> Routes {
    r.at(
        Method::GET,
        "/rules/codice-fiscale",
        Permission::PUBLIC,
        None,
        pages::codice_fiscale,
    )
    .api(Permission::PUBLIC, None, routes!(api::codice_fiscale))
}
