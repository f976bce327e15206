//! Offices (CPI) and the map of comuni they serve, kept by the regional administrator.

use super::validate::Errors;
use crate::accounts::audit_draft;
use crate::error::AppError;
use crate::ports::{ComuneRecord, OfficeRecord};
use crate::{App, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sportello_domain::access::{Actor, Owners, Permission};
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

fn region_owners(region: &str) -> Owners {
    Owners {
        region: Some(region.to_owned()),
        ..Owners::default()
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
        if !actor.may(Permission::OfficesRead) {
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

    pub async fn get_office(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(OfficeView, Vec<ComuneRecord>), AppError> {
        if !actor.may(Permission::OfficesRead) {
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
        if !actor.may(Permission::OfficesManage) {
            return Err(AppError::Forbidden);
        }
        let o = self.store.office(id).await?.ok_or(AppError::NotFound)?;
        if !region_owners(&o.region_code).covered_by(&actor.scope) {
            return Err(AppError::NotFound);
        }
        let comuni = self.store.office_comuni(id).await?;
        Ok((view(&o), comuni))
    }

    pub async fn save_office(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        input: &OfficeInput,
    ) -> Result<OfficeView, AppError> {
        if !actor.may(Permission::OfficesManage) {
            return Err(AppError::Forbidden);
        }
        let existing = match id {
            Some(id) => Some(self.store.office(id).await?.ok_or(AppError::NotFound)?),
            None => None,
        };
        if let Some(o) = &existing
            && !region_owners(&o.region_code).covered_by(&actor.scope)
        {
            return Err(AppError::NotFound);
        }
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
        if !region_owners(&comune.region_code).covered_by(&actor.scope) {
            return Err(AppError::invalid(
                "comune",
                "out_of_scope",
                "Il comune non è nella sua regione",
            ));
        }
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
        let v = view(&record);
        let mut audit = audit_draft(
            actor,
            if existing.is_some() {
                "update"
            } else {
                "create"
            },
            "office",
            Some(record.id.to_string()),
        );
        audit.before = existing.as_ref().map(|o| json!(view(o)));
        audit.after = Some(json!(v));
        self.store.save_office(&record, audit).await?;
        Ok(v)
    }

    /// Makes the office serve these comuni (given as ISTAT codes, names or «Nome (PR)»).
    pub async fn assign_comuni(
        &self,
        actor: &Actor,
        id: Uuid,
        comuni: &[String],
    ) -> Result<Vec<ComuneRecord>, AppError> {
        if !actor.may(Permission::OfficesManage) {
            return Err(AppError::Forbidden);
        }
        let office = self.store.office(id).await?.ok_or(AppError::NotFound)?;
        if !region_owners(&office.region_code).covered_by(&actor.scope) {
            return Err(AppError::NotFound);
        }
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
        let mut audit = audit_draft(actor, "assign_comuni", "office", Some(id.to_string()));
        audit.before = Some(json!(
            self.store
                .office_comuni(id)
                .await?
                .iter()
                .map(|c| &c.istat_code)
                .collect::<Vec<_>>()
        ));
        audit.after = Some(json!(codes));
        self.store.assign_comuni(id, &codes, audit).await?;
        Ok(self.store.office_comuni(id).await?)
    }
}
