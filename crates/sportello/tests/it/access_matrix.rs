//! Every route of the router × every role (and no one): the answer must follow the
//! route's declared rule. A route added without a rule cannot be reached (the guard
//! refuses it) and fails here because the OpenAPI paths and the rules must agree.

use crate::fixtures::Territory;
use crate::support::{Browser, TestApp};
use axum::http::{Method, StatusCode};
use sportello_domain::access::{Permission, grants};
use sportello_domain::accounts::USERS_MANAGE;
use sportello_domain::role::Role;
use sportello_web::routes::ScopedRecord;
use sportello_web::{RouteRule, Surface};

/// The path with its record: the territory's record for scoped routes, else a fresh id.
fn concrete(rule: &RouteRule, t: &Territory) -> String {
    let id = match rule.scoped_record {
        Some(ScopedRecord::Person) => t.person,
        Some(ScopedRecord::Employer) => t.employer,
        Some(ScopedRecord::Office) => t.office,
        Some(ScopedRecord::Organisation) => t.organisation,
        Some(ScopedRecord::User) => t.user,
        Some(ScopedRecord::Token) => t.token,
        None => uuid::Uuid::now_v7(),
    };
    let change = match rule.scoped_record {
        Some(ScopedRecord::Employer) => t.employer_change,
        _ => t.person_change,
    };
    rule.path
        .replace("{id}", &id.to_string())
        .replace("{change}", &change.to_string())
        .replace("{*path}", "css/sportello.css")
}

fn denied(s: StatusCode) -> bool {
    s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN
}

#[test]
fn every_api_path_is_documented_and_every_documented_path_has_a_rule() {
    let rules = sportello_web::routes::rules();
    let spec = serde_json::to_value(sportello_web::api::openapi::spec()).unwrap();
    let documented: Vec<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), p.clone()))
        })
        .collect();
    for (m, p) in &documented {
        assert!(
            rules.iter().any(|r| r.method.as_str() == m && &r.path == p),
            "{m} {p} is documented but has no access rule"
        );
    }
    for r in rules.iter().filter(|r| r.surface == Surface::Api) {
        if r.path == "/api/v1/openapi.json" {
            continue;
        }
        assert!(
            documented
                .iter()
                .any(|(m, p)| m == r.method.as_str() && *p == r.path),
            "{} {} has a rule but is missing from the OpenAPI document",
            r.method,
            r.path
        );
    }
    // Permissions are declared by their contexts: one code never names two sets of roles.
    let mut by_code = std::collections::HashMap::new();
    for r in &rules {
        let holders: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| grants(*role, r.permission))
            .collect();
        let seen = by_code
            .entry(r.permission.code())
            .or_insert_with(|| holders.clone());
        assert_eq!(
            *seen,
            holders,
            "permission {} declared twice",
            r.permission.code()
        );
    }
    // Calculators and public data must stay public; everything else under /api needs a token.
    for r in &rules {
        let public_api = r.path.starts_with("/api/v1/rules/")
            || r.path.starts_with("/api/v1/public/")
            || r.path == "/api/v1/openapi.json";
        if r.surface == Surface::Api {
            assert_eq!(
                r.permission == Permission::PUBLIC,
                public_api,
                "{} {}",
                r.method,
                r.path
            );
        }
    }
}

/// One token and one signed-in browser per role, made once.
struct Callers<'a> {
    tokens: Vec<(Role, String)>,
    browsers: Vec<(Role, Browser<'a>)>,
}

async fn call_as(
    t: &TestApp,
    callers: &mut Callers<'_>,
    rule: &RouteRule,
    role: Option<Role>,
    territory: &Territory,
) -> StatusCode {
    let path = concrete(rule, territory);
    match (rule.surface, role) {
        (Surface::Api, None) => t.api(rule.method.clone(), &path, None, None).await.status,
        (Surface::Api, Some(role)) => {
            let token = &callers.tokens.iter().find(|(r, _)| *r == role).unwrap().1;
            // A well-formed body, so the answer is about access, not about JSON syntax.
            let body = (rule.method != Method::GET && rule.method != Method::DELETE)
                .then(|| serde_json::json!({}));
            t.api(rule.method.clone(), &path, Some(token), body)
                .await
                .status
        }
        (_, None) => {
            let mut b = t.browser().await;
            if rule.method == Method::GET {
                b.get(&path).await.status
            } else {
                b.post(&path, &[]).await.status
            }
        }
        (_, Some(role)) => {
            let b = &mut callers
                .browsers
                .iter_mut()
                .find(|(r, _)| *r == role)
                .unwrap()
                .1;
            if rule.method == Method::GET {
                b.get(&path).await.status
            } else {
                b.post(&path, &[]).await.status
            }
        }
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_its_rule_says() {
    let t = TestApp::new().await;
    let mut rules = sportello_web::routes::rules();
    // Signing out ends the sessions the other calls use: it goes last.
    rules.sort_by_key(|r| r.path == "/logout");
    let mut callers = Callers {
        tokens: vec![],
        browsers: vec![],
    };
    let world = t.world().await;
    for role in Role::ALL {
        callers
            .tokens
            .push((role, t.token(role, world.scope(role)).await));
        callers
            .browsers
            .push((role, t.signed_in(role, world.scope(role)).await));
    }
    let mut failures = Vec::new();
    for rule in &rules {
        let anonymous = call_as(&t, &mut callers, rule, None, &world.inside).await;
        let expect_anonymous_ok = rule.permission == Permission::PUBLIC;
        let ok = match (expect_anonymous_ok, rule.surface) {
            (true, _) => !denied(anonymous),
            (false, Surface::Api) => anonymous == StatusCode::UNAUTHORIZED,
            (false, _) => {
                anonymous == StatusCode::SEE_OTHER
                    || (rule.method != Method::GET && anonymous == StatusCode::FORBIDDEN)
            }
        };
        if !ok {
            failures.push(format!(
                "{} {} anonymous → {anonymous}",
                rule.method, rule.path
            ));
        }
        for role in Role::ALL {
            let status = call_as(&t, &mut callers, rule, Some(role), &world.inside).await;
            let allowed = grants(role, rule.permission);
            let wrong = allowed == denied(status)
                || status.is_server_error()
                || (allowed && rule.scoped_record.is_some() && status == StatusCode::NOT_FOUND);
            if wrong {
                failures.push(format!(
                    "{} {} as {role} on own record → {status} (rule {:?})",
                    rule.method, rule.path, rule.permission
                ));
            }
            if rule.scoped_record.is_some() {
                // Outside the scope the record does not exist for this user.
                let status = call_as(&t, &mut callers, rule, Some(role), &world.outside).await;
                let expected = if allowed {
                    StatusCode::NOT_FOUND
                } else {
                    StatusCode::FORBIDDEN
                };
                if status != expected {
                    failures.push(format!(
                        "{} {} as {role} on a record outside its scope → {status}, expected {expected}",
                        rule.method, rule.path
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "access matrix violations:\n{}",
        failures.join("\n")
    );
}

/// Principal creation tried as every role: only an administrator may create users, and
/// only with a scope inside their own — never national, never another region's office.
#[tokio::test]
async fn principal_creation_as_every_role_stays_inside_the_callers_scope() {
    let t = TestApp::new().await;
    let world = t.world().await;
    let attempts = [
        serde_json::json!({"kind": "region"}),
        serde_json::json!({"kind": "region", "id": world.outside.region}),
        serde_json::json!({"kind": "office", "id": world.outside.office}),
    ];
    let mut failures = Vec::new();
    for role in Role::ALL {
        let token = t.token(role, world.scope(role)).await;
        for (i, scope) in attempts.iter().enumerate() {
            let target_role = if scope["kind"] == "office" {
                "cpi_operator"
            } else {
                "regional_admin"
            };
            let body = serde_json::json!({"username": format!("tentativo.{i}.{}", role.code()),
                "display_name": "Tentativo", "password": "una-password-lunga-1",
                "role": target_role, "scope": scope});
            let r = t
                .api(Method::POST, "/api/v1/users", Some(&token), Some(body))
                .await;
            let expected = if grants(role, USERS_MANAGE) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::FORBIDDEN
            };
            if r.status != expected {
                failures.push(format!("{role} creating {scope} → {}", r.status));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
