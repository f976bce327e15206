//! The registry: persons, employers, offices and accredited organisations, with the
//! reference pickers their forms use.

mod api;
mod employers;
mod offices;
mod persons;
mod reference;

use crate::context::{Context, HomeCard, NavEntry, OwnCard};
use crate::routes::{Routes, ScopedRecord};
use axum::http::Method;
use sportello_domain::access::{Permission, Scope};
use utoipa_axum::routes;

pub const CONTEXT: Context = Context {
    routes,
    nav: &[
        NavEntry {
            href: "/persons",
            label: "Persone",
            permission: Permission::PersonsRead,
            order: 10,
        },
        NavEntry {
            href: "/employers",
            label: "Datori di lavoro",
            permission: Permission::EmployersRead,
            order: 20,
        },
        NavEntry {
            href: "/admin/offices",
            label: "Uffici",
            permission: Permission::OfficesManage,
            order: 40,
        },
    ],
    cards: &[
        HomeCard {
            permission: Permission::PersonsRead,
            title: "Persone",
            text: "Ricerca per codice fiscale, cognome e nome o comune; scheda anagrafica e registrazione.",
            href: "/persons",
            link: "Cerca una persona",
            order: 10,
        },
        HomeCard {
            permission: Permission::EmployersRead,
            title: "Datori di lavoro",
            text: "Aziende ed enti per partita IVA o ragione sociale, con sedi e codici ATECO.",
            href: "/employers",
            link: "Cerca un datore di lavoro",
            order: 20,
        },
        HomeCard {
            permission: Permission::OfficesManage,
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
    use Permission::*;
    r.at(
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
    .api(Public, None, routes!(api::comuni))
    .api(Public, None, routes!(api::professions))
    .api(Public, None, routes!(api::ateco))
    .api(PersonsRead, None, routes!(api::list_persons))
    .api(PersonsWrite, None, routes!(api::create_person))
    .api(
        PersonsRead,
        Some(ScopedRecord::Person),
        routes!(api::get_person),
    )
    .api(
        PersonsWrite,
        Some(ScopedRecord::Person),
        routes!(api::update_person),
    )
    .api(EmployersRead, None, routes!(api::list_employers))
    .api(EmployersWrite, None, routes!(api::create_employer))
    .api(
        EmployersRead,
        Some(ScopedRecord::Employer),
        routes!(api::get_employer),
    )
    .api(
        EmployersWrite,
        Some(ScopedRecord::Employer),
        routes!(api::update_employer),
    )
    .api(OfficesRead, None, routes!(api::list_offices))
    .api(OfficesManage, None, routes!(api::create_office))
    .api(OfficesRead, None, routes!(api::get_office))
    .api(
        OfficesManage,
        Some(ScopedRecord::Office),
        routes!(api::update_office),
    )
    .api(
        OfficesManage,
        Some(ScopedRecord::Office),
        routes!(api::assign_comuni),
    )
    .api(OrganisationsRead, None, routes!(api::list_organisations))
    .api(OrganisationsManage, None, routes!(api::create_organisation))
    .api(OrganisationsRead, None, routes!(api::get_organisation))
    .api(
        OrganisationsManage,
        Some(ScopedRecord::Organisation),
        routes!(api::update_organisation),
    )
}
