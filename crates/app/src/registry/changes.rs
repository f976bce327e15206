//! Self-service proposes, an operator validates. What a citizen changes of the data the
//! office certifies (codice fiscale, names, birth data, citizenship), and what an employer
//! changes of its tax code or public status, is kept as a change request; an operator
//! applies it through the record's edit form, checked like their own change, or refuses it
//! with a reason.

use super::ports::{ChangeRequestRecord, ChangeStatus, Subject};
use crate::accounts::audit_draft;
use crate::error::AppError;
use crate::scope::authorize_read;
use crate::uow::WriteTx;
use crate::{App, now};
use serde::Serialize;
use serde_json::json;
use sportello_domain::access::{Actor, Permission};
use sportello_domain::italian_time::format_date;
use sportello_domain::registry::{CHANGES_VALIDATE, EMPLOYERS_READ, PERSONS_READ};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The fields a person's self-service cannot change directly, with their labels.
pub const PERSON_CERTIFIED: [(&str, &str); 7] = [
    ("codice_fiscale", "Codice fiscale"),
    ("surname", "Cognome"),
    ("name", "Nome"),
    ("birth_date", "Data di nascita"),
    ("sex", "Sesso"),
    ("birth_place_code", "Luogo di nascita"),
    ("citizenship", "Cittadinanza"),
];

/// The fields an employer's self-service cannot change directly.
pub const EMPLOYER_CERTIFIED: [(&str, &str); 2] = [
    ("tax_code", "Codice fiscale o partita IVA"),
    ("is_public", "Datore di lavoro pubblico"),
];

/// One proposed field, as an operator reads it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangedField {
    pub field: String,
    pub label: String,
    /// The registered value and the proposed one, as a person reads them.
    pub current: String,
    pub proposed: String,
    /// The proposed value as the record keeps it (codes, ISO dates).
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeView {
    pub id: Uuid,
    pub proposed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: time::OffsetDateTime,
    pub fields: Vec<ChangedField>,
    /// For a refused request: when, and the reason the person reads.
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub decided_at: Option<time::OffsetDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// How long a person keeps reading on their card that a request of theirs was refused.
pub const REFUSAL_SHOWN_DAYS: i64 = 30;

/// How a stored value reads on a page: dates as gg/mm/aaaa, places and countries by name.
fn readable(field: &str, value: &str, country: impl Fn(&str) -> Option<String>) -> String {
    match field {
        "birth_date" => {
            time::Date::parse(value, &time::format_description::well_known::Iso8601::DATE)
                .map(format_date)
                .unwrap_or_else(|_| value.to_owned())
        }
        "birth_place_code" => sportello_domain::places::lookup(value)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| value.to_owned()),
        "citizenship" => country(value).unwrap_or_else(|| value.to_owned()),
        "sex" => match value {
            "M" => "maschile".to_owned(),
            "F" => "femminile".to_owned(),
            other => other.to_owned(),
        },
        "is_public" => match value {
            "true" => "sì".to_owned(),
            _ => "no".to_owned(),
        },
        _ => value.to_owned(),
    }
}

fn read_of(subject: Subject) -> Permission {
    match subject {
        Subject::Person(_) => PERSONS_READ,
        Subject::Employer(_) => EMPLOYERS_READ,
    }
}

fn labels(subject: Subject) -> &'static [(&'static str, &'static str)] {
    match subject {
        Subject::Person(_) => &PERSON_CERTIFIED,
        Subject::Employer(_) => &EMPLOYER_CERTIFIED,
    }
}

impl App {
    /// The subject, if the actor may use `permission` on it.
    async fn authorize_subject(
        &self,
        actor: &Actor,
        permission: Permission,
        subject: Subject,
    ) -> Result<BTreeMap<String, String>, AppError> {
        Ok(match subject {
            Subject::Person(id) => {
                let p = authorize_read(actor, permission, self.store.person(id).await?)?;
                BTreeMap::from([
                    ("codice_fiscale".into(), p.codice_fiscale),
                    ("surname".into(), p.surname),
                    ("name".into(), p.name),
                    ("birth_date".into(), p.birth_date.to_string()),
                    ("sex".into(), p.sex),
                    ("birth_place_code".into(), p.birth_place_code),
                    ("citizenship".into(), p.citizenship),
                ])
            }
            Subject::Employer(id) => {
                let e = authorize_read(actor, permission, self.store.employer(id).await?)?;
                BTreeMap::from([
                    ("tax_code".into(), e.tax_code),
                    ("is_public".into(), e.is_public.to_string()),
                ])
            }
        })
    }

    /// The requests about a record still waiting for an operator: whoever may read the
    /// record sees them (the citizen their own, the office its persons').
    pub async fn pending_changes(
        &self,
        actor: &Actor,
        subject: Subject,
    ) -> Result<Vec<ChangeView>, AppError> {
        let current = self
            .authorize_subject(actor, read_of(subject), subject)
            .await?;
        let records = self.store.pending_changes(subject).await?;
        self.change_views(subject, &current, records).await
    }

    /// The requests about a record refused in the last [`REFUSAL_SHOWN_DAYS`] days, newest
    /// first, so the person reads why their data did not change.
    pub async fn refused_changes(
        &self,
        actor: &Actor,
        subject: Subject,
    ) -> Result<Vec<ChangeView>, AppError> {
        let current = self
            .authorize_subject(actor, read_of(subject), subject)
            .await?;
        let since = now() - time::Duration::days(REFUSAL_SHOWN_DAYS);
        let records = self.store.refused_since(subject, since).await?;
        self.change_views(subject, &current, records).await
    }

    async fn change_views(
        &self,
        subject: Subject,
        current: &BTreeMap<String, String>,
        records: Vec<ChangeRequestRecord>,
    ) -> Result<Vec<ChangeView>, AppError> {
        let mut out = Vec::new();
        for c in records {
            let mut fields = Vec::new();
            for (field, label) in labels(subject) {
                let Some(proposed) = c.proposed.get(*field) else {
                    continue;
                };
                let mut names = BTreeMap::new();
                if *field == "citizenship" {
                    for code in [proposed, current.get(*field).unwrap_or(proposed)] {
                        if let Some(n) = self.store.country_name(code).await? {
                            names.insert(code.clone(), n);
                        }
                    }
                }
                let country = |code: &str| names.get(code).cloned();
                fields.push(ChangedField {
                    field: (*field).to_owned(),
                    label: (*label).to_owned(),
                    current: readable(
                        field,
                        current.get(*field).map_or("", String::as_str),
                        country,
                    ),
                    proposed: readable(field, proposed, country),
                    value: proposed.clone(),
                });
            }
            out.push(ChangeView {
                id: c.id,
                proposed_by: c.proposed_by,
                created_at: c.created_at,
                fields,
                decided_at: c.decided_at,
                reason: c.reason,
            });
        }
        Ok(out)
    }

    /// The values a pending request proposes, for the operator's edit form to start from.
    pub async fn change_to_apply(
        &self,
        actor: &Actor,
        subject: Subject,
        id: Uuid,
    ) -> Result<BTreeMap<String, String>, AppError> {
        self.authorize_subject(actor, CHANGES_VALIDATE, subject)
            .await?;
        self.store
            .pending_changes(subject)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .map(|c| c.proposed)
            .ok_or(AppError::NotFound)
    }

    /// Refuses a pending request, with the reason the person will read.
    pub async fn refuse_change(
        &self,
        actor: &Actor,
        subject: Subject,
        id: Uuid,
        reason: &str,
    ) -> Result<(), AppError> {
        self.authorize_subject(actor, CHANGES_VALIDATE, subject)
            .await?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(AppError::invalid(
                "reason",
                "required",
                "Indicare il motivo del rifiuto (al massimo 1000 caratteri): la persona lo leggerà",
            ));
        }
        if sportello_domain::text::forbidden_char(reason).is_some() {
            return Err(AppError::invalid(
                "reason",
                "characters",
                "Contiene caratteri non ammessi",
            ));
        }
        let mut tx = self.begin().await?;
        decide(
            &mut *tx,
            actor,
            subject,
            id,
            ChangeStatus::Refused,
            Some(reason),
        )
        .await?;
        Ok(tx.commit().await?)
    }
}

/// Keeps what a self-service user proposes for certified data, in the transaction that
/// saves the rest of their change. A record has at most one pending request: a new proposal
/// takes over the earlier ones (their fields included, the newer value winning), so the
/// operator checks one request against one document.
pub(crate) async fn propose(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    subject: Subject,
    mut proposed: BTreeMap<String, String>,
) -> Result<(), AppError> {
    let earlier = tx.changes().pending_for_update(subject).await?;
    for old in &earlier {
        for (field, value) in &old.proposed {
            proposed
                .entry(field.clone())
                .or_insert_with(|| value.clone());
        }
    }
    if let [only] = earlier.as_slice()
        && only.proposed == proposed
    {
        return Ok(()); // the same proposal saved again
    }
    let id = Uuid::now_v7();
    for old in earlier {
        let reason = format!("Sostituita dalla richiesta {id}");
        decide(
            tx,
            actor,
            subject,
            old.id,
            ChangeStatus::Superseded,
            Some(&reason),
        )
        .await?;
    }
    let change = ChangeRequestRecord {
        id,
        subject,
        proposed,
        proposed_by: actor.name.clone(),
        created_at: now(),
        status: ChangeStatus::Pending,
        decided_by: None,
        decided_at: None,
        reason: None,
    };
    tx.changes().insert_change(&change).await?;
    let (entity, record) = entity_of(subject);
    let mut audit = audit_draft(actor, "propose_change", entity, Some(record.to_string()));
    audit.after = Some(json!({ "change": change.id, "proposed": change.proposed }));
    tx.audit(audit);
    Ok(())
}

fn entity_of(subject: Subject) -> (&'static str, Uuid) {
    match subject {
        Subject::Person(id) => ("person", id),
        Subject::Employer(id) => ("employer", id),
    }
}

/// Closes a pending request about `subject` as `status`, with its audit entry, inside the
/// caller's transaction (applying one saves the record in the same transaction).
pub(crate) async fn decide(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    subject: Subject,
    id: Uuid,
    status: ChangeStatus,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let mut change = tx
        .changes()
        .change_for_update(id)
        .await?
        .filter(|c| c.subject == subject)
        .ok_or(AppError::NotFound)?;
    if change.status != ChangeStatus::Pending {
        return Err(AppError::Conflict {
            message: "La richiesta di modifica è già stata gestita".into(),
            existing: None,
        });
    }
    change.status = status;
    change.decided_by = Some(actor.name.clone());
    change.decided_at = Some(now());
    change.reason = reason.map(str::to_owned);
    tx.changes().close_change(&change).await?;
    let (entity, record) = entity_of(subject);
    let action = match status {
        ChangeStatus::Applied => "apply_change",
        ChangeStatus::Superseded => "supersede_change",
        ChangeStatus::Pending | ChangeStatus::Refused => "refuse_change",
    };
    let mut audit = audit_draft(actor, action, entity, Some(record.to_string()));
    audit.after = Some(json!({ "change": id, "reason": reason }));
    tx.audit(audit);
    Ok(())
}
