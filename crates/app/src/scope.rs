//! Scope that cannot be forgotten. Every record says who owns it (`Owned`); a use case
//! reads a record through `authorize_read` and changes one through `authorize_change`,
//! whose `Authorized` answer is the only thing a repository saves; a search takes a
//! `ScopeFilter`, which only `ScopeFilter::of(actor)` builds. Outside the scope a record
//! answers "not found", so ids of other offices' records reveal nothing.

use crate::error::AppError;
use sportello_domain::access::{Actor, Owners, Permission, Scope};
use uuid::Uuid;

/// A record that knows the scopes owning it.
pub trait Owned {
    fn owners(&self) -> Owners;
}

/// A record the actor may save, checked before and after the change. Only this module
/// makes one, so a repository cannot be handed an unchecked record.
#[derive(Debug)]
pub struct Authorized<T>(T);

impl<T> Authorized<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Authorized<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The record as found (or not), if the actor has `permission` and the record lies in
/// the actor's scope: a missing record and one outside the scope answer alike.
pub fn authorize_read<T: Owned>(
    actor: &Actor,
    permission: Permission,
    found: Option<T>,
) -> Result<T, AppError> {
    if !actor.may(permission) {
        return Err(AppError::Forbidden);
    }
    match found {
        Some(r) if r.owners().covered_by(&actor.scope) => Ok(r),
        _ => Err(AppError::NotFound),
    }
}

/// A change from `before` (none for a new record) to `after`: both must lie in the
/// actor's scope. A `before` outside it answers "not found"; an `after` outside it answers
/// `outside` (the use case's words for where the change would take the record).
pub fn authorize_change<T: Owned>(
    actor: &Actor,
    permission: Permission,
    before: Option<&T>,
    after: T,
    outside: impl FnOnce() -> AppError,
) -> Result<Authorized<T>, AppError> {
    if !actor.may(permission) {
        return Err(AppError::Forbidden);
    }
    if before.is_some_and(|b| !b.owners().covered_by(&actor.scope)) {
        return Err(AppError::NotFound);
    }
    if !after.owners().covered_by(&actor.scope) {
        return Err(outside());
    }
    Ok(Authorized(after))
}

/// The filters an actor's searches carry: built from the actor only, never from what a
/// client sends, and a required argument of every scoped search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeFilter {
    office: Option<Uuid>,
    region: Option<String>,
    organisation: Option<Uuid>,
    person: Option<Uuid>,
    employer: Option<Uuid>,
}

impl ScopeFilter {
    pub fn of(actor: &Actor) -> Self {
        let none = ScopeFilter {
            office: None,
            region: None,
            organisation: None,
            person: None,
            employer: None,
        };
        match &actor.scope {
            Scope::Office(o) => ScopeFilter {
                office: Some(*o),
                ..none
            },
            Scope::Region(r) => ScopeFilter {
                region: r.clone(),
                ..none
            },
            Scope::Organisation(g) => ScopeFilter {
                organisation: Some(*g),
                ..none
            },
            Scope::Person(p) => ScopeFilter {
                person: Some(*p),
                ..none
            },
            Scope::Employer(e) => ScopeFilter {
                employer: Some(*e),
                ..none
            },
            Scope::Global => none,
        }
    }

    pub fn office(&self) -> Option<Uuid> {
        self.office
    }
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    pub fn organisation(&self) -> Option<Uuid> {
        self.organisation
    }
    pub fn person(&self) -> Option<Uuid> {
        self.person
    }
    pub fn employer(&self) -> Option<Uuid> {
        self.employer
    }

    /// Only a region (or nothing): for records owned by a region alone, such as users and
    /// tokens. Any narrower scope reaches none of them.
    pub fn region_only(&self) -> bool {
        self.office.is_none()
            && self.organisation.is_none()
            && self.person.is_none()
            && self.employer.is_none()
    }
}

/// Owners of a record that belongs to a region only (an office, a user, a token).
pub fn region_owners(region: Option<&str>) -> Owners {
    Owners {
        region: region.map(str::to_owned),
        ..Owners::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sportello_domain::registry::{PERSONS_READ, PERSONS_WRITE};
    use sportello_domain::role::Role;

    struct Rec(Owners);
    impl Owned for Rec {
        fn owners(&self) -> Owners {
            self.0.clone()
        }
    }

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor {
            user_id: None,
            token_id: None,
            name: "t".into(),
            role,
            scope,
        }
    }

    #[test]
    fn a_change_is_checked_before_and_after() {
        let mine = Uuid::now_v7();
        let other = Uuid::now_v7();
        let at = |o| {
            Rec(Owners {
                office: Some(o),
                ..Owners::default()
            })
        };
        let op = actor(Role::CpiOperator, Scope::Office(mine));
        let moved_out = authorize_change(&op, PERSONS_WRITE, Some(&at(mine)), at(other), || {
            AppError::Conflict {
                message: "fuori".into(),
                existing: None,
            }
        });
        assert!(matches!(moved_out, Err(AppError::Conflict { .. })));
        let taken_in = authorize_change(&op, PERSONS_WRITE, Some(&at(other)), at(mine), || {
            AppError::Forbidden
        });
        assert!(matches!(taken_in, Err(AppError::NotFound)));
        assert!(
            authorize_change(&op, PERSONS_WRITE, None, at(mine), || {
                AppError::Forbidden
            })
            .is_ok()
        );
        assert!(matches!(
            authorize_read(&op, PERSONS_READ, Some(at(other))),
            Err(AppError::NotFound)
        ));
        let auditor = actor(Role::Auditor, Scope::Global);
        assert!(matches!(
            authorize_read(&auditor, PERSONS_READ, Some(at(mine))),
            Err(AppError::Forbidden)
        ));
    }

    #[test]
    fn the_filter_comes_from_the_actor() {
        let o = Uuid::now_v7();
        let f = ScopeFilter::of(&actor(Role::CpiOperator, Scope::Office(o)));
        assert_eq!(f.office(), Some(o));
        assert!(!f.region_only());
        let f = ScopeFilter::of(&actor(
            Role::RegionalAdmin,
            Scope::Region(Some("09".into())),
        ));
        assert_eq!(f.region(), Some("09"));
        assert!(f.region_only());
    }
}
