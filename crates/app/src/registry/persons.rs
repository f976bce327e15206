//! Persons: one per codice fiscale, checked against the birth data it encodes.

use super::ports::{ChangeStatus, PersonQuery, PersonRecord, Subject};
use super::validate::Errors;
use crate::accounts::audit_draft;
use crate::error::AppError;
use crate::scope::{Owned, ScopeFilter, authorize_change, authorize_read};
use crate::uow::OutboxMessage;
use crate::{App, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sportello_domain::access::{Actor, Owners, Permission};
use sportello_domain::codice_fiscale::{CodiceFiscale, Sex, encode};
use sportello_domain::italian_time::format_date;
use sportello_domain::registry::{CHANGES_VALIDATE, PERSONS_READ, PERSONS_WRITE};
use sportello_domain::text::search_key;
use std::collections::BTreeMap;
use time::Date;
use uuid::Uuid;

pub const CHANNELS: [(&str, &str); 4] = [
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("post", "Posta"),
    ("app", "Area personale"),
];

/// What a form or API sends to create or change a person. Strings as typed: the command
/// parses them.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonInput {
    #[serde(default)]
    pub codice_fiscale: String,
    #[serde(default)]
    pub surname: String,
    #[serde(default)]
    pub name: String,
    /// Optional: taken from the codice fiscale when absent.
    pub birth_date: Option<Date>,
    pub sex: Option<String>,
    /// Cadastral or Z-code of the birth place; from the codice fiscale when absent.
    pub birth_place_code: Option<String>,
    /// ISTAT country code; "100" (Italia) when absent.
    pub citizenship: Option<String>,
    pub residence_comune: Option<String>,
    pub residence_address: Option<String>,
    #[serde(default)]
    pub domicile_comune: String,
    #[serde(default)]
    pub domicile_address: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: Option<String>,
    /// The operator confirms birth data that differ from the codice fiscale.
    #[serde(default)]
    pub confirm_birth_data: bool,
    /// The operator confirms surname and name whose letters differ from the ones the
    /// codice fiscale carries (a transliteration, a later change of name).
    #[serde(default)]
    pub confirm_name_letters: bool,
    /// The operator confirms this is not the same person as a similar one.
    #[serde(default)]
    pub confirm_not_duplicate: bool,
    /// The version the change is made from (the ETag read, or the form's hidden field):
    /// if the record changed since, the save is refused instead of overwriting it.
    #[serde(default)]
    pub version: Option<i64>,
    /// The change request of the person this save applies (an operator, after checking
    /// the documents): it is closed in the same transaction.
    #[serde(default)]
    pub change_id: Option<Uuid>,
}

/// A person as shown to users.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonView {
    pub id: Uuid,
    pub codice_fiscale: String,
    pub surname: String,
    pub name: String,
    pub sex: String,
    pub birth_date: Date,
    pub birth_place_code: String,
    pub birth_place_name: String,
    pub citizenship: String,
    pub citizenship_name: String,
    pub residence_comune: Option<String>,
    pub residence_comune_name: Option<String>,
    pub residence_address: Option<String>,
    pub domicile_comune: String,
    pub domicile_comune_name: String,
    pub domicile_address: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: String,
    pub office_id: Option<Uuid>,
    pub region_code: String,
    pub birth_data_confirmed: bool,
    pub fictitious: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: time::OffsetDateTime,
    /// Raised by every change; send it back as `If-Match` (or `version`) when saving.
    pub version: i64,
}

impl Owned for PersonRecord {
    fn owners(&self) -> Owners {
        Owners {
            person: Some(self.id),
            office: self.office_id,
            region: Some(self.region_code.clone()),
            organisations: self.organisations.clone(),
            employer: None,
        }
    }
}

/// Names shown next to the codes a person record keeps.
struct Names {
    domicile: String,
    residence: Option<String>,
    citizenship: String,
}

fn view(p: PersonRecord, names: Names) -> PersonView {
    let birth_place_name = sportello_domain::places::lookup(&p.birth_place_code)
        .map(|pl| pl.name.clone())
        .unwrap_or_else(|| p.birth_place_code.clone());
    PersonView {
        id: p.id,
        codice_fiscale: p.codice_fiscale,
        surname: p.surname,
        name: p.name,
        sex: p.sex,
        birth_date: p.birth_date,
        birth_place_code: p.birth_place_code,
        birth_place_name,
        citizenship: p.citizenship,
        citizenship_name: names.citizenship,
        residence_comune: p.residence_comune,
        residence_comune_name: names.residence,
        residence_address: p.residence_address,
        domicile_comune: p.domicile_comune,
        domicile_comune_name: names.domicile,
        domicile_address: p.domicile_address,
        email: p.email,
        phone: p.phone,
        preferred_channel: p.preferred_channel,
        office_id: p.office_id,
        region_code: p.region_code,
        birth_data_confirmed: p.birth_data_confirmed,
        fictitious: p.fictitious,
        created_at: p.created_at,
        updated_at: p.updated_at,
        version: p.version,
    }
}

fn sex_code(s: Sex) -> &'static str {
    match s {
        Sex::M => "M",
        Sex::F => "F",
    }
}

/// A search as typed in one box: a codice fiscale (or its start), or «cognome [nome]».
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonSearch {
    pub q: Option<String>,
    pub codice_fiscale: Option<String>,
    pub surname: Option<String>,
    pub name: Option<String>,
    /// ISTAT code of the domicile comune.
    pub comune: Option<String>,
}

fn looks_like_cf(s: &str) -> bool {
    s.len() >= 6
        && s.chars().all(|c| c.is_ascii_alphanumeric())
        && s.chars().any(|c| c.is_ascii_digit())
}

impl PersonSearch {
    fn query(&self) -> PersonQuery {
        let nonempty = |o: &Option<String>| {
            o.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let mut q = PersonQuery {
            codice_fiscale: nonempty(&self.codice_fiscale).map(|s| s.to_uppercase()),
            surname: nonempty(&self.surname)
                .map(|s| search_key(&s))
                .filter(|s| !s.is_empty()),
            name: nonempty(&self.name)
                .map(|s| search_key(&s))
                .filter(|s| !s.is_empty()),
            comune: nonempty(&self.comune),
            ..Default::default()
        };
        if let Some(text) = nonempty(&self.q) {
            let compact: String = text.split_whitespace().collect();
            if looks_like_cf(&compact) {
                q.codice_fiscale = Some(compact.to_uppercase());
            } else {
                let mut words = text.split_whitespace();
                q.surname = words.next().map(search_key).filter(|s| !s.is_empty());
                let rest: Vec<&str> = words.collect();
                if !rest.is_empty() {
                    q.name = Some(search_key(&rest.join(" "))).filter(|s| !s.is_empty());
                }
            }
        }
        q
    }

    pub fn is_empty(&self) -> bool {
        let q = self.query();
        q.codice_fiscale.is_none() && q.surname.is_none() && q.name.is_none() && q.comune.is_none()
    }
}

/// Cursor of a person listing: the last row's id only, so no name travels in a URL or a
/// log; the listing reads that person's names to continue from there.
pub fn person_cursor(p: &PersonView) -> String {
    p.id.to_string()
}

impl App {
    /// The page of persons after `cursor` (the first page without one).
    pub async fn search_persons(
        &self,
        actor: &Actor,
        search: &PersonSearch,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Vec<PersonView>, AppError> {
        self.person_page(actor, search, cursor, false, limit).await
    }

    /// The page of persons just before `cursor`, for paging back.
    pub async fn search_persons_before(
        &self,
        actor: &Actor,
        search: &PersonSearch,
        cursor: &str,
        limit: u64,
    ) -> Result<Vec<PersonView>, AppError> {
        self.person_page(actor, search, Some(cursor), true, limit)
            .await
    }

    async fn person_page(
        &self,
        actor: &Actor,
        search: &PersonSearch,
        cursor: Option<&str>,
        backward: bool,
        limit: u64,
    ) -> Result<Vec<PersonView>, AppError> {
        if !actor.may(PERSONS_READ) {
            return Err(AppError::Forbidden);
        }
        let mut q = search.query();
        let position = match cursor {
            Some(c) => Some(self.cursor_position(actor, c).await?),
            None => None,
        };
        if backward {
            q.before = position;
        } else {
            q.after = position;
        }
        let rows = self
            .store
            .search_persons(&ScopeFilter::of(actor), &q, limit.clamp(1, 200))
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for p in rows {
            let names = self.names(&p).await?;
            out.push(view(p, names));
        }
        Ok(out)
    }

    /// The ISTAT code of a country given by code or by name.
    async fn country_code(&self, typed: &str) -> Result<Option<String>, AppError> {
        if self.store.country_name(typed).await?.is_some() {
            return Ok(Some(typed.to_owned()));
        }
        Ok(self.store.country_by_name(typed).await?)
    }

    /// Where a listing continues: the (surname, name, id) order key of the cursor's person,
    /// who must be visible to the actor (else the position would hint at their name).
    async fn cursor_position(
        &self,
        actor: &Actor,
        cursor: &str,
    ) -> Result<(String, String, Uuid), AppError> {
        let bad = || AppError::invalid("cursor", "cursor", "Cursore di paginazione non valido");
        let id = Uuid::parse_str(cursor).map_err(|_| bad())?;
        let p = self.store.person(id).await?.ok_or_else(bad)?;
        if !p.owners().covered_by(&actor.scope) {
            return Err(bad());
        }
        Ok((search_key(&p.surname), search_key(&p.name), id))
    }

    async fn names(&self, p: &PersonRecord) -> Result<Names, AppError> {
        let residence = match &p.residence_comune {
            Some(r) => Some(self.comune_name(r).await?),
            None => None,
        };
        Ok(Names {
            domicile: self.comune_name(&p.domicile_comune).await?,
            residence,
            citizenship: self
                .store
                .country_name(&p.citizenship)
                .await?
                .unwrap_or_else(|| p.citizenship.clone()),
        })
    }

    async fn comune_name(&self, istat: &str) -> Result<String, AppError> {
        Ok(self
            .store
            .comune(istat)
            .await?
            .map(|c| format!("{} ({})", c.name, c.province_sigla))
            .unwrap_or_else(|| istat.to_owned()))
    }

    async fn load_person(
        &self,
        actor: &Actor,
        permission: Permission,
        id: Uuid,
    ) -> Result<PersonRecord, AppError> {
        authorize_read(actor, permission, self.store.person(id).await?)
    }

    pub async fn get_person(&self, actor: &Actor, id: Uuid) -> Result<PersonView, AppError> {
        self.person_with(actor, PERSONS_READ, id).await
    }

    /// The person as the edit form starts from: refused unless the actor may change it.
    pub async fn person_to_edit(&self, actor: &Actor, id: Uuid) -> Result<PersonView, AppError> {
        self.person_with(actor, PERSONS_WRITE, id).await
    }

    async fn person_with(
        &self,
        actor: &Actor,
        permission: Permission,
        id: Uuid,
    ) -> Result<PersonView, AppError> {
        let p = self.load_person(actor, permission, id).await?;
        let names = self.names(&p).await?;
        Ok(view(p, names))
    }

    /// Parses and checks input into a record; `existing` is the record being changed.
    async fn person_from_input(
        &self,
        input: &PersonInput,
        existing: Option<&PersonRecord>,
    ) -> Result<PersonRecord, AppError> {
        let today = now().date();
        let mut e = Errors::new();
        let cf = match CodiceFiscale::parse(&input.codice_fiscale, today) {
            Ok(cf) => Some(cf),
            Err(errs) => {
                for err in errs {
                    e.push("codice_fiscale", err.code(), err.message());
                }
                None
            }
        };
        let surname = e.person_name("surname", "il cognome", &input.surname, 120);
        let name = e.person_name("name", "il nome", &input.name, 120);
        let decoded = cf.as_ref().map(|c| c.decoded());
        let birth_date = input.birth_date.or(decoded.as_ref().map(|d| d.birth_date));
        let sex = match input
            .sex
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some("M") | Some("m") => Some("M".to_owned()),
            Some("F") | Some("f") => Some("F".to_owned()),
            Some(_) => {
                e.push("sex", "sex", "Sesso: indicare M o F");
                None
            }
            None => decoded.as_ref().map(|d| sex_code(d.sex).to_owned()),
        };
        let birth_place_code = match input
            .birth_place_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(code) => match sportello_domain::places::lookup(code) {
                Some(p) => Some(p.cadastral_code.clone()),
                None => {
                    e.push(
                        "birth_place_code",
                        "place_unknown",
                        format!("Luogo di nascita sconosciuto: «{code}»"),
                    );
                    None
                }
            },
            None => decoded
                .as_ref()
                .map(|d| d.birth_place.cadastral_code.clone()),
        };
        if birth_date.is_none() && cf.is_some() {
            e.push("birth_date", "required", "Indicare la data di nascita");
        }
        if let Some(b) = birth_date
            && (b > today || b.year() < 1900)
        {
            e.push("birth_date", "birth_date", "Data di nascita non plausibile");
        }
        // Birth data, and separately the name letters, must agree with the code unless the
        // operator confirms each: they are different findings with different causes.
        let mut birth_differs = false;
        if let (Some(d), Some(b), Some(sx), Some(place)) =
            (&decoded, birth_date, &sex, &birth_place_code)
        {
            let mut diffs = Vec::new();
            if b != d.birth_date {
                diffs.push(format!(
                    "data di nascita (dal codice: {})",
                    format_date(d.birth_date)
                ));
            }
            if sx != sex_code(d.sex) {
                diffs.push(format!("sesso (dal codice: {})", sex_code(d.sex)));
            }
            if place != &d.birth_place.cadastral_code {
                diffs.push(format!(
                    "luogo di nascita (dal codice: {})",
                    d.birth_place.name
                ));
            }
            birth_differs = !diffs.is_empty();
            if birth_differs && !input.confirm_birth_data {
                e.push(
                    "confirm_birth_data",
                    "birth_data_mismatch",
                    format!(
                        "I dati di nascita non corrispondono al codice fiscale: {}. Verificare o confermare.",
                        diffs.join("; ")
                    ),
                );
            }
            // Names already on record were accepted when they were saved: not asked again.
            let names_changed = existing.is_none_or(|x| x.surname != surname || x.name != name);
            if !surname.is_empty()
                && !name.is_empty()
                && names_changed
                && !input.confirm_name_letters
            {
                let expected = encode(
                    &surname,
                    &name,
                    d.birth_date,
                    d.sex,
                    &d.birth_place.cadastral_code,
                );
                if expected[..6] != d.base_code[..6] {
                    e.push(
                        "confirm_name_letters",
                        "name_mismatch",
                        format!(
                            "Cognome e nome non corrispondono alle lettere del codice fiscale («{}»). Verificare o confermare.",
                            &d.base_code[..6]
                        ),
                    );
                }
            }
        }
        // The country by name as the picker offers it («Romania»), or its ISTAT code.
        let typed = input
            .citizenship
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("100");
        let citizenship = if let Some(code) = self.country_code(typed).await? {
            code
        } else {
            e.push(
                "citizenship",
                "country",
                format!("Stato sconosciuto: «{typed}». Sceglierlo dall'elenco"),
            );
            typed.to_owned()
        };
        let domicile = self
            .comune_field(
                &mut e,
                "domicile_comune",
                &input.domicile_comune,
                Some("Indicare il comune di domicilio"),
            )
            .await?;
        let domicile_address = e.required(
            "domicile_address",
            "l'indirizzo di domicilio",
            &input.domicile_address,
            300,
        );
        let residence_comune = self
            .comune_field(
                &mut e,
                "residence_comune",
                input.residence_comune.as_deref().unwrap_or(""),
                None,
            )
            .await?
            .map(|c| c.istat_code);
        let residence_address =
            e.optional("residence_address", input.residence_address.as_deref(), 300);
        let email = e.email("email", input.email.as_deref());
        let phone = e.phone("phone", input.phone.as_deref());
        let channel = input
            .preferred_channel
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("post");
        if !CHANNELS.iter().any(|(c, _)| *c == channel) {
            e.push(
                "preferred_channel",
                "channel",
                "Canale preferito non valido",
            );
        } else if channel == "email" && email.is_none() {
            e.push(
                "email",
                "required",
                "Per il canale e-mail indicare l'indirizzo e-mail",
            );
        } else if channel == "sms" && phone.is_none() {
            e.push(
                "phone",
                "required",
                "Per il canale SMS indicare il numero di telefono",
            );
        }
        let (Some(cf), Some(birth_date), Some(sex), Some(birth_place_code), Some(domicile), true) = (
            cf,
            birth_date,
            sex,
            birth_place_code,
            domicile,
            e.is_empty(),
        ) else {
            return Err(AppError::Validation(e.0));
        };
        let at = now();
        Ok(PersonRecord {
            id: existing.map(|p| p.id).unwrap_or_else(Uuid::now_v7),
            codice_fiscale: cf.as_str().to_owned(),
            surname,
            name,
            sex,
            birth_date,
            birth_place_code,
            citizenship,
            residence_comune,
            residence_address,
            // Resolved again, under a lock, by the transaction that saves the person.
            office_id: self.store.office_for_comune(&domicile.istat_code).await?,
            region_code: domicile.region_code.clone(),
            organisations: existing
                .map(|p| p.organisations.clone())
                .unwrap_or_default(),
            domicile_comune: domicile.istat_code,
            domicile_address,
            email,
            phone,
            preferred_channel: channel.to_owned(),
            // Recorded only when there was a difference to confirm.
            birth_data_confirmed: input.confirm_birth_data && birth_differs,
            fictitious: existing.is_some_and(|p| p.fictitious),
            created_at: existing.map(|p| p.created_at).unwrap_or(at),
            updated_at: at,
            version: existing.map_or(1, |p| p.version + 1),
        })
    }

    /// Refuses a codice fiscale already registered and warns about a similar person. A
    /// person outside the actor's scope is never shown: the message names only the office
    /// that holds them and how to reach it, for the transfer.
    async fn check_duplicates(
        &self,
        actor: &Actor,
        p: &PersonRecord,
        input: &PersonInput,
    ) -> Result<(), AppError> {
        if let Some(other) = self.store.person_by_cf(&p.codice_fiscale).await?
            && other.id != p.id
        {
            return Err(if other.owners().covered_by(&actor.scope) {
                AppError::Conflict {
                    message: format!(
                        "Esiste già una persona con codice fiscale {}",
                        p.codice_fiscale
                    ),
                    existing: Some(format!("/persons/{}", other.id)),
                }
            } else {
                AppError::Conflict {
                    message: format!(
                        "Questa persona è già registrata presso un altro ufficio: {}. Per prenderla in carico chiedere il trasferimento a quell'ufficio.",
                        self.office_contact(other.office_id).await?
                    ),
                    existing: None,
                }
            });
        }
        if !input.confirm_not_duplicate {
            let similar: Vec<PersonRecord> = self
                .store
                .persons_like(&search_key(&p.surname), &search_key(&p.name), p.birth_date)
                .await?
                .into_iter()
                .filter(|o| o.id != p.id)
                .collect();
            if let Some(o) = similar.first() {
                let message = if o.owners().covered_by(&actor.scope) {
                    format!(
                        "Possibile duplicato: {} {}, nato/a il {}, codice fiscale {}. Verificare o confermare che si tratta di un'altra persona.",
                        o.surname,
                        o.name,
                        format_date(o.birth_date),
                        o.codice_fiscale
                    )
                } else {
                    format!(
                        "Possibile duplicato: una persona con lo stesso nome e la stessa data di nascita è registrata presso un altro ufficio ({}). Verificare con quell'ufficio o confermare che si tratta di un'altra persona.",
                        self.office_contact(o.office_id).await?
                    )
                };
                return Err(AppError::invalid(
                    "confirm_not_duplicate",
                    "near_duplicate",
                    message,
                ));
            }
        }
        Ok(())
    }

    /// The name and contacts of the office holding a person outside the caller's scope.
    async fn office_contact(&self, office: Option<Uuid>) -> Result<String, AppError> {
        let Some(o) = (match office {
            Some(id) => self.store.office(id).await?,
            None => None,
        }) else {
            return Ok("un ufficio di un'altra regione".to_owned());
        };
        let contacts: Vec<&str> = [o.phone.as_deref(), o.email.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        Ok(if contacts.is_empty() {
            o.name
        } else {
            format!("{}, {}", o.name, contacts.join(", "))
        })
    }

    pub async fn create_person(
        &self,
        actor: &Actor,
        input: &PersonInput,
    ) -> Result<PersonView, AppError> {
        if !actor.may(PERSONS_WRITE) {
            return Err(AppError::Forbidden);
        }
        let p = self.person_from_input(input, None).await?;
        self.check_duplicates(actor, &p, input).await?;
        let v = view(p.clone(), self.names(&p).await?);
        self.commit_person(actor, None, p, v, Changes::default())
            .await
    }

    pub async fn update_person(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &PersonInput,
    ) -> Result<PersonView, AppError> {
        let existing = self.load_person(actor, PERSONS_WRITE, id).await?;
        // Applying a change request is the office's: checked before anything else.
        if input.change_id.is_some() && !actor.may(CHANGES_VALIDATE) {
            return Err(AppError::Forbidden);
        }
        super::same_version(existing.version, input.version)?;
        let mut input = input.clone();
        let mut proposed = BTreeMap::new();
        if actor.role.is_self_service() {
            if input.confirm_birth_data && !existing.birth_data_confirmed {
                return Err(AppError::invalid(
                    "confirm_birth_data",
                    "office_only",
                    "Solo l'operatore del Centro per l'Impiego può confermare dati di nascita diversi dal codice fiscale",
                ));
            }
            // What the person typed must be valid; whether it agrees with the codice
            // fiscale the operator checks, with the documents, when applying it.
            let trial = PersonInput {
                confirm_birth_data: true,
                confirm_name_letters: true,
                ..input.clone()
            };
            let trial = self.person_from_input(&trial, Some(&existing)).await?;
            proposed = certified_changes(&existing, &trial);
            input = keep_certified(input, &existing);
        }
        let p = self.person_from_input(&input, Some(&existing)).await?;
        let changes = Changes {
            proposed,
            applied: input.change_id,
        };
        if !changes.proposed.is_empty() && unchanged(&existing, &p) {
            // Only certified data were typed: the record stays as it is, the proposal waits.
            return self
                .commit_changes(
                    actor,
                    Subject::Person(id),
                    changes,
                    view(existing.clone(), self.names(&existing).await?),
                )
                .await;
        }
        self.check_duplicates(actor, &p, &input).await?;
        let before = view(existing.clone(), self.names(&existing).await?);
        let v = view(p.clone(), self.names(&p).await?);
        self.commit_person(actor, Some((&existing, before)), p, v, changes)
            .await
    }

    /// Records a proposal alone, when it is all a self-service save changes; answers the
    /// record as it stays.
    pub(crate) async fn commit_changes<V>(
        &self,
        actor: &Actor,
        subject: Subject,
        changes: Changes,
        unchanged: V,
    ) -> Result<V, AppError> {
        let mut tx = self.begin().await?;
        changes.record(&mut *tx, actor, subject).await?;
        tx.commit().await?;
        Ok(unchanged)
    }

    /// Saves a new or changed person in one transaction with its audit entry and outbox
    /// message. The office is resolved again under the transaction's lock on the map of
    /// comuni, and the record is authorized as it will be saved; a change applies only if
    /// the stored person is still the one `before` was read from.
    async fn commit_person(
        &self,
        actor: &Actor,
        before: Option<(&PersonRecord, PersonView)>,
        mut p: PersonRecord,
        mut v: PersonView,
        changes: Changes,
    ) -> Result<PersonView, AppError> {
        let mut tx = self.begin().await?;
        // The map first, then the record (see `OfficeRepo::office_serving`).
        p.office_id = tx.offices().office_serving(&p.domicile_comune).await?;
        let locked = match &before {
            Some((b, _)) => {
                let locked = tx
                    .persons()
                    .person_for_update(b.id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                super::same_version(locked.version, Some(b.version))?;
                Some(locked)
            }
            None => None,
        };
        v.office_id = p.office_id;
        let creating = before.is_none();
        let p = authorize_change(actor, PERSONS_WRITE, locked.as_ref(), p, || {
            AppError::invalid(
                "domicile_comune",
                "out_of_scope",
                if creating {
                    "Il comune di domicilio non è di competenza del suo ufficio"
                } else {
                    "Con il nuovo domicilio la persona passerebbe a un ufficio fuori dal suo ambito: chiedere il trasferimento all'ufficio competente"
                },
            )
        })?;
        tx.persons().save_person(&p).await?;
        let (action, topic) = if creating {
            ("create", "person.created")
        } else {
            ("update", "person.changed")
        };
        let mut audit = audit_draft(actor, action, "person", Some(p.id.to_string()));
        audit.before = before.map(|(_, b)| json!(b));
        audit.after = Some(json!(v));
        tx.audit(audit);
        tx.publish(person_message(topic, &p));
        changes
            .record(&mut *tx, actor, Subject::Person(p.id))
            .await?;
        tx.commit().await?;
        Ok(v)
    }
}

/// What other contexts learn of a person's change: which record, where it belongs now.
/// No personal data travels in the outbox; a consumer reads the record it needs.
pub(crate) fn person_message(topic: &str, p: &PersonRecord) -> OutboxMessage {
    OutboxMessage::new(
        topic,
        p.id,
        json!({ "office_id": p.office_id, "region_code": p.region_code, "version": p.version }),
    )
}

/// The certified data a person's own change would alter: codice fiscale, names, birth
/// data and citizenship are corrected by the office, which checks the documents.
fn certified_changes(existing: &PersonRecord, typed: &PersonRecord) -> BTreeMap<String, String> {
    let pairs = [
        (
            "codice_fiscale",
            &existing.codice_fiscale,
            &typed.codice_fiscale,
        ),
        ("surname", &existing.surname, &typed.surname),
        ("name", &existing.name, &typed.name),
        ("sex", &existing.sex, &typed.sex),
        (
            "birth_place_code",
            &existing.birth_place_code,
            &typed.birth_place_code,
        ),
        ("citizenship", &existing.citizenship, &typed.citizenship),
    ];
    let mut out: BTreeMap<String, String> = pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(f, _, b)| (f.to_owned(), b.clone()))
        .collect();
    if existing.birth_date != typed.birth_date {
        out.insert("birth_date".into(), typed.birth_date.to_string());
    }
    out
}

/// The input with the certified data as registered: what a person's own change saves.
fn keep_certified(input: PersonInput, existing: &PersonRecord) -> PersonInput {
    PersonInput {
        codice_fiscale: existing.codice_fiscale.clone(),
        surname: existing.surname.clone(),
        name: existing.name.clone(),
        birth_date: Some(existing.birth_date),
        sex: Some(existing.sex.clone()),
        birth_place_code: Some(existing.birth_place_code.clone()),
        citizenship: Some(existing.citizenship.clone()),
        confirm_birth_data: existing.birth_data_confirmed,
        confirm_name_letters: true,
        ..input
    }
}

/// Whether a save would change nothing but its time and version.
fn unchanged(existing: &PersonRecord, p: &PersonRecord) -> bool {
    *existing
        == PersonRecord {
            updated_at: existing.updated_at,
            version: existing.version,
            ..p.clone()
        }
}

/// What a save does with change requests: the proposal a self-service change leaves, the
/// request an operator's save applies.
#[derive(Default)]
pub(crate) struct Changes {
    pub proposed: BTreeMap<String, String>,
    pub applied: Option<Uuid>,
}

impl Changes {
    pub(crate) async fn record(
        self,
        tx: &mut dyn crate::uow::WriteTx,
        actor: &Actor,
        subject: Subject,
    ) -> Result<(), AppError> {
        if !self.proposed.is_empty() {
            super::changes::propose(tx, actor, subject, self.proposed).await?;
        }
        if let Some(id) = self.applied {
            super::changes::decide(tx, actor, subject, id, ChangeStatus::Applied, None).await?;
        }
        Ok(())
    }
}

impl From<&PersonView> for PersonInput {
    fn from(p: &PersonView) -> Self {
        Self {
            codice_fiscale: p.codice_fiscale.clone(),
            surname: p.surname.clone(),
            name: p.name.clone(),
            birth_date: Some(p.birth_date),
            sex: Some(p.sex.clone()),
            birth_place_code: Some(p.birth_place_code.clone()),
            citizenship: Some(p.citizenship.clone()),
            residence_comune: p.residence_comune.clone(),
            residence_address: p.residence_address.clone(),
            domicile_comune: p.domicile_comune.clone(),
            domicile_address: p.domicile_address.clone(),
            email: p.email.clone(),
            phone: p.phone.clone(),
            preferred_channel: Some(p.preferred_channel.clone()),
            confirm_birth_data: p.birth_data_confirmed,
            confirm_name_letters: true,
            confirm_not_duplicate: true,
            version: Some(p.version),
            change_id: None,
        }
    }
}
