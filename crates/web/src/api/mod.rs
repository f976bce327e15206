//! The JSON API under `/api/v1`: bearer tokens, RFC 3339 dates, problem+json errors,
//! cursor pagination, `Idempotency-Key` on creating POSTs. The OpenAPI document is
//! generated from these handlers.

mod accounts;
mod audit;
pub mod idempotency;
pub mod openapi;
pub mod pagination;
mod registry;
mod rules;
mod status;

use crate::routes::{Routes, ScopedRecord};
use axum::http::Method;
use sportello_domain::access::Permission;

pub fn declare(r: Routes) -> Routes {
    use Permission::*;
    r.at(
        Method::GET,
        "/api/v1/openapi.json",
        Public,
        None,
        openapi::document,
    )
    .at(Method::GET, "/status", Public, None, status::status)
    .at(
        Method::POST,
        "/api/v1/rules/codice-fiscale",
        Public,
        None,
        rules::codice_fiscale,
    )
    .at(
        Method::GET,
        "/api/v1/public/comuni",
        Public,
        None,
        registry::comuni,
    )
    .at(
        Method::GET,
        "/api/v1/public/professions",
        Public,
        None,
        registry::professions,
    )
    .at(
        Method::GET,
        "/api/v1/public/ateco",
        Public,
        None,
        registry::ateco,
    )
    .at(
        Method::GET,
        "/api/v1/persons",
        PersonsRead,
        None,
        registry::list_persons,
    )
    .at(
        Method::POST,
        "/api/v1/persons",
        PersonsWrite,
        None,
        registry::create_person,
    )
    .at(
        Method::GET,
        "/api/v1/persons/{id}",
        PersonsRead,
        Some(ScopedRecord::Person),
        registry::get_person,
    )
    .at(
        Method::PUT,
        "/api/v1/persons/{id}",
        PersonsWrite,
        Some(ScopedRecord::Person),
        registry::update_person,
    )
    .at(
        Method::GET,
        "/api/v1/employers",
        EmployersRead,
        None,
        registry::list_employers,
    )
    .at(
        Method::POST,
        "/api/v1/employers",
        EmployersWrite,
        None,
        registry::create_employer,
    )
    .at(
        Method::GET,
        "/api/v1/employers/{id}",
        EmployersRead,
        Some(ScopedRecord::Employer),
        registry::get_employer,
    )
    .at(
        Method::PUT,
        "/api/v1/employers/{id}",
        EmployersWrite,
        Some(ScopedRecord::Employer),
        registry::update_employer,
    )
    .at(
        Method::GET,
        "/api/v1/offices",
        OfficesRead,
        None,
        registry::list_offices,
    )
    .at(
        Method::POST,
        "/api/v1/offices",
        OfficesManage,
        None,
        registry::create_office,
    )
    .at(
        Method::GET,
        "/api/v1/offices/{id}",
        OfficesRead,
        None,
        registry::get_office,
    )
    .at(
        Method::PUT,
        "/api/v1/offices/{id}",
        OfficesManage,
        Some(ScopedRecord::Office),
        registry::update_office,
    )
    .at(
        Method::PUT,
        "/api/v1/offices/{id}/comuni",
        OfficesManage,
        Some(ScopedRecord::Office),
        registry::assign_comuni,
    )
    .at(
        Method::GET,
        "/api/v1/organisations",
        OrganisationsRead,
        None,
        registry::list_organisations,
    )
    .at(
        Method::POST,
        "/api/v1/organisations",
        OrganisationsManage,
        None,
        registry::create_organisation,
    )
    .at(
        Method::GET,
        "/api/v1/organisations/{id}",
        OrganisationsRead,
        None,
        registry::get_organisation,
    )
    .at(
        Method::PUT,
        "/api/v1/organisations/{id}",
        OrganisationsManage,
        Some(ScopedRecord::Organisation),
        registry::update_organisation,
    )
    .at(Method::GET, "/api/v1/me", Authenticated, None, accounts::me)
    .at(Method::GET, "/api/v1/audit", AuditRead, None, audit::search)
    .at(
        Method::GET,
        "/api/v1/users",
        UsersManage,
        None,
        accounts::list_users,
    )
    .at(
        Method::POST,
        "/api/v1/users",
        UsersManage,
        None,
        accounts::create_user,
    )
    .at(
        Method::PUT,
        "/api/v1/users/{id}",
        UsersManage,
        Some(ScopedRecord::User),
        accounts::update_user,
    )
    .at(
        Method::PUT,
        "/api/v1/users/{id}/password",
        UsersManage,
        Some(ScopedRecord::User),
        accounts::reset_password,
    )
    .at(
        Method::GET,
        "/api/v1/tokens",
        TokensManage,
        None,
        accounts::list_tokens,
    )
    .at(
        Method::DELETE,
        "/api/v1/tokens/{id}",
        TokensManage,
        Some(ScopedRecord::Token),
        accounts::revoke_token,
    )
}
