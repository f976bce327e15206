//! The audit chain: written with each change, searchable by the auditor, and tampering
//! is found.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use sportello_domain::audit::ChainBreak;
use sportello_domain::role::Role;

#[tokio::test]
async fn changes_are_chained_and_tampering_is_reported() {
    let t = TestApp::new().await;
    // The fixtures' offices, persons and employers are audited writes too.
    t.world().await;
    let base = t.app.verify_audit().await.unwrap().checked;
    for role in [Role::CpiOperator, Role::Employer, Role::Auditor] {
        t.user(role, t.scope_for(role).await).await;
    }
    let mut b = t
        .signed_in(Role::CpiManager, t.scope_for(Role::CpiManager).await)
        .await;
    b.get("/").await;
    let v = t.app.verify_audit().await.unwrap();
    assert_eq!(v.first_break, None);
    assert_eq!(v.checked, base + 5, "four users created and one login");

    t.db.execute_unprepared("UPDATE audit_log SET actor = 'qualcun altro' WHERE seq = 3")
        .await
        .unwrap();
    let v = t.app.verify_audit().await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Altered { seq: 3 }));
    assert_eq!(v.checked, 2);

    // Deleting a row breaks the link of the next one.
    t.db.execute_unprepared("UPDATE audit_log SET actor = 'sistema' WHERE seq = 3")
        .await
        .unwrap();
    assert_eq!(t.app.verify_audit().await.unwrap().first_break, None);
    t.db.execute_unprepared("DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    let v = t.app.verify_audit().await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Unlinked { seq: 3 }));
}

#[tokio::test]
async fn auditor_searches_the_log_others_cannot() {
    let t = TestApp::new().await;
    let created = t
        .user(Role::CpiOperator, t.scope_for(Role::CpiOperator).await)
        .await;
    let mut auditor = t
        .signed_in(Role::Auditor, t.scope_for(Role::Auditor).await)
        .await;
    let page = auditor.get("/audit?action=create&entity=user").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Registro di audit"));
    assert!(
        page.body.contains(&created),
        "the created user appears in the after-image"
    );
    let bad = auditor.get("/audit?from=31/02/2026").await;
    assert!(bad.body.contains("Data non valida"));

    let token = t
        .token(Role::Auditor, t.scope_for(Role::Auditor).await)
        .await;
    let r = t
        .api(
            Method::GET,
            "/api/v1/audit?action=login",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let items = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["role"], "auditor");
    let bad = t
        .api(Method::GET, "/api/v1/audit?from=ieri", Some(&token), None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let mut op = t
        .signed_in(Role::CpiOperator, t.scope_for(Role::CpiOperator).await)
        .await;
    assert_eq!(op.get("/audit").await.status, StatusCode::FORBIDDEN);
}
