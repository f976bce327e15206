//! The registry: persons, employers, offices, accredited organisations and the reference
//! data they point to. Every read checks the record's owners against the actor's scope
//! (`crate::scope`); every write is audited with before and after, in its transaction.

pub mod changes;
pub mod employers;
pub mod offices;
pub mod organisations;
pub mod persons;
pub mod ports;
pub mod reference;
mod validate;

use crate::error::AppError;

/// A change made from `given` (the version the caller read: ETag or the form's hidden
/// field) applies only if the record is still at that version.
pub(crate) fn same_version(current: i64, given: Option<i64>) -> Result<(), AppError> {
    match given {
        Some(v) if v != current => Err(AppError::Stale),
        _ => Ok(()),
    }
}
