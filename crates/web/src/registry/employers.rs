//! Employer pages: search, card, create and edit.

use crate::access::CurrentActor;
use crate::error::PageError;
use crate::extract::Form;
use crate::extract::Query;
use crate::page::{Chrome, FormErrors};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sportello_app::AppError;
use sportello_app::registry::employers::{
    EmployerInput, EmployerSearch, EmployerView, SIZE_CLASSES, SiteInput, employer_cursor,
};
use sportello_app::registry::ports::Subject;
use sportello_domain::italian_time::format_datetime;
use sportello_domain::registry::EMPLOYERS_WRITE;
use uuid::Uuid;

pub const PAGE: u64 = 25;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    pub cursor: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/employers/search.html")]
pub struct SearchPage {
    pub c: Chrome,
    pub q: SearchQuery,
    pub rows: Vec<EmployerView>,
    pub searched: bool,
    pub next: Option<String>,
    pub can_create: bool,
}

pub async fn search(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Query(q): Query<SearchQuery>,
) -> Result<SearchPage, PageError> {
    let searched = !q.q.trim().is_empty();
    let rows = if searched {
        let s = EmployerSearch {
            q: Some(q.q.clone()),
            comune: None,
        };
        st.app
            .search_employers(&actor, &s, q.cursor.as_deref(), PAGE)
            .await?
    } else {
        vec![]
    };
    let next = (rows.len() as u64 == PAGE)
        .then(|| rows.last().map(employer_cursor))
        .flatten()
        .map(|cur| {
            serde_urlencoded::to_string([("q", q.q.as_str()), ("cursor", cur.as_str())])
                .unwrap_or_default()
        });
    Ok(SearchPage {
        can_create: actor.may(EMPLOYERS_WRITE),
        c,
        q,
        rows,
        searched,
        next,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/employers/card.html")]
pub struct CardPage {
    pub c: Chrome,
    pub e: EmployerView,
    pub legal_comune: String,
    pub size: &'static str,
    pub updated_at: String,
    pub can_edit: bool,
    /// The operating units with their comune by name.
    pub units: Vec<(String, String, String)>,
    /// Proposals of the employer for its tax code or public status: waiting, or refused lately.
    pub changes: super::changes::CardChanges,
    pub edit_base: String,
}

pub async fn card(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
) -> Result<CardPage, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    let e = st.app.get_employer(&actor, id).await?;
    let legal_comune = comune_label(&st, &e.legal_comune).await?;
    let mut units = Vec::with_capacity(e.units.len());
    for u in &e.units {
        units.push((
            u.name.clone(),
            u.address.clone(),
            comune_label(&st, &u.comune).await?,
        ));
    }
    let changes = super::changes::on_card(&st, &actor, Subject::Employer(id)).await?;
    Ok(CardPage {
        changes,
        edit_base: format!("/employers/{id}"),
        size: SIZE_CLASSES
            .iter()
            .find(|(s, _)| *s == e.size_class)
            .map(|(_, l)| *l)
            .unwrap_or(""),
        updated_at: format_datetime(e.updated_at),
        can_edit: actor.may(EMPLOYERS_WRITE),
        units,
        legal_comune,
        e,
        c,
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct EmployerForm {
    #[serde(default)]
    pub tax_code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub ateco_2007: String,
    #[serde(default)]
    pub ateco_2025: String,
    #[serde(default)]
    pub legal_comune: String,
    #[serde(default)]
    pub legal_address: String,
    #[serde(default)]
    pub size_class: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub pec: String,
    pub is_public: Option<String>,
    /// One operating unit: name, comune and address (more through the API).
    #[serde(default)]
    pub unit_name: String,
    #[serde(default)]
    pub unit_comune: String,
    #[serde(default)]
    pub unit_address: String,
    /// The version the form was opened at (hidden): a save over a newer one is refused.
    #[serde(default)]
    pub version: String,
    /// The id of the unit the form shows (hidden): the others are kept as they are.
    #[serde(default)]
    pub unit_id: String,
    /// The employer's change request this save applies (hidden).
    #[serde(default)]
    pub change_id: String,
}

fn some(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_owned())
}

impl EmployerForm {
    fn input(&self) -> EmployerInput {
        let has_unit = [&self.unit_name, &self.unit_comune, &self.unit_address]
            .iter()
            .any(|s| !s.trim().is_empty());
        EmployerInput {
            tax_code: self.tax_code.clone(),
            name: self.name.clone(),
            ateco_2007: some(&self.ateco_2007),
            ateco_2025: some(&self.ateco_2025),
            legal_comune: self.legal_comune.clone(),
            legal_address: self.legal_address.clone(),
            size_class: some(&self.size_class),
            email: some(&self.email),
            phone: some(&self.phone),
            pec: some(&self.pec),
            is_public: self.is_public.is_some(),
            units: if has_unit {
                vec![SiteInput {
                    id: self.unit_id.trim().parse().ok(),
                    name: self.unit_name.clone(),
                    comune: self.unit_comune.clone(),
                    address: self.unit_address.clone(),
                }]
            } else {
                vec![]
            },
            version: self.version.trim().parse().ok(),
            change_id: self.change_id.trim().parse().ok(),
        }
    }

    fn from_view(e: &EmployerView) -> Self {
        let unit = e.units.first();
        Self {
            tax_code: e.tax_code.clone(),
            name: e.name.clone(),
            ateco_2007: e.ateco_2007.clone().unwrap_or_default(),
            ateco_2025: e.ateco_2025.clone().unwrap_or_default(),
            legal_comune: e.legal_comune.clone(),
            legal_address: e.legal_address.clone(),
            size_class: e.size_class.clone(),
            email: e.email.clone().unwrap_or_default(),
            phone: e.phone.clone().unwrap_or_default(),
            pec: e.pec.clone().unwrap_or_default(),
            is_public: e.is_public.then(|| "on".into()),
            unit_name: unit.map(|u| u.name.clone()).unwrap_or_default(),
            unit_comune: unit.map(|u| u.comune.clone()).unwrap_or_default(),
            unit_address: unit.map(|u| u.address.clone()).unwrap_or_default(),
            unit_id: unit.map(|u| u.id.to_string()).unwrap_or_default(),
            change_id: String::new(),
            version: e.version.to_string(),
        }
    }
}

pub struct SizeOption {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/employers/form.html")]
pub struct FormPage {
    pub c: Chrome,
    pub f: EmployerForm,
    pub errors: FormErrors,
    pub action: String,
    pub title: &'static str,
    pub sizes: Vec<SizeOption>,
    pub conflict: Option<(String, String)>,
    pub cancel: String,
}

fn form_page(
    c: Chrome,
    f: EmployerForm,
    errors: FormErrors,
    action: String,
    title: &'static str,
    cancel: String,
) -> FormPage {
    // Unit errors come back as units[0].field; the form shows them by its own names.
    let errors = FormErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                if let Some(rest) = e.field.strip_prefix("units[0].") {
                    e.field = format!("unit_{rest}");
                }
                e
            })
            .collect(),
    );
    let sizes = SIZE_CLASSES
        .iter()
        .map(|(code, label)| SizeOption {
            code,
            label,
            selected: f.size_class == *code,
        })
        .collect();
    FormPage {
        c,
        f,
        errors,
        action,
        title,
        sizes,
        conflict: None,
        cancel,
    }
}

pub async fn new_form(c: Chrome) -> FormPage {
    form_page(
        c,
        EmployerForm::default(),
        FormErrors::default(),
        "/employers".into(),
        "Nuovo datore di lavoro",
        "/employers".into(),
    )
}

async fn after_save(
    c: Chrome,
    f: EmployerForm,
    action: String,
    title: &'static str,
    cancel: String,
    r: Result<EmployerView, AppError>,
) -> Result<Response, PageError> {
    match r {
        Ok(e) => {
            c.flash("Dati salvati.").await;
            Ok(Redirect::to(&format!("/employers/{}", e.id)).into_response())
        }
        Err(AppError::Validation(errs)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(c, f, FormErrors(errs), action, title, cancel),
        )
            .into_response()),
        Err(AppError::Conflict { message, existing }) => {
            let mut page = form_page(c, f, FormErrors::default(), action, title, cancel);
            page.conflict = Some((message, existing.unwrap_or_default()));
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Form(f): Form<EmployerForm>,
) -> Result<Response, PageError> {
    let r = st.app.create_employer(&actor, &f.input()).await;
    after_save(
        c,
        f,
        "/employers".into(),
        "Nuovo datore di lavoro",
        "/employers".into(),
        r,
    )
    .await
}

/// A comune's ISTAT code as the pickers show it, «Nome (PR)».
async fn comune_label(st: &AppState, code: &str) -> Result<String, PageError> {
    Ok(st
        .app
        .resolve_comune(code)
        .await?
        .map(|c| format!("{} ({})", c.name, c.province_sigla))
        .unwrap_or_else(|_| code.to_owned()))
}

pub async fn edit_form(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
    Query(q): Query<super::persons::EditQuery>,
) -> Result<FormPage, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    let e = st.app.employer_to_edit(&actor, id).await?;
    let mut f = EmployerForm::from_view(&e);
    if let Some(change) = some(&q.change) {
        let change = super::changes::to_apply(&st, &actor, Subject::Employer(id), &change).await?;
        for field in &change.view.fields {
            match field.field.as_str() {
                "tax_code" => f.tax_code = field.value.clone(),
                "is_public" => f.is_public = (field.value == "true").then(|| "on".to_owned()),
                _ => {}
            }
        }
        f.change_id = change.view.id.to_string();
    }
    f.legal_comune = comune_label(&st, &f.legal_comune).await?;
    if !f.unit_comune.is_empty() {
        f.unit_comune = comune_label(&st, &f.unit_comune).await?;
    }
    Ok(form_page(
        c,
        f,
        FormErrors::default(),
        format!("/employers/{id}/edit"),
        "Modifica datore di lavoro",
        format!("/employers/{id}"),
    ))
}

pub async fn update(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
    Form(f): Form<EmployerForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    // The form edits one unit; the employer's other units stay as they are.
    let current = st.app.employer_to_edit(&actor, id).await?;
    let mut input = f.input();
    input.units.extend(
        current
            .units
            .iter()
            .filter(|u| u.id.to_string() != f.unit_id.trim())
            .map(SiteInput::from),
    );
    let r = st.app.update_employer(&actor, id, &input).await;
    if let Err(AppError::Stale) = r {
        // Someone saved first: show what is there now, never overwrite it silently.
        let current = st.app.employer_to_edit(&actor, id).await?;
        let mut page = form_page(
            c,
            EmployerForm::from_view(&current),
            FormErrors::default(),
            format!("/employers/{id}/edit"),
            "Modifica datore di lavoro",
            format!("/employers/{id}"),
        );
        page.conflict = Some((AppError::Stale.to_string(), String::new()));
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    if r.is_ok() && actor.role.is_self_service() {
        let waiting = st
            .app
            .pending_changes(&actor, Subject::Employer(id))
            .await?;
        if !waiting.is_empty() {
            c.flash(super::changes::SENT_FOR_CHECK).await;
            return Ok(Redirect::to(&format!("/employers/{id}")).into_response());
        }
    }
    after_save(
        c,
        f,
        format!("/employers/{id}/edit"),
        "Modifica datore di lavoro",
        format!("/employers/{id}"),
        r,
    )
    .await
}
