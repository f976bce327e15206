//! What the use cases need from persistence. `sportello-db` implements it with SeaORM for
//! SQLite and PostgreSQL. Every write takes its audit entry: the store appends it to the
//! hash chain in the same transaction as the change.

use async_trait::async_trait;
use serde_json::Value;
use sportello_domain::access::Scope;
use sportello_domain::audit::{Head, StoredEntry};
use sportello_domain::role::Role;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// The write carried an `Idempotency-Key` that another request already used: it was
    /// rolled back, and the caller answers with what the first request created.
    #[error("idempotency key already used")]
    Replayed,
    /// The change would leave other records pointing at nothing (a foreign key).
    #[error("referenced")]
    Referenced,
    /// The record's version is no longer the one the change was made from.
    #[error("stale version")]
    Stale,
    #[error("{0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// An audit entry before the store gives it a place in the chain.
#[derive(Debug, Clone)]
pub struct AuditDraft {
    pub actor: String,
    pub role: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub address: Option<String>,
    /// Set on the first write of a request that carries an `Idempotency-Key`: the store
    /// records the key in the same transaction, or refuses the write if the key is taken.
    pub claim: Option<IdempotencyClaim>,
}

/// An `Idempotency-Key` being used by one request.
#[derive(Debug, Clone)]
pub struct IdempotencyClaim {
    /// Whose key it is (token or user id): keys of different callers never collide.
    pub scope: String,
    pub key: String,
    /// Hash of method, path and body: the same key with another request is refused.
    pub fingerprint: String,
}

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub role: Role,
    pub scope: Scope,
    /// The region the scope lies in (`None` for national scopes): what a regional
    /// administrator's listing filters on.
    pub region: Option<String>,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: Uuid,
    pub name: String,
    pub token_hash: String,
    pub role: Role,
    pub scope: Scope,
    /// As for users: the region the scope lies in, `None` for national scopes.
    pub region: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    /// Entries written before this one (`StoredEntry::id`; newest first paging).
    pub before_id: Option<i64>,
}

/// What an `Idempotency-Key` is remembered with: the request's fingerprint and the id of
/// the record its command created (a replay answers with that record as it is now).
#[derive(Debug, Clone)]
pub struct IdempotentResponse {
    pub fingerprint: String,
    pub status: u16,
    /// The created record's id.
    pub body: String,
}

#[async_trait]
pub trait Store: RegistryStore + Send + Sync {
    // users
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>>;
    async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<UserRecord>>;
    async fn insert_user(&self, user: &UserRecord, audit: AuditDraft) -> StoreResult<()>;
    /// Changes what an administrator may change of an account.
    async fn update_user(
        &self,
        id: Uuid,
        display_name: &str,
        email: Option<&str>,
        active: bool,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// A new password hash; the account's failed sign-ins and lock are cleared.
    async fn set_password(&self, id: Uuid, hash: &str, audit: AuditDraft) -> StoreResult<()>;
    /// Users by id; `region` keeps only the principals of that region.
    async fn list_users(
        &self,
        region: Option<&str>,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<UserRecord>>;
    /// Records a login attempt's effect on the account (counter, lock) with its audit entry.
    async fn update_login_state(
        &self,
        user_id: Uuid,
        failed_logins: i32,
        locked_until: Option<OffsetDateTime>,
        audit: AuditDraft,
    ) -> StoreResult<()>;

    /// Counts one failed sign-in atomically (concurrent failures all count) and locks the
    /// account until `lock_until` when the count reaches `max`, starting it again from 0.
    /// Answers whether this failure locked the account.
    async fn record_failed_login(
        &self,
        user_id: Uuid,
        max: i32,
        lock_until: OffsetDateTime,
        audit: AuditDraft,
    ) -> StoreResult<bool>;

    // API tokens
    async fn insert_token(&self, token: &TokenRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn token_by_hash(&self, hash: &str) -> StoreResult<Option<TokenRecord>>;
    async fn token_by_id(&self, id: Uuid) -> StoreResult<Option<TokenRecord>>;
    /// Tokens, newest first; `region` keeps only the principals of that region.
    async fn list_tokens(&self, region: Option<&str>) -> StoreResult<Vec<TokenRecord>>;
    async fn revoke_token(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> StoreResult<()>;

    // sessions (the web layer's session store sits on these)
    /// The session's data and expiry, if it exists and has not expired.
    async fn session_load(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(String, OffsetDateTime)>>;
    async fn session_save(&self, id: &str, data: &str, expires: OffsetDateTime) -> StoreResult<()>;
    /// Inserts only if the id is free; false on collision.
    async fn session_create(
        &self,
        id: &str,
        data: &str,
        expires: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn session_delete(&self, id: &str) -> StoreResult<()>;
    async fn sessions_purge(&self, now: OffsetDateTime) -> StoreResult<u64>;
    /// Forgets idempotency keys recorded before `before`.
    async fn idempotency_purge(&self, before: OffsetDateTime) -> StoreResult<u64>;

    // audit
    /// Appends an entry on its own (reads of sensitive data, login events).
    async fn audit_append(&self, audit: AuditDraft) -> StoreResult<()>;
    async fn audit_search(&self, filter: &AuditFilter, limit: u64)
    -> StoreResult<Vec<StoredEntry>>;
    /// One chain's entries after `after_seq`, in chain order.
    async fn audit_scan(
        &self,
        chain: i32,
        after_seq: i64,
        limit: u64,
    ) -> StoreResult<Vec<StoredEntry>>;
    /// Every chain's head, in chain order.
    async fn audit_heads(&self) -> StoreResult<Vec<Head>>;

    // idempotency keys for creating POSTs
    async fn idempotency_get(
        &self,
        scope: &str,
        key: &str,
    ) -> StoreResult<Option<IdempotentResponse>>;

    /// Liveness of the database connection.
    async fn ping(&self) -> StoreResult<()>;
}

// ---------------------------------------------------------------- registry records

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

#[derive(Debug, Clone)]
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
    pub birth_data_confirmed: bool,
    pub fictitious: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Raised by every change (1 when created); a save from an older one is refused.
    pub version: i64,
}

/// Filters of a person search; the scope filters come from the actor, never the client.
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
    pub office: Option<Uuid>,
    pub region: Option<String>,
    pub organisation: Option<Uuid>,
    pub person: Option<Uuid>,
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

#[derive(Debug, Clone)]
pub struct SiteRecord {
    pub id: Uuid,
    pub name: String,
    pub comune: String,
    pub address: String,
}

#[derive(Debug, Clone)]
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
    pub office: Option<Uuid>,
    pub region: Option<String>,
    pub employer: Option<Uuid>,
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

/// The registry's persistence.
#[async_trait]
pub trait RegistryStore: Send + Sync {
    // reference data
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

    // offices
    async fn office_for_comune(&self, istat_code: &str) -> StoreResult<Option<Uuid>>;
    async fn office(&self, id: Uuid) -> StoreResult<Option<OfficeRecord>>;
    /// Offices in id order (creation order), after `after`.
    async fn offices(
        &self,
        region: Option<&str>,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<OfficeRecord>>;
    async fn office_comuni(&self, id: Uuid) -> StoreResult<Vec<ComuneRecord>>;
    async fn save_office(&self, office: &OfficeRecord, audit: AuditDraft) -> StoreResult<()>;
    /// Makes `office` serve `comuni` (taking them from any other office) in one transaction.
    async fn assign_comuni(
        &self,
        office: Uuid,
        comuni: &[String],
        audit: AuditDraft,
    ) -> StoreResult<()>;

    // persons
    async fn person(&self, id: Uuid) -> StoreResult<Option<PersonRecord>>;
    async fn person_by_cf(&self, codice_fiscale: &str) -> StoreResult<Option<PersonRecord>>;
    async fn persons_like(
        &self,
        surname_norm: &str,
        name_norm: &str,
        birth_date: time::Date,
    ) -> StoreResult<Vec<PersonRecord>>;
    async fn person_organisations(&self, id: Uuid) -> StoreResult<Vec<Uuid>>;
    async fn save_person(&self, person: &PersonRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn search_persons(&self, q: &PersonQuery, limit: u64) -> StoreResult<Vec<PersonRecord>>;

    // employers
    async fn employer(&self, id: Uuid) -> StoreResult<Option<EmployerRecord>>;
    async fn employer_by_tax_code(&self, tax_code: &str) -> StoreResult<Option<EmployerRecord>>;
    async fn save_employer(&self, employer: &EmployerRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn search_employers(
        &self,
        q: &EmployerQuery,
        limit: u64,
    ) -> StoreResult<Vec<EmployerRecord>>;

    // accredited organisations
    async fn organisation(&self, id: Uuid) -> StoreResult<Option<OrganisationRecord>>;
    /// Organisations in id order (creation order), after `after`.
    async fn organisations(
        &self,
        region: Option<&str>,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<OrganisationRecord>>;
    async fn save_organisation(
        &self,
        organisation: &OrganisationRecord,
        audit: AuditDraft,
    ) -> StoreResult<()>;
}
