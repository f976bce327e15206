//! Change requests on the cards of persons and employers: what the person or the employer
//! proposed, applied by an operator through the edit form or refused with a reason.

use crate::access::CurrentActor;
use crate::error::PageError;
use crate::extract::Form;
use crate::page::{Chrome, FormErrors};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sportello_app::AppError;
use sportello_app::registry::changes::ChangeView;
use sportello_app::registry::ports::Subject;
use sportello_domain::access::Actor;
use sportello_domain::italian_time::format_datetime;
use sportello_domain::registry::CHANGES_VALIDATE;
use uuid::Uuid;

/// What a citizen or an employer reads after a save that changed certified data.
pub const SENT_FOR_CHECK: &str = "Dati salvati. Le modifiche ai dati che il Centro per l'Impiego certifica sono state inviate all'ufficio, che le verificherà con un documento: fino ad allora resta valido il dato registrato.";

/// A change request as a card shows it, its times as a person reads them.
pub struct ShownChange {
    pub view: ChangeView,
    pub created_at: String,
    pub decided_at: String,
}

fn shown(views: Vec<ChangeView>) -> Vec<ShownChange> {
    views
        .into_iter()
        .map(|view| ShownChange {
            created_at: format_datetime(view.created_at),
            decided_at: view.decided_at.map(format_datetime).unwrap_or_default(),
            view,
        })
        .collect()
}

/// The requests a card shows: those waiting for the office, and those it refused lately.
pub struct CardChanges {
    pub pending: Vec<ShownChange>,
    pub refused: Vec<ShownChange>,
    pub can_validate: bool,
}

pub async fn on_card(
    st: &AppState,
    actor: &Actor,
    subject: Subject,
) -> Result<CardChanges, AppError> {
    Ok(CardChanges {
        pending: pending(st, actor, subject).await?,
        refused: shown(st.app.refused_changes(actor, subject).await?),
        can_validate: actor.may(CHANGES_VALIDATE),
    })
}

async fn pending(
    st: &AppState,
    actor: &Actor,
    subject: Subject,
) -> Result<Vec<ShownChange>, AppError> {
    Ok(shown(st.app.pending_changes(actor, subject).await?))
}

/// The pending request `raw` names, if the actor may apply it.
pub async fn to_apply(
    st: &AppState,
    actor: &Actor,
    subject: Subject,
    raw: &str,
) -> Result<ShownChange, AppError> {
    let id = Uuid::parse_str(raw).map_err(|_| AppError::NotFound)?;
    st.app.change_to_apply(actor, subject, id).await?;
    pending(st, actor, subject)
        .await?
        .into_iter()
        .find(|c| c.view.id == id)
        .ok_or(AppError::NotFound)
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/change_refuse.html")]
pub struct RefusePage {
    pub c: Chrome,
    pub change: ShownChange,
    pub card: String,
    pub action: String,
    pub reason: String,
    pub errors: FormErrors,
}

fn subject_of(kind: &str, raw: &str) -> Result<(Subject, String), AppError> {
    let id = Uuid::parse_str(raw).map_err(|_| AppError::NotFound)?;
    Ok(match kind {
        "persons" => (Subject::Person(id), format!("/persons/{id}")),
        _ => (Subject::Employer(id), format!("/employers/{id}")),
    })
}

async fn refuse_form(
    st: AppState,
    actor: Actor,
    c: Chrome,
    kind: &str,
    (raw, change): (String, String),
) -> Result<RefusePage, PageError> {
    let (subject, card) = subject_of(kind, &raw)?;
    let change = to_apply(&st, &actor, subject, &change).await?;
    Ok(RefusePage {
        action: format!("{card}/changes/{}/refuse", change.view.id),
        c,
        change,
        card,
        reason: String::new(),
        errors: FormErrors::default(),
    })
}

pub async fn refuse_person_form(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(ids): Path<(String, String)>,
) -> Result<RefusePage, PageError> {
    refuse_form(st, actor, c, "persons", ids).await
}

pub async fn refuse_employer_form(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(ids): Path<(String, String)>,
) -> Result<RefusePage, PageError> {
    refuse_form(st, actor, c, "employers", ids).await
}

#[derive(Deserialize, Default)]
pub struct RefuseForm {
    #[serde(default)]
    reason: String,
}

async fn refuse(
    st: AppState,
    actor: Actor,
    c: Chrome,
    kind: &str,
    (raw, change): (String, String),
    f: RefuseForm,
) -> Result<Response, PageError> {
    let (subject, card) = subject_of(kind, &raw)?;
    let id = Uuid::parse_str(&change).map_err(|_| AppError::NotFound)?;
    match st.app.refuse_change(&actor, subject, id, &f.reason).await {
        Ok(()) => {
            c.flash("Richiesta di modifica respinta: la persona vedrà il motivo.")
                .await;
            Ok(Redirect::to(&card).into_response())
        }
        Err(AppError::Validation(errs)) => {
            let mut page = refuse_form(st, actor, c, kind, (raw, change)).await?;
            page.reason = f.reason;
            page.errors = FormErrors(errs);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn refuse_person(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(ids): Path<(String, String)>,
    Form(f): Form<RefuseForm>,
) -> Result<Response, PageError> {
    refuse(st, actor, c, "persons", ids, f).await
}

pub async fn refuse_employer(
    State(st): State<AppState>,
    CurrentActor(actor): CurrentActor,
    c: Chrome,
    Path(ids): Path<(String, String)>,
    Form(f): Form<RefuseForm>,
) -> Result<Response, PageError> {
    refuse(st, actor, c, "employers", ids, f).await
}
