//! Public calculators: pure checks over the domain rules, nothing stored.

use serde::Serialize;
use sportello_domain::codice_fiscale::{CodiceFiscale, Sex};
use sportello_domain::places::PlaceKind;

#[derive(Debug, Clone, Serialize)]
pub struct BirthPlace {
    pub cadastral_code: String,
    pub name: String,
    pub kind: PlaceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckError {
    pub code: String,
    pub message: String,
}

/// The answer of the codice fiscale calculator: decoded fields only when valid; for an
/// omocode they are those of the code with its digits restored.
#[derive(Debug, Clone, Serialize)]
pub struct CodiceFiscaleCheck {
    pub valid: bool,
    pub normalized: String,
    pub omocode: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<BirthPlace>,
    pub errors: Vec<CheckError>,
}

pub fn check_codice_fiscale(input: &str, today: time::Date) -> CodiceFiscaleCheck {
    let normalized = input.trim().to_uppercase();
    match CodiceFiscale::parse(input, today) {
        Ok(cf) => {
            let d = cf.decoded();
            CodiceFiscaleCheck {
                valid: true,
                normalized: cf.as_str().to_owned(),
                omocode: cf.is_omocode(),
                base_code: Some(d.base_code.clone()),
                birth_date: Some(d.birth_date.to_string()),
                sex: Some(d.sex),
                birth_place: Some(BirthPlace {
                    cadastral_code: d.birth_place.cadastral_code.clone(),
                    name: d.birth_place.name.clone(),
                    kind: d.birth_place.kind,
                    province: d.birth_place.province.clone(),
                }),
                errors: vec![],
            }
        }
        Err(errors) => CodiceFiscaleCheck {
            valid: false,
            normalized,
            omocode: false,
            base_code: None,
            birth_date: None,
            sex: None,
            birth_place: None,
            errors: errors
                .iter()
                .map(|e| CheckError {
                    code: e.code().to_owned(),
                    message: e.message(),
                })
                .collect(),
        },
    }
}
