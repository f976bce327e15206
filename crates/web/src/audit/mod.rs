//! The audit log: the auditor's search page and API.

mod api;
mod pages;

use crate::context::{Context, HomeCard, NavEntry, no_own_record};
use crate::routes::Routes;
use axum::http::Method;
use sportello_domain::audit::AUDIT_READ;
use utoipa_axum::routes;

pub const CONTEXT: Context = Context {
    routes,
    nav: &[NavEntry {
        href: "/audit",
        label: "Registro di audit",
        permission: AUDIT_READ,
        order: 30,
    }],
    cards: &[HomeCard {
        permission: AUDIT_READ,
        title: "Registro di audit",
        text: "Ricerca per utente, oggetto, azione e periodo; verifica della catena.",
        href: "/audit",
        link: "Apri il registro",
        order: 40,
    }],
    own_record: no_own_record,
};

pub fn routes(r: Routes) -> Routes {
    r.at(Method::GET, "/audit", AUDIT_READ, None, pages::search)
        .api(AUDIT_READ, None, routes!(api::search))
}
