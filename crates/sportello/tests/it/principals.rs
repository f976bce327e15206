//! Users and API tokens stay inside the scope of the administrator who manages them: a
//! regional administrator can neither mint a principal beyond their region nor see,
//! change or revoke another region's.

use crate::support::{PASSWORD, TestApp};
use axum::http::{Method, StatusCode};
use serde_json::json;
use sportello_domain::access::Scope;
use sportello_domain::role::Role;

fn new_user(username: &str, role: &str, scope: serde_json::Value) -> serde_json::Value {
    json!({"username": username, "display_name": "Prova Ambito", "password": "una-password-lunga-1",
           "role": role, "scope": scope})
}

#[tokio::test]
async fn a_regional_administrator_creates_principals_only_inside_the_region() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let tuscany = t
        .token(Role::RegionalAdmin, t.scope_for(Role::RegionalAdmin).await)
        .await;
    let refused = [
        ("nazionale", "regional_admin", json!({"kind": "region"})),
        (
            "altraregione",
            "regional_admin",
            json!({"kind": "region", "id": "12"}),
        ),
        (
            "ufficiofuori",
            "cpi_operator",
            json!({"kind": "office", "id": w.outside.office}),
        ),
        (
            "personafuori",
            "citizen",
            json!({"kind": "person", "id": w.outside.person}),
        ),
        (
            "inesistente",
            "cpi_operator",
            json!({"kind": "office", "id": uuid::Uuid::now_v7()}),
        ),
    ];
    let mut details = Vec::new();
    for (username, role, scope) in refused {
        let r = t
            .api(
                Method::POST,
                "/api/v1/users",
                Some(&tuscany),
                Some(new_user(username, role, scope)),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{username}: {}",
            r.body
        );
        let p = r.json();
        assert_eq!(p["errors"][0]["field"], "scope", "{username}");
        details.push(p["errors"][0]["message"].as_str().unwrap().to_owned());
    }
    // An office of another region answers exactly as one that does not exist.
    assert_eq!(details[2], details[4]);
    assert!(
        details[2].contains("nel suo ambito di competenza"),
        "{}",
        details[2]
    );

    let ok = t
        .api(
            Method::POST,
            "/api/v1/users",
            Some(&tuscany),
            Some(new_user(
                "operatore.firenze",
                "cpi_operator",
                json!({"kind": "office", "id": w.inside.office}),
            )),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);

    // The same through the page that issues tokens.
    let mut b = t
        .signed_in(Role::RegionalAdmin, t.scope_for(Role::RegionalAdmin).await)
        .await;
    let r = b
        .post(
            "/admin/tokens",
            &[
                ("name", "integrazione"),
                ("role", "regional_admin"),
                ("scope_ref", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("solo la regione di sua competenza"),
        "{}",
        r.body
    );
    let outside_office = w.outside.office.to_string();
    let r = b
        .post(
            "/admin/tokens",
            &[
                ("name", "integrazione"),
                ("role", "cpi_operator"),
                ("scope_ref", &outside_office),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_regional_administrator_sees_and_revokes_only_the_regions_principals() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let tuscany = t
        .token(Role::RegionalAdmin, Scope::Region(Some("09".into())))
        .await;
    let national = t.token(Role::RegionalAdmin, Scope::Region(None)).await;
    let roman_user = t
        .user(Role::CpiOperator, Scope::Office(w.outside.office))
        .await;
    let florentine_user = t
        .user(Role::CpiOperator, Scope::Office(w.inside.office))
        .await;
    let roman_token = t
        .token(Role::CpiOperator, Scope::Office(w.outside.office))
        .await;

    let usernames = |v: serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    let seen = usernames(
        t.api(Method::GET, "/api/v1/users?limit=100", Some(&tuscany), None)
            .await
            .json(),
    );
    assert!(seen.contains(&florentine_user));
    assert!(!seen.contains(&roman_user), "{seen:?}");
    let seen = usernames(
        t.api(
            Method::GET,
            "/api/v1/users?limit=100",
            Some(&national),
            None,
        )
        .await
        .json(),
    );
    assert!(seen.contains(&roman_user) && seen.contains(&florentine_user));

    let tokens = t
        .api(Method::GET, "/api/v1/tokens", Some(&national), None)
        .await
        .json();
    let roman_id = tokens
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["scope"]["id"] == w.outside.office.to_string())
        .expect("the national administrator sees the Roman token")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tuscan_view = t
        .api(Method::GET, "/api/v1/tokens", Some(&tuscany), None)
        .await
        .json();
    assert!(
        tuscan_view
            .as_array()
            .unwrap()
            .iter()
            .all(
                |x| x["id"] != roman_id.as_str() && x["scope"]["kind"] != "region"
                    || x["scope"]["id"] == "09"
            ),
        "{tuscan_view}"
    );
    let r = t
        .api(
            Method::DELETE,
            &format!("/api/v1/tokens/{roman_id}"),
            Some(&tuscany),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .api(Method::GET, "/api/v1/me", Some(&roman_token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "the token still works");
    let mut b = t
        .signed_in(Role::RegionalAdmin, Scope::Region(Some("09".into())))
        .await;
    let r = b
        .post(&format!("/admin/tokens/{roman_id}/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .api(Method::GET, "/api/v1/me", Some(&roman_token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

/// Creating a token is post-redirect-get (a reload does not issue a second one) and shows
/// the secret once; revoking asks first.
#[tokio::test]
async fn tokens_are_issued_once_and_revoked_after_a_confirmation() {
    let t = TestApp::new().await;
    let mut b = t
        .signed_in(Role::RegionalAdmin, t.scope_for(Role::RegionalAdmin).await)
        .await;
    // The scope is picked by name from the offices of the region, never a UUID.
    let form = b.get("/admin/tokens").await;
    assert!(
        form.body
            .contains(r#"<option value="Centro per l&#39;Impiego 048017">"#)
            || form
                .body
                .contains(r#"<option value="Centro per l'Impiego 048017">"#),
        "{}",
        form.body
    );
    assert!(
        !form.body.contains("Centro per l&#39;Impiego 058091"),
        "Roma is not Tuscany's"
    );
    let roman = b
        .post(
            "/admin/tokens",
            &[
                ("name", "gestionale CPI"),
                ("role", "cpi_operator"),
                ("scope_ref", "Centro per l'Impiego 058091"),
            ],
        )
        .await;
    assert_eq!(roman.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post(
            "/admin/tokens",
            &[
                ("name", "gestionale CPI"),
                ("role", "cpi_operator"),
                ("scope_ref", "centro per l'impiego 048017"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/admin/tokens");
    let shown = b.get("/admin/tokens").await;
    assert!(shown.body.contains("Copiarlo ora"), "{}", shown.body);
    assert!(shown.body.contains("spt_"));
    let reload = b.get("/admin/tokens").await;
    assert!(
        !reload.body.contains("Copiarlo ora"),
        "the secret is shown once"
    );

    let national = t.token(Role::RegionalAdmin, Scope::Region(None)).await;
    let list = t
        .api(Method::GET, "/api/v1/tokens", Some(&national), None)
        .await
        .json();
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "gestionale CPI")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let confirm = b.get(&format!("/admin/tokens/{id}/revoke")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Revocare il token «gestionale CPI»?"));
    let r = b.post(&format!("/admin/tokens/{id}/revoke"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = b.get("/admin/tokens").await;
    assert!(after.body.contains("Token revocato"), "{}", after.body);
}

/// An administrator edits, deactivates and resets the password of the region's users —
/// on the page and through the API — and cannot touch another region's.
#[tokio::test]
async fn administrators_manage_the_regions_users_after_creating_them() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let username = t
        .user(Role::CpiOperator, Scope::Office(w.inside.office))
        .await;
    let roman = t
        .user(Role::CpiOperator, Scope::Office(w.outside.office))
        .await;
    let national = t.token(Role::RegionalAdmin, Scope::Region(None)).await;
    let ids = t
        .api(
            Method::GET,
            "/api/v1/users?limit=100",
            Some(&national),
            None,
        )
        .await
        .json();
    let id_of = |name: &str| {
        ids["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (id, roman_id) = (id_of(&username), id_of(&roman));

    // The operator is signed in when the administrator deactivates the account.
    let mut operator = t.browser().await;
    operator.login(&username, PASSWORD).await;
    assert_eq!(operator.get("/persons").await.status, StatusCode::OK);

    let mut admin = t
        .signed_in(Role::RegionalAdmin, Scope::Region(Some("09".into())))
        .await;
    // Scopes are named in the list, not shown as kind and UUID.
    let list = admin.get("/admin/users").await;
    assert!(list.body.contains("Impiego 048017"), "{}", list.body);
    assert!(!list.body.contains(&w.inside.office.to_string()));
    let page = admin.get(&format!("/admin/users/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Reimposta la password"));
    let r = admin
        .post(
            &format!("/admin/users/{id}"),
            &[
                ("display_name", "Maria Operatrice"),
                ("email", "m.op@esempio.invalid"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let saved = admin.get(r.location()).await;
    assert!(saved.body.contains("Maria Operatrice"), "{}", saved.body);
    assert!(
        saved.body.contains("utente salvati"),
        "the one-time message"
    );
    let r = operator.get("/persons").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "a deactivated account stops at once"
    );

    let short = admin
        .post(
            &format!("/admin/users/{id}/password"),
            &[("password", "corta")],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let tuscany = t
        .token(Role::RegionalAdmin, Scope::Region(Some("09".into())))
        .await;
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/users/{id}"),
            Some(&tuscany),
            Some(json!({"display_name": "Maria Operatrice", "active": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/users/{id}/password"),
            Some(&tuscany),
            Some(json!({"password": "una-nuova-password-lunga"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let mut again = t.browser().await;
    assert_eq!(
        again
            .login(&username, "una-nuova-password-lunga")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Another region's user does not exist for this administrator.
    for (method, path, body) in [
        (
            Method::PUT,
            format!("/api/v1/users/{roman_id}"),
            json!({"display_name": "X", "active": false}),
        ),
        (
            Method::PUT,
            format!("/api/v1/users/{roman_id}/password"),
            json!({"password": "una-nuova-password-lunga"}),
        ),
    ] {
        let r = t.api(method, &path, Some(&tuscany), Some(body)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        admin.get(&format!("/admin/users/{roman_id}")).await.status,
        StatusCode::NOT_FOUND
    );
}
