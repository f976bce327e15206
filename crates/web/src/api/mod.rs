//! The JSON API under `/api/v1`: bearer tokens, RFC 3339 dates, problem+json errors,
//! cursor pagination, `Idempotency-Key` on creating POSTs. The OpenAPI document is
//! generated from these handlers.

mod accounts;
mod audit;
pub mod idempotency;
pub mod openapi;
pub mod pagination;
mod rules;

use crate::routes::Routes;
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
    .at(
        Method::POST,
        "/api/v1/rules/codice-fiscale",
        Public,
        None,
        rules::codice_fiscale,
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
        None,
        accounts::revoke_token,
    )
}
