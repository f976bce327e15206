//! Public calculator pages, the same checks as `/api/v1/rules/`.

use crate::extract::Query;
use crate::page::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;
use sportello_app::rules::{CodiceFiscaleCheck, check_codice_fiscale};
use sportello_domain::italian_time::format_date;

#[derive(Deserialize, Default)]
pub struct CfQuery {
    #[serde(default)]
    code: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "rules/cf_check.html")]
pub struct CfPage {
    pub c: Chrome,
    pub code: String,
    pub result: Option<CodiceFiscaleCheck>,
    pub birth_date: String,
}

pub async fn codice_fiscale(c: Chrome, Query(q): Query<CfQuery>) -> CfPage {
    let today = sportello_app::now().date();
    let result = (!q.code.trim().is_empty()).then(|| check_codice_fiscale(&q.code, today));
    let birth_date = result
        .as_ref()
        .and_then(|r| r.birth_date.as_deref())
        .and_then(|d| {
            time::Date::parse(d, &time::format_description::well_known::Iso8601::DATE).ok()
        })
        .map(format_date)
        .unwrap_or_default();
    CfPage {
        c,
        code: q.code,
        result,
        birth_date,
    }
}
