//! The API's conventions: bearer tokens, problem+json, idempotency, OpenAPI snapshot.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::json;
use sportello_domain::role::Role;

#[tokio::test]
async fn unauthenticated_and_bad_tokens_get_401_problem_json() {
    let t = TestApp::new().await;
    for token in [None, Some("spt_falso"), Some("qualcosa")] {
        let r = t.api(Method::GET, "/api/v1/me", token, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.content_type(), "application/problem+json");
        let p = r.json();
        assert_eq!(p["type"], "urn:sportello:problem:unauthenticated");
        assert_eq!(p["status"], 401);
    }
    let r = t.api(Method::GET, "/api/v1/non-esiste", None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.content_type(), "application/problem+json");
    // The guidelines' health check: public, JSON.
    let r = t.get("/status").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), serde_json::json!({"status": "ok"}));
}

#[tokio::test]
async fn token_identifies_its_role_and_stops_working_when_revoked() {
    let t = TestApp::new().await;
    let admin = t
        .token(Role::RegionalAdmin, t.scope_for(Role::RegionalAdmin).await)
        .await;
    let op = t
        .token(Role::CpiOperator, t.scope_for(Role::CpiOperator).await)
        .await;
    let me = t
        .api(Method::GET, "/api/v1/me", Some(&op), None)
        .await
        .json();
    assert_eq!(me["role"], "cpi_operator");
    assert_eq!(me["scope"]["kind"], "office");

    let tokens = t
        .api(Method::GET, "/api/v1/tokens", Some(&admin), None)
        .await
        .json();
    let id = tokens
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["role"] == "cpi_operator")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = t
        .api(
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = t.api(Method::GET, "/api/v1/me", Some(&op), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn creating_a_user_validates_in_italian_and_is_idempotent() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let office = w.inside.office.to_string();
    let admin = t
        .token(Role::RegionalAdmin, t.scope_for(Role::RegionalAdmin).await)
        .await;
    let bad = t
        .api(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(
                json!({"username": "x", "display_name": "", "password": "corta",
                        "role": "cpi_operator", "scope": {"kind": "office", "id": office}}),
            ),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.content_type(), "application/problem+json");
    let p = bad.json();
    assert_eq!(p["type"], "urn:sportello:problem:validation");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "password", "display_name"]);
    assert!(
        p["errors"][1]["message"]
            .as_str()
            .unwrap()
            .contains("almeno 12 caratteri")
    );

    let malformed = t
        .send(
            axum::http::Request::post("/api/v1/users")
                .header("authorization", format!("Bearer {admin}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{non json"))
                .unwrap(),
        )
        .await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(malformed.content_type(), "application/problem+json");

    let body = json!({"username": "m.bianchi", "display_name": "Maria Bianchi",
        "password": "una-password-lunga", "role": "cpi_operator",
        "scope": {"kind": "office", "id": office}});
    let post = |key: &'static str, body: serde_json::Value| {
        let admin = admin.clone();
        let t = &t;
        async move {
            t.send(
                axum::http::Request::post("/api/v1/users")
                    .header("authorization", format!("Bearer {admin}"))
                    .header("content-type", "application/json")
                    .header("idempotency-key", key)
                    .body(axum::body::Body::from(body.to_string()))
                    .unwrap(),
            )
            .await
        }
    };
    let first = post("k-1", body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = post("k-1", body.clone()).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(
        again.json()["id"],
        first.json()["id"],
        "replayed, not created twice"
    );
    let mut other = body.clone();
    other["username"] = json!("altro.utente");
    let conflict = post("k-1", other).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    // Without a key a duplicate username is a conflict, not a second account.
    let dup = post("k-2", body.clone()).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert!(
        dup.json()["detail"]
            .as_str()
            .unwrap()
            .contains("già in uso")
    );

    // An office that does not exist is refused.
    let mut ghost = body.clone();
    ghost["username"] = json!("fantasma");
    ghost["scope"]["id"] = json!(uuid::Uuid::now_v7());
    let r = post("k-3", ghost).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "scope");

    // A citizen's account is bound to their person by codice fiscale and sees only it.
    let cf = t
        .app
        .get_person(&sportello_app::accounts::system_actor(), w.inside.person)
        .await
        .unwrap()
        .codice_fiscale;
    let citizen = json!({"username": "m.rossi", "display_name": "Mario Rossi",
        "password": "una-password-lunga", "role": "citizen",
        "scope": {"kind": "person", "id": cf.to_lowercase()}});
    let r = post("k-4", citizen).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["scope"]["id"], w.inside.person.to_string());

    let users = t
        .api(Method::GET, "/api/v1/users?limit=1", Some(&admin), None)
        .await
        .json();
    assert_eq!(users["items"].as_array().unwrap().len(), 1);
    let cursor = users["next_cursor"].as_str().expect("a next page");
    let next = t
        .api(
            Method::GET,
            &format!("/api/v1/users?limit=1&cursor={cursor}"),
            Some(&admin),
            None,
        )
        .await
        .json();
    assert_ne!(next["items"][0]["id"], users["items"][0]["id"]);
}

#[tokio::test]
async fn openapi_document_matches_the_committed_snapshot() {
    let t = TestApp::new().await;
    let r = t.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let live = r.json();
    assert_eq!(live["openapi"], "3.1.0");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json");
    let pretty = serde_json::to_string_pretty(&live).unwrap() + "\n";
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(path, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == pretty,
        "openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test --test it openapi` and commit it"
    );
}

#[tokio::test]
async fn unreadable_parameters_get_problem_json_or_an_italian_page() {
    let t = TestApp::new().await;
    let auditor = t
        .token(Role::Auditor, t.scope_for(Role::Auditor).await)
        .await;
    let r = t
        .api(
            Method::GET,
            "/api/v1/audit?limit=molti",
            Some(&auditor),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.content_type(), "application/problem+json");
    assert!(
        r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Parametri non validi")
    );
    let mut b = t
        .signed_in(Role::Auditor, t.scope_for(Role::Auditor).await)
        .await;
    let page = b.get("/audit?before=ieri").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Richiesta non valida"));
}

/// Two retries of one creating POST sent at the same moment: one person is registered and
/// both answers carry it. The key is taken inside the command's own transaction, so the
/// second waits for the first and finds it, instead of both running the command.
#[tokio::test]
async fn concurrent_retries_with_one_idempotency_key_create_one_record() {
    let t = TestApp::new().await;
    let op = t
        .token(Role::CpiOperator, t.scope_for(Role::CpiOperator).await)
        .await;
    let cf = sportello_domain::codice_fiscale::encode(
        "Verdi",
        "Giulia",
        time::macros::date!(1992 - 04 - 18),
        sportello_domain::codice_fiscale::Sex::F,
        "D612",
    );
    let body = json!({"codice_fiscale": cf, "surname": "Verdi", "name": "Giulia",
        "domicile_comune": crate::fixtures::FIRENZE, "domicile_address": "Via dei Neri 4"});
    let post = |key: &'static str, body: serde_json::Value| {
        let op = op.clone();
        let t = &t;
        async move {
            t.send(
                axum::http::Request::post("/api/v1/persons")
                    .header("authorization", format!("Bearer {op}"))
                    .header("content-type", "application/json")
                    .header("idempotency-key", key)
                    .body(axum::body::Body::from(body.to_string()))
                    .unwrap(),
            )
            .await
        }
    };
    let (a, b) = tokio::join!(post("r-1", body.clone()), post("r-1", body.clone()));
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.body);
    assert_eq!(
        a.json()["id"],
        b.json()["id"],
        "one record for both answers"
    );
    let found = t
        .api(
            Method::GET,
            &format!("/api/v1/persons?q={cf}"),
            Some(&op),
            None,
        )
        .await
        .json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    let other = post("r-1", json!({"codice_fiscale": cf, "surname": "Altra"})).await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    // Keys are forgotten after a day: the sweep removes them, not before.
    let now = sportello_app::now();
    assert_eq!(t.app.sweep(now).await.unwrap().1, 0);
    let later = now + sportello_app::idempotency::RETENTION + time::Duration::minutes(1);
    assert_eq!(t.app.sweep(later).await.unwrap().1, 1);
}

/// The answers the framework used to give in English or as bare bodies: a body over the
/// limit, an address or headers too large, a method the path does not have, a body that is not JSON, NUL characters (a 500
/// on PostgreSQL) in the address, the JSON or a form.
#[tokio::test]
async fn framework_level_errors_are_italian_problems() {
    let t = TestApp::new().await;
    let op = t
        .token(Role::CpiOperator, t.scope_for(Role::CpiOperator).await)
        .await;
    let send = |method: &str, path: &str, content_type: &str, body: Vec<u8>| {
        let op = op.clone();
        let t = &t;
        let (method, path, content_type) =
            (method.to_owned(), path.to_owned(), content_type.to_owned());
        async move {
            t.send(
                axum::http::Request::builder()
                    .method(method.as_str())
                    .uri(path)
                    .header("authorization", format!("Bearer {op}"))
                    .header("content-type", content_type)
                    .body(axum::body::Body::from(body))
                    .unwrap(),
            )
            .await
        }
    };
    let italian_problem = |r: &crate::support::Resp, status: StatusCode| {
        assert_eq!(r.status, status, "{}", r.body);
        assert_eq!(r.content_type(), "application/problem+json", "{}", r.body);
        let d = r.json()["detail"].as_str().unwrap_or("").to_owned();
        assert!(!d.is_empty() && !d.contains("length limit"), "{d}");
    };

    let huge = format!("{{\"surname\":\"{}\"}}", "a".repeat(5 * 1024 * 1024));
    let r = send(
        "POST",
        "/api/v1/persons",
        "application/json",
        huge.into_bytes(),
    )
    .await;
    italian_problem(&r, StatusCode::PAYLOAD_TOO_LARGE);
    // Under the limit a large body reaches the use case (and fails validation there).
    let big = format!("{{\"surname\":\"{}\"}}", "a".repeat(3_900_000));
    let r = send(
        "POST",
        "/api/v1/persons",
        "application/json",
        big.into_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let r = send("DELETE", "/api/v1/persons", "application/json", vec![]).await;
    italian_problem(&r, StatusCode::METHOD_NOT_ALLOWED);
    let allow = r.headers.get("allow").unwrap().to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");

    let r = send("POST", "/api/v1/persons", "text/plain", b"{}".to_vec()).await;
    italian_problem(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let r = send(
        "POST",
        "/api/v1/persons",
        "application/json",
        br#"{"surname":"Ros\u0000si","name":"Mario"}"#.to_vec(),
    )
    .await;
    italian_problem(&r, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t.get("/api/v1/public/comuni?q=Ro%00ma").await;
    italian_problem(&r, StatusCode::BAD_REQUEST);

    // An address or headers too large: a reason, not hyper's empty 414/431.
    let long = format!("/api/v1/public/comuni?q={}", "a".repeat(9 * 1024));
    italian_problem(&t.get(&long).await, StatusCode::URI_TOO_LONG);
    let mut crowded = axum::http::Request::builder().uri("/api/v1/public/comuni?q=Roma");
    for i in 0..5 {
        crowded = crowded.header(format!("x-extra-{i}"), "b".repeat(8 * 1024));
    }
    let r = t
        .send(crowded.body(axum::body::Body::empty()).unwrap())
        .await;
    italian_problem(&r, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    let page = t.get(&format!("/persons?q={}", "a".repeat(9 * 1024))).await;
    assert_eq!(page.status, StatusCode::URI_TOO_LONG);
    assert!(
        page.body.contains("Indirizzo troppo lungo"),
        "{}",
        page.body
    );

    // Pages: the same refusals as Italian pages.
    let mut b = t.browser().await;
    let r = b
        .post("/login", &[("username", "mario\0rossi"), ("password", "x")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("carattere nullo"), "{}", r.body);
    let r = b.get("/logout").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.body.contains("Metodo non consentito"));
    assert_eq!(r.headers.get("allow").unwrap(), "POST");
}

/// The API reference is a page of the site, in Italian, generated from the same document
/// the snapshot test fixes: every documented operation is on it.
#[tokio::test]
async fn the_api_reference_page_lists_every_operation() {
    let t = TestApp::new().await;
    let page = t.get("/api/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Documentazione delle API"));
    let spec = serde_json::to_value(sportello_web::api::openapi::spec()).unwrap();
    for path in spec["paths"].as_object().unwrap().keys() {
        assert!(
            page.body.contains(&format!("<code>{path}</code>")),
            "{path} missing from /api/docs"
        );
    }
    assert!(page.body.contains("Parametri di GET /api/v1/persons"));
    assert!(page.body.contains("Accesso pubblico, senza token."));
    assert!(!page.body.contains("swagger"), "no third-party viewer");
}
