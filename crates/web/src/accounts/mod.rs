//! Accounts: signing in and out, users and API tokens.

pub mod api;
mod auth;
mod pages;

use crate::context::{Context, HomeCard, NavEntry, no_own_record};
use crate::routes::{Routes, ScopedRecord};
use axum::http::Method;
use sportello_domain::access::Permission;
use sportello_domain::accounts::{TOKENS_MANAGE, USERS_MANAGE};
use utoipa_axum::routes;

pub const CONTEXT: Context = Context {
    routes,
    nav: &[
        NavEntry {
            href: "/admin/users",
            label: "Utenti",
            permission: USERS_MANAGE,
            order: 50,
        },
        NavEntry {
            href: "/admin/tokens",
            label: "Token API",
            permission: TOKENS_MANAGE,
            order: 60,
        },
    ],
    cards: &[
        HomeCard {
            permission: USERS_MANAGE,
            title: "Utenti",
            text: "Account degli operatori, dei cittadini e delle organizzazioni, con ruolo e ambito.",
            href: "/admin/users",
            link: "Gestisci utenti",
            order: 50,
        },
        HomeCard {
            permission: TOKENS_MANAGE,
            title: "Token API",
            text: "Accesso dei sistemi esterni alle API, per ruolo e ambito, revocabile.",
            href: "/admin/tokens",
            link: "Gestisci token",
            order: 60,
        },
    ],
    own_record: no_own_record,
};

pub fn routes(r: Routes) -> Routes {
    r.at(
        Method::GET,
        "/login",
        Permission::PUBLIC,
        None,
        auth::login_form,
    )
    .at(
        Method::POST,
        "/login",
        Permission::PUBLIC,
        None,
        auth::login,
    )
    .at(
        Method::POST,
        "/logout",
        Permission::AUTHENTICATED,
        None,
        auth::logout,
    )
    .at(
        Method::GET,
        "/admin/users",
        USERS_MANAGE,
        None,
        pages::users,
    )
    .at(
        Method::GET,
        "/admin/users/{id}",
        USERS_MANAGE,
        Some(ScopedRecord::User),
        pages::edit_user,
    )
    .at(
        Method::POST,
        "/admin/users/{id}",
        USERS_MANAGE,
        Some(ScopedRecord::User),
        pages::save_user,
    )
    .at(
        Method::POST,
        "/admin/users/{id}/password",
        USERS_MANAGE,
        Some(ScopedRecord::User),
        pages::reset_password,
    )
    .at(
        Method::POST,
        "/admin/users",
        USERS_MANAGE,
        None,
        pages::create_user,
    )
    .at(
        Method::GET,
        "/admin/tokens",
        TOKENS_MANAGE,
        None,
        pages::tokens,
    )
    .at(
        Method::POST,
        "/admin/tokens",
        TOKENS_MANAGE,
        None,
        pages::issue_token,
    )
    .at(
        Method::GET,
        "/admin/tokens/{id}/revoke",
        TOKENS_MANAGE,
        Some(ScopedRecord::Token),
        pages::revoke_form,
    )
    .at(
        Method::POST,
        "/admin/tokens/{id}/revoke",
        TOKENS_MANAGE,
        Some(ScopedRecord::Token),
        pages::revoke_token,
    )
    .api(Permission::AUTHENTICATED, None, routes!(api::me))
    .api(USERS_MANAGE, None, routes!(api::list_users))
    .api(USERS_MANAGE, None, routes!(api::create_user))
    .api(
        USERS_MANAGE,
        Some(ScopedRecord::User),
        routes!(api::update_user),
    )
    .api(
        USERS_MANAGE,
        Some(ScopedRecord::User),
        routes!(api::reset_password),
    )
    .api(TOKENS_MANAGE, None, routes!(api::list_tokens))
    .api(
        TOKENS_MANAGE,
        Some(ScopedRecord::Token),
        routes!(api::revoke_token),
    )
}
