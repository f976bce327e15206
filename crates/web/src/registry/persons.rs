//! Person pages: search, card, create and edit with live codice fiscale check.

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
use sportello_app::registry::persons::{CHANNELS, PersonInput, PersonSearch, PersonView};
use sportello_app::registry::ports::Subject;
use sportello_app::rules::{CodiceFiscaleCheck, check_codice_fiscale};
use sportello_domain::italian_time::{format_date, format_datetime, parse_date};
use sportello_domain::registry::PERSONS_WRITE;
use uuid::Uuid;

pub const PAGE: u64 = 25;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub comune: String,
    /// Continue after this person (their id): the next page.
    pub cursor: Option<String>,
    /// Continue before this person: the previous page.
    pub before: Option<String>,
}

pub struct Row {
    pub id: Uuid,
    pub codice_fiscale: String,
    pub full_name: String,
    pub birth_date: String,
    pub comune: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/persons/search.html")]
pub struct SearchPage {
    pub c: Chrome,
    pub q: SearchQuery,
    pub rows: Vec<Row>,
    pub searched: bool,
    /// Whether any criterion was given (else the list is everyone in the scope).
    pub criteria: bool,
    /// Query strings of the previous and next pages, when there are.
    pub prev: Option<String>,
    pub next: Option<String>,
    pub can_create: bool,
    pub error: Option<String>,
}

pub async fn search(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Query(q): Query<SearchQuery>,
) -> Result<SearchPage, PageError> {
    let mut error = None;
    let comune = if q.comune.trim().is_empty() {
        None
    } else {
        match st.app.resolve_comune(&q.comune).await? {
            Ok(c) => Some(c.istat_code),
            Err(m) => {
                error = Some(m);
                None
            }
        }
    };
    let search = PersonSearch {
        q: Some(q.q.clone()),
        comune,
        ..Default::default()
    };
    // No criteria lists the persons of the actor's scope, by name: never an empty page.
    let searched = error.is_none();
    let criteria = !search.is_empty();
    // One row more than a page tells whether there is a page beyond this one.
    let mut found = match (searched, &q.before, &q.cursor) {
        (false, _, _) => vec![],
        (true, Some(b), _) => {
            st.app
                .search_persons_before(&actor, &search, b, PAGE + 1)
                .await?
        }
        (true, None, c) => {
            st.app
                .search_persons(&actor, &search, c.as_deref(), PAGE + 1)
                .await?
        }
    };
    let beyond = found.len() as u64 > PAGE;
    let (more_before, more_after) = if q.before.is_some() {
        if beyond {
            found.remove(0);
        }
        (beyond, true)
    } else {
        found.truncate(PAGE as usize);
        (q.cursor.is_some(), beyond)
    };
    let link = |key: &str, p: &PersonView| {
        serde_urlencoded::to_string([
            ("q", q.q.as_str()),
            ("comune", q.comune.as_str()),
            (key, p.id.to_string().as_str()),
        ])
        .unwrap_or_default()
    };
    let next = more_after
        .then(|| found.last().map(|p| link("cursor", p)))
        .flatten();
    let prev = more_before
        .then(|| found.first().map(|p| link("before", p)))
        .flatten();
    Ok(SearchPage {
        rows: found
            .into_iter()
            .map(|p| Row {
                id: p.id,
                codice_fiscale: p.codice_fiscale,
                full_name: format!("{} {}", p.surname, p.name),
                birth_date: format_date(p.birth_date),
                comune: p.domicile_comune_name,
            })
            .collect(),
        can_create: actor.may(PERSONS_WRITE),
        c,
        q,
        searched,
        criteria,
        next,
        prev,
        error,
    })
}

pub struct Card {
    pub p: PersonView,
    pub birth_date: String,
    pub created_at: String,
    pub updated_at: String,
    pub channel: &'static str,
    pub office: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/persons/card.html")]
pub struct CardPage {
    pub c: Chrome,
    pub card: Card,
    pub can_edit: bool,
    /// Proposals of the person for certified data: waiting, or refused lately.
    pub changes: super::changes::CardChanges,
    /// Where the card's own pages start (the edit form, the refusal).
    pub edit_base: String,
}

fn channel_label(code: &str) -> &'static str {
    CHANNELS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("—")
}

pub async fn card(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
) -> Result<CardPage, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    let p = st.app.get_person(&actor, id).await?;
    let office = match p.office_id {
        Some(o) => st
            .app
            .get_office(&actor, o)
            .await
            .map(|(o, _)| o.name)
            .unwrap_or_else(|_| o.to_string()),
        None => "Nessun ufficio competente per il comune di domicilio".to_owned(),
    };
    let changes = super::changes::on_card(&st, &actor, Subject::Person(id)).await?;
    Ok(CardPage {
        changes,
        edit_base: format!("/persons/{id}"),
        card: Card {
            birth_date: format_date(p.birth_date),
            created_at: format_datetime(p.created_at),
            updated_at: format_datetime(p.updated_at),
            channel: channel_label(&p.preferred_channel),
            office,
            p,
        },
        can_edit: actor.may(PERSONS_WRITE),
        c,
    })
}

/// The person form as typed: every field a string, so a wrong value comes back as typed.
#[derive(Deserialize, Default, Clone)]
pub struct PersonForm {
    #[serde(default)]
    pub codice_fiscale: String,
    #[serde(default)]
    pub surname: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub citizenship: String,
    #[serde(default)]
    pub domicile_comune: String,
    #[serde(default)]
    pub domicile_address: String,
    #[serde(default)]
    pub residence_comune: String,
    #[serde(default)]
    pub residence_address: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub preferred_channel: String,
    pub confirm_birth_data: Option<String>,
    pub confirm_name_letters: Option<String>,
    pub confirm_not_duplicate: Option<String>,
    /// The version the form was opened at (hidden): a save over a newer one is refused.
    #[serde(default)]
    pub version: String,
    /// The person's change request this save applies (hidden), when an operator opened
    /// the form from it.
    #[serde(default)]
    pub change_id: String,
}

fn some(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_owned())
}

impl PersonForm {
    fn input(&self) -> Result<PersonInput, AppError> {
        let birth_date = match some(&self.birth_date) {
            None => None,
            Some(d) => Some(
                parse_date(&d)
                    .map_err(|e| AppError::invalid("birth_date", "date", e.message(&d)))?,
            ),
        };
        Ok(PersonInput {
            codice_fiscale: self.codice_fiscale.clone(),
            surname: self.surname.clone(),
            name: self.name.clone(),
            birth_date,
            sex: some(&self.sex),
            birth_place_code: None,
            citizenship: some(&self.citizenship),
            residence_comune: some(&self.residence_comune),
            residence_address: some(&self.residence_address),
            domicile_comune: self.domicile_comune.clone(),
            domicile_address: self.domicile_address.clone(),
            email: some(&self.email),
            phone: some(&self.phone),
            preferred_channel: some(&self.preferred_channel),
            confirm_birth_data: self.confirm_birth_data.is_some(),
            confirm_name_letters: self.confirm_name_letters.is_some(),
            confirm_not_duplicate: self.confirm_not_duplicate.is_some(),
            version: self.version.trim().parse().ok(),
            change_id: some(&self.change_id)
                .map(|c| Uuid::parse_str(&c).map_err(|_| AppError::NotFound))
                .transpose()?,
        })
    }

    fn from_view(p: &PersonView) -> Self {
        Self {
            codice_fiscale: p.codice_fiscale.clone(),
            surname: p.surname.clone(),
            name: p.name.clone(),
            birth_date: format_date(p.birth_date),
            sex: p.sex.clone(),
            citizenship: p.citizenship_name.clone(),
            domicile_comune: p.domicile_comune_name.clone(),
            domicile_address: p.domicile_address.clone(),
            residence_comune: p.residence_comune_name.clone().unwrap_or_default(),
            residence_address: p.residence_address.clone().unwrap_or_default(),
            email: p.email.clone().unwrap_or_default(),
            phone: p.phone.clone().unwrap_or_default(),
            preferred_channel: p.preferred_channel.clone(),
            confirm_birth_data: p.birth_data_confirmed.then(|| "on".to_owned()),
            // A stored name was already accepted: editing other fields does not ask again.
            confirm_name_letters: Some("on".to_owned()),
            confirm_not_duplicate: Some("on".to_owned()),
            version: p.version.to_string(),
            change_id: String::new(),
        }
    }

    /// The form as a person's change request proposes it: the operator checks it against
    /// the documents (confirmations asked again) and saves.
    fn with_change(mut self, change: &super::changes::ShownChange) -> Self {
        for f in &change.view.fields {
            let v = f.value.clone();
            match f.field.as_str() {
                "codice_fiscale" => self.codice_fiscale = v,
                "surname" => self.surname = v,
                "name" => self.name = v,
                "sex" => self.sex = v,
                "birth_date" => self.birth_date = f.proposed.clone(),
                "citizenship" => self.citizenship = f.proposed.clone(),
                _ => {}
            }
        }
        self.confirm_birth_data = None;
        self.confirm_name_letters = None;
        self.change_id = change.view.id.to_string();
        self
    }
}

pub struct ChannelOption {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/persons/form.html")]
pub struct FormPage {
    pub c: Chrome,
    /// Set when the form applies a person's change request: who proposed it, and when.
    pub applying: Option<String>,
    pub f: PersonForm,
    pub errors: FormErrors,
    pub action: String,
    pub title: &'static str,
    pub channels: Vec<ChannelOption>,
    pub check: Option<CodiceFiscaleCheck>,
    pub conflict: Option<(String, String)>,
    pub cancel: String,
}

fn form_page(
    c: Chrome,
    f: PersonForm,
    errors: FormErrors,
    action: String,
    title: &'static str,
    cancel: String,
) -> FormPage {
    let channels = CHANNELS
        .iter()
        .map(|(code, label)| ChannelOption {
            code,
            label,
            selected: if f.preferred_channel.is_empty() {
                *code == "post"
            } else {
                f.preferred_channel == *code
            },
        })
        .collect();
    let check =
        some(&f.codice_fiscale).map(|cf| check_codice_fiscale(&cf, sportello_app::now().date()));
    let applying = (!f.change_id.is_empty()).then(|| {
        "Sta applicando una richiesta di modifica della persona: verifichi i dati con un documento d'identità prima di salvare.".to_owned()
    });
    FormPage {
        c,
        applying,
        f,
        errors,
        action,
        title,
        channels,
        check,
        conflict: None,
        cancel,
    }
}

pub async fn new_form(c: Chrome) -> FormPage {
    form_page(
        c,
        PersonForm::default(),
        FormErrors::default(),
        "/persons".into(),
        "Nuova persona",
        "/persons".into(),
    )
}

/// Renders the outcome of a save: a redirect to the card, or the form with its errors.
async fn after_save(
    c: Chrome,
    f: PersonForm,
    action: String,
    title: &'static str,
    cancel: String,
    r: Result<PersonView, AppError>,
) -> Result<Response, PageError> {
    match r {
        Ok(p) => {
            c.flash("Dati salvati.").await;
            Ok(Redirect::to(&format!("/persons/{}", p.id)).into_response())
        }
        Err(AppError::Validation(errs)) => {
            let page = form_page(c, f, FormErrors(errs), action, title, cancel);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
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
    Form(f): Form<PersonForm>,
) -> Result<Response, PageError> {
    let r = match f.input() {
        Ok(input) => st.app.create_person(&actor, &input).await,
        Err(e) => Err(e),
    };
    after_save(
        c,
        f,
        "/persons".into(),
        "Nuova persona",
        "/persons".into(),
        r,
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct EditQuery {
    /// A change request to apply.
    #[serde(default)]
    pub change: String,
}

pub async fn edit_form(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
    Query(q): Query<EditQuery>,
) -> Result<FormPage, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    let p = st.app.person_to_edit(&actor, id).await?;
    let mut form = PersonForm::from_view(&p);
    if let Some(change) = some(&q.change) {
        let change = super::changes::to_apply(&st, &actor, Subject::Person(id), &change).await?;
        form = form.with_change(&change);
    }
    Ok(form_page(
        c,
        form,
        FormErrors::default(),
        format!("/persons/{id}/edit"),
        "Modifica persona",
        format!("/persons/{id}"),
    ))
}

pub async fn update(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(raw): Path<String>,
    Form(f): Form<PersonForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    let r = match f.input() {
        Ok(input) => st.app.update_person(&actor, id, &input).await,
        Err(e) => Err(e),
    };
    if let Err(AppError::Stale) = r {
        // Someone saved first: show what is there now, never overwrite it silently.
        let current = st.app.person_to_edit(&actor, id).await?;
        let mut page = form_page(
            c,
            PersonForm::from_view(&current),
            FormErrors::default(),
            format!("/persons/{id}/edit"),
            "Modifica persona",
            format!("/persons/{id}"),
        );
        page.conflict = Some((AppError::Stale.to_string(), String::new()));
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    if r.is_ok() && actor.role.is_self_service() {
        let waiting = st.app.pending_changes(&actor, Subject::Person(id)).await?;
        if !waiting.is_empty() {
            c.flash(super::changes::SENT_FOR_CHECK).await;
            return Ok(Redirect::to(&format!("/persons/{id}")).into_response());
        }
    }
    after_save(
        c,
        f,
        format!("/persons/{id}/edit"),
        "Modifica persona",
        format!("/persons/{id}"),
        r,
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct CfQuery {
    #[serde(default)]
    codice_fiscale: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/persons/cf_feedback.html")]
pub struct CfFeedback {
    pub check: Option<CodiceFiscaleCheck>,
}

/// The live check under the codice fiscale field (htmx swaps it in as the person types).
pub async fn cf_feedback(Query(q): Query<CfQuery>) -> CfFeedback {
    CfFeedback {
        check: some(&q.codice_fiscale)
            .map(|cf| check_codice_fiscale(&cf, sportello_app::now().date())),
    }
}
