//! Pickers for forms: `<datalist>` options that htmx fills as the person types.

use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use sportello_app::ports::ComuneRecord;
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "comuni_options.html")]
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
