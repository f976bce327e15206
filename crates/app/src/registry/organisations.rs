//! Accredited organisations (APL, enti accreditati): the record and its seats. The
//! accreditation workflow comes with the albo; here the status is kept as recorded.

use super::ports::OrganisationRecord;
use super::validate::Errors;
use crate::accounts::audit_draft;
use crate::error::AppError;
use crate::scope::{Owned, authorize_change, authorize_read};
use crate::uow::OutboxMessage;
use crate::{App, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sportello_domain::access::{Actor, Owners};
use sportello_domain::codice_fiscale::CodiceFiscale;
use sportello_domain::partita_iva::PartitaIva;
use sportello_domain::registry::{ORGANISATIONS_MANAGE, ORGANISATIONS_READ};
use uuid::Uuid;

use super::employers::{SiteInput, SiteView};

pub const ALBO_STATUSES: [(&str, &str); 5] = [
    ("applied", "Domanda presentata"),
    ("under_review", "In istruttoria"),
    ("accredited", "Accreditato"),
    ("suspended", "Sospeso"),
    ("revoked", "Revocato"),
];

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub tax_code: String,
    pub albo_status: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub seats: Vec<SiteInput>,
    /// The version the change is made from (the ETag read, or the form's hidden field):
    /// if the record changed since, the save is refused instead of overwriting it.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationView {
    pub id: Uuid,
    pub name: String,
    pub tax_code: String,
    pub albo_status: String,
    pub region_code: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub seats: Vec<SiteView>,
    /// Raised by every change; send it back as `If-Match` (or `version`) when saving.
    pub version: i64,
}

fn view(o: &OrganisationRecord) -> OrganisationView {
    OrganisationView {
        id: o.id,
        name: o.name.clone(),
        tax_code: o.tax_code.clone(),
        albo_status: o.albo_status.clone(),
        region_code: o.region_code.clone(),
        email: o.email.clone(),
        phone: o.phone.clone(),
        seats: o
            .seats
            .iter()
            .map(|s| SiteView {
                id: s.id,
                name: s.name.clone(),
                comune: s.comune.clone(),
                address: s.address.clone(),
            })
            .collect(),
        version: o.version,
    }
}

/// The scopes that own an organisation: itself and the region of its first seat.
impl Owned for OrganisationRecord {
    fn owners(&self) -> Owners {
        Owners {
            organisations: vec![self.id],
            region: Some(self.region_code.clone()),
            ..Owners::default()
        }
    }
}

impl App {
    pub async fn list_organisations(
        &self,
        actor: &Actor,
        region: Option<&str>,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<OrganisationView>, AppError> {
        if !actor.may(ORGANISATIONS_READ) {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store
            .organisations(region, after, limit.clamp(1, 500))
            .await?
            .iter()
            .map(view)
            .collect())
    }

    pub async fn get_organisation(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<OrganisationView, AppError> {
        if !actor.may(ORGANISATIONS_READ) {
            return Err(AppError::Forbidden);
        }
        Ok(view(
            &self
                .store
                .organisation(id)
                .await?
                .ok_or(AppError::NotFound)?,
        ))
    }

    /// Creates or changes an organisation. Both its current owners and the new ones must
    /// lie in the actor's scope: an administrator cannot pull another region's
    /// organisation into theirs by moving its seats.
    pub async fn save_organisation(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        input: &OrganisationInput,
    ) -> Result<OrganisationView, AppError> {
        if !actor.may(ORGANISATIONS_MANAGE) {
            return Err(AppError::Forbidden);
        }
        let existing = match id {
            Some(id) => Some(authorize_read(
                actor,
                ORGANISATIONS_MANAGE,
                self.store.organisation(id).await?,
            )?),
            None => None,
        };
        if let Some(o) = &existing {
            super::same_version(o.version, input.version)?;
        }
        let mut e = Errors::new();
        let name = e.required("name", "la denominazione", &input.name, 200);
        let raw = input.tax_code.trim().to_uppercase();
        let tax_code = if raw.chars().all(|c| c.is_ascii_digit()) && !raw.is_empty() {
            PartitaIva::parse(&raw)
                .map(|p| p.as_str().to_owned())
                .map_err(|err| e.push("tax_code", err.code(), err.to_string()))
                .ok()
        } else {
            CodiceFiscale::parse(&raw, now().date())
                .map(|c| c.as_str().to_owned())
                .map_err(|errs| {
                    for err in errs {
                        e.push("tax_code", err.code(), err.message());
                    }
                })
                .ok()
        };
        let status = input.albo_status.as_deref().unwrap_or("applied");
        if !ALBO_STATUSES.iter().any(|(s, _)| *s == status) {
            e.push("albo_status", "albo_status", "Stato sull'albo non valido");
        }
        let email = e.email("email", input.email.as_deref());
        let phone = e.phone("phone", input.phone.as_deref());
        let seats = self
            .site_fields(
                &mut e,
                "seats",
                &input.seats,
                existing.as_ref().map_or(&[][..], |o| &o.seats[..]),
            )
            .await?;
        let region = match seats.first() {
            Some(s) => self.store.comune(&s.comune).await?.map(|c| c.region_code),
            None => None,
        };
        if input.seats.is_empty() {
            e.push("seats", "required", "Indicare almeno una sede operativa");
        }
        let (Some(tax_code), Some(region_code), true) = (tax_code, region, e.is_empty()) else {
            return Err(AppError::Validation(e.0));
        };
        let at = now();
        let record = OrganisationRecord {
            id: existing.as_ref().map(|o| o.id).unwrap_or_else(Uuid::now_v7),
            name,
            tax_code,
            albo_status: status.to_owned(),
            region_code,
            email,
            phone,
            seats,
            created_at: existing.as_ref().map(|o| o.created_at).unwrap_or(at),
            updated_at: at,
            version: existing.as_ref().map_or(1, |o| o.version + 1),
        };
        let mut tx = self.begin().await?;
        let locked = match &existing {
            Some(b) => {
                let locked = tx
                    .organisations()
                    .organisation_for_update(b.id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                super::same_version(locked.version, Some(b.version))?;
                Some(locked)
            }
            None => None,
        };
        let record =
            authorize_change(actor, ORGANISATIONS_MANAGE, locked.as_ref(), record, || {
                AppError::invalid(
                    "seats",
                    "out_of_scope",
                    "Le sedi non sono nella sua regione",
                )
            })?;
        tx.organisations()
            .save_organisation(&record)
            .await
            .map_err(|e| match e {
                crate::ports::StoreError::Duplicate(_) => AppError::Conflict {
                    message: "Esiste già un'organizzazione con questo codice fiscale".into(),
                    existing: None,
                },
                other => other.into(),
            })?;
        let v = view(&record);
        let (action, topic) = match &existing {
            Some(_) => ("update", "organisation.changed"),
            None => ("create", "organisation.created"),
        };
        let mut audit = audit_draft(actor, action, "organisation", Some(record.id.to_string()));
        audit.before = existing.as_ref().map(|o| json!(view(o)));
        audit.after = Some(json!(v));
        tx.audit(audit);
        tx.publish(OutboxMessage::new(
            topic,
            record.id,
            json!({ "region_code": record.region_code, "version": record.version }),
        ));
        tx.commit().await?;
        Ok(v)
    }
}
