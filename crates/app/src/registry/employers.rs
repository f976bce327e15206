//! Employers: identified by partita IVA or codice fiscale, with ATECO codes and sites.

use super::ports::{EmployerQuery, EmployerRecord, SiteRecord, Subject};
use super::validate::Errors;
use crate::accounts::audit_draft;
use crate::error::AppError;
use crate::scope::{Owned, ScopeFilter, authorize_change, authorize_read};
use crate::uow::OutboxMessage;
use crate::{App, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sportello_domain::access::{Actor, Owners, Permission};
use sportello_domain::codice_fiscale::CodiceFiscale;
use sportello_domain::partita_iva::PartitaIva;
use sportello_domain::registry::{CHANGES_VALIDATE, EMPLOYERS_READ, EMPLOYERS_WRITE};
use sportello_domain::text::search_key;
use std::collections::BTreeMap;
use uuid::Uuid;

pub const SIZE_CLASSES: [(&str, &str); 4] = [
    ("micro", "Micro (meno di 10 addetti)"),
    ("small", "Piccola (10–49)"),
    ("medium", "Media (50–249)"),
    ("large", "Grande (250 e oltre)"),
];

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInput {
    /// The id of the site being changed, as the record shows it; none for a new site (a
    /// site sent again unchanged without its id keeps its id too).
    #[serde(default)]
    pub id: Option<Uuid>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub comune: String,
    #[serde(default)]
    pub address: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmployerInput {
    /// Partita IVA (11 digits) or, for sole traders and bodies without one, the codice fiscale.
    #[serde(default)]
    pub tax_code: String,
    #[serde(default)]
    pub name: String,
    pub ateco_2007: Option<String>,
    pub ateco_2025: Option<String>,
    #[serde(default)]
    pub legal_comune: String,
    #[serde(default)]
    pub legal_address: String,
    pub size_class: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub pec: Option<String>,
    #[serde(default)]
    pub is_public: bool,
    #[serde(default)]
    pub units: Vec<SiteInput>,
    /// The version the change is made from (the ETag read, or the form's hidden field):
    /// if the record changed since, the save is refused instead of overwriting it.
    #[serde(default)]
    pub version: Option<i64>,
    /// The change request of the employer this save applies (an operator): it is closed
    /// in the same transaction.
    #[serde(default)]
    pub change_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteView {
    pub id: Uuid,
    pub name: String,
    pub comune: String,
    pub address: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmployerView {
    pub id: Uuid,
    pub tax_code: String,
    pub vat_number: Option<String>,
    pub name: String,
    pub ateco_2007: Option<String>,
    pub ateco_2025: Option<String>,
    pub legal_comune: String,
    pub legal_address: String,
    pub size_class: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub pec: Option<String>,
    pub is_public: bool,
    pub office_id: Option<Uuid>,
    pub region_code: String,
    pub units: Vec<SiteView>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: time::OffsetDateTime,
    /// Raised by every change; send it back as `If-Match` (or `version`) when saving.
    pub version: i64,
}

fn sites(s: &[SiteRecord]) -> Vec<SiteView> {
    s.iter()
        .map(|u| SiteView {
            id: u.id,
            name: u.name.clone(),
            comune: u.comune.clone(),
            address: u.address.clone(),
        })
        .collect()
}

fn view(e: &EmployerRecord) -> EmployerView {
    EmployerView {
        id: e.id,
        tax_code: e.tax_code.clone(),
        vat_number: e.vat_number.clone(),
        name: e.name.clone(),
        ateco_2007: e.ateco_2007.clone(),
        ateco_2025: e.ateco_2025.clone(),
        legal_comune: e.legal_comune.clone(),
        legal_address: e.legal_address.clone(),
        size_class: e.size_class.clone(),
        email: e.email.clone(),
        phone: e.phone.clone(),
        pec: e.pec.clone(),
        is_public: e.is_public,
        office_id: e.office_id,
        region_code: e.region_code.clone(),
        units: sites(&e.units),
        created_at: e.created_at,
        updated_at: e.updated_at,
        version: e.version,
    }
}

impl Owned for EmployerRecord {
    fn owners(&self) -> Owners {
        Owners {
            person: None,
            office: self.office_id,
            region: Some(self.region_code.clone()),
            organisations: vec![],
            employer: Some(self.id),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmployerSearch {
    pub q: Option<String>,
    pub comune: Option<String>,
}

pub fn employer_cursor(e: &EmployerView) -> String {
    format!("{}\t{}", search_key(&e.name), e.id)
}

impl App {
    pub async fn search_employers(
        &self,
        actor: &Actor,
        search: &EmployerSearch,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Vec<EmployerView>, AppError> {
        if !actor.may(EMPLOYERS_READ) {
            return Err(AppError::Forbidden);
        }
        let mut q = EmployerQuery {
            comune: search.comune.clone().filter(|c| !c.trim().is_empty()),
            ..Default::default()
        };
        if let Some(text) = search.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let compact: String = text.split_whitespace().collect();
            if compact.len() >= 11
                && compact.chars().all(|c| c.is_ascii_alphanumeric())
                && compact.chars().any(|c| c.is_ascii_digit())
            {
                q.tax_code = Some(compact.to_uppercase());
            } else {
                q.name = Some(search_key(text)).filter(|s| !s.is_empty());
            }
        }
        if let Some(c) = cursor {
            let bad = || AppError::invalid("cursor", "cursor", "Cursore di paginazione non valido");
            let (n, id) = c.split_once('\t').ok_or_else(bad)?;
            q.after = Some((n.to_owned(), Uuid::parse_str(id).map_err(|_| bad())?));
        }
        Ok(self
            .store
            .search_employers(&ScopeFilter::of(actor), &q, limit.clamp(1, 200))
            .await?
            .iter()
            .map(view)
            .collect())
    }

    async fn load_employer(
        &self,
        actor: &Actor,
        permission: Permission,
        id: Uuid,
    ) -> Result<EmployerRecord, AppError> {
        authorize_read(actor, permission, self.store.employer(id).await?)
    }

    /// The employer as the edit form starts from: refused unless the actor may change it.
    pub async fn employer_to_edit(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<EmployerView, AppError> {
        Ok(view(&self.load_employer(actor, EMPLOYERS_WRITE, id).await?))
    }

    pub async fn get_employer(&self, actor: &Actor, id: Uuid) -> Result<EmployerView, AppError> {
        Ok(view(&self.load_employer(actor, EMPLOYERS_READ, id).await?))
    }

    async fn employer_from_input(
        &self,
        input: &EmployerInput,
        existing: Option<&EmployerRecord>,
    ) -> Result<EmployerRecord, AppError> {
        let mut e = Errors::new();
        let raw = input.tax_code.trim().to_uppercase();
        let (tax_code, vat_number) = if raw.chars().all(|c| c.is_ascii_digit()) {
            match PartitaIva::parse(&raw) {
                Ok(p) => (Some(p.as_str().to_owned()), Some(p.as_str().to_owned())),
                Err(err) => {
                    e.push("tax_code", err.code(), err.to_string());
                    (None, None)
                }
            }
        } else if raw.is_empty() {
            e.push(
                "tax_code",
                "required",
                "Indicare la partita IVA o il codice fiscale",
            );
            (None, None)
        } else {
            match CodiceFiscale::parse(&raw, now().date()) {
                Ok(cf) => (Some(cf.as_str().to_owned()), None),
                Err(errs) => {
                    for err in errs {
                        e.push("tax_code", err.code(), err.message());
                    }
                    (None, None)
                }
            }
        };
        let name = e.required("name", "la ragione sociale", &input.name, 200);
        let ateco = |field: &str, version: i16, v: Option<&str>| {
            let code = v
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            (field.to_owned(), version, code)
        };
        let a07 = ateco("ateco_2007", 2007, input.ateco_2007.as_deref());
        let a25 = ateco("ateco_2025", 2025, input.ateco_2025.as_deref());
        for (field, version, code) in [&a07, &a25] {
            if let Some(c) = code
                && !self.store.ateco_exists(*version, c).await?
            {
                e.push(
                    field,
                    "ateco",
                    format!("Codice ATECO {version} sconosciuto: «{c}»"),
                );
            }
        }
        let legal = self
            .comune_field(
                &mut e,
                "legal_comune",
                &input.legal_comune,
                Some("Indicare il comune della sede legale"),
            )
            .await?;
        let legal_address = e.required(
            "legal_address",
            "l'indirizzo della sede legale",
            &input.legal_address,
            300,
        );
        let size_class = input
            .size_class
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("micro");
        if !SIZE_CLASSES.iter().any(|(c, _)| *c == size_class) {
            e.push("size_class", "size_class", "Dimensione non valida");
        }
        let email = e.email("email", input.email.as_deref());
        let pec = e.email("pec", input.pec.as_deref());
        let phone = e.phone("phone", input.phone.as_deref());
        let units = self
            .site_fields(
                &mut e,
                "units",
                &input.units,
                existing.map_or(&[][..], |x| &x.units[..]),
            )
            .await?;
        let (Some(tax_code), Some(legal), true) = (tax_code, legal, e.is_empty()) else {
            return Err(AppError::Validation(e.0));
        };
        let at = now();
        Ok(EmployerRecord {
            id: existing.map(|x| x.id).unwrap_or_else(Uuid::now_v7),
            tax_code,
            vat_number,
            name,
            ateco_2007: a07.2,
            ateco_2025: a25.2,
            // Resolved again, under a lock, by the transaction that saves the employer.
            office_id: self.store.office_for_comune(&legal.istat_code).await?,
            region_code: legal.region_code.clone(),
            legal_comune: legal.istat_code,
            legal_address,
            size_class: size_class.to_owned(),
            email,
            phone,
            pec,
            is_public: input.is_public,
            units,
            created_at: existing.map(|x| x.created_at).unwrap_or(at),
            updated_at: at,
            version: existing.map_or(1, |x| x.version + 1),
        })
    }

    async fn check_tax_code(&self, e: &EmployerRecord) -> Result<(), AppError> {
        if let Some(other) = self.store.employer_by_tax_code(&e.tax_code).await?
            && other.id != e.id
        {
            return Err(AppError::Conflict {
                message: format!("Esiste già un datore di lavoro con codice {}", e.tax_code),
                existing: Some(format!("/employers/{}", other.id)),
            });
        }
        Ok(())
    }

    pub async fn create_employer(
        &self,
        actor: &Actor,
        input: &EmployerInput,
    ) -> Result<EmployerView, AppError> {
        if !actor.may(EMPLOYERS_WRITE) {
            return Err(AppError::Forbidden);
        }
        let r = self.employer_from_input(input, None).await?;
        self.check_tax_code(&r).await?;
        self.commit_employer(actor, None, r, Default::default())
            .await
    }

    pub async fn update_employer(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &EmployerInput,
    ) -> Result<EmployerView, AppError> {
        let existing = self.load_employer(actor, EMPLOYERS_WRITE, id).await?;
        // Applying a change request is the office's: checked before anything else.
        if input.change_id.is_some() && !actor.may(CHANGES_VALIDATE) {
            return Err(AppError::Forbidden);
        }
        super::same_version(existing.version, input.version)?;
        let mut input = input.clone();
        let mut proposed = BTreeMap::new();
        if actor.role.is_self_service() {
            // The tax code identifies the employer and `is_public` decides which rules
            // apply to it (art. 16 rankings, L. 68 quotas): both are the office's to
            // change; what the employer types is kept for an operator to check.
            let typed = self.employer_from_input(&input, Some(&existing)).await?;
            if typed.tax_code != existing.tax_code {
                proposed.insert("tax_code".to_owned(), typed.tax_code.clone());
            }
            if typed.is_public != existing.is_public {
                proposed.insert("is_public".to_owned(), typed.is_public.to_string());
            }
            input.tax_code = existing.tax_code.clone();
            input.is_public = existing.is_public;
        }
        let changes = super::persons::Changes {
            proposed,
            applied: input.change_id,
        };
        let r = self.employer_from_input(&input, Some(&existing)).await?;
        let same = EmployerRecord {
            updated_at: existing.updated_at,
            version: existing.version,
            ..r.clone()
        } == existing;
        if !changes.proposed.is_empty() && same {
            // Only the office's data were typed: the record stays, the proposal waits.
            return self
                .commit_changes(actor, Subject::Employer(id), changes, view(&existing))
                .await;
        }
        self.check_tax_code(&r).await?;
        self.commit_employer(actor, Some(&existing), r, changes)
            .await
    }

    /// Saves a new or changed employer with its audit entry and outbox message, as
    /// `commit_person` does for persons.
    async fn commit_employer(
        &self,
        actor: &Actor,
        before: Option<&EmployerRecord>,
        mut r: EmployerRecord,
        changes: super::persons::Changes,
    ) -> Result<EmployerView, AppError> {
        let mut tx = self.begin().await?;
        // The map first, then the record (see `OfficeRepo::office_serving`).
        r.office_id = tx.offices().office_serving(&r.legal_comune).await?;
        let locked = match before {
            Some(b) => {
                let locked = tx
                    .employers()
                    .employer_for_update(b.id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                super::same_version(locked.version, Some(b.version))?;
                Some(locked)
            }
            None => None,
        };
        let creating = before.is_none();
        let r = authorize_change(actor, EMPLOYERS_WRITE, locked.as_ref(), r, || {
            AppError::invalid(
                "legal_comune",
                "out_of_scope",
                if creating {
                    "La sede legale non è nel territorio di competenza del suo ufficio"
                } else {
                    "La nuova sede legale è fuori dal territorio di competenza del suo ufficio"
                },
            )
        })?;
        tx.employers().save_employer(&r).await?;
        let v = view(&r);
        let (action, topic) = if creating {
            ("create", "employer.created")
        } else {
            ("update", "employer.changed")
        };
        let mut audit = audit_draft(actor, action, "employer", Some(r.id.to_string()));
        audit.before = before.map(|b| json!(view(b)));
        audit.after = Some(json!(v));
        tx.audit(audit);
        tx.publish(employer_message(topic, &r));
        changes
            .record(&mut *tx, actor, Subject::Employer(r.id))
            .await?;
        tx.commit().await?;
        Ok(v)
    }
}

/// What other contexts learn of an employer's change (as for persons: no data, a pointer).
pub(crate) fn employer_message(topic: &str, e: &EmployerRecord) -> OutboxMessage {
    OutboxMessage::new(
        topic,
        e.id,
        json!({ "office_id": e.office_id, "region_code": e.region_code, "version": e.version }),
    )
}

/// A site as shown, sent back unchanged (with its id).
impl From<&SiteView> for SiteInput {
    fn from(u: &SiteView) -> Self {
        Self {
            id: Some(u.id),
            name: u.name.clone(),
            comune: u.comune.clone(),
            address: u.address.clone(),
        }
    }
}

impl From<&EmployerView> for EmployerInput {
    fn from(e: &EmployerView) -> Self {
        Self {
            tax_code: e.tax_code.clone(),
            name: e.name.clone(),
            ateco_2007: e.ateco_2007.clone(),
            ateco_2025: e.ateco_2025.clone(),
            legal_comune: e.legal_comune.clone(),
            legal_address: e.legal_address.clone(),
            size_class: Some(e.size_class.clone()),
            email: e.email.clone(),
            phone: e.phone.clone(),
            pec: e.pec.clone(),
            is_public: e.is_public,
            units: e.units.iter().map(SiteInput::from).collect(),
            version: Some(e.version),
            change_id: None,
        }
    }
}
