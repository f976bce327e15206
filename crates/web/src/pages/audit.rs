use super::Chrome;
use crate::access::CurrentActor;
use crate::error::PageError;
use crate::extract::Query;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;
use sportello_app::ports::AuditFilter;
use sportello_domain::audit::StoredEntry;
use sportello_domain::italian_time::{format_datetime, parse_date};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const PAGE_SIZE: u64 = 50;

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub entity_id: String,
    #[serde(default)]
    pub action: String,
    /// gg/mm/aaaa, inclusive
    #[serde(default)]
    pub from: String,
    /// gg/mm/aaaa, inclusive
    #[serde(default)]
    pub to: String,
    pub before: Option<i64>,
}

pub struct Row {
    /// "chain/seq": where the entry sits in the hash chains.
    pub seq: String,
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub address: String,
    pub change: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub c: Chrome,
    pub q: AuditQuery,
    pub rows: Vec<Row>,
    pub next_query: Option<String>,
    pub date_error: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn row(e: StoredEntry) -> Row {
    let place = format!("{}/{}", e.chain, e.content.seq);
    let c = e.content;
    let at = OffsetDateTime::parse(&c.at, &Rfc3339)
        .map(format_datetime)
        .unwrap_or(c.at);
    let change = match (&c.before, &c.after) {
        (Some(b), Some(a)) => format!("prima: {b}\ndopo: {a}"),
        (None, Some(a)) => a.clone(),
        (Some(b), None) => format!("prima: {b}"),
        (None, None) => String::new(),
    };
    Row {
        seq: place,
        at,
        actor: c.actor,
        role: c.role,
        action: c.action,
        entity: c.entity,
        entity_id: c.entity_id.unwrap_or_default(),
        address: c.address.unwrap_or_default(),
        change,
    }
}

pub async fn search(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Query(q): Query<AuditQuery>,
) -> Result<AuditPage, PageError> {
    let mut date_error = None;
    let mut day = |s: &str, plus: i64| match opt(s) {
        None => None,
        Some(s) => match parse_date(&s) {
            Ok(d) => Some(d.midnight().assume_utc() + time::Duration::days(plus)),
            Err(e) => {
                date_error = Some(e.message(&s));
                None
            }
        },
    };
    let filter = AuditFilter {
        actor: opt(&q.actor),
        entity: opt(&q.entity),
        entity_id: opt(&q.entity_id),
        action: opt(&q.action),
        from: day(&q.from, 0),
        to: day(&q.to, 1),
        before_id: q.before,
    };
    let entries = st.app.search_audit(&actor, &filter, PAGE_SIZE).await?;
    let next_query = (entries.len() as u64 == PAGE_SIZE)
        .then(|| entries.last().map(|e| e.id))
        .flatten()
        .map(|id| {
            serde_urlencoded::to_string([
                ("actor", q.actor.as_str()),
                ("entity", q.entity.as_str()),
                ("entity_id", q.entity_id.as_str()),
                ("action", q.action.as_str()),
                ("from", q.from.as_str()),
                ("to", q.to.as_str()),
                ("before", id.to_string().as_str()),
            ])
            .unwrap_or_default()
        });
    Ok(AuditPage {
        c,
        q,
        rows: entries.into_iter().map(row).collect(),
        next_query,
        date_error,
    })
}
