use crate::access::CurrentActor;
use crate::error::PageError;
use crate::extract::Query;
use crate::page::Chrome;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;
use sportello_app::audit::ports::AuditFilter;
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
    /// What changed, one line per field, in Italian.
    pub changes: Vec<String>,
}

/// The actions and the objects the log records, as an auditor reads them (the codes stay
/// in the log and in the API).
pub const ACTIONS: &[(&str, &str)] = &[
    ("create", "Creazione"),
    ("update", "Modifica"),
    ("assign_comuni", "Assegnazione dei comuni"),
    ("revoke", "Revoca"),
    ("reset_password", "Reimpostazione della password"),
    ("login", "Accesso"),
    ("login_failed", "Accesso non riuscito"),
    ("logout", "Uscita"),
];

pub const ENTITIES: &[(&str, &str)] = &[
    ("person", "Persona"),
    ("employer", "Datore di lavoro"),
    ("office", "Ufficio"),
    ("organisation", "Organizzazione accreditata"),
    ("user", "Utente"),
    ("api_token", "Token API"),
];

/// Field names of the recorded images, in Italian; the others are shown as they are.
const FIELDS: &[(&str, &str)] = &[
    ("codice_fiscale", "codice fiscale"),
    ("surname", "cognome"),
    ("name", "nome"),
    ("sex", "sesso"),
    ("birth_date", "data di nascita"),
    ("birth_place_code", "luogo di nascita (codice)"),
    ("birth_place_name", "luogo di nascita"),
    ("citizenship", "cittadinanza (codice)"),
    ("citizenship_name", "cittadinanza"),
    ("domicile_comune", "comune di domicilio (codice)"),
    ("domicile_comune_name", "comune di domicilio"),
    ("domicile_address", "indirizzo di domicilio"),
    ("residence_comune", "comune di residenza (codice)"),
    ("residence_comune_name", "comune di residenza"),
    ("residence_address", "indirizzo di residenza"),
    ("email", "e-mail"),
    ("phone", "telefono"),
    ("pec", "PEC"),
    ("preferred_channel", "canale preferito"),
    ("office_id", "ufficio"),
    ("region_code", "regione"),
    ("birth_data_confirmed", "dati di nascita confermati"),
    ("tax_code", "codice fiscale o partita IVA"),
    ("vat_number", "partita IVA"),
    ("legal_comune", "comune della sede legale"),
    ("legal_address", "indirizzo della sede legale"),
    ("size_class", "dimensione"),
    ("is_public", "ente pubblico"),
    ("units", "sedi operative"),
    ("seats", "sedi"),
    ("albo_status", "stato sull'albo"),
    ("address", "indirizzo"),
    ("comune", "comune"),
    ("opening_hours", "orari"),
    ("active", "attivo"),
    ("display_name", "nome e cognome"),
    ("username", "nome utente"),
    ("role", "ruolo"),
    ("scope", "ambito"),
    ("comuni", "comuni serviti"),
];

/// Bookkeeping the auditor does not need to read in a difference.
const SKIPPED: &[&str] = &["id", "version", "created_at", "updated_at"];

fn label<'a>(table: &'a [(&'a str, &'a str)], code: &'a str) -> &'a str {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or(code)
}

fn shown(field: &str, v: &serde_json::Value) -> String {
    if field == "role"
        && let Some(role) = v
            .as_str()
            .and_then(|r| r.parse::<sportello_domain::role::Role>().ok())
    {
        return role.label().to_owned();
    }
    match v {
        // Sites (units, seats): «name, address (comune)», one after the other.
        serde_json::Value::Array(items) if items.iter().all(|i| i.get("address").is_some()) => {
            items
                .iter()
                .map(|i| {
                    format!(
                        "{}, {} ({})",
                        shown("", &i["name"]),
                        shown("", &i["address"]),
                        shown("", &i["comune"])
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
        // A scope: its kind in Italian and what it points at.
        serde_json::Value::Object(o) if o.contains_key("kind") => {
            let kind = match o["kind"].as_str().unwrap_or("") {
                "person" => "persona",
                "office" => "ufficio",
                "organisation" => "organizzazione",
                "employer" => "datore di lavoro",
                "region" => "regione",
                "global" => "intero sistema",
                other => other,
            };
            match o.get("id").and_then(|i| i.as_str()) {
                Some(id) => format!("{kind} {id}"),
                None if kind == "regione" => "tutte le regioni".to_owned(),
                None => kind.to_owned(),
            }
        }
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::Bool(true) => "sì".to_owned(),
        serde_json::Value::Bool(false) => "no".to_owned(),
        serde_json::Value::String(s) if s.is_empty() => "—".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The recorded images as lines an auditor reads: for a change, each field that differs
/// («prima» → «dopo»); for a creation or a removal, each field with its value.
fn changes(before: Option<&str>, after: Option<&str>) -> Vec<String> {
    let parse = |s: Option<&str>| {
        s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| v.as_object().cloned())
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<&String> = b.iter().chain(a.iter()).flat_map(|m| m.keys()).collect();
    keys.sort();
    keys.dedup();
    let null = serde_json::Value::Null;
    keys.into_iter()
        .filter(|k| !SKIPPED.contains(&k.as_str()))
        .filter_map(|k| {
            let old = b.as_ref().map(|m| m.get(k).unwrap_or(&null));
            let new = a.as_ref().map(|m| m.get(k).unwrap_or(&null));
            let field = label(FIELDS, k);
            match (old, new) {
                (Some(o), Some(n)) if o == n => None,
                (Some(o), Some(n)) => Some(format!("{field}: {} → {}", shown(k, o), shown(k, n))),
                (None, Some(n)) if n.is_null() => None,
                (None, Some(n)) => Some(format!("{field}: {}", shown(k, n))),
                (Some(o), None) => Some(format!("{field}: {}", shown(k, o))),
                (None, None) => None,
            }
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/search.html")]
pub struct AuditPage {
    pub c: Chrome,
    pub actions: &'static [(&'static str, &'static str)],
    pub entities: &'static [(&'static str, &'static str)],
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
    Row {
        seq: place,
        at,
        actor: c.actor,
        role: c
            .role
            .parse::<sportello_domain::role::Role>()
            .map(|r| r.label().to_owned())
            .unwrap_or(c.role),
        action: label(ACTIONS, &c.action).to_owned(),
        entity: label(ENTITIES, &c.entity).to_owned(),
        entity_id: c.entity_id.unwrap_or_default(),
        address: c.address.unwrap_or_default(),
        changes: changes(c.before.as_deref(), c.after.as_deref()),
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
        actions: ACTIONS,
        entities: ENTITIES,
        q,
        rows: entries.into_iter().map(row).collect(),
        next_query,
        date_error,
    })
}

#[cfg(test)]
mod tests {
    use super::changes;

    #[test]
    fn a_change_lists_only_what_differs_in_italian() {
        let before = r#"{"surname":"Rossi","phone":null,"version":1,"updated_at":"x"}"#;
        let after = r#"{"surname":"Rossi","phone":"055 1","version":2,"updated_at":"y"}"#;
        assert_eq!(changes(Some(before), Some(after)), ["telefono: — → 055 1"]);
        assert_eq!(
            changes(
                None,
                Some(r#"{"surname":"Rossi","email":null,"active":true}"#)
            ),
            ["attivo: sì", "cognome: Rossi"]
        );
        assert!(changes(None, None).is_empty());
    }
}
