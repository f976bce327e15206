//! The registry: persons, employers, offices and accredited organisations, with the
//! reference pickers their forms use.

mod api;
mod changes;
mod employers;
mod offices;
mod persons;
mod reference;

use crate::context::{Context, HomeCard, NavEntry, OwnCard};
use crate::routes::{Routes, ScopedRecord};
use axum::http::Method;
use sportello_domain::access::{Permission, Scope};
use sportello_domain::registry::{
    CHANGES_VALIDATE, EMPLOYERS_READ, EMPLOYERS_WRITE, OFFICES_MANAGE, OFFICES_READ,
    ORGANISATIONS_MANAGE, ORGANISATIONS_READ, PERSONS_READ, PERSONS_WRITE,
};
use utoipa_axum::routes;

pub const CONTEXT: Context = Context {
    routes,
    nav: &[
        NavEntry {
            href: "/persons",
            label: "Persone",
            permission: PERSONS_READ,
            order: 10,
        },
        NavEntry {
            href: "/employers",
            label: "Datori di lavoro",
            permission: EMPLOYERS_READ,
            order: 20,
        },
        NavEntry {
            href: "/admin/offices",
            label: "Uffici",
            permission: OFFICES_MANAGE,
            order: 40,
        },
    ],
    cards: &[
        HomeCard {
            permission: PERSONS_READ,
            title: "Persone",
            text: "Ricerca per codice fiscale, cognome e nome o comune; scheda anagrafica e registrazione.",
            href: "/persons",
            link: "Cerca una persona",
            order: 10,
        },
        HomeCard {
            permission: EMPLOYERS_READ,
            title: "Datori di lavoro",
            text: "Aziende ed enti per partita IVA o ragione sociale, con sedi e codici ATECO.",
            href: "/employers",
            link: "Cerca un datore di lavoro",
            order: 20,
        },
        HomeCard {
            permission: OFFICES_MANAGE,
            title: "Uffici",
            text: "Centri per l'Impiego, orari e comuni serviti.",
            href: "/admin/offices",
            link: "Gestisci uffici",
            order: 30,
        },
    ],
    own_record,
};

/// A citizen's own file, an employer's own record.
fn own_record(scope: &Scope) -> Option<OwnCard> {
    match scope {
        Scope::Person(id) => Some(OwnCard {
            href: format!("/persons/{id}"),
            title: "I miei dati",
            text: "Dati anagrafici, recapiti e domicilio registrati dal Centro per l'Impiego.",
        }),
        Scope::Employer(id) => Some(OwnCard {
            href: format!("/employers/{id}"),
            title: "I dati dell'azienda",
            text: "Ragione sociale, sede legale, sedi operative e codici ATECO registrati.",
        }),
        _ => None,
    }
}

pub fn routes(r: Routes) -> Routes {
    r.at(
        Method::GET,
        "/reference/comuni",
        Permission::AUTHENTICATED,
        None,
        reference::comuni,
    )
    .at(
        Method::GET,
        "/reference/countries",
        Permission::AUTHENTICATED,
        None,
        reference::countries,
    )
    .at(
        Method::GET,
        "/reference/ateco",
        Permission::AUTHENTICATED,
        None,
        reference::ateco,
    )
    .at(Method::GET, "/persons", PERSONS_READ, None, persons::search)
    .at(
        Method::POST,
        "/persons",
        PERSONS_WRITE,
        None,
        persons::create,
    )
    .at(
        Method::GET,
        "/persons/new",
        PERSONS_WRITE,
        None,
        persons::new_form,
    )
    .at(
        Method::GET,
        "/persons/cf-check",
        PERSONS_WRITE,
        None,
        persons::cf_feedback,
    )
    .at(
        Method::GET,
        "/persons/{id}",
        PERSONS_READ,
        Some(ScopedRecord::Person),
        persons::card,
    )
    .at(
        Method::GET,
        "/persons/{id}/edit",
        PERSONS_WRITE,
        Some(ScopedRecord::Person),
        persons::edit_form,
    )
    .at(
        Method::POST,
        "/persons/{id}/edit",
        PERSONS_WRITE,
        Some(ScopedRecord::Person),
        persons::update,
    )
    .at(
        Method::GET,
        "/employers",
        EMPLOYERS_READ,
        None,
        employers::search,
    )
    .at(
        Method::POST,
        "/employers",
        EMPLOYERS_WRITE,
        None,
        employers::create,
    )
    .at(
        Method::GET,
        "/employers/new",
        EMPLOYERS_WRITE,
        None,
        employers::new_form,
    )
    .at(
        Method::GET,
        "/employers/{id}",
        EMPLOYERS_READ,
        Some(ScopedRecord::Employer),
        employers::card,
    )
    .at(
        Method::GET,
        "/employers/{id}/edit",
        EMPLOYERS_WRITE,
        Some(ScopedRecord::Employer),
        employers::edit_form,
    )
    .at(
        Method::POST,
        "/employers/{id}/edit",
        EMPLOYERS_WRITE,
        Some(ScopedRecord::Employer),
        employers::update,
    )
    .at(
        Method::GET,
        "/admin/offices",
        OFFICES_MANAGE,
        None,
        offices::list,
    )
    .at(
        Method::POST,
        "/admin/offices",
        OFFICES_MANAGE,
        None,
        offices::save,
    )
    .at(
        Method::GET,
        "/admin/offices/new",
        OFFICES_MANAGE,
        None,
        offices::new_form,
    )
    .at(
        Method::GET,
        "/admin/offices/{id}",
        OFFICES_MANAGE,
        Some(ScopedRecord::Office),
        offices::edit_form,
    )
    .at(
        Method::POST,
        "/admin/offices/{id}",
        OFFICES_MANAGE,
        Some(ScopedRecord::Office),
        offices::save,
    )
    .at(
        Method::POST,
        "/admin/offices/{id}/comuni",
        OFFICES_MANAGE,
        Some(ScopedRecord::Office),
        offices::assign,
    )
    .api(Permission::PUBLIC, None, routes!(api::comuni))
    .api(Permission::PUBLIC, None, routes!(api::professions))
    .api(Permission::PUBLIC, None, routes!(api::ateco))
    .api(PERSONS_READ, None, routes!(api::list_persons))
    .api(PERSONS_WRITE, None, routes!(api::create_person))
    .api(
        PERSONS_READ,
        Some(ScopedRecord::Person),
        routes!(api::get_person),
    )
    .api(
        PERSONS_WRITE,
        Some(ScopedRecord::Person),
        routes!(api::update_person),
    )
    .api(EMPLOYERS_READ, None, routes!(api::list_employers))
    .api(EMPLOYERS_WRITE, None, routes!(api::create_employer))
    .api(
        EMPLOYERS_READ,
        Some(ScopedRecord::Employer),
        routes!(api::get_employer),
    )
    .api(
        EMPLOYERS_WRITE,
        Some(ScopedRecord::Employer),
        routes!(api::update_employer),
    )
    .api(OFFICES_READ, None, routes!(api::list_offices))
    .api(OFFICES_MANAGE, None, routes!(api::create_office))
    .api(OFFICES_READ, None, routes!(api::get_office))
    .api(
        OFFICES_MANAGE,
        Some(ScopedRecord::Office),
        routes!(api::update_office),
    )
    .api(
        OFFICES_MANAGE,
        Some(ScopedRecord::Office),
        routes!(api::assign_comuni),
    )
    .api(ORGANISATIONS_READ, None, routes!(api::list_organisations))
    .api(
        ORGANISATIONS_MANAGE,
        None,
        routes!(api::create_organisation),
    )
    .api(ORGANISATIONS_READ, None, routes!(api::get_organisation))
    .api(
        ORGANISATIONS_MANAGE,
        Some(ScopedRecord::Organisation),
        routes!(api::update_organisation),
    )
    .at(
        Method::GET,
        "/persons/{id}/changes/{change}/refuse",
        CHANGES_VALIDATE,
        Some(ScopedRecord::Person),
        changes::refuse_person_form,
    )
    .at(
        Method::POST,
        "/persons/{id}/changes/{change}/refuse",
        CHANGES_VALIDATE,
        Some(ScopedRecord::Person),
        changes::refuse_person,
    )
    .at(
        Method::GET,
        "/employers/{id}/changes/{change}/refuse",
        CHANGES_VALIDATE,
        Some(ScopedRecord::Employer),
        changes::refuse_employer_form,
    )
    .at(
        Method::POST,
        "/employers/{id}/changes/{change}/refuse",
        CHANGES_VALIDATE,
        Some(ScopedRecord::Employer),
        changes::refuse_employer,
    )
    .api(
        PERSONS_READ,
        Some(ScopedRecord::Person),
        routes!(api::person_changes),
    )
    .api(
        CHANGES_VALIDATE,
        Some(ScopedRecord::Person),
        routes!(api::refuse_person_change),
    )
    .api(
        EMPLOYERS_READ,
        Some(ScopedRecord::Employer),
        routes!(api::employer_changes),
    )
    .api(
        CHANGES_VALIDATE,
        Some(ScopedRecord::Employer),
        routes!(api::refuse_employer_change),
    )
}
