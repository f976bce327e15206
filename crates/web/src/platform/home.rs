use crate::error::PageError;
use crate::page::Chrome;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sportello_domain::role::Role;

#[derive(Clone)]
pub struct Card {
    pub title: &'static str,
    pub text: &'static str,
    pub href: std::borrow::Cow<'static, str>,
    pub link: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "platform/home.html")]
pub struct HomePage {
    pub c: Chrome,
    pub name: String,
    pub scope: String,
    pub intro: &'static str,
    pub cards: Vec<Card>,
}

/// What the role can do today, in one sentence: it grows with each context, and never
/// promises a page that does not exist yet.
fn intro(role: Role) -> &'static str {
    match role {
        Role::Citizen => "Qui trova i dati che il Centro per l'Impiego ha registrato su di lei.",
        Role::CpiOperator => {
            "Sportello del Centro per l'Impiego: le persone e i datori di lavoro del suo ufficio."
        }
        Role::CpiManager => {
            "Coordinamento del Centro per l'Impiego: le persone e i datori di lavoro dell'ufficio."
        }
        Role::AplOperator => "Le persone assegnate alla sua organizzazione accreditata.",
        Role::Employer => "I dati della sua azienda registrati dal Centro per l'Impiego.",
        Role::PublicBody => "I dati del suo ente registrati dal Centro per l'Impiego.",
        Role::RegionalAdmin => {
            "Amministrazione regionale: utenti, token di accesso alle API e uffici con i comuni serviti."
        }
        Role::Auditor => "Consultazione in sola lettura del registro di audit.",
    }
}

pub async fn home(State(st): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let Some(actor) = c.actor.clone() else {
        return Ok(Redirect::to("/login").into_response());
    };
    // Self-service roles see their own records, not a search of everyone's; the others
    // see a card for each page their role may open, as the contexts declare them.
    let cards = if actor.role.is_self_service() {
        crate::context::own_records(&actor.scope)
            .into_iter()
            .map(|c| Card {
                title: c.title,
                text: c.text,
                href: c.href.into(),
                link: "Apri la scheda",
            })
            .collect()
    } else {
        crate::context::cards()
            .into_iter()
            .filter(|c| actor.may(c.permission))
            .map(|c| Card {
                title: c.title,
                text: c.text,
                href: c.href.into(),
                link: c.link,
            })
            .collect()
    };
    let name = match actor.user_id {
        Some(id) => st.app.session_user(id).await?.display_name,
        None => actor.name.clone(),
    };
    Ok(HomePage {
        name,
        scope: st.app.describe_scope(&actor.scope).await?,
        intro: intro(actor.role),
        cards,
        c,
    }
    .into_response())
}

pub async fn health(State(st): State<AppState>) -> Response {
    match st.app.ping().await {
        Ok(()) => "ok".into_response(),
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database non raggiungibile",
        )
            .into_response(),
    }
}

/// One operation of the API as the reference page shows it.
pub struct ApiOperation {
    pub method: String,
    pub path: String,
    pub anchor: String,
    pub summary: String,
    pub description: String,
    pub public: bool,
    /// (name, where, required, description)
    pub params: Vec<(String, &'static str, bool, String)>,
    pub body: Option<String>,
    /// (status, description)
    pub responses: Vec<(String, String)>,
}

pub struct ApiTag {
    pub name: String,
    pub description: String,
    pub operations: Vec<ApiOperation>,
}

#[derive(Template, WebTemplate)]
#[template(path = "platform/api_docs.html")]
pub struct ApiDocsPage {
    pub c: Chrome,
    pub tags: Vec<ApiTag>,
}

/// The OpenAPI document read as a page: server-rendered, so it is plain accessible HTML in
/// the site's layout with Italian headings, and needs no script.
fn reference() -> Vec<ApiTag> {
    let doc = serde_json::to_value(crate::api::openapi::spec()).unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
    let mut tags: Vec<ApiTag> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| ApiTag {
            name: text(&t["name"]),
            description: text(&t["description"]),
            operations: vec![],
        })
        .collect();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let params = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let place = match p["in"].as_str().unwrap_or("") {
                        "path" => "percorso",
                        "query" => "query",
                        "header" => "intestazione",
                        _ => "altro",
                    };
                    (
                        text(&p["name"]),
                        place,
                        p["required"].as_bool().unwrap_or(false),
                        text(&p["description"]),
                    )
                })
                .collect();
            let body = op["requestBody"]["content"]
                .as_object()
                .and_then(|c| c.values().next())
                .map(|c| {
                    let r = text(&c["schema"]["$ref"]);
                    r.rsplit('/').next().unwrap_or("JSON").to_owned()
                });
            let responses = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(code, r)| (code.clone(), text(&r["description"])))
                .collect();
            let operation = ApiOperation {
                method: method.to_uppercase(),
                anchor: format!("{method}{}", path.replace(['/', '{', '}'], "-")),
                path: path.clone(),
                summary: text(&op["summary"]),
                description: text(&op["description"]),
                public: op.get("security").is_none(),
                params,
                body,
                responses,
            };
            let tag = text(&op["tags"][0]);
            match tags.iter_mut().find(|t| t.name == tag) {
                Some(t) => t.operations.push(operation),
                None => tags.push(ApiTag {
                    name: tag,
                    description: String::new(),
                    operations: vec![operation],
                }),
            }
        }
    }
    tags.retain(|t| !t.operations.is_empty());
    tags
}

pub async fn api_docs(c: Chrome) -> ApiDocsPage {
    ApiDocsPage {
        c,
        tags: reference(),
    }
}
