//! Small parsers for form and JSON input shared by the registry's commands. Each returns
//! the cleaned value or pushes an Italian message for its field.

use super::employers::SiteInput;
use super::ports::{ComuneRecord, SiteRecord};
use crate::App;
use crate::error::{AppError, FieldError};
use sportello_domain::text::{forbidden_char, is_person_name};
use uuid::Uuid;

pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn new() -> Self {
        Self(Vec::new())
    }
    pub fn push(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// A required text of at most `max` characters.
    pub fn required(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.push(field, "required", format!("Indicare {label}"));
        } else {
            self.text(field, v, max);
        }
        v.to_owned()
    }
    pub fn optional(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.text(field, v, max);
        Some(v.to_owned())
    }
    /// A surname or given name: required, letters with spaces, apostrophes and hyphens.
    pub fn person_name(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let before = self.0.len();
        let v = self.required(field, label, value, max);
        if self.0.len() == before && !is_person_name(&v) {
            self.push(
                field,
                "person_name",
                format!(
                    "Indicare {label} con lettere (ammessi spazi, apostrofi e trattini, non cifre)"
                ),
            );
        }
        v
    }
    /// Length and characters of any text: control characters and direction overrides are
    /// refused, so what is stored is what is shown.
    fn text(&mut self, field: &str, v: &str, max: usize) {
        if v.chars().count() > max {
            self.push(field, "too_long", format!("Al massimo {max} caratteri"));
        } else if forbidden_char(v).is_some() {
            self.push(
                field,
                "characters",
                "Contiene caratteri non ammessi (caratteri di controllo o di direzione del testo)",
            );
        }
    }
    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.optional(field, value, 254)?;
        let ok = v.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        }) && !v.contains(char::is_whitespace);
        if !ok {
            self.push(
                field,
                "email",
                "Indirizzo e-mail non valido (es. nome@dominio.it)",
            );
        }
        Some(v.to_lowercase())
    }
    pub fn phone(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.optional(field, value, 40)?;
        let digits = v.chars().filter(char::is_ascii_digit).count();
        let ok = v.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || c == ' ' || c == '-' || c == '.' || (i == 0 && c == '+')
        }) && (6..=15).contains(&digits);
        if !ok {
            self.push(
                field,
                "phone",
                "Numero di telefono non valido: solo cifre, spazi e prefisso +",
            );
        }
        Some(v)
    }
}

impl App {
    /// A comune typed in a field: resolved, or its Italian message pushed for the field.
    /// When empty, `required` (if given) is the message.
    pub(super) async fn comune_field(
        &self,
        e: &mut Errors,
        field: &str,
        value: &str,
        required: Option<&str>,
    ) -> Result<Option<ComuneRecord>, AppError> {
        let v = value.trim();
        if v.is_empty() {
            if let Some(msg) = required {
                e.push(field, "required", msg);
            }
            return Ok(None);
        }
        Ok(match self.resolve_comune(v).await? {
            Ok(c) => Some(c),
            Err(m) => {
                e.push(field, "comune", m);
                None
            }
        })
    }

    /// Sites (an employer's units, an organisation's seats) as `list[i].field` errors.
    pub(super) async fn site_fields(
        &self,
        e: &mut Errors,
        list: &str,
        sites: &[SiteInput],
        existing: &[SiteRecord],
    ) -> Result<Vec<SiteRecord>, AppError> {
        let mut out: Vec<SiteRecord> = Vec::with_capacity(sites.len());
        for (i, s) in sites.iter().enumerate() {
            let field = |f: &str| format!("{list}[{i}].{f}");
            let name = e.required(&field("name"), "il nome della sede", &s.name, 200);
            let address = e.required(&field("address"), "l'indirizzo della sede", &s.address, 300);
            let comune = self
                .comune_field(
                    e,
                    &field("comune"),
                    &s.comune,
                    Some("Indicare il comune della sede"),
                )
                .await?;
            if let Some(id) = s.id
                && !existing.iter().any(|x| x.id == id)
            {
                e.push(
                    &field("id"),
                    "unknown_site",
                    "Sede sconosciuta: per una nuova sede non indicare l'identificativo",
                );
            }
            if let Some(c) = comune {
                let unused = |x: &&SiteRecord| !out.iter().any(|o| o.id == x.id);
                // Stable ids: the one given, else an unchanged site's, else a new one.
                let id =
                    s.id.or_else(|| {
                        existing
                            .iter()
                            .filter(unused)
                            .find(|x| {
                                x.name == name && x.comune == c.istat_code && x.address == address
                            })
                            .map(|x| x.id)
                    })
                    .unwrap_or_else(Uuid::now_v7);
                out.push(SiteRecord {
                    id,
                    name,
                    comune: c.istat_code,
                    address,
                });
            }
        }
        Ok(out)
    }
}
