use crate::access::CurrentActor;
use crate::api::pagination::{Page, PageParams};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sportello_app::AppError;
use sportello_app::audit::ports::AuditFilter;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    /// RFC 3339, inclusive
    pub from: Option<String>,
    /// RFC 3339, exclusive
    pub to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryOut {
    /// Order of writing across chains (the paging cursor)
    pub id: i64,
    /// The hash chain the entry belongs to
    pub chain: i32,
    /// Position in its chain
    pub seq: i64,
    /// RFC 3339, UTC
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    /// JSON text of the record before the change
    pub before: Option<String>,
    /// JSON text of the record after the change
    pub after: Option<String>,
    pub address: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

fn instant(field: &str, v: Option<&str>) -> Result<Option<OffsetDateTime>, AppError> {
    v.map(|s| {
        OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
            AppError::invalid(field, "datetime", "Data e ora non valide: usare RFC 3339")
        })
    })
    .transpose()
}

/// Searches the audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams, PageParams),
    responses((status = 200, body = Page<AuditEntryOut>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
///
/// Auditors only. Filters by user, object, identifier, action and period; paged newest
/// first with `cursor`. Each entry carries its chain, position and hashes, so an export can
/// be verified.
pub async fn search(
    State(st): State<AppState>,
    CurrentActor(a): CurrentActor,
    Query(q): Query<AuditParams>,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<AuditEntryOut>>, ApiError> {
    let before_id = p
        .decode()?
        .map(|c| c.parse::<i64>())
        .transpose()
        .map_err(|_| AppError::invalid("cursor", "cursor", "Cursore di paginazione non valido"))?;
    let filter = AuditFilter {
        actor: q.actor,
        entity: q.entity,
        entity_id: q.entity_id,
        action: q.action,
        from: instant("from", q.from.as_deref())?,
        to: instant("to", q.to.as_deref())?,
        before_id,
    };
    let limit = p.limit();
    let items: Vec<AuditEntryOut> = st
        .app
        .search_audit(&a, &filter, limit)
        .await?
        .into_iter()
        .map(|e| AuditEntryOut {
            id: e.id,
            chain: e.chain,
            seq: e.content.seq,
            at: e.content.at,
            actor: e.content.actor,
            role: e.content.role,
            action: e.content.action,
            entity: e.content.entity,
            entity_id: e.content.entity_id,
            before: e.content.before,
            after: e.content.after,
            address: e.content.address,
            prev_hash: e.prev_hash,
            hash: e.hash,
        })
        .collect();
    Ok(Json(Page::new(items, limit, |e| e.id.to_string())))
}
