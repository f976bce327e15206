//! Public calculators under `/api/v1/rules/`: no authentication, rate-limited per
//! address, nothing stored.

use crate::api::parse_json;
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::body::Bytes;
use serde::{Deserialize, Serialize};
use sportello_app::rules::{CodiceFiscaleCheck, check_codice_fiscale};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CodiceFiscaleIn {
    /// The code as typed: case and surrounding spaces do not matter.
    #[schema(example = "RSSMRA85T10A562S")]
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BirthPlaceOut {
    pub cadastral_code: String,
    pub name: String,
    /// comune | foreign_country
    pub kind: String,
    pub province: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckErrorOut {
    pub code: String,
    /// Italian, for people
    pub message: String,
}

/// The check's outcome. Decoded fields appear only for a valid code; for an omocode they
/// are those of the base code (digits restored).
#[derive(Debug, Serialize, ToSchema)]
pub struct CodiceFiscaleOut {
    pub valid: bool,
    pub normalized: String,
    pub omocode: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_code: Option<String>,
    /// YYYY-MM-DD
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// M | F
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<BirthPlaceOut>,
    pub errors: Vec<CheckErrorOut>,
}

impl From<CodiceFiscaleCheck> for CodiceFiscaleOut {
    fn from(c: CodiceFiscaleCheck) -> Self {
        let kind = |k| {
            serde_json::to_value(k)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        Self {
            valid: c.valid,
            normalized: c.normalized,
            omocode: c.omocode,
            base_code: c.base_code,
            birth_date: c.birth_date,
            sex: c.sex.map(|s| format!("{s:?}")),
            birth_place: c.birth_place.map(|p| BirthPlaceOut {
                kind: kind(p.kind),
                cadastral_code: p.cadastral_code,
                name: p.name,
                province: p.province,
            }),
            errors: c
                .errors
                .into_iter()
                .map(|e| CheckErrorOut {
                    code: e.code,
                    message: e.message,
                })
                .collect(),
        }
    }
}

/// Checks and decodes a codice fiscale (syntax, dates, check letter, omocodia, place code
/// in the historical cadastral list). Answers 200 also for an invalid code.
#[utoipa::path(post, path = "/api/v1/rules/codice-fiscale", tag = "rules",
    request_body = CodiceFiscaleIn,
    responses((status = 200, body = CodiceFiscaleOut),
              (status = 422, body = Problem, content_type = "application/problem+json"),
              (status = 429, body = Problem, content_type = "application/problem+json")))]
///
/// A public calculator: nothing is stored, no token needed.
pub async fn codice_fiscale(body: Bytes) -> Result<Json<CodiceFiscaleOut>, ApiError> {
    let input: CodiceFiscaleIn = parse_json(&body)?;
    let today = sportello_app::now().date();
    Ok(Json(check_codice_fiscale(&input.code, today).into()))
}
