//! Administration of offices (CPI) and the comuni they serve.

use crate::access::CurrentActor;
use crate::error::PageError;
use crate::extract::{Form, Query};
use crate::page::{Chrome, FormErrors};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sportello_app::AppError;
use sportello_app::registry::offices::{OfficeInput, OfficeView};
use sportello_app::registry::ports::ComuneRecord;
use sportello_domain::access::Scope;
use uuid::Uuid;

#[derive(Template, WebTemplate)]
#[template(path = "registry/offices/list.html")]
pub struct ListPage {
    pub c: Chrome,
    pub offices: Vec<OfficeView>,
    pub next: Option<Uuid>,
}

const PAGE: u64 = 50;

#[derive(Deserialize, Default)]
pub struct AfterQuery {
    after: Option<Uuid>,
}

fn region_of(scope: &Scope) -> Option<&str> {
    match scope {
        Scope::Region(Some(r)) => Some(r.as_str()),
        _ => None,
    }
}

pub async fn list(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Query(q): Query<AfterQuery>,
) -> Result<ListPage, PageError> {
    let offices = st
        .app
        .list_offices(&actor, region_of(&actor.scope), q.after, PAGE)
        .await?;
    let next = (offices.len() as u64 == PAGE)
        .then(|| offices.last().map(|o| o.id))
        .flatten();
    Ok(ListPage { c, offices, next })
}

#[derive(Deserialize, Default, Clone)]
pub struct OfficeForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub comune: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub opening_hours: String,
    pub active: Option<String>,
    /// The version the form was opened at (hidden): a save over a newer one is refused.
    #[serde(default)]
    pub version: String,
}

impl OfficeForm {
    fn input(&self) -> OfficeInput {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        OfficeInput {
            name: self.name.clone(),
            address: self.address.clone(),
            comune: self.comune.clone(),
            phone: some(&self.phone),
            email: some(&self.email),
            opening_hours: self.opening_hours.clone(),
            active: self.active.is_some(),
            version: self.version.trim().parse().ok(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/offices/form.html")]
pub struct FormPage {
    pub c: Chrome,
    pub office_id: Option<Uuid>,
    pub f: OfficeForm,
    pub errors: FormErrors,
    pub comuni: Vec<ComuneRecord>,
    pub comuni_text: String,
    pub comuni_errors: FormErrors,
}

pub async fn new_form(c: Chrome) -> FormPage {
    FormPage {
        c,
        office_id: None,
        f: OfficeForm {
            active: Some("on".into()),
            ..Default::default()
        },
        errors: FormErrors::default(),
        comuni: vec![],
        comuni_text: String::new(),
        comuni_errors: FormErrors::default(),
    }
}

async fn edit_page(
    st: &AppState,
    actor: &sportello_domain::access::Actor,
    c: Chrome,
    id: Uuid,
) -> Result<FormPage, PageError> {
    let (o, comuni) = st.app.manageable_office(actor, id).await?;
    let comune = st
        .app
        .resolve_comune(&o.comune)
        .await?
        .map(|c| format!("{} ({})", c.name, c.province_sigla))
        .unwrap_or(o.comune.clone());
    Ok(FormPage {
        c,
        office_id: Some(id),
        f: OfficeForm {
            name: o.name,
            address: o.address,
            comune,
            phone: o.phone.unwrap_or_default(),
            email: o.email.unwrap_or_default(),
            opening_hours: o.opening_hours,
            active: o.active.then(|| "on".into()),
            version: o.version.to_string(),
        },
        errors: FormErrors::default(),
        // By name as the pickers write them, «Nome (PR)»; codes are accepted too.
        comuni_text: comuni
            .iter()
            .map(|c| format!("{} ({})", c.name, c.province_sigla))
            .collect::<Vec<_>>()
            .join("\n"),
        comuni,
        comuni_errors: FormErrors::default(),
    })
}

pub async fn edit_form(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
) -> Result<FormPage, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    edit_page(&st, &actor, c, id).await
}

pub async fn save(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    path: Option<Path<String>>,
    Form(f): Form<OfficeForm>,
) -> Result<Response, PageError> {
    let id = match path {
        Some(Path(raw)) => Some(Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?),
        None => None,
    };
    match st.app.save_office(&actor, id, &f.input()).await {
        Ok(o) => Ok(Redirect::to(&format!("/admin/offices/{}", o.id)).into_response()),
        Err(AppError::Validation(errs)) => {
            let mut page = match id {
                Some(id) => edit_page(&st, &actor, c, id).await?,
                None => new_form(c).await,
            };
            page.f = f;
            page.errors = FormErrors(errs);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Stale) if id.is_some() => {
            // Someone saved first: the page shows what is there now.
            let mut page = edit_page(&st, &actor, c, id.unwrap_or_default()).await?;
            page.errors = FormErrors(vec![sportello_app::error::FieldError::new(
                "name",
                "stale",
                AppError::Stale.to_string(),
            )]);
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct ComuniForm {
    #[serde(default)]
    pub comuni: String,
}

pub async fn assign(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
    Form(f): Form<ComuniForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    let list: Vec<String> = f
        .comuni
        .lines()
        .flat_map(|l| l.split(';'))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    match st.app.assign_comuni(&actor, id, &list).await {
        Ok(_) => {
            c.flash("Mappa dei comuni aggiornata.").await;
            Ok(Redirect::to(&format!("/admin/offices/{id}")).into_response())
        }
        Err(AppError::Validation(errs)) => {
            let mut page = edit_page(&st, &actor, c, id).await?;
            page.comuni_text = f.comuni;
            page.comuni_errors = FormErrors(errs);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
