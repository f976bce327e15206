//! Signing in and out, sessions, CSRF and security headers, through the pages.

use crate::support::{PASSWORD, TestApp, backend, csrf_from};
use axum::http::{Method, StatusCode, header};
use sportello_domain::role::Role;

#[tokio::test]
async fn runs_on_the_configured_database() {
    let t = TestApp::new().await;
    let name = sportello_db::backend_name(&t.db);
    eprintln!("integration suite on {name}");
    assert_eq!(
        name.to_lowercase().starts_with("postgres"),
        backend() == "postgres"
    );
}

#[tokio::test]
async fn operator_logs_in_reaches_home_and_logs_out() {
    let t = TestApp::new().await;
    let user = t
        .user(Role::CpiOperator, t.scope_for(Role::CpiOperator).await)
        .await;
    let mut b = t.browser().await;
    let anonymous = b.get("/").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), "/login");

    let form = b.get("/login").await;
    assert_eq!(form.status, StatusCode::OK);
    let before = b
        .cookie
        .clone()
        .expect("anonymous session for the CSRF token");

    let r = b.login(&user, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/");
    let after = b.cookie.clone().expect("session cookie");
    assert_ne!(before, after, "the session id changes at login");

    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    // Greeted by name, with the office by name, not by username and UUID.
    assert!(
        home.body.contains("Buongiorno, Prova Operatore CPI"),
        "{}",
        home.body
    );
    assert!(
        home.body.contains("Centro per l&#39;Impiego 048017")
            || home.body.contains("Centro per l'Impiego 048017"),
        "{}",
        home.body
    );
    assert!(
        !home
            .body
            .contains(&t.world().await.inside.office.to_string())
    );

    let out = b.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/").await.location(), "/login");
}

#[tokio::test]
async fn wrong_password_is_refused_in_italian_and_locks_after_repeats() {
    let t = TestApp::new().await;
    let user = t
        .user(Role::CpiOperator, t.scope_for(Role::CpiOperator).await)
        .await;
    let mut b = t.browser().await;
    let r = b.login(&user, "sbagliata-sbagliata").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Nome utente o password non corretti."));
    // Unknown accounts get the same answer.
    let r = b.login("nessuno", "sbagliata-sbagliata").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Nome utente o password non corretti."));

    for _ in 0..4 {
        b.login(&user, "sbagliata-sbagliata").await;
    }
    // Five failures lock the account: even the right password waits.
    let r = b.login(&user, PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("Troppi tentativi"));
}

#[tokio::test]
async fn empty_fields_get_messages_next_to_them() {
    let t = TestApp::new().await;
    let mut b = t.browser().await;
    let r = b.login("", "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"username-errore\""));
    assert!(r.body.contains("aria-describedby=\"username-errore\""));
    assert!(r.body.contains("Inserire il nome utente"));
    assert!(r.body.contains("Inserire la password"));
}

#[tokio::test]
async fn posts_without_csrf_token_are_refused() {
    let t = TestApp::new().await;
    let user = t
        .user(Role::RegionalAdmin, t.scope_for(Role::RegionalAdmin).await)
        .await;
    let mut b = t.browser().await;
    b.get("/login").await;
    let r = b
        .request(
            Method::POST,
            "/login",
            Some(&[("username", user.as_str()), ("password", PASSWORD)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .request(
            Method::POST,
            "/login",
            Some(&[
                ("username", user.as_str()),
                ("password", PASSWORD),
                ("csrf_token", "falso"),
            ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Signed in, a state-changing form without the token is still refused.
    let mut admin = t
        .signed_in(Role::RegionalAdmin, t.scope_for(Role::RegionalAdmin).await)
        .await;
    let r = admin
        .request(
            Method::POST,
            "/admin/tokens",
            Some(&[("name", "x"), ("role", "auditor")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Richiesta non valida"));
    // A POST with no session at all (curl) too.
    let r = t
        .send(
            axum::http::Request::post("/logout")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn next_parameter_cannot_redirect_elsewhere() {
    let t = TestApp::new().await;
    let user = t
        .user(Role::Auditor, t.scope_for(Role::Auditor).await)
        .await;
    let mut b = t.browser().await;
    let page = b.get("/login?next=//evil.example/x").await;
    let token = csrf_from(&page.body).unwrap();
    let r = b
        .request(
            Method::POST,
            "/login",
            Some(&[
                ("username", user.as_str()),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
                ("csrf_token", &token),
            ]),
        )
        .await;
    assert_eq!(r.location(), "/");
    // Signed in, /login sends on to `next`: tabs, backslashes and newlines never leave
    // the site (a newline used to answer 500 with English text).
    for next in [
        "/%09/evil.example",
        "/%5Cevil.example",
        "%5C%5Cevil.example",
        "/%0D%0ASet-Cookie:%20x=1",
        "/%0A/evil.example",
    ] {
        let r = b.get(&format!("/login?next={next}")).await;
        assert!(r.status.is_redirection(), "{next}: {}", r.status);
        assert_eq!(r.location(), "/", "{next}");
    }
    let r = b.get("/login?next=/persons%3Fq%3Drossi").await;
    assert_eq!(r.location(), "/persons?q=rossi");
}

#[tokio::test]
async fn security_headers_and_cached_assets() {
    let t = TestApp::new().await;
    let r = t.get("/login").await;
    let h = |n: &str| {
        r.headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert!(h("content-security-policy").starts_with("default-src 'self'"));
    assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "same-origin");
    assert!(h("set-cookie").contains("HttpOnly"));
    assert!(h("set-cookie").contains("SameSite=Lax"));
    assert!(!r.body.contains("<script>"), "no inline script");

    let css = t
        .get(&format!(
            "{}/vendor/bootstrap-italia/css/bootstrap-italia.min.css",
            sportello_web::routes::STATIC_PREFIX
        ))
        .await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type().starts_with("text/css"));
    assert!(
        css.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let missing = t.get("/non-esiste").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Pagina non trovata"));
}

/// Parallel wrong passwords all count: six at once lock the account (they used to leave
/// the counter at 1, each writing "previous + 1" from the same read).
#[tokio::test]
async fn parallel_wrong_passwords_still_lock_the_account() {
    let t = TestApp::new().await;
    let user = t
        .user(Role::CpiOperator, t.scope_for(Role::CpiOperator).await)
        .await;
    let attempts: Vec<_> = (0..6)
        .map(|i| {
            let app = t.app.clone();
            let user = user.clone();
            tokio::spawn(async move {
                app.login(&user, "password-sbagliata", &format!("10.0.0.{i}"))
                    .await
                    .err()
            })
        })
        .collect();
    // An attempt that reads the lock the first five left behind is refused as such.
    for a in attempts {
        let e = a.await.unwrap();
        assert!(
            matches!(
                e,
                Some(
                    sportello_app::AppError::BadCredentials
                        | sportello_app::AppError::RateLimited { .. }
                )
            ),
            "{e:?}"
        );
    }
    let r = t.app.login(&user, PASSWORD, "10.0.0.99").await;
    assert!(
        matches!(r, Err(sportello_app::AppError::RateLimited { .. })),
        "the account is locked after five failures: {:?}",
        r.map(|u| u.username)
    );
}

/// Page views do not rewrite the session row each time (each write is a transaction that
/// queues behind every other on SQLite): only changes and a once-a-minute idle refresh.
#[tokio::test]
async fn page_views_do_not_rewrite_the_session() {
    use sea_orm::{ConnectionTrait, Statement};
    let t = TestApp::new().await;
    let mut b = t
        .signed_in(Role::CpiOperator, t.scope_for(Role::CpiOperator).await)
        .await;
    b.get("/").await;
    let expiry = || async {
        let row =
            t.db.query_one_raw(Statement::from_string(
                t.db.get_database_backend(),
                "SELECT data, expires_at FROM sessions",
            ))
            .await
            .unwrap()
            .unwrap();
        let data: String = row.try_get("", "data").unwrap();
        let at: time::OffsetDateTime = row.try_get("", "expires_at").unwrap();
        (data, at)
    };
    let before = expiry().await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    for path in ["/", "/persons", "/"] {
        assert_eq!(b.get(path).await.status, StatusCode::OK, "{path}");
    }
    assert_eq!(
        expiry().await,
        before,
        "the session row was not written again"
    );
}

/// A home shows what the role can do now: a citizen gets their own file, not the
/// operators' person search, and no role is promised pages that do not exist.
#[tokio::test]
async fn homes_offer_what_each_role_can_open() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let mut citizen = t.signed_in(Role::Citizen, w.scope(Role::Citizen)).await;
    let home = citizen.get("/").await;
    assert!(home.body.contains("I miei dati"), "{}", home.body);
    assert!(home.body.contains(&format!("/persons/{}", w.inside.person)));
    assert!(!home.body.contains("Cerca una persona"));
    let mut employer = t.signed_in(Role::Employer, w.scope(Role::Employer)).await;
    let home = employer.get("/").await;
    assert!(
        home.body
            .contains(&format!("/employers/{}", w.inside.employer))
    );
    assert!(
        !home.body.contains("candidati") && !home.body.contains("offerte"),
        "{}",
        home.body
    );
    let mut manager = t
        .signed_in(Role::CpiManager, w.scope(Role::CpiManager))
        .await;
    let home = manager.get("/").await;
    assert!(
        !home.body.contains("agenda") && !home.body.contains("cruscotti"),
        "{}",
        home.body
    );
    let mut admin = t
        .signed_in(Role::RegionalAdmin, w.scope(Role::RegionalAdmin))
        .await;
    assert!(admin.get("/").await.body.contains("Regione Toscana"));
}
