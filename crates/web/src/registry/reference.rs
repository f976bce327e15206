//! Pickers for forms: `<datalist>` options that htmx fills as the person types.

use crate::extract::Query;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use sportello_app::registry::ports::{CodeTitle, ComuneRecord};
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "registry/comuni_options.html")]
pub struct ComuniOptions {
    pub comuni: Vec<ComuneRecord>,
}

/// Takes the value of whichever field asked (htmx sends the input under its own name).
pub async fn comuni(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ComuniOptions {
    let text = q
        .values()
        .find(|v| !v.trim().is_empty())
        .cloned()
        .unwrap_or_default();
    ComuniOptions {
        comuni: st.app.search_comuni(&text).await.unwrap_or_default(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/code_options.html")]
pub struct CodeOptions {
    pub items: Vec<CodeTitle>,
}

/// ATECO codes for the employer form: `ateco_2007` or `ateco_2025` carries the text.
pub async fn ateco(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> CodeOptions {
    let (version, text) = match (q.get("ateco_2007"), q.get("ateco_2025")) {
        (Some(t), _) => (2007, t.clone()),
        (None, Some(t)) => (2025, t.clone()),
        _ => (2025, String::new()),
    };
    CodeOptions {
        items: st
            .app
            .search_ateco(version, &text)
            .await
            .unwrap_or_default(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/country_options.html")]
pub struct CountryOptions {
    pub items: Vec<CodeTitle>,
}

/// Countries by name for the citizenship field (the option is the name people read).
pub async fn countries(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> CountryOptions {
    let text = q.get("citizenship").cloned().unwrap_or_default();
    CountryOptions {
        items: st.app.search_countries(&text).await.unwrap_or_default(),
    }
}
