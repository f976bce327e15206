//! The registry's ports: its records, the queries that read them outside any transaction
//! and the repositories the write transaction lends (`uow::WriteTx`).

use crate::ports::StoreResult;
use crate::scope::{Authorized, ScopeFilter};
use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComuneRecord {
    pub istat_code: String,
    pub name: String,
    pub cadastral_code: String,
    pub province_code: String,
    pub province_sigla: String,
    pub region_code: String,
    pub region_name: String,
    pub cap: String,
    pub population: i32,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeTitle {
    pub code: String,
    pub title: String,
    pub level: i16,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonRecord {
    pub id: Uuid,
    pub codice_fiscale: String,
    pub surname: String,
    pub name: String,
    pub sex: String,
    pub birth_date: time::Date,
    pub birth_place_code: String,
    pub citizenship: String,
    pub residence_comune: Option<String>,
    pub residence_address: Option<String>,
    pub domicile_comune: String,
    pub domicile_address: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: String,
    pub office_id: Option<Uuid>,
    pub region_code: String,
    /// The accredited organisations the person is assigned to: owners of the record too.
    pub organisations: Vec<Uuid>,
    pub birth_data_confirmed: bool,
    pub fictitious: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Raised by every change (1 when created); a save from an older one is refused.
    pub version: i64,
}

/// Filters of a person search, as the client gives them; the scope comes apart, from the
/// actor (`ScopeFilter`).
#[derive(Debug, Clone, Default)]
pub struct PersonQuery {
    /// Prefix of the codice fiscale (upper case).
    pub codice_fiscale: Option<String>,
    /// Prefix of the folded surname (`text::search_key`).
    pub surname: Option<String>,
    /// Prefix of the folded first name.
    pub name: Option<String>,
    /// ISTAT code of the domicile.
    pub comune: Option<String>,
    /// Keyset cursor: (surname_norm, name_norm, id) of the last row seen.
    pub after: Option<(String, String, Uuid)>,
    /// Keyset cursor going back: the rows just before this key (still returned in
    /// ascending order).
    pub before: Option<(String, String, Uuid)>,
}

#[derive(Debug, Clone)]
pub struct OfficeRecord {
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
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Raised by every change (1 when created); a save from an older one is refused.
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SiteRecord {
    pub id: Uuid,
    pub name: String,
    pub comune: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmployerRecord {
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
    pub units: Vec<SiteRecord>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Raised by every change (1 when created); a save from an older one is refused.
    pub version: i64,
}

#[derive(Debug, Clone, Default)]
pub struct EmployerQuery {
    pub tax_code: Option<String>,
    /// Prefix of the folded name.
    pub name: Option<String>,
    pub comune: Option<String>,
    /// Keyset cursor: (name_norm, id).
    pub after: Option<(String, Uuid)>,
}

#[derive(Debug, Clone)]
pub struct OrganisationRecord {
    pub id: Uuid,
    pub name: String,
    pub tax_code: String,
    pub albo_status: String,
    pub region_code: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub seats: Vec<SiteRecord>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Raised by every change (1 when created); a save from an older one is refused.
    pub version: i64,
}

/// Comuni, countries, professions (CP2011) and economic activities (ATECO).
#[async_trait]
pub trait ReferenceQueries: Send + Sync {
    async fn comune(&self, istat_code: &str) -> StoreResult<Option<ComuneRecord>>;
    /// By folded-name prefix, or by CAP when `query` is five digits; largest first.
    async fn comuni_search(&self, query: &str, limit: u64) -> StoreResult<Vec<ComuneRecord>>;
    async fn comuni_by_name(&self, name_norm: &str) -> StoreResult<Vec<ComuneRecord>>;
    /// The Italian name of a country by its ISTAT code.
    async fn country_name(&self, istat_code: &str) -> StoreResult<Option<String>>;
    /// Countries whose name contains `query` (any case), by name; and a country by its
    /// exact name, for the citizenship picker.
    async fn countries_search(&self, query: &str, limit: u64) -> StoreResult<Vec<CodeTitle>>;
    async fn country_by_name(&self, name: &str) -> StoreResult<Option<String>>;
    async fn professions_search(&self, query: &str, limit: u64) -> StoreResult<Vec<CodeTitle>>;
    async fn ateco_search(
        &self,
        version: i16,
        query: &str,
        limit: u64,
    ) -> StoreResult<Vec<CodeTitle>>;
    async fn ateco_exists(&self, version: i16, code: &str) -> StoreResult<bool>;
}

#[async_trait]
pub trait OfficeQueries: Send + Sync {
    async fn office_for_comune(&self, istat_code: &str) -> StoreResult<Option<Uuid>>;
    async fn office(&self, id: Uuid) -> StoreResult<Option<OfficeRecord>>;
    /// Offices in id order (creation order), after `after`. Offices are public
    /// information: the region is the client's filter, not a scope.
    async fn offices(
        &self,
        region: Option<&str>,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<OfficeRecord>>;
    async fn office_comuni(&self, id: Uuid) -> StoreResult<Vec<ComuneRecord>>;
}

#[async_trait]
pub trait PersonQueries: Send + Sync {
    async fn person(&self, id: Uuid) -> StoreResult<Option<PersonRecord>>;
    async fn person_by_cf(&self, codice_fiscale: &str) -> StoreResult<Option<PersonRecord>>;
    async fn persons_like(
        &self,
        surname_norm: &str,
        name_norm: &str,
        birth_date: time::Date,
    ) -> StoreResult<Vec<PersonRecord>>;
    async fn search_persons(
        &self,
        scope: &ScopeFilter,
        q: &PersonQuery,
        limit: u64,
    ) -> StoreResult<Vec<PersonRecord>>;
}

#[async_trait]
pub trait EmployerQueries: Send + Sync {
    async fn employer(&self, id: Uuid) -> StoreResult<Option<EmployerRecord>>;
    async fn employer_by_tax_code(&self, tax_code: &str) -> StoreResult<Option<EmployerRecord>>;
    async fn search_employers(
        &self,
        scope: &ScopeFilter,
        q: &EmployerQuery,
        limit: u64,
    ) -> StoreResult<Vec<EmployerRecord>>;
}

#[async_trait]
pub trait OrganisationQueries: Send + Sync {
    async fn organisation(&self, id: Uuid) -> StoreResult<Option<OrganisationRecord>>;
    /// Organisations in id order (creation order), after `after`; public like offices.
    async fn organisations(
        &self,
        region: Option<&str>,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<OrganisationRecord>>;
}

/// Persons inside a write transaction. Reads lock the row (PostgreSQL) until commit, so
/// the audit's "before" is what the change replaces.
#[async_trait]
pub trait PersonRepo: Send {
    async fn person_for_update(&mut self, id: Uuid) -> StoreResult<Option<PersonRecord>>;
    /// Inserts or updates the person (refused as stale unless the stored version is the
    /// one before the record's).
    async fn save_person(&mut self, person: &Authorized<PersonRecord>) -> StoreResult<()>;
    /// The persons domiciled in `comuni` that `office` does not serve yet, locked.
    async fn persons_to_rehome(
        &mut self,
        comuni: &[String],
        office: Uuid,
    ) -> StoreResult<Vec<PersonRecord>>;
    /// Moves these persons to `office`, raising their version.
    async fn rehome_persons(
        &mut self,
        ids: &[Uuid],
        office: Uuid,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait EmployerRepo: Send {
    async fn employer_for_update(&mut self, id: Uuid) -> StoreResult<Option<EmployerRecord>>;
    /// Inserts or updates the employer and its units (kept by id; a removed unit still
    /// referred to is refused as `Referenced`).
    async fn save_employer(&mut self, employer: &Authorized<EmployerRecord>) -> StoreResult<()>;
    /// The employers whose legal seat is in `comuni` that `office` does not serve yet.
    async fn employers_to_rehome(
        &mut self,
        comuni: &[String],
        office: Uuid,
    ) -> StoreResult<Vec<EmployerRecord>>;
    async fn rehome_employers(
        &mut self,
        ids: &[Uuid],
        office: Uuid,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait OfficeRepo: Send {
    async fn office_for_update(&mut self, id: Uuid) -> StoreResult<Option<OfficeRecord>>;
    async fn save_office(&mut self, office: &Authorized<OfficeRecord>) -> StoreResult<()>;
    /// The office serving a comune, read so that the map cannot change under the
    /// transaction. Called before the transaction locks the person or employer it saves,
    /// so that a concurrent map change (which re-homes them) cannot deadlock with it.
    async fn office_serving(&mut self, istat_code: &str) -> StoreResult<Option<Uuid>>;
    /// The ISTAT codes the office serves now.
    async fn served_comuni(&mut self, office: Uuid) -> StoreResult<Vec<String>>;
    /// Makes the office serve exactly `comuni`, taking them from any other office.
    async fn set_served_comuni(&mut self, office: Uuid, comuni: &[String]) -> StoreResult<()>;
}

#[async_trait]
pub trait OrganisationRepo: Send {
    async fn organisation_for_update(
        &mut self,
        id: Uuid,
    ) -> StoreResult<Option<OrganisationRecord>>;
    async fn save_organisation(
        &mut self,
        organisation: &Authorized<OrganisationRecord>,
    ) -> StoreResult<()>;
}

/// The record a change request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Person(Uuid),
    Employer(Uuid),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeStatus {
    Pending,
    /// An operator applied it (checked like their own change).
    Applied,
    Refused,
    /// A later proposal about the same record took it over (its fields included).
    Superseded,
}

impl ChangeStatus {
    pub fn code(self) -> &'static str {
        match self {
            ChangeStatus::Pending => "pending",
            ChangeStatus::Applied => "applied",
            ChangeStatus::Refused => "refused",
            ChangeStatus::Superseded => "superseded",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Applied,
            Self::Refused,
            Self::Superseded,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// What a citizen or an employer proposes for data the office certifies, until an operator
/// applies or refuses it.
#[derive(Debug, Clone)]
pub struct ChangeRequestRecord {
    pub id: Uuid,
    pub subject: Subject,
    /// Field (as the form names it) → proposed value, in the record's own form (codes,
    /// ISO dates).
    pub proposed: std::collections::BTreeMap<String, String>,
    pub proposed_by: String,
    pub created_at: OffsetDateTime,
    pub status: ChangeStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<OffsetDateTime>,
    pub reason: Option<String>,
}

#[async_trait]
pub trait ChangeQueries: Send + Sync {
    /// The requests about a record still waiting for an operator, oldest first.
    async fn pending_changes(&self, subject: Subject) -> StoreResult<Vec<ChangeRequestRecord>>;
    /// The requests about a record refused at or after `since`, newest first.
    async fn refused_since(
        &self,
        subject: Subject,
        since: OffsetDateTime,
    ) -> StoreResult<Vec<ChangeRequestRecord>>;
}

#[async_trait]
pub trait ChangeRepo: Send {
    async fn change_for_update(&mut self, id: Uuid) -> StoreResult<Option<ChangeRequestRecord>>;
    /// The pending requests about a record, oldest first, locked until the transaction ends.
    async fn pending_for_update(
        &mut self,
        subject: Subject,
    ) -> StoreResult<Vec<ChangeRequestRecord>>;
    async fn insert_change(&mut self, change: &ChangeRequestRecord) -> StoreResult<()>;
    /// Records the decision (status, who, when, why) of a request.
    async fn close_change(&mut self, change: &ChangeRequestRecord) -> StoreResult<()>;
}
