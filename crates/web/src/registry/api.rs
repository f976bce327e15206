//! Registry API: persons, employers, offices, accredited organisations, and public
//! reference data (comuni, CP2011, ATECO).

use crate::access::CurrentActor;
use crate::api::idempotency;
use crate::api::pagination::{Page, PageParams};
use crate::api::{created, id, if_match, parse_json, record_id, tagged};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use sportello_app::AppError;
use sportello_app::registry::changes::ChangeView;
use sportello_app::registry::employers::{
    EmployerInput, EmployerSearch, EmployerView, employer_cursor,
};
use sportello_app::registry::offices::{OfficeInput, OfficeView};
use sportello_app::registry::organisations::{OrganisationInput, OrganisationView};
use sportello_app::registry::persons::{PersonInput, PersonSearch, PersonView, person_cursor};
use sportello_app::registry::ports::Subject;
use sportello_app::registry::ports::{CodeTitle, ComuneRecord};
use sportello_domain::access::Actor;
use utoipa::IntoParams;
use uuid::Uuid;

// ------------------------------------------------------------------ persons

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonParams {
    /// Codice fiscale (or its start), or «cognome [nome]»
    pub q: Option<String>,
    pub codice_fiscale: Option<String>,
    pub surname: Option<String>,
    pub name: Option<String>,
    /// ISTAT code of the domicile comune
    pub comune: Option<String>,
}

/// Persons within the caller's scope, ordered by surname and name.
#[utoipa::path(get, path = "/api/v1/persons", tag = "registry", params(PersonParams, PageParams),
    responses((status = 200, body = Page<PersonView>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
///
/// `q` is a codice fiscale (or its start) or «surname name» (starts of words); `comune`
/// filters by domicile. The caller's scope is applied by the server; `cursor` continues a
/// listing.
pub async fn list_persons(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Query(q): Query<PersonParams>,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<PersonView>>, ApiError> {
    let search = PersonSearch {
        q: q.q,
        codice_fiscale: q.codice_fiscale,
        surname: q.surname,
        name: q.name,
        comune: q.comune,
    };
    let limit = p.limit();
    let items = st
        .app
        .search_persons(&a, &search, p.decode()?.as_deref(), limit)
        .await?;
    Ok(Json(Page::new(items, limit, person_cursor)))
}

#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "registry", params(("id" = Uuid, Path)),
    responses((status = 200, body = PersonView), (status = 404, body = Problem)),
    security(("bearer" = [])))]
/// Reads one person.
///
/// A person outside the caller's scope answers 404. The `ETag` header carries the record's
/// version, to send back as `If-Match` when saving.
pub async fn get_person(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let v = st.app.get_person(&a, id(&raw)?).await?;
    Ok(tagged(v.version, v))
}

/// Registers a person. Birth data that differ from the codice fiscale, or a similar
/// existing person, answer 422 with code `birth_data_mismatch` / `near_duplicate`: resend
/// with `confirm_birth_data` / `confirm_not_duplicate` set to confirm.
#[utoipa::path(post, path = "/api/v1/persons", tag = "registry", request_body = PersonInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = PersonView), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
///
/// Send `Idempotency-Key` to make retries safe: a repeat answers with the person the first
/// request created.
pub async fn create_person(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotency::once(
        &st,
        &a,
        &headers,
        "/api/v1/persons",
        &body,
        || async {
            let input: PersonInput = parse_json(&body)?;
            created(&st.app.create_person(&a, &input).await?)
        },
        |id| {
            let (st, a) = (&st, &a);
            async move { created(&st.app.get_person(a, record_id(&id)?).await?) }
        },
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "registry", params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "The ETag read: the save is refused with 412 if the record changed since")), request_body = PersonInput,
    responses((status = 200, body = PersonView), (status = 412, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
/// Changes a person.
///
/// Send the `ETag` read as `If-Match`: if the person changed since, the answer is 412 and
/// nothing is overwritten. A citizen changing their own file cannot change identity data
/// (codice fiscale, names, birth data, citizenship): what they send for those is kept
/// as a change request for the office (`GET /api/v1/persons/{id}/changes`). An operator
/// applies a request by sending its `change_id` with the checked data.
pub async fn update_person(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = id(&raw)?;
    let mut input: PersonInput = parse_json(&body)?;
    if let Some(v) = if_match(&headers)? {
        input.version = Some(v);
    }
    let v = st.app.update_person(&a, id, &input).await?;
    Ok(tagged(v.version, v))
}

// ------------------------------------------------------------------ employers

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmployerParams {
    /// Partita IVA / codice fiscale, or the start of the name
    pub q: Option<String>,
    /// ISTAT code of the legal seat's comune
    pub comune: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/employers", tag = "registry", params(EmployerParams, PageParams),
    responses((status = 200, body = Page<EmployerView>), (status = 403, body = Problem)),
    security(("bearer" = [])))]
/// Lists employers within the caller's scope.
///
/// `q` is a tax code or words of the name (found anywhere in it); ordered by name, paged
/// with `cursor`.
pub async fn list_employers(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Query(q): Query<EmployerParams>,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<EmployerView>>, ApiError> {
    let limit = p.limit();
    let search = EmployerSearch {
        q: q.q,
        comune: q.comune,
    };
    let items = st
        .app
        .search_employers(&a, &search, p.decode()?.as_deref(), limit)
        .await?;
    Ok(Json(Page::new(items, limit, employer_cursor)))
}

#[utoipa::path(get, path = "/api/v1/employers/{id}", tag = "registry", params(("id" = Uuid, Path)),
    responses((status = 200, body = EmployerView), (status = 404, body = Problem)),
    security(("bearer" = [])))]
/// Reads one employer with its operating units.
///
/// An employer outside the caller's scope answers 404; the `ETag` header carries its
/// version.
pub async fn get_employer(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let v = st.app.get_employer(&a, id(&raw)?).await?;
    Ok(tagged(v.version, v))
}

#[utoipa::path(post, path = "/api/v1/employers", tag = "registry", request_body = EmployerInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = EmployerView), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
/// Registers an employer.
///
/// The tax code (partita IVA or codice fiscale) is checked and must be unique. Send
/// `Idempotency-Key` to make retries safe.
pub async fn create_employer(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotency::once(
        &st,
        &a,
        &headers,
        "/api/v1/employers",
        &body,
        || async {
            let input: EmployerInput = parse_json(&body)?;
            created(&st.app.create_employer(&a, &input).await?)
        },
        |id| {
            let (st, a) = (&st, &a);
            async move { created(&st.app.get_employer(a, record_id(&id)?).await?) }
        },
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/employers/{id}", tag = "registry", params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "The ETag read: the save is refused with 412 if the record changed since")), request_body = EmployerInput,
    responses((status = 200, body = EmployerView), (status = 412, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
/// Changes an employer and its operating units.
///
/// Units keep their ids: send a unit's `id` to change it; units left out are removed. Send
/// the `ETag` read as `If-Match` (412 when stale). An employer cannot change its own tax
/// code or public status.
pub async fn update_employer(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = id(&raw)?;
    let mut input: EmployerInput = parse_json(&body)?;
    if let Some(v) = if_match(&headers)? {
        input.version = Some(v);
    }
    let v = st.app.update_employer(&a, id, &input).await?;
    Ok(tagged(v.version, v))
}

// ------------------------------------------------------------------ offices

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionParams {
    /// ISTAT region code, e.g. 09
    pub region: Option<String>,
}

/// A cursor of id-ordered listings.
fn after_id(p: &PageParams) -> Result<Option<Uuid>, ApiError> {
    p.decode()?
        .map(|c| Uuid::parse_str(&c))
        .transpose()
        .map_err(|_| {
            ApiError(AppError::invalid(
                "cursor",
                "cursor",
                "Cursore di paginazione non valido",
            ))
        })
}

#[utoipa::path(get, path = "/api/v1/offices", tag = "registry", params(RegionParams, PageParams),
    responses((status = 200, body = Page<OfficeView>)), security(("bearer" = [])))]
/// Lists the employment offices (Centri per l'Impiego).
///
/// Optionally of one region (`region`, ISTAT code); paged with `cursor`.
pub async fn list_offices(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Query(q): Query<RegionParams>,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<OfficeView>>, ApiError> {
    let limit = p.limit();
    let items = st
        .app
        .list_offices(&a, q.region.as_deref(), after_id(&p)?, limit)
        .await?;
    Ok(Json(Page::new(items, limit, |o| o.id.to_string())))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct OfficeDetail {
    #[serde(flatten)]
    pub office: OfficeView,
    /// The comuni this office serves.
    pub comuni: Vec<ComuneRecord>,
}

#[utoipa::path(get, path = "/api/v1/offices/{id}", tag = "registry", params(("id" = Uuid, Path)),
    responses((status = 200, body = OfficeDetail), (status = 404, body = Problem)), security(("bearer" = [])))]
/// Reads one office with the comuni it serves.
///
/// The `ETag` header carries its version.
pub async fn get_office(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let (office, comuni) = st.app.get_office(&a, id(&raw)?).await?;
    Ok(tagged(office.version, OfficeDetail { office, comuni }))
}

#[utoipa::path(post, path = "/api/v1/offices", tag = "registry", request_body = OfficeInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = OfficeView), (status = 422, body = Problem)), security(("bearer" = [])))]
/// Creates an office.
///
/// Regional administrators, within their region. Send `Idempotency-Key` to make retries
/// safe.
pub async fn create_office(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotency::once(
        &st,
        &a,
        &headers,
        "/api/v1/offices",
        &body,
        || async {
            let input: OfficeInput = parse_json(&body)?;
            created(&st.app.save_office(&a, None, &input).await?)
        },
        |id| {
            let (st, a) = (&st, &a);
            async move { created(&st.app.get_office(a, record_id(&id)?).await?.0) }
        },
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/offices/{id}", tag = "registry", params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "The ETag read: the save is refused with 412 if the record changed since")), request_body = OfficeInput,
    responses((status = 200, body = OfficeView), (status = 412, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
/// Changes an office.
///
/// Send the `ETag` read as `If-Match` (412 when stale).
pub async fn update_office(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = id(&raw)?;
    let mut input: OfficeInput = parse_json(&body)?;
    if let Some(v) = if_match(&headers)? {
        input.version = Some(v);
    }
    let v = st.app.save_office(&a, Some(id), &input).await?;
    Ok(tagged(v.version, v))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ComuniIn {
    /// ISTAT codes (or names) of the comuni the office serves from now on.
    #[serde(default)]
    pub comuni: Vec<String>,
}

/// Makes the office serve these comuni, taking them from other offices; persons and
/// employers there move with them.
#[utoipa::path(put, path = "/api/v1/offices/{id}/comuni", tag = "registry", params(("id" = Uuid, Path)), request_body = ComuniIn,
    responses((status = 200, body = Vec<ComuneRecord>), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
///
/// Answers the comuni the office serves afterwards.
pub async fn assign_comuni(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<Vec<ComuneRecord>>, ApiError> {
    let id = id(&raw)?;
    let input: ComuniIn = parse_json(&body)?;
    Ok(Json(st.app.assign_comuni(&a, id, &input.comuni).await?))
}

// ------------------------------------------------------------------ organisations

#[utoipa::path(get, path = "/api/v1/organisations", tag = "registry", params(RegionParams, PageParams),
    responses((status = 200, body = Page<OrganisationView>)), security(("bearer" = [])))]
/// Lists the accredited organisations.
///
/// Optionally of one region; paged with `cursor`; each with its seats.
pub async fn list_organisations(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Query(q): Query<RegionParams>,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<OrganisationView>>, ApiError> {
    let limit = p.limit();
    let items = st
        .app
        .list_organisations(&a, q.region.as_deref(), after_id(&p)?, limit)
        .await?;
    Ok(Json(Page::new(items, limit, |o| o.id.to_string())))
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "registry", params(("id" = Uuid, Path)),
    responses((status = 200, body = OrganisationView), (status = 404, body = Problem)), security(("bearer" = [])))]
/// Reads one accredited organisation with its seats.
///
/// The `ETag` header carries its version.
pub async fn get_organisation(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let v = st.app.get_organisation(&a, id(&raw)?).await?;
    Ok(tagged(v.version, v))
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "registry", request_body = OrganisationInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = OrganisationView), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
/// Registers an accredited organisation.
///
/// Its region is that of its first seat and must be the administrator's. Send
/// `Idempotency-Key` to make retries safe.
pub async fn create_organisation(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    idempotency::once(
        &st,
        &a,
        &headers,
        "/api/v1/organisations",
        &body,
        || async {
            let input: OrganisationInput = parse_json(&body)?;
            created(&st.app.save_organisation(&a, None, &input).await?)
        },
        |id| {
            let (st, a) = (&st, &a);
            async move { created(&st.app.get_organisation(a, record_id(&id)?).await?) }
        },
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "registry", params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "The ETag read: the save is refused with 412 if the record changed since")), request_body = OrganisationInput,
    responses((status = 200, body = OrganisationView), (status = 412, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
/// Changes an accredited organisation and its seats.
///
/// The organisation must already be in the administrator's region as well as after the
/// change; send the `ETag` read as `If-Match` (412 when stale).
pub async fn update_organisation(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = id(&raw)?;
    let mut input: OrganisationInput = parse_json(&body)?;
    if let Some(v) = if_match(&headers)? {
        input.version = Some(v);
    }
    let v = st.app.save_organisation(&a, Some(id), &input).await?;
    Ok(tagged(v.version, v))
}

// ------------------------------------------------------------------ public reference data

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PickerParams {
    /// Start of the name, a CAP (comuni) or the start of a code (CP2011, ATECO)
    pub q: Option<String>,
    /// ATECO version: 2007 or 2025 (default 2025)
    pub version: Option<i16>,
}

/// Comuni by name prefix or CAP, largest first (at most 20).
#[utoipa::path(get, path = "/api/v1/public/comuni", tag = "public", params(PickerParams),
    responses((status = 200, body = Vec<ComuneRecord>)))]
///
/// Public reference data, no token needed; rate-limited per address.
pub async fn comuni(
    State(st): State<AppState>,
    Query(q): Query<PickerParams>,
) -> Result<Json<Vec<ComuneRecord>>, ApiError> {
    Ok(Json(
        st.app.search_comuni(q.q.as_deref().unwrap_or("")).await?,
    ))
}

/// CP2011 professions by code prefix or words in the title (at most 20).
#[utoipa::path(get, path = "/api/v1/public/professions", tag = "public", params(PickerParams),
    responses((status = 200, body = Vec<CodeTitle>)))]
///
/// Public reference data (ISTAT CP2011), no token needed; rate-limited per address.
pub async fn professions(
    State(st): State<AppState>,
    Query(q): Query<PickerParams>,
) -> Result<Json<Vec<CodeTitle>>, ApiError> {
    Ok(Json(
        st.app
            .search_professions(q.q.as_deref().unwrap_or(""))
            .await?,
    ))
}

/// ATECO activities (2007 or 2025) by code prefix or words in the title (at most 20).
#[utoipa::path(get, path = "/api/v1/public/ateco", tag = "public", params(PickerParams),
    responses((status = 200, body = Vec<CodeTitle>), (status = 422, body = Problem)))]
///
/// Public reference data (ISTAT ATECO), no token needed; rate-limited per address.
pub async fn ateco(
    State(st): State<AppState>,
    Query(q): Query<PickerParams>,
) -> Result<Json<Vec<CodeTitle>>, ApiError> {
    Ok(Json(
        st.app
            .search_ateco(q.version.unwrap_or(2025), q.q.as_deref().unwrap_or(""))
            .await?,
    ))
}

// ------------------------------------------------------------------ change requests

/// The pending change requests of a record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChangeList {
    pub items: Vec<ChangeView>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RefuseIn {
    /// Why the request is refused: the person reads it.
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(get, path = "/api/v1/persons/{id}/changes", tag = "registry", params(("id" = Uuid, Path)),
    responses((status = 200, body = ChangeList), (status = 404, body = Problem)), security(("bearer" = [])))]
/// Richieste di modifica in attesa di una persona.
///
/// Ciò che la persona ha proposto per i dati certificati dall'ufficio (codice fiscale,
/// nomi, dati di nascita, cittadinanza), in attesa che un operatore lo verifichi.
pub async fn person_changes(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
) -> Result<Json<ChangeList>, ApiError> {
    let subject = Subject::Person(id(&raw)?);
    Ok(Json(ChangeList {
        items: st.app.pending_changes(&a, subject).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/employers/{id}/changes", tag = "registry", params(("id" = Uuid, Path)),
    responses((status = 200, body = ChangeList), (status = 404, body = Problem)), security(("bearer" = [])))]
/// Richieste di modifica in attesa di un datore di lavoro.
///
/// Ciò che il datore di lavoro ha proposto per il codice fiscale o la natura pubblica.
pub async fn employer_changes(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path(raw): Path<String>,
) -> Result<Json<ChangeList>, ApiError> {
    let subject = Subject::Employer(id(&raw)?);
    Ok(Json(ChangeList {
        items: st.app.pending_changes(&a, subject).await?,
    }))
}

async fn refuse(
    st: &AppState,
    a: &Actor,
    subject: Subject,
    change: &str,
    body: &Bytes,
) -> Result<StatusCode, ApiError> {
    let change = id(change)?;
    let input: RefuseIn = parse_json(body)?;
    st.app
        .refuse_change(a, subject, change, &input.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/persons/{id}/changes/{change}/refuse", tag = "registry",
    params(("id" = Uuid, Path), ("change" = Uuid, Path)), request_body = RefuseIn,
    responses((status = 204, description = "Respinta"), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
/// Respinge una richiesta di modifica di una persona.
///
/// Con il motivo, che la persona leggerà. Per applicarla invece, inviare i dati verificati
/// con `PUT /api/v1/persons/{id}` e il suo `change_id`.
pub async fn refuse_person_change(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path((raw, change)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    refuse(&st, &a, Subject::Person(id(&raw)?), &change, &body).await
}

#[utoipa::path(post, path = "/api/v1/employers/{id}/changes/{change}/refuse", tag = "registry",
    params(("id" = Uuid, Path), ("change" = Uuid, Path)), request_body = RefuseIn,
    responses((status = 204, description = "Respinta"), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
/// Respinge una richiesta di modifica di un datore di lavoro.
///
/// Con il motivo; per applicarla, `PUT /api/v1/employers/{id}` con il suo `change_id`.
pub async fn refuse_employer_change(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Path((raw, change)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    refuse(&st, &a, Subject::Employer(id(&raw)?), &change, &body).await
}
