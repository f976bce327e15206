//! The registry through the API and the pages: identities checked, one person per code,
//! scope enforced, searches paginated.

use crate::fixtures::{FIRENZE, ROMA, piva};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::json;
use sportello_domain::codice_fiscale::{Sex, encode, omocode};
use sportello_domain::role::Role;
use time::macros::date;

fn person(cf: &str, surname: &str, name: &str, comune: &str) -> serde_json::Value {
    json!({"codice_fiscale": cf, "surname": surname, "name": name,
           "domicile_comune": comune, "domicile_address": "Via dei Mille 4",
           "email": "prova@esempio.invalid", "preferred_channel": "email"})
}

fn field_codes(r: &serde_json::Value) -> Vec<(String, String)> {
    r["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap().to_owned(),
                        e["code"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn operator_registers_a_person_with_checked_identity() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let op = t.token(Role::CpiOperator, w.scope(Role::CpiOperator)).await;
    let cf = encode("Verdi", "Giulia", date!(1999 - 04 - 21), Sex::F, "D612");

    // A wrong check letter: problem+json with the Italian message on the field.
    let mut wrong = cf.clone();
    wrong.replace_range(15..16, if cf.ends_with('A') { "B" } else { "A" });
    let r = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(person(&wrong, "Verdi", "Giulia", FIRENZE)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.content_type(), "application/problem+json");
    let p = r.json();
    assert_eq!(
        field_codes(&p),
        [("codice_fiscale".into(), "check_character".into())]
    );
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("carattere di controllo")
    );

    // Names that do not match the code need their own confirmation, not a birth-data one.
    let r = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(person(&cf, "Neri", "Giulia", FIRENZE)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&r.json()),
        [("confirm_name_letters".into(), "name_mismatch".into())]
    );
    let mut wrong_date = person(&cf, "Verdi", "Giulia", FIRENZE);
    wrong_date["birth_date"] = json!("1999-04-22");
    let r = t
        .api(Method::POST, "/api/v1/persons", Some(&op), Some(wrong_date))
        .await;
    assert_eq!(
        field_codes(&r.json()),
        [("confirm_birth_data".into(), "birth_data_mismatch".into())]
    );

    let r = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(person(
                &format!(" {} ", cf.to_lowercase()),
                "Verdi",
                "Giulia",
                FIRENZE,
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.json();
    assert_eq!(created["codice_fiscale"], cf);
    assert_eq!(created["birth_date"], "1999-04-21");
    assert_eq!(created["sex"], "F");
    assert_eq!(
        created["office_id"],
        w.inside.office.to_string(),
        "office derived from the domicile"
    );
    assert_eq!(created["region_code"], "09");

    // One person per codice fiscale, with a link to the first.
    let r = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(person(&cf, "Verdi", "Giulia", FIRENZE)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.json()["existing"],
        format!("/persons/{}", created["id"].as_str().unwrap())
    );

    // Same names and birth date with another code (e.g. a data-entry slip): flagged.
    let other = encode("Verdi", "Giulia", date!(1999 - 04 - 21), Sex::F, "H501");
    let r = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(person(&other, "Verdi", "Giulia", FIRENZE)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&r.json())[0].1, "near_duplicate");
    let mut confirmed = person(&other, "Verdi", "Giulia", FIRENZE);
    confirmed["confirm_not_duplicate"] = json!(true);
    let r = t
        .api(Method::POST, "/api/v1/persons", Some(&op), Some(confirmed))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // An omocode is the same person data and is accepted as such.
    let omo = omocode(
        &encode("Gialli", "Ugo", date!(1970 - 01 - 02), Sex::M, "D612"),
        2,
    );
    let r = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(person(&omo, "Gialli", "Ugo", FIRENZE)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["birth_place_code"], "D612");

    // Outside the office's territory: refused with a reason, nothing written.
    let roman = encode("Blu", "Lia", date!(1980 - 05 - 05), Sex::F, "H501");
    let r = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(person(&roman, "Blu", "Lia", ROMA)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(&r.json())[0].1, "out_of_scope");

    // Bad contact data and an unknown comune, all reported at once.
    let mut bad = person(&roman, "Blu", "Lia", "Atlantide");
    bad["email"] = json!("non-una-mail");
    bad["phone"] = json!("abc");
    let r = t
        .api(Method::POST, "/api/v1/persons", Some(&op), Some(bad))
        .await;
    let fields: Vec<String> = field_codes(&r.json()).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["domicile_comune", "email", "phone"]);

    // Every write is in the audit log with its after-image.
    let v = t.app.verify_audit(&[]).await.unwrap();
    assert_eq!(v.first_break, None);
}

#[tokio::test]
async fn searches_are_scoped_and_paginated() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let op = t.token(Role::CpiOperator, w.scope(Role::CpiOperator)).await;
    for (i, name) in ["Anna", "Bruno", "Carla", "Dario", "Elena"]
        .iter()
        .enumerate()
    {
        let cf = encode(
            "Rossetti",
            name,
            date!(1980 - 01 - 01) + time::Duration::days(i as i64),
            if i % 2 == 0 { Sex::F } else { Sex::M },
            "D612",
        );
        let r = t
            .api(
                Method::POST,
                "/api/v1/persons",
                Some(&op),
                Some(person(&cf, "Rossetti", name, FIRENZE)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let page = t
        .api(
            Method::GET,
            "/api/v1/persons?q=ross&limit=4",
            Some(&op),
            None,
        )
        .await
        .json();
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Anna", "Bruno", "Carla", "Dario"],
        "ordered by surname then name"
    );
    let cursor = page["next_cursor"].as_str().expect("more pages");
    let next = t
        .api(
            Method::GET,
            &format!("/api/v1/persons?q=ross&limit=4&cursor={cursor}"),
            Some(&op),
            None,
        )
        .await
        .json();
    let names: Vec<&str> = next["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["surname"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Rossetti", "Rossi"],
        "Elena Rossetti, then Mario Rossi"
    );
    assert!(next.get("next_cursor").is_none());
    // The cursor carries no name, only a position.
    let decoded = String::from_utf8(
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, cursor).unwrap(),
    )
    .unwrap();
    assert!(uuid::Uuid::parse_str(&decoded).is_ok(), "{decoded}");
    // A position outside the scope is not a cursor.
    let outside = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        w.outside.person.to_string(),
    );
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/persons?q=ross&limit=4&cursor={outside}"),
            Some(&op),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The page with no criteria lists the office's persons instead of nothing.
    let mut b = t
        .signed_in(Role::CpiOperator, w.scope(Role::CpiOperator))
        .await;
    let all = b.get("/persons").await;
    assert!(all.body.contains("Persone del suo ambito"), "{}", all.body);
    assert!(all.body.contains("Rossetti Anna") && all.body.contains("Rossi Mario"));
    assert!(
        !all.body.contains("Bianchi"),
        "Anna Bianchi is not of this office"
    );

    let by_name = t
        .api(
            Method::GET,
            "/api/v1/persons?q=rossetti%20car",
            Some(&op),
            None,
        )
        .await
        .json();
    assert_eq!(by_name["items"].as_array().unwrap().len(), 1);
    let cf = by_name["items"][0]["codice_fiscale"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_cf = t
        .api(
            Method::GET,
            &format!("/api/v1/persons?q={}", &cf[..8]),
            Some(&op),
            None,
        )
        .await
        .json();
    assert!(
        by_cf["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["codice_fiscale"] == cf)
    );
    let by_comune = t
        .api(
            Method::GET,
            &format!("/api/v1/persons?comune={FIRENZE}&limit=200"),
            Some(&op),
            None,
        )
        .await
        .json();
    assert_eq!(by_comune["items"].as_array().unwrap().len(), 6);

    // The person in Rome belongs to another office: invisible to this operator.
    let bianchi = t
        .api(Method::GET, "/api/v1/persons?q=bianchi", Some(&op), None)
        .await
        .json();
    assert_eq!(bianchi["items"], json!([]));
    let r = t
        .api(
            Method::GET,
            &format!("/api/v1/persons/{}", w.outside.person),
            Some(&op),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A citizen sees only themself, whatever they search.
    let me = t.token(Role::Citizen, w.scope(Role::Citizen)).await;
    let mine = t
        .api(Method::GET, "/api/v1/persons?q=ross", Some(&me), None)
        .await
        .json();
    let ids: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [w.inside.person.to_string()]);

    // The regional administrator of Tuscany sees Tuscany, not Lazio.
    let admin = t
        .token(Role::RegionalAdmin, w.scope(Role::RegionalAdmin))
        .await;
    let bruno = t
        .api(
            Method::GET,
            "/api/v1/persons?q=rossetti%20b",
            Some(&admin),
            None,
        )
        .await
        .json();
    assert_eq!(bruno["items"].as_array().unwrap().len(), 1);
    let lazio = t
        .api(Method::GET, "/api/v1/persons?q=bianchi", Some(&admin), None)
        .await
        .json();
    assert_eq!(lazio["items"], json!([]), "Anna Bianchi lives in Lazio");
}

#[tokio::test]
async fn employers_are_checked_and_unique() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let op = t.token(Role::CpiOperator, w.scope(Role::CpiOperator)).await;
    let bad = t
        .api(Method::POST, "/api/v1/employers", Some(&op), Some(json!({"tax_code": "01234567890", "name": "X", "legal_comune": FIRENZE, "legal_address": "Via A 1", "ateco_2025": "99.99.99"})))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_codes(&bad.json())
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(fields, ["tax_code", "ateco_2025"]);

    let body = json!({"tax_code": piva("0555555555"), "name": "Pasticceria Fiorentina S.n.c.",
        "legal_comune": "Firenze (FI)", "legal_address": "Via Tornabuoni 2", "ateco_2025": "10.71.20",
        "size_class": "small", "units": [{"name": "Laboratorio", "comune": "Prato", "address": "Via Pistoiese 8"}]});
    let r = t
        .api(
            Method::POST,
            "/api/v1/employers",
            Some(&op),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let e = r.json();
    assert_eq!(e["office_id"], w.inside.office.to_string());
    assert_eq!(e["units"][0]["comune"], "100005");
    // People read comuni by name: on the card, in the edit form, in the office's list.
    let mut b = t
        .signed_in(Role::CpiOperator, w.scope(Role::CpiOperator))
        .await;
    let card = b
        .get(&format!("/employers/{}", e["id"].as_str().unwrap()))
        .await;
    assert!(
        card.body.contains("Via Pistoiese 8, Prato (PO)"),
        "{}",
        card.body
    );
    let form = b
        .get(&format!("/employers/{}/edit", e["id"].as_str().unwrap()))
        .await;
    assert!(form.body.contains(r#"value="Prato (PO)""#), "{}", form.body);
    assert!(form.body.contains(r#"value="Firenze (FI)""#));
    let mut admin = t
        .signed_in(Role::RegionalAdmin, w.scope(Role::RegionalAdmin))
        .await;
    let office = admin
        .get(&format!("/admin/offices/{}", w.inside.office))
        .await;
    assert!(
        office.body.contains("Firenze (FI)</textarea>"),
        "{}",
        office.body
    );
    let dup = t
        .api(Method::POST, "/api/v1/employers", Some(&op), Some(body))
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);

    let found = t
        .api(Method::GET, "/api/v1/employers?q=pasticc", Some(&op), None)
        .await
        .json();
    assert_eq!(found["items"][0]["id"], e["id"]);
    // A word from the middle or the end of the name finds it too.
    let middle = t
        .api(
            Method::GET,
            "/api/v1/employers?q=fiorentina",
            Some(&op),
            None,
        )
        .await
        .json();
    assert_eq!(middle["items"][0]["id"], e["id"], "{middle}");
    let srl = t
        .api(Method::GET, "/api/v1/employers?q=s.r.l.", Some(&op), None)
        .await
        .json();
    assert!(
        srl["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == "Officine Rossi S.r.l."),
        "{srl}"
    );
    assert_eq!(
        found["items"][0]["units"], e["units"],
        "the listing carries the units its schema promises"
    );
    let own = t.token(Role::Employer, w.scope(Role::Employer)).await;
    let mine = t
        .api(Method::GET, "/api/v1/employers?q=pasticc", Some(&own), None)
        .await
        .json();
    assert_eq!(mine["items"], json!([]), "an employer sees only itself");
}

#[tokio::test]
async fn administrator_moves_comuni_between_offices_and_persons_follow() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let admin = t
        .token(
            Role::RegionalAdmin,
            sportello_domain::access::Scope::Region(None),
        )
        .await;
    let r = t
        .api(Method::POST, "/api/v1/offices", Some(&admin), Some(json!({"name": "CPI di Sesto Fiorentino", "address": "Piazza Vittorio Veneto 1", "comune": "Sesto Fiorentino", "opening_hours": "lun-ven 9-13"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let sesto = r.json()["id"].as_str().unwrap().to_owned();
    let r = t
        .api(
            Method::PUT,
            &format!("/api/v1/offices/{sesto}/comuni"),
            Some(&admin),
            Some(json!({"comuni": [FIRENZE, "Roma"]})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Roma is in another region"
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
            &format!("/api/v1/persons/{}", w.inside.person),
            Some(&admin),
            None,
        )
        .await
        .json();
    assert_eq!(p["office_id"], sesto, "the person moved with the comune");
    let detail = t
        .api(
            Method::GET,
            &format!("/api/v1/offices/{}", w.inside.office),
            Some(&admin),
            None,
        )
        .await
        .json();
    assert_eq!(detail["comuni"], json!([]));
    // Three offices (Florence, Rome, Sesto): pages of two.
    let first = t
        .api(Method::GET, "/api/v1/offices?limit=2", Some(&admin), None)
        .await
        .json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = t
        .api(
            Method::GET,
            &format!("/api/v1/offices?limit=2&cursor={cursor}"),
            Some(&admin),
            None,
        )
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["items"][0]["id"], sesto);
}

#[tokio::test]
async fn public_reference_pickers() {
    let t = TestApp::new().await;
    let r = t
        .api(
            Method::GET,
            "/api/v1/public/comuni?q=san%20giuliano",
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let names: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        names.contains(&"San Giuliano Terme".to_owned()),
        "{names:?}"
    );
    let by_cap = t
        .api(Method::GET, "/api/v1/public/comuni?q=50100", None, None)
        .await
        .json();
    assert_eq!(by_cap[0]["name"], "Firenze");
    let prof = t
        .api(
            Method::GET,
            "/api/v1/public/professions?q=2.1.1.4",
            None,
            None,
        )
        .await
        .json();
    assert!(
        prof.as_array()
            .unwrap()
            .iter()
            .all(|p| p["code"].as_str().unwrap().starts_with("2.1.1.4"))
    );
    assert!(!prof.as_array().unwrap().is_empty());
    let ateco = t
        .api(
            Method::GET,
            "/api/v1/public/ateco?version=2025&q=pasticceria",
            None,
            None,
        )
        .await
        .json();
    assert!(!ateco.as_array().unwrap().is_empty());
    let bad = t
        .api(
            Method::GET,
            "/api/v1/public/ateco?version=1999&q=x",
            None,
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn person_pages_search_card_and_form_errors() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let mut b = t
        .signed_in(Role::CpiOperator, w.scope(Role::CpiOperator))
        .await;
    let found = b.get("/persons?q=rossi").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found
            .body
            .contains(&format!("/persons/{}", w.inside.person))
    );
    let card = b.get(&format!("/persons/{}", w.inside.person)).await;
    assert!(card.body.contains("Rossi Mario") || card.body.contains("Rossi"));
    assert!(card.body.contains("10/12/1985"));
    assert!(
        card.body.contains("<dd class=\"col-sm-7\">Italia</dd>"),
        "citizenship by name"
    );
    let picked = b.get("/reference/comuni?comune=Firenze%20(FI)").await;
    assert!(
        picked.body.contains("value=\"Firenze (FI)\""),
        "a picked value still finds itself"
    );
    let ateco = b.get("/reference/ateco?ateco_2025=pasticceria").await;
    assert!(
        ateco.body.contains("<option value=\"10.71"),
        "{}",
        ateco.body
    );

    let cf = encode("Neri", "Paolo", date!(2001 - 07 - 30), Sex::M, "D612");
    let mut wrong = cf.clone();
    wrong.replace_range(15..16, if cf.ends_with('A') { "B" } else { "A" });
    let r = b
        .post(
            "/persons",
            &[
                ("codice_fiscale", &wrong),
                ("surname", "Neri"),
                ("name", "Paolo"),
                ("domicile_comune", "Firenze (FI)"),
                ("domicile_address", "Via Roma 2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"codice_fiscale-errore\""));
    assert!(r.body.contains("carattere di controllo"));
    let live = b
        .get(&format!("/persons/cf-check?codice_fiscale={wrong}"))
        .await;
    assert!(live.body.contains("carattere di controllo"));
    let r = b
        .post(
            "/persons",
            &[
                ("codice_fiscale", &cf),
                ("surname", "Neri"),
                ("name", "Paolo"),
                ("domicile_comune", "Firenze (FI)"),
                ("domicile_address", "Via Roma 2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let card = b.get(r.location()).await;
    assert!(card.body.contains("Dati salvati"));
    assert!(card.body.contains(&cf));
    // Shown once: a reload does not say it again.
    let again = b.get(r.location()).await;
    assert!(!again.body.contains("Dati salvati"));
}

#[tokio::test]
async fn an_administrator_cannot_pull_another_regions_organisation_into_theirs() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let tuscany = t
        .token(Role::RegionalAdmin, t.scope_for(Role::RegionalAdmin).await)
        .await;
    let path = format!("/api/v1/organisations/{}", w.outside.organisation);
    let moved = json!({"name": "Agenzia trasferita", "tax_code": piva("0555555555"),
        "albo_status": "accredited", "seats": [{"name": "Sede", "comune": "Firenze", "address": "Via Roma 2"}]});
    let r = t.api(Method::PUT, &path, Some(&tuscany), Some(moved)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let national = t
        .token(
            Role::RegionalAdmin,
            sportello_domain::access::Scope::Region(None),
        )
        .await;
    let now = t
        .api(Method::GET, &path, Some(&national), None)
        .await
        .json();
    assert_eq!(now["region_code"], "12", "{now}");
    assert_ne!(now["name"], "Agenzia trasferita");
}

#[tokio::test]
async fn accredited_organisations_are_recorded_with_their_seats() {
    let t = TestApp::new().await;
    let tuscany = t
        .token(
            Role::RegionalAdmin,
            sportello_domain::access::Scope::Region(Some("09".into())),
        )
        .await;
    let body = json!({"name": "Lavoro & Futuro S.r.l.", "tax_code": piva("0444444444"),
        "albo_status": "accredited", "seats": [{"name": "Sede di Pisa", "comune": "Pisa", "address": "Via Carducci 5"}]});
    let r = t
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&tuscany),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let org = r.json();
    assert_eq!(org["region_code"], "09");
    assert_eq!(org["seats"][0]["comune"], "050026");
    let dup = t
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&tuscany),
            Some(body),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);

    // Seats in Lazio are outside a Tuscan administrator's region; no seat at all is an error.
    let lazio = json!({"name": "Romana Lavoro", "tax_code": piva("0333333333"),
        "seats": [{"name": "Roma", "comune": "Roma", "address": "Via Nazionale 1"}]});
    let r = t
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&tuscany),
            Some(lazio),
        )
        .await;
    assert_eq!(field_codes(&r.json())[0].1, "out_of_scope");
    let r = t
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&tuscany),
            Some(json!({"name": "X", "tax_code": "123", "seats": []})),
        )
        .await;
    let fields: Vec<String> = field_codes(&r.json()).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["tax_code", "seats"]);

    let op = t
        .token(Role::CpiOperator, t.scope_for(Role::CpiOperator).await)
        .await;
    let list = t
        .api(
            Method::GET,
            "/api/v1/organisations?region=09",
            Some(&op),
            None,
        )
        .await
        .json();
    assert_eq!(list["items"][0]["name"], "Lavoro & Futuro S.r.l.");
    assert_eq!(list["items"][0]["seats"][0]["comune"], "050026");
    let r = t
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&op),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// Self-service changes contacts, never identity: a citizen cannot change their codice
/// fiscale, names or birth data nor confirm a mismatch; an employer cannot change its tax
/// code nor declare itself a public body. The office does that.
/// What a citizen or an employer types for the data the office certifies is not saved on
/// the record: it waits as a change request until an operator applies it (checked like
/// their own change) or refuses it with a reason.
#[tokio::test]
async fn self_service_proposes_and_an_operator_validates() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let citizen = t.token(Role::Citizen, w.scope(Role::Citizen)).await;
    let op = t.token(Role::CpiOperator, w.scope(Role::CpiOperator)).await;
    let stranger = t
        .token(
            Role::CpiOperator,
            sportello_domain::access::Scope::Office(w.outside.office),
        )
        .await;
    let path = format!("/api/v1/persons/{}", w.inside.person);
    let changes = format!("{path}/changes");
    let me = t.api(Method::GET, &path, Some(&citizen), None).await.json();
    let put = |token: String, body: serde_json::Value| {
        let (t, path) = (&t, path.clone());
        async move { t.api(Method::PUT, &path, Some(&token), Some(body)).await }
    };
    let mut base = me.clone();
    for k in [
        "id",
        "created_at",
        "updated_at",
        "birth_place_name",
        "citizenship_name",
        "residence_comune_name",
        "domicile_comune_name",
        "office_id",
        "region_code",
        "birth_data_confirmed",
        "fictitious",
    ] {
        base.as_object_mut().unwrap().remove(k);
    }

    // Only the office confirms birth data that differ from the codice fiscale.
    let mut body = base.clone();
    body["confirm_birth_data"] = json!(true);
    let r = put(citizen.clone(), body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(field_codes(&r.json()).contains(&("confirm_birth_data".into(), "office_only".into())));

    // A new birth date and a new phone: the phone is saved, the date is proposed.
    let mut body = base.clone();
    body["birth_date"] = json!("1986-01-01");
    body["phone"] = json!("333 1234567");
    let r = put(citizen.clone(), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after = t.api(Method::GET, &path, Some(&citizen), None).await.json();
    assert_eq!(
        after["birth_date"], me["birth_date"],
        "the registered date stays"
    );
    assert_eq!(after["phone"], "333 1234567");
    let pending = t
        .api(Method::GET, &changes, Some(&citizen), None)
        .await
        .json();
    // One request per record: this one takes over the world's surname proposal.
    let items = pending["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{pending}");
    let fields: Vec<&str> = items[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["surname", "birth_date"], "{pending}");
    assert_eq!(items[0]["fields"][1]["proposed"], "01/01/1986");
    let change = items[0]["id"].as_str().unwrap().to_owned();
    assert_ne!(change, w.inside.person_change.to_string());
    let superseded = format!("{changes}/{}/refuse", w.inside.person_change);
    let r = t
        .api(
            Method::POST,
            &superseded,
            Some(&op),
            Some(json!({"reason": "x"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "the earlier request is closed"
    );
    // Saving the same proposal again leaves the one request as it is.
    let mut body = base.clone();
    body["version"] = after["version"].clone();
    body["birth_date"] = json!("1986-01-01");
    assert_eq!(put(citizen.clone(), body).await.status, StatusCode::OK);
    let again = t.api(Method::GET, &changes, Some(&op), None).await.json();
    assert_eq!(again["items"].as_array().unwrap().len(), 1);
    assert_eq!(again["items"][0]["id"], change.as_str());
    // Another office's operator does not even see the person.
    let hidden = t.api(Method::GET, &changes, Some(&stranger), None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    // The citizen cannot decide on their own request, nor apply it.
    let refuse = format!("{changes}/{change}/refuse");
    let r = t
        .api(
            Method::POST,
            &refuse,
            Some(&citizen),
            Some(json!({"reason": "no"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut body = base.clone();
    body["change_id"] = json!(change);
    assert_eq!(
        put(citizen.clone(), body).await.status,
        StatusCode::FORBIDDEN
    );

    // Refused with a reason (required), once; the registered data stay.
    let r = t
        .api(Method::POST, &refuse, Some(&op), Some(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let card = format!("/persons/{}", w.inside.person);
    let mut desk = t
        .signed_in(Role::CpiOperator, w.scope(Role::CpiOperator))
        .await;
    let r = desk
        .post(
            &format!("{card}/changes/{change}/refuse"),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Indicare il motivo del rifiuto"),
        "{}",
        r.body
    );
    let r = t
        .api(
            Method::POST,
            &refuse,
            Some(&op),
            Some(json!({"reason": "Il documento non conferma il cognome"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = t
        .api(
            Method::POST,
            &refuse,
            Some(&op),
            Some(json!({"reason": "di nuovo"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a request is decided once");
    let kept = t.api(Method::GET, &path, Some(&op), None).await.json();
    assert_eq!(kept["surname"], me["surname"]);
    assert_eq!(kept["birth_date"], me["birth_date"]);
    // The person reads on their card why their data did not change.
    let mut own = t.signed_in(Role::Citizen, w.scope(Role::Citizen)).await;
    let page = own.get(&card).await;
    assert!(
        page.body.contains("Richiesta di modifica respinta"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Il documento non conferma il cognome"));

    // Proposed again, alone this time, and applied by the operator with the check the
    // difference calls for.
    let mut body = base.clone();
    body["version"] = kept["version"].clone();
    body["birth_date"] = json!("1986-01-01");
    assert_eq!(put(citizen.clone(), body).await.status, StatusCode::OK);
    let pending = t.api(Method::GET, &changes, Some(&op), None).await.json();
    let items = pending["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{pending}");
    assert_eq!(items[0]["fields"].as_array().unwrap().len(), 1);
    let change = items[0]["id"].clone();
    let current = t.api(Method::GET, &path, Some(&op), None).await.json();
    let mut body = base.clone();
    body["version"] = current["version"].clone();
    body["phone"] = json!("333 1234567");
    body["birth_date"] = json!("1986-01-01");
    body["change_id"] = change;
    let r = put(op.clone(), body.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        field_codes(&r.json())
            .iter()
            .any(|(f, _)| f == "confirm_birth_data")
    );
    body["confirm_birth_data"] = json!(true);
    let r = put(op.clone(), body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["birth_date"], "1986-01-01");
    let pending = t.api(Method::GET, &changes, Some(&op), None).await.json();
    assert_eq!(pending["items"].as_array().unwrap().len(), 0, "{pending}");
    // A request is applied once.
    body["version"] = r.json()["version"].clone();
    assert_eq!(put(op.clone(), body).await.status, StatusCode::CONFLICT);

    // An employer's tax code and public status: proposed, then applied by the office.
    let employer = t.token(Role::Employer, w.scope(Role::Employer)).await;
    let path = format!("/api/v1/employers/{}", w.inside.employer);
    let mine = t
        .api(Method::GET, &path, Some(&employer), None)
        .await
        .json();
    let mut body = mine.clone();
    body["is_public"] = json!(true);
    let r = t
        .api(Method::PUT, &path, Some(&employer), Some(body.clone()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json()["is_public"],
        false,
        "not until the office checks it"
    );
    let pending = t
        .api(Method::GET, &format!("{path}/changes"), Some(&op), None)
        .await
        .json();
    assert_eq!(pending["items"][0]["fields"][0]["field"], "is_public");
    body["change_id"] = pending["items"][0]["id"].clone();
    body["version"] = r.json()["version"].clone();
    let r = t.api(Method::PUT, &path, Some(&op), Some(body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["is_public"], true);
}

/// A Firenze operator registering someone already held by the Roma office learns only that
/// the person is registered elsewhere and whom to ask: not the codice fiscale, not the
/// birth data, not a link to a card they may not open.
#[tokio::test]
async fn duplicate_checks_do_not_disclose_persons_outside_the_scope() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let op = t.token(Role::CpiOperator, w.scope(Role::CpiOperator)).await;
    let roman_cf = sportello_domain::codice_fiscale::encode(
        "Bianchi",
        "Anna",
        time::macros::date!(1990 - 03 - 05),
        sportello_domain::codice_fiscale::Sex::F,
        "H501",
    );
    let florentine_cf = sportello_domain::codice_fiscale::encode(
        "Bianchi",
        "Anna",
        time::macros::date!(1990 - 03 - 05),
        sportello_domain::codice_fiscale::Sex::F,
        "D612",
    );
    let person = |cf: &str| {
        json!({"codice_fiscale": cf, "surname": "Bianchi", "name": "Anna",
            "domicile_comune": FIRENZE, "domicile_address": "Via Larga 1"})
    };
    let near = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(person(&florentine_cf)),
        )
        .await;
    assert_eq!(
        near.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        near.body
    );
    assert!(!near.body.contains(&roman_cf), "{}", near.body);
    assert!(!near.body.contains("05/03/1990"), "{}", near.body);
    assert!(
        near.body.contains("Centro per l'Impiego 058091"),
        "{}",
        near.body
    );

    let same = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(person(&roman_cf)),
        )
        .await;
    assert_eq!(same.status, StatusCode::CONFLICT, "{}", same.body);
    let p = same.json();
    assert!(p.get("existing").is_none_or(|e| e.is_null()), "{p}");
    assert!(
        !same.body.contains(&w.outside.person.to_string()),
        "{}",
        same.body
    );
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("già registrata presso un altro ufficio"),
        "{p}"
    );
    assert!(same.body.contains("Centro per l'Impiego 058091"));

    // Inside the scope the operator sees who it is, to open the card.
    let mine = t
        .api(
            Method::GET,
            &format!("/api/v1/persons/{}", w.inside.person),
            Some(&op),
            None,
        )
        .await
        .json();
    let again = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(json!({"codice_fiscale": mine["codice_fiscale"], "surname": "Rossi", "name": "Mario",
                "domicile_comune": FIRENZE, "domicile_address": "Via Larga 1"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body.contains(&w.inside.person.to_string()),
        "{}",
        again.body
    );
}

/// Two operators edit the same person: the second save, made from the version both read,
/// is refused (412 on the API, the form again with the current values on the page) instead
/// of silently undoing the first.
#[tokio::test]
async fn a_save_from_an_old_version_does_not_overwrite_a_newer_one() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let op = t.token(Role::CpiOperator, w.scope(Role::CpiOperator)).await;
    let path = format!("/api/v1/persons/{}", w.inside.person);
    let read = t.api(Method::GET, &path, Some(&op), None).await;
    let etag = read
        .headers
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(etag, "\"1\"");
    let mut body = read.json();
    body["phone"] = json!("055 111111");

    let put = |body: serde_json::Value, etag: &str| {
        t.send(
            axum::http::Request::put(&path)
                .header("authorization", format!("Bearer {op}"))
                .header("content-type", "application/json")
                .header("if-match", etag)
                .body(axum::body::Body::from(body.to_string()))
                .unwrap(),
        )
    };
    let first = put(body.clone(), &etag).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.headers.get("etag").unwrap(), "\"2\"");

    // The browser opened the form at version 2, then the API saves version 3.
    let mut b = t
        .signed_in(Role::CpiOperator, w.scope(Role::CpiOperator))
        .await;
    let form = b.get(&format!("/persons/{}/edit", w.inside.person)).await;
    assert!(
        form.body.contains(r#"name="version" value="2""#),
        "{}",
        form.body
    );
    let mut newer = body.clone();
    newer["phone"] = json!("055 222222");
    let second = put(newer, "\"2\"").await;
    assert_eq!(second.status, StatusCode::OK);

    let mut stale = body.clone();
    stale["phone"] = json!("055 999999");
    let r = put(stale, &etag).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    assert_eq!(r.content_type(), "application/problem+json");
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("modificata da un altro utente")
    );

    let mine = t.api(Method::GET, &path, Some(&op), None).await.json();
    let r = b
        .post(
            &format!("/persons/{}/edit", w.inside.person),
            &[
                ("codice_fiscale", mine["codice_fiscale"].as_str().unwrap()),
                ("surname", "Rossi"),
                ("name", "Mario"),
                ("domicile_comune", "Firenze"),
                ("domicile_address", "Via Verdi 3"),
                ("phone", "055 333333"),
                ("preferred_channel", "post"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("modificata da un altro utente"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("055 222222"),
        "the form shows the current values"
    );
    let now = t.api(Method::GET, &path, Some(&op), None).await;
    assert_eq!(now.json()["phone"], "055 222222", "nothing was overwritten");
    assert_eq!(now.headers.get("etag").unwrap(), "\"3\"");
}

/// Units keep their ids across saves (a vacancy or an internship will point at them): an
/// unchanged unit keeps its id, a changed one is updated in place, only a removed one goes;
/// and the database refuses a unit of an employer that does not exist.
#[tokio::test]
async fn employer_units_keep_their_ids_and_point_at_a_real_employer() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let op = t.token(Role::CpiOperator, w.scope(Role::CpiOperator)).await;
    let path = format!("/api/v1/employers/{}", w.inside.employer);
    let mut body = t.api(Method::GET, &path, Some(&op), None).await.json();
    body["units"] = json!([
        {"name": "Magazzino", "comune": "Firenze", "address": "Via Baracca 1"},
        {"name": "Negozio", "comune": "Firenze", "address": "Via Calzaiuoli 7"}
    ]);
    let first = t
        .api(Method::PUT, &path, Some(&op), Some(body.clone()))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let first = first.json();
    let (magazzino, negozio) = (
        first["units"][0]["id"].clone(),
        first["units"][1]["id"].clone(),
    );

    // Sent again without ids: unchanged units keep theirs.
    body["version"] = first["version"].clone();
    let again = t
        .api(Method::PUT, &path, Some(&op), Some(body.clone()))
        .await
        .json();
    assert_eq!(again["units"][0]["id"], magazzino);
    assert_eq!(again["units"][1]["id"], negozio);

    // One changed by id, the other removed.
    body["version"] = again["version"].clone();
    body["units"] = json!([{"id": magazzino, "name": "Magazzino centrale", "comune": "Firenze", "address": "Via Baracca 1"}]);
    let changed = t
        .api(Method::PUT, &path, Some(&op), Some(body.clone()))
        .await
        .json();
    assert_eq!(changed["units"].as_array().unwrap().len(), 1, "{changed}");
    assert_eq!(changed["units"][0]["id"], magazzino);
    assert_eq!(changed["units"][0]["name"], "Magazzino centrale");

    // Another record's unit id is not accepted as this one's.
    body["version"] = changed["version"].clone();
    body["units"] = json!([{"id": uuid::Uuid::now_v7(), "name": "X", "comune": "Firenze", "address": "Via Y 1"}]);
    let r = t.api(Method::PUT, &path, Some(&op), Some(body)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    use sea_orm::{ConnectionTrait, Statement};
    let backend = t.db.get_database_backend();
    let orphan = t
        .db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => "INSERT INTO employer_units (id, employer_id, name, comune, address) VALUES ($1, $2, 'X', '048017', 'Via Y')",
                _ => "INSERT INTO employer_units (id, employer_id, name, comune, address) VALUES (?, ?, 'X', '048017', 'Via Y')",
            },
            [uuid::Uuid::now_v7().into(), uuid::Uuid::now_v7().into()],
        ))
        .await;
    assert!(
        orphan.is_err(),
        "a unit of no employer is refused by the foreign key"
    );
}

/// Names are names: digits, control characters and direction overrides are refused next to
/// the field; a birth date that does not exist is called so on the form.
#[tokio::test]
async fn names_and_dates_are_checked_for_what_they_are() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let op = t.token(Role::CpiOperator, w.scope(Role::CpiOperator)).await;
    let cf = encode("Neri", "Carla", date!(1980 - 01 - 02), Sex::F, "D612");
    for (surname, code) in [
        ("12345", "person_name"),
        ("Ne\u{202E}ri", "characters"),
        ("Ne\u{7}ri", "characters"),
    ] {
        let r = t
            .api(
                Method::POST,
                "/api/v1/persons",
                Some(&op),
                Some(
                    json!({"codice_fiscale": cf, "surname": surname, "name": "Carla",
                    "domicile_comune": FIRENZE, "domicile_address": "Via Larga 1"}),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{surname:?}");
        assert!(
            field_codes(&r.json()).contains(&("surname".to_owned(), code.to_owned())),
            "{surname:?}: {}",
            r.body
        );
    }
    let mut b = t
        .signed_in(Role::CpiOperator, w.scope(Role::CpiOperator))
        .await;
    let r = b
        .post(
            "/persons",
            &[
                ("codice_fiscale", &cf),
                ("surname", "Neri"),
                ("name", "Carla"),
                ("birth_date", "31/02/1980"),
                ("domicile_comune", "Firenze"),
                ("domicile_address", "Via Larga 1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("non esiste nel calendario"), "{}", r.body);
}

/// The person list pages both ways, and the previous page is the page before.
#[tokio::test]
async fn person_pages_go_back_as_well_as_forward() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let sys = sportello_app::accounts::system_actor();
    for i in 0..30 {
        let surname = format!("Conti{}", char::from(b'a' + (i / 26) as u8))
            + &char::from(b'a' + (i % 26) as u8).to_string();
        let born = date!(1970 - 01 - 01) + time::Duration::days(i);
        t.app
            .create_person(
                &sys,
                &sportello_app::registry::persons::PersonInput {
                    codice_fiscale: encode(&surname, "Luca", born, Sex::M, "D612"),
                    surname,
                    name: "Luca".into(),
                    domicile_comune: FIRENZE.into(),
                    domicile_address: "Via Larga 1".into(),
                    confirm_not_duplicate: true,
                    ..Default::default()
                },
            )
            .await
            .expect("person");
    }
    let mut b = t
        .signed_in(Role::CpiOperator, w.scope(Role::CpiOperator))
        .await;
    let first = b.get("/persons").await;
    assert!(!first.body.contains("Risultati precedenti"));
    let next = first
        .body
        .split("href=\"/persons?")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a next link")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert!(next.contains("cursor="), "{next}");
    let second = b.get(&format!("/persons?{next}")).await;
    assert!(
        second.body.contains("Risultati precedenti"),
        "{}",
        second.body
    );
    assert!(!second.body.contains("Risultati successivi"));
    assert!(
        second.body.contains("Rossi Mario"),
        "31 persons: the last one is on page 2"
    );
    let prev = second
        .body
        .split("href=\"/persons?")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert!(prev.contains("before="), "{prev}");
    let back = b.get(&format!("/persons?{prev}")).await;
    let rows = |html: &str| html.matches("<tr><td><a href=\"/persons/").count();
    assert_eq!(rows(&back.body), 25);
    assert_eq!(rows(&first.body), 25);
    assert!(
        !back.body.contains("Risultati precedenti"),
        "page 1 has no previous page"
    );
    assert!(back.body.contains("Contiaa Luca"));
}

/// Citizenship is picked by the country's name, never typed as an ISTAT code.
#[tokio::test]
async fn citizenship_is_chosen_by_name() {
    let t = TestApp::new().await;
    let w = t.world().await;
    let mut b = t
        .signed_in(Role::CpiOperator, w.scope(Role::CpiOperator))
        .await;
    let options = b.get("/reference/countries?citizenship=roma").await;
    assert!(
        options.body.contains(r#"<option value="Romania">"#),
        "{}",
        options.body
    );
    let op = t.token(Role::CpiOperator, w.scope(Role::CpiOperator)).await;
    let cf = encode("Popescu", "Ana", date!(1991 - 05 - 06), Sex::F, "Z129");
    let r = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(json!({"codice_fiscale": cf, "surname": "Popescu", "name": "Ana",
                "citizenship": "Romania", "domicile_comune": FIRENZE, "domicile_address": "Via Larga 1"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["citizenship_name"], "Romania");
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let form = b.get(&format!("/persons/{id}/edit")).await;
    assert!(
        form.body
            .contains(r#"id="citizenship" name="citizenship" value="Romania""#),
        "{}",
        form.body
    );
    let r = t
        .api(
            Method::POST,
            "/api/v1/persons",
            Some(&op),
            Some(json!({"codice_fiscale": cf, "surname": "Popescu", "name": "Ana",
                "citizenship": "Atlantide", "domicile_comune": FIRENZE, "domicile_address": "Via Larga 1"})),
        )
        .await;
    assert!(field_codes(&r.json()).contains(&("citizenship".to_owned(), "country".to_owned())));
}
