//! Public calculators: no token, 200 for valid and invalid codes, Italian errors.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::json;

async fn check(t: &TestApp, code: &str) -> serde_json::Value {
    let r = t
        .api(
            Method::POST,
            "/api/v1/rules/codice-fiscale",
            None,
            Some(json!({ "code": code })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

#[tokio::test]
async fn codice_fiscale_calculator_decodes_valid_codes() {
    let t = TestApp::new().await;
    let v = check(&t, "  rssmra85t10a562s ").await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["normalized"], "RSSMRA85T10A562S");
    assert_eq!(v["omocode"], false);
    assert_eq!(v["birth_date"], "1985-12-10");
    assert_eq!(v["sex"], "M");
    assert_eq!(v["birth_place"]["cadastral_code"], "A562");
    assert_eq!(v["birth_place"]["kind"], "comune");
    assert_eq!(v["errors"], json!([]));

    // The same person as an omocode (level 1: the last digit 2 → N), check letter recomputed.
    let omo = sportello_domain::codice_fiscale::omocode("RSSMRA85T10A562S", 1);
    let v = check(&t, &omo).await;
    assert_eq!(v["valid"], true);
    assert_eq!(v["omocode"], true);
    assert_eq!(
        v["birth_place"]["cadastral_code"], "A562",
        "digits restored"
    );
    assert_eq!(v["birth_date"], "1985-12-10");
}

#[tokio::test]
async fn codice_fiscale_calculator_explains_invalid_codes_in_italian() {
    let t = TestApp::new().await;
    let v = check(&t, "RSSMRA85T10A562X").await;
    assert_eq!(v["valid"], false);
    assert!(v.get("birth_date").is_none());
    assert_eq!(v["errors"][0]["code"], "check_character");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("controllo")
    );

    let v = check(&t, "ABC").await;
    assert_eq!(v["errors"][0]["code"], "length");
    assert_eq!(
        v["errors"][0]["message"],
        "Il codice fiscale deve essere di 16 caratteri"
    );

    let r = t
        .api(
            Method::POST,
            "/api/v1/rules/codice-fiscale",
            None,
            Some(json!({"codice": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.content_type(), "application/problem+json");
}

#[tokio::test]
async fn codice_fiscale_page_shows_the_check() {
    let t = TestApp::new().await;
    let ok = t.get("/rules/codice-fiscale?code=RSSMRA85T10A562S").await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("Codice fiscale valido"));
    assert!(ok.body.contains("10/12/1985"));
    let bad = t.get("/rules/codice-fiscale?code=RSSMRA85T10A562X").await;
    assert!(bad.body.contains("aria-describedby=\"code-errore\""));
    assert!(bad.body.contains("carattere di controllo") || bad.body.contains("controllo"));
}
