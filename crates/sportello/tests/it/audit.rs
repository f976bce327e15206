//! The audit chain: written with each change, searchable by the auditor, and tampering
//! is found.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use sportello_domain::audit::ChainBreak;
use sportello_domain::role::Role;

/// A chain holding at least three entries, and the actor of its second one.
async fn a_long_chain(t: &TestApp) -> (i32, String) {
    let rows =
        t.db.query_all_raw(Statement::from_string(
            t.db.get_database_backend(),
            "SELECT chain, actor FROM audit_log WHERE seq = 2 AND chain IN \
             (SELECT chain FROM audit_log GROUP BY chain HAVING COUNT(*) >= 3) ORDER BY chain",
        ))
        .await
        .unwrap();
    let row = rows.first().expect("a chain with three entries");
    (
        row.try_get("", "chain").unwrap(),
        row.try_get("", "actor").unwrap(),
    )
}

#[tokio::test]
async fn changes_are_chained_and_tampering_is_reported() {
    let t = TestApp::new().await;
    // The fixtures' offices, persons and employers are audited writes too.
    t.world().await;
    let base = t.app.verify_audit(&[]).await.unwrap().checked;
    for role in [Role::CpiOperator, Role::Employer, Role::Auditor] {
        t.user(role, t.scope_for(role).await).await;
    }
    let mut b = t
        .signed_in(Role::CpiManager, t.scope_for(Role::CpiManager).await)
        .await;
    b.get("/").await;
    let v = t.app.verify_audit(&[]).await.unwrap();
    assert_eq!(v.first_break, None);
    assert_eq!(v.checked, base + 5, "four users created and one login");
    // Entries about one record share a chain: three more sign-ins make a long one.
    let user = t
        .user(Role::Auditor, t.scope_for(Role::Auditor).await)
        .await;
    for _ in 0..3 {
        t.browser()
            .await
            .login(&user, crate::support::PASSWORD)
            .await;
    }

    let (chain, actor) = a_long_chain(&t).await;
    let set_actor = |who: &str| {
        format!("UPDATE audit_log SET actor = '{who}' WHERE chain = {chain} AND seq = 2")
    };
    t.db.execute_unprepared(&set_actor("qualcun altro"))
        .await
        .unwrap();
    let v = t.app.verify_audit(&[]).await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Altered { chain, seq: 2 }));

    // Deleting a row breaks the link of the next one.
    t.db.execute_unprepared(&set_actor(&actor)).await.unwrap();
    assert_eq!(t.app.verify_audit(&[]).await.unwrap().first_break, None);
    t.db.execute_unprepared(&format!(
        "DELETE FROM audit_log WHERE chain = {chain} AND seq = 2"
    ))
    .await
    .unwrap();
    let v = t.app.verify_audit(&[]).await.unwrap();
    assert_eq!(v.first_break, Some(ChainBreak::Unlinked { chain, seq: 3 }));
}

/// Runs the `sportello` binary on the test's database with a checkpoint key and directory.
fn sportello(t: &TestApp, dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sportello"))
        .args(args)
        .env("DATABASE_URL", &t.url)
        .env("SPORTELLO__AUDIT__SIGNING_KEY", "42".repeat(32))
        .env("SPORTELLO__AUDIT__CHECKPOINT_DIR", dir)
        .output()
        .expect("run sportello");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn removed_last_entries_are_found_by_the_head_and_by_signed_checkpoints() {
    let t = TestApp::new().await;
    t.world().await;
    // Entries about one record share a chain: three sign-ins make a chain of three.
    let user = t
        .user(Role::Auditor, t.scope_for(Role::Auditor).await)
        .await;
    for _ in 0..3 {
        let mut b = t.browser().await;
        b.login(&user, crate::support::PASSWORD).await;
    }
    let dir = std::env::temp_dir().join(format!("sportello-cp-{}", uuid::Uuid::new_v4()));
    let (ok, out) = sportello(&t, &dir, &["audit", "checkpoint"]);
    assert!(ok, "{out}");
    let (ok, out) = sportello(&t, &dir, &["audit", "verify"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("integro") && out.contains("1 punti di controllo"),
        "{out}"
    );

    // The last entries of a chain deleted: its head still names them.
    let (chain, _) = a_long_chain(&t).await;
    let last: i64 =
        t.db.query_one_raw(Statement::from_string(
            t.db.get_database_backend(),
            format!("SELECT MAX(seq) AS s FROM audit_log WHERE chain = {chain}"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "s")
        .unwrap();
    t.db.execute_unprepared(&format!(
        "DELETE FROM audit_log WHERE chain = {chain} AND seq > 1"
    ))
    .await
    .unwrap();
    let v = t.app.verify_audit(&[]).await.unwrap();
    assert_eq!(
        v.first_break,
        Some(ChainBreak::Truncated {
            chain,
            last_seq: 1,
            head_seq: last
        })
    );

    // The head rewritten to match: the database alone looks intact, the checkpoint does not.
    t.db.execute_unprepared(&format!(
        "UPDATE audit_head SET seq = 1, hash = (SELECT hash FROM audit_log WHERE chain = {chain} AND seq = 1) WHERE id = {chain}"
    ))
    .await
    .unwrap();
    assert_eq!(t.app.verify_audit(&[]).await.unwrap().first_break, None);
    let (ok, out) = sportello(&t, &dir, &["audit", "verify"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!(
            "catena {chain}: l'ultima voce è la 1 ma un punto di controllo firmato ne attesta la {last}"
        )),
        "{out}"
    );

    // A checkpoint file altered by hand is refused, not trusted.
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("\"seq\": ", "\"seq\": 1", 1)).unwrap();
    let (ok, out) = sportello(&t, &dir, &["audit", "verify"]);
    assert!(
        !ok && out.contains("firma del punto di controllo non valida"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
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
    // Italian words, not codes: the action, the object, the role, the fields.
    assert!(page.body.contains("<td>Creazione</td>"), "{}", page.body);
    assert!(page.body.contains("nome utente: "));
    assert!(!page.body.contains("<td>create</td>") && !page.body.contains("cpi_operator"));
    assert!(
        page.body
            .contains(r#"<option value="person">Persona</option>"#)
    );
    let bad = auditor.get("/audit?from=31/02/2026").await;
    assert!(
        bad.body.contains("non esiste nel calendario"),
        "{}",
        bad.body
    );
    let iso = auditor.get("/audit?from=2026-02-01").await;
    assert!(
        iso.body.contains("Usare il formato gg/mm/aaaa"),
        "{}",
        iso.body
    );

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
