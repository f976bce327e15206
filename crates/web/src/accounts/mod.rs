//! Accounts: signing in and out, users and API tokens.

pub mod api;
mod auth;
mod pages;

use crate::context::{Context, HomeCard, NavEntry, no_own_record};
use crate::routes::{Routes, ScopedRecord};
use axum::http::Method;
use sportello_domain::access::Permission;
use utoipa_axum::routes;

pub const CONTEXT: Context = Context {
    routes,
    nav: &[
        NavEntry {
            href: "/admin/users",
            label: "Utenti",
            permission: Permission::UsersManage,
            order: 50,
        },
        NavEntry {
            href: "/admin/tokens",
            label: "Token API",
            permission: Permission::TokensManage,
            order: 60,
        },
    ],
    cards: &[
        HomeCard {
            permission: Permission::UsersManage,
            title: "Utenti",
            text: "Account degli operatori, dei cittadini e delle organizzazioni, con ruolo e ambito.",
            href: "/admin/users",
            link: "Gestisci utenti",
            order: 50,
        },
        HomeCard {
            permission: Permission::TokensManage,
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
    use Permission::*;
    r.at(Method::GET, "/login", Public, None, auth::login_form)
        .at(Method::POST, "/login", Public, None, auth::login)
        .at(Method::POST, "/logout", Authenticated, None, auth::logout)
        .at(Method::GET, "/admin/users", UsersManage, None, pages::users)
        .at(
            Method::GET,
            "/admin/users/{id}",
            UsersManage,
            Some(ScopedRecord::User),
            pages::edit_user,
        )
        .at(
            Method::POST,
            "/admin/users/{id}",
            UsersManage,
            Some(ScopedRecord::User),
            pages::save_user,
        )
        .at(
            Method::POST,
            "/admin/users/{id}/password",
            UsersManage,
            Some(ScopedRecord::User),
            pages::reset_password,
        )
        .at(
            Method::POST,
            "/admin/users",
            UsersManage,
            None,
            pages::create_user,
        )
        .at(
            Method::GET,
            "/admin/tokens",
            TokensManage,
            None,
            pages::tokens,
        )
        .at(
            Method::POST,
            "/admin/tokens",
            TokensManage,
            None,
            pages::issue_token,
        )
        .at(
            Method::GET,
            "/admin/tokens/{id}/revoke",
            TokensManage,
            Some(ScopedRecord::Token),
            pages::revoke_form,
        )
        .at(
            Method::POST,
            "/admin/tokens/{id}/revoke",
            TokensManage,
            Some(ScopedRecord::Token),
            pages::revoke_token,
        )
        .api(Authenticated, None, routes!(api::me))
        .api(UsersManage, None, routes!(api::list_users))
        .api(UsersManage, None, routes!(api::create_user))
        .api(
            UsersManage,
            Some(ScopedRecord::User),
            routes!(api::update_user),
        )
        .api(
            UsersManage,
            Some(ScopedRecord::User),
            routes!(api::reset_password),
        )
        .api(TokensManage, None, routes!(api::list_tokens))
        .api(
            TokensManage,
            Some(ScopedRecord::Token),
            routes!(api::revoke_token),
        )
}
