//! The unit of work: a command's change, its audit entries and its outbox messages commit
//! together or not at all, and the comune → office cascade records every record it moves.

use crate::fixtures::FIRENZE;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use sportello_domain::access::Scope;
use sportello_domain::registry::PERSONS_WRITE;
use sportello_domain::role::Role;

async fn count(t: &TestApp, sql: &str) -> i64 {
    let row =
        t.db.query_one_raw(Statement::from_string(t.db.get_database_backend(), sql))
            .await
            .unwrap()
            .expect("a row");
    row.try_get_by_index::<i64>(0).unwrap()
}

fn create_person(
    token: &str,
    key: &str,
    body: &serde_json::Value,
) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post("/api/v1/persons")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(axum::body::Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn a_change_commits_with_its_audit_entry_and_outbox_message_or_not_at_all() {
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
        "domicile_comune": FIRENZE, "domicile_address": "Via dei Neri 4"});
    let audits = count(&t, "SELECT COUNT(*) FROM audit_log").await;
    let messages = count(&t, "SELECT COUNT(*) FROM outbox").await;

    let r = t.send(create_person(&op, "u-1", &body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM audit_log").await,
        audits + 1
    );
    assert_eq!(
        count(&t, &format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'person' AND action = 'create' AND entity_id = '{id}'")).await,
        1
    );
    assert_eq!(count(&t, "SELECT COUNT(*) FROM outbox").await, messages + 1);
    assert_eq!(
        count(&t, &format!("SELECT COUNT(*) FROM outbox WHERE topic = 'person.created' AND entity_id = '{id}' AND processed_at IS NULL")).await,
        1
    );
    // The key remembers the record it created, in the same transaction.
    assert_eq!(
        count(
            &t,
            &format!("SELECT COUNT(*) FROM idempotency_keys WHERE key = 'u-1' AND body = '{id}'")
        )
        .await,
        1
    );
    // No personal data travels in the outbox.
    let payload =
        t.db.query_one_raw(Statement::from_string(
            t.db.get_database_backend(),
            format!("SELECT payload FROM outbox WHERE entity_id = '{id}'"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<String>(0)
        .unwrap();
    assert!(
        !payload.contains("Verdi") && !payload.contains(&cf),
        "{payload}"
    );

    // Refused before any transaction (the code is taken): nothing is written.
    let again = t.send(create_person(&op, "u-2", &body)).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM audit_log").await,
        audits + 1
    );
    assert_eq!(count(&t, "SELECT COUNT(*) FROM outbox").await, messages + 1);
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'u-2'"
        )
        .await,
        0
    );

    // A change: one entry with before and after, one `changed` message.
    let mut changed = body.clone();
    changed["domicile_address"] = json!("Via dei Neri 6");
    changed["version"] = json!(1);
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/persons/{id}"),
            Some(&op),
            Some(changed),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        count(&t, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND entity_id = '{id}' AND \"before\" IS NOT NULL")).await,
        1
    );
    assert_eq!(
        count(
            &t,
            &format!(
                "SELECT COUNT(*) FROM outbox WHERE topic = 'person.changed' AND entity_id = '{id}'"
            )
        )
        .await,
        1
    );
    assert!(t.app.verify_audit(&[]).await.unwrap().first_break.is_none());
}

#[tokio::test]
async fn every_person_and_employer_a_new_map_moves_gets_its_own_entry_and_message() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let admin = t.token(Role::RegionalAdmin, Scope::Region(None)).await;
    let r = t
        .api(Method::POST, "/api/v1/offices", Some(&admin), Some(json!({"name": "CPI di Sesto Fiorentino", "address": "Piazza Vittorio Veneto 1", "comune": "Sesto Fiorentino", "opening_hours": "lun-ven 9-13"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let sesto = r.json()["id"].as_str().unwrap().to_owned();
    let (person, employer) = (w.inside.person, w.inside.employer);
    let version = |body: serde_json::Value| body["version"].as_i64().unwrap();
    let before = version(
        t.api(
            Method::GET,
            &format!("/api/v1/persons/{person}"),
            Some(&admin),
            None,
        )
        .await
        .json(),
    );
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/offices/{sesto}/comuni"),
            Some(&admin),
            Some(json!({"comuni": [FIRENZE]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = t
        .api(
            Method::GET,
            &format!("/api/v1/persons/{person}"),
            Some(&admin),
            None,
        )
        .await
        .json();
    assert_eq!(p["office_id"], sesto);
    assert_eq!(version(p), before + 1, "moving is a change of the record");
    for (entity, id) in [("person", person), ("employer", employer)] {
        assert_eq!(
            count(&t, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'rehome' AND entity = '{entity}' AND entity_id = '{id}'")).await,
            1,
            "{entity} has its own audit entry"
        );
        assert_eq!(
            count(&t, &format!("SELECT COUNT(*) FROM outbox WHERE topic = '{entity}.changed' AND entity_id = '{id}'")).await,
            1,
            "{entity} has its own message"
        );
    }
    // The map itself is one entry; assigning the same comuni again moves nobody.
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/offices/{sesto}/comuni"),
            Some(&admin),
            Some(json!({"comuni": [FIRENZE]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        count(
            &t,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'rehome' AND entity_id = '{person}'"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(&t, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'assign_comuni' AND entity_id = '{sesto}'")).await,
        2
    );
    assert!(t.app.verify_audit(&[]).await.unwrap().first_break.is_none());
}

#[tokio::test]
async fn a_write_refused_inside_the_transaction_leaves_nothing_behind() {
    use sportello_app::accounts::system_actor;
    use sportello_app::ports::{AuditDraft, IdempotencyClaim, StoreError};
    use sportello_app::registry::ports::PersonQueries;
    use sportello_app::scope::authorize_change;
    use sportello_app::uow::{Db, OutboxMessage};

    let t = TestApp::new().await;
    let w = t.world().await;
    let store = sportello_db::SeaStore::new(t.db.clone());
    let existing = store.person(w.inside.person).await.unwrap().unwrap();
    // A second person with a codice fiscale already registered: only the database's
    // unique index can refuse it, after the key was claimed and the entries collected.
    let mut twin = existing.clone();
    twin.id = uuid::Uuid::now_v7();
    twin.version = 1;
    let twin = authorize_change(
        &system_actor(),
        PERSONS_WRITE,
        None,
        twin,
        || unreachable!(),
    )
    .unwrap();
    let audits = count(&t, "SELECT COUNT(*) FROM audit_log").await;
    let messages = count(&t, "SELECT COUNT(*) FROM outbox").await;
    let mut tx = store
        .begin(Some(IdempotencyClaim {
            scope: "test".into(),
            key: "twin".into(),
            fingerprint: "f".into(),
        }))
        .await
        .unwrap();
    tx.audit(AuditDraft {
        actor: "sistema".into(),
        role: "regional_admin".into(),
        action: "create".into(),
        entity: "person".into(),
        entity_id: Some(twin.id.to_string()),
        before: None,
        after: None,
        address: None,
    });
    tx.publish(OutboxMessage::new("person.created", twin.id, json!({})));
    let refused = tx.persons().save_person(&twin).await;
    assert!(
        matches!(refused, Err(StoreError::Duplicate(_))),
        "{refused:?}"
    );
    drop(tx);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM audit_log").await, audits);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM outbox").await, messages);
    assert_eq!(
        count(
            &t,
            "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'twin'"
        )
        .await,
        0,
        "the key goes with the transaction that claimed it"
    );
    // The same key can then be claimed again, and a second claim of it is refused.
    let tx = store
        .begin(Some(IdempotencyClaim {
            scope: "test".into(),
            key: "twin".into(),
            fingerprint: "f".into(),
        }))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let second = store
        .begin(Some(IdempotencyClaim {
            scope: "test".into(),
            key: "twin".into(),
            fingerprint: "f".into(),
        }))
        .await;
    assert!(matches!(second, Err(StoreError::Replayed)));
}

/// A move into a comune whose office an administrator changes at that moment ends in the
/// new office, for persons and employers, and neither save fails: on PostgreSQL the save
/// holds the map's advisory lock from its read of the map to its commit, taken before the
/// record's row lock so the two cannot deadlock. (Without it the save read the old map while
/// the re-homing, not yet seeing the move, passed the record by.)
#[tokio::test]
async fn a_move_racing_a_map_change_ends_in_the_new_office() {
    use sportello_app::accounts::system_actor;
    use sportello_app::registry::employers::EmployerInput;
    use sportello_app::registry::persons::PersonInput;
    const FIESOLE: &str = "048015";
    let t = TestApp::new().await;
    let w = t.world().await;
    let sys = system_actor();
    let sesto = t
        .app
        .save_office(
            &sys,
            None,
            &sportello_app::registry::offices::OfficeInput {
                name: "CPI di Sesto Fiorentino".into(),
                address: "Piazza Vittorio Veneto 1".into(),
                comune: "Sesto Fiorentino".into(),
                opening_hours: "lun-ven 9-13".into(),
                active: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    let (person, employer) = (w.inside.person, w.inside.employer);
    for round in 0..8 {
        // Firenze and Fiesole back to the first office; both records in Fiesole.
        t.app
            .assign_comuni(&sys, w.inside.office, &[FIRENZE.into(), FIESOLE.into()])
            .await
            .unwrap();
        let mut p = PersonInput::from(&t.app.get_person(&sys, person).await.unwrap());
        p.domicile_comune = FIESOLE.into();
        let p = PersonInput::from(&t.app.update_person(&sys, person, &p).await.unwrap());
        let mut e = EmployerInput::from(&t.app.get_employer(&sys, employer).await.unwrap());
        e.legal_comune = FIESOLE.into();
        let e = EmployerInput::from(&t.app.update_employer(&sys, employer, &e).await.unwrap());
        // Both move to Firenze while Firenze passes to Sesto.
        let moved_person = PersonInput {
            domicile_comune: FIRENZE.into(),
            ..p
        };
        let moved_employer = EmployerInput {
            legal_comune: FIRENZE.into(),
            ..e
        };
        let firenze = [FIRENZE.to_owned()];
        let (a, b, c) = tokio::join!(
            t.app.update_person(&sys, person, &moved_person),
            t.app.update_employer(&sys, employer, &moved_employer),
            t.app.assign_comuni(&sys, sesto, &firenze),
        );
        c.expect("the map change");
        let a = a.expect("the person's move");
        let b = b.expect("the employer's move");
        assert_eq!(a.domicile_comune, FIRENZE);
        assert_eq!(b.legal_comune, FIRENZE);
        let p = t.app.get_person(&sys, person).await.unwrap();
        let e = t.app.get_employer(&sys, employer).await.unwrap();
        assert_eq!(p.office_id, Some(sesto), "round {round}: the person");
        assert_eq!(e.office_id, Some(sesto), "round {round}: the employer");
    }
}
