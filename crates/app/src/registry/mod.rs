//! The registry: persons, employers, offices, accredited organisations and the reference
//! data they point to. Every read checks the record's owners against the actor's scope;
//! every write is audited with before and after.

pub mod employers;
pub mod offices;
pub mod organisations;
pub mod persons;
pub mod reference;
mod validate;

use crate::error::AppError;
use sportello_domain::access::{Actor, Owners, Permission, Scope};

/// Refuses unless the actor has `permission` on a record owned by `owners`. Out of scope
/// answers "not found", so ids of other offices' records reveal nothing.
pub(crate) fn authorize(
    actor: &Actor,
    permission: Permission,
    owners: &Owners,
) -> Result<(), AppError> {
    if !actor.may(permission) {
        return Err(AppError::Forbidden);
    }
    if !owners.covered_by(&actor.scope) {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The scope filters an actor's searches must carry.
#[derive(Debug, Default, Clone)]
pub(crate) struct ScopeFilter {
    pub office: Option<uuid::Uuid>,
    pub region: Option<String>,
    pub organisation: Option<uuid::Uuid>,
    pub person: Option<uuid::Uuid>,
    pub employer: Option<uuid::Uuid>,
}

pub(crate) fn scope_filter(scope: &Scope) -> ScopeFilter {
    match scope {
        Scope::Office(o) => ScopeFilter {
            office: Some(*o),
            ..Default::default()
        },
        Scope::Region(r) => ScopeFilter {
            region: r.clone(),
            ..Default::default()
        },
        Scope::Organisation(g) => ScopeFilter {
            organisation: Some(*g),
            ..Default::default()
        },
        Scope::Person(p) => ScopeFilter {
            person: Some(*p),
            ..Default::default()
        },
        Scope::Employer(e) => ScopeFilter {
            employer: Some(*e),
            ..Default::default()
        },
        Scope::Global => ScopeFilter::default(),
    }
}

/// A change made from `given` (the version the caller read: ETag or the form's hidden
/// field) applies only if the record is still at that version.
pub(crate) fn same_version(current: i64, given: Option<i64>) -> Result<(), AppError> {
    match given {
        Some(v) if v != current => Err(AppError::Stale),
        _ => Ok(()),
    }
}
