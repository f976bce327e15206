//! Offices (CPI) and the map of comuni they serve, kept by the regional administrator.

use super::ports::{ComuneRecord, OfficeRecord};
use super::validate::Errors;
use crate::accounts::audit_draft;
use crate::error::AppError;
use crate::scope::{Owned, authorize_change, authorize_read, region_owners};
use crate::uow::OutboxMessage;
use crate::{App, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sportello_domain::access::{Actor, Owners};
use sportello_domain::registry::{OFFICES_MANAGE, OFFICES_READ};
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    /// The comune where the office is (ISTAT code, name or «Nome (PR)»).
    #[serde(default)]
    pub comune: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub opening_hours: String,
    #[serde(default = "yes")]
    pub active: bool,
    /// The version the change is made from (the ETag read, or the form's hidden field):
    /// if the record changed since, the save is refused instead of overwriting it.
    #[serde(default)]
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeView {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub comune: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub opening_hours: String,
    pub region_code: String,
    pub province_code: String,
    pub active: bool,
    /// Raised by every change; send it back as `If-Match` (or `version`) when saving.
    pub version: i64,
}

fn view(o: &OfficeRecord) -> OfficeView {
    OfficeView {
        id: o.id,
        name: o.name.clone(),
        address: o.address.clone(),
        comune: o.comune.clone(),
        phone: o.phone.clone(),
        email: o.email.clone(),
        opening_hours: o.opening_hours.clone(),
        region_code: o.region_code.clone(),
        province_code: o.province_code.clone(),
        active: o.active,
        version: o.version,
    }
}

/// An office belongs to its region (and is its own scope).
impl Owned for OfficeRecord {
    fn owners(&self) -> Owners {
        Owners {
            office: Some(self.id),
            ..region_owners(Some(&self.region_code))
        }
    }
}

impl App {
    /// Offices are public information: every role that works with them may list them.
    pub async fn list_offices(
        &self,
        actor: &Actor,
        region: Option<&str>,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<OfficeView>, AppError> {
        if !actor.may(OFFICES_READ) {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store
            .offices(region, after, limit.clamp(1, 500))
            .await?
            .iter()
            .map(view)
            .collect())
    }

    /// The office serving a comune: public information, like the offices themselves.
    pub async fn office_serving(&self, istat_code: &str) -> Result<Option<Uuid>, AppError> {
        Ok(self.store.office_for_comune(istat_code).await?)
    }

    pub async fn get_office(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(OfficeView, Vec<ComuneRecord>), AppError> {
        if !actor.may(OFFICES_READ) {
            return Err(AppError::Forbidden);
        }
        let o = self.store.office(id).await?.ok_or(AppError::NotFound)?;
        let comuni = self.store.office_comuni(id).await?;
        Ok((view(&o), comuni))
    }

    /// An office as its administrator edits it: only within the administrator's region.
    pub async fn manageable_office(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(OfficeView, Vec<ComuneRecord>), AppError> {
        let o = authorize_read(actor, OFFICES_MANAGE, self.store.office(id).await?)?;
        let comuni = self.store.office_comuni(id).await?;
        Ok((view(&o), comuni))
    }

    pub async fn save_office(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        input: &OfficeInput,
    ) -> Result<OfficeView, AppError> {
        if !actor.may(OFFICES_MANAGE) {
            return Err(AppError::Forbidden);
        }
        let existing = match id {
            Some(id) => Some(authorize_read(
                actor,
                OFFICES_MANAGE,
                self.store.office(id).await?,
            )?),
            None => None,
        };
        if let Some(o) = &existing {
            super::same_version(o.version, input.version)?;
        }
        let mut e = Errors::new();
        let name = e.required("name", "il nome dell'ufficio", &input.name, 200);
        let address = e.required("address", "l'indirizzo", &input.address, 300);
        let opening_hours = e
            .optional("opening_hours", Some(&input.opening_hours), 2000)
            .unwrap_or_default();
        let phone = e.phone("phone", input.phone.as_deref());
        let email = e.email("email", input.email.as_deref());
        let comune = self
            .comune_field(
                &mut e,
                "comune",
                &input.comune,
                Some("Indicare il comune della sede"),
            )
            .await?;
        let (Some(comune), true) = (comune, e.is_empty()) else {
            return Err(AppError::Validation(e.0));
        };
        let at = now();
        let record = OfficeRecord {
            id: existing.as_ref().map(|o| o.id).unwrap_or_else(Uuid::now_v7),
            name,
            address,
            comune: comune.istat_code.clone(),
            phone,
            email,
            opening_hours,
            region_code: comune.region_code.clone(),
            province_code: comune.province_code.clone(),
            active: input.active,
            created_at: existing.as_ref().map(|o| o.created_at).unwrap_or(at),
            updated_at: at,
            version: existing.as_ref().map_or(1, |o| o.version + 1),
        };
        let mut tx = self.begin().await?;
        let locked = match &existing {
            Some(b) => {
                let locked = tx
                    .offices()
                    .office_for_update(b.id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                super::same_version(locked.version, Some(b.version))?;
                Some(locked)
            }
            None => None,
        };
        let record = authorize_change(actor, OFFICES_MANAGE, locked.as_ref(), record, || {
            AppError::invalid(
                "comune",
                "out_of_scope",
                "Il comune non è nella sua regione",
            )
        })?;
        tx.offices().save_office(&record).await?;
        let v = view(&record);
        let (action, topic) = match &existing {
            Some(_) => ("update", "office.changed"),
            None => ("create", "office.created"),
        };
        let mut audit = audit_draft(actor, action, "office", Some(record.id.to_string()));
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

    /// Makes the office serve these comuni (given as ISTAT codes, names or «Nome (PR)»).
    /// The persons domiciled and the employers seated in them follow to the office, each
    /// with its own audit entry and outbox message, in the same transaction as the map.
    pub async fn assign_comuni(
        &self,
        actor: &Actor,
        id: Uuid,
        comuni: &[String],
    ) -> Result<Vec<ComuneRecord>, AppError> {
        let office = authorize_read(actor, OFFICES_MANAGE, self.store.office(id).await?)?;
        let mut e = Errors::new();
        let mut codes = Vec::new();
        for c in comuni.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            match self.resolve_comune(c).await? {
                Ok(r) if r.region_code == office.region_code => codes.push(r.istat_code),
                Ok(r) => e.push(
                    "comuni",
                    "other_region",
                    format!("{} non è nella regione dell'ufficio", r.name),
                ),
                Err(m) => e.push("comuni", "comune", m),
            }
        }
        if !e.is_empty() {
            return Err(AppError::Validation(e.0));
        }
        codes.sort();
        codes.dedup();
        let at = now();
        let mut tx = self.begin().await?;
        // Locks the office: two maps of the same office are not redrawn at once.
        authorize_read(
            actor,
            OFFICES_MANAGE,
            tx.offices().office_for_update(id).await?,
        )?;
        let before = tx.offices().served_comuni(id).await?;
        tx.offices().set_served_comuni(id, &codes).await?;
        let persons = tx.persons().persons_to_rehome(&codes, id).await?;
        let ids: Vec<Uuid> = persons.iter().map(|p| p.id).collect();
        tx.persons().rehome_persons(&ids, id, at).await?;
        for mut p in persons {
            let mut audit = audit_draft(actor, "rehome", "person", Some(p.id.to_string()));
            audit.before = Some(json!({ "office_id": p.office_id }));
            audit.after = Some(json!({ "office_id": id }));
            tx.audit(audit);
            p.office_id = Some(id);
            p.version += 1;
            tx.publish(super::persons::person_message("person.changed", &p));
        }
        let employers = tx.employers().employers_to_rehome(&codes, id).await?;
        let ids: Vec<Uuid> = employers.iter().map(|e| e.id).collect();
        tx.employers().rehome_employers(&ids, id, at).await?;
        for mut r in employers {
            let mut audit = audit_draft(actor, "rehome", "employer", Some(r.id.to_string()));
            audit.before = Some(json!({ "office_id": r.office_id }));
            audit.after = Some(json!({ "office_id": id }));
            tx.audit(audit);
            r.office_id = Some(id);
            r.version += 1;
            tx.publish(super::employers::employer_message("employer.changed", &r));
        }
        let mut audit = audit_draft(actor, "assign_comuni", "office", Some(id.to_string()));
        audit.before = Some(json!(before));
        audit.after = Some(json!(codes));
        tx.audit(audit);
        tx.commit().await?;
        Ok(self.store.office_comuni(id).await?)
    }
}
