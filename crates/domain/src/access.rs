//! Authorization as one mechanism: a role grants permissions, a scope decides which records.
//! The default is no: a permission not listed for a role is refused, and a record whose
//! owners do not include the actor's scope is refused.

use crate::role::{Role, ScopeKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who holds a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Holders {
    /// Anyone, even without an account.
    Anyone,
    /// Any signed-in user.
    SignedIn,
    Roles(&'static [Role]),
}

/// A permission: a name and the roles that hold it. Each bounded context declares its
/// own next to its types (`registry::PERSONS_READ`, `audit::AUDIT_READ`,
/// `accounts::USERS_MANAGE`); the kernel declares only `PUBLIC` and `AUTHENTICATED`. A
/// role not listed is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Permission {
    code: &'static str,
    holders: Holders,
}

impl Permission {
    /// Anyone, even without an account (login page, public calculators, public data).
    pub const PUBLIC: Permission = Permission {
        code: "public",
        holders: Holders::Anyone,
    };
    /// Any signed-in user (home page, own account, logout).
    pub const AUTHENTICATED: Permission = Permission {
        code: "authenticated",
        holders: Holders::SignedIn,
    };

    /// A permission held by `roles`.
    pub const fn of(code: &'static str, roles: &'static [Role]) -> Self {
        Permission {
            code,
            holders: Holders::Roles(roles),
        }
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn granted_to(&self, role: Role) -> bool {
        match self.holders {
            Holders::Anyone | Holders::SignedIn => true,
            Holders::Roles(roles) => roles.contains(&role),
        }
    }
}

/// Whether `role` holds `permission`.
pub fn grants(role: Role, permission: Permission) -> bool {
    permission.granted_to(role)
}

/// The one thing an actor's scope points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    Person(Uuid),
    Office(Uuid),
    Organisation(Uuid),
    Employer(Uuid),
    /// A region by its ISTAT code ("09" Toscana); `None` for every region.
    Region(Option<String>),
    Global,
}

impl Scope {
    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::Person(_) => ScopeKind::Person,
            Scope::Office(_) => ScopeKind::Office,
            Scope::Organisation(_) => ScopeKind::Organisation,
            Scope::Employer(_) => ScopeKind::Employer,
            Scope::Region(_) => ScopeKind::Region,
            Scope::Global => ScopeKind::Global,
        }
    }

    /// Whether every record a principal with scope `inner` could reach is also reachable
    /// through this scope, so an actor with this scope may grant `inner` to a user or a
    /// token. `inner_owners` are the owners of the record `inner` points at (the office,
    /// the person, …; a region's scope is owned by that region). National scopes contain
    /// every scope; any other scope never contains a national one.
    pub fn contains(&self, inner: &Scope, inner_owners: &Owners) -> bool {
        match self {
            Scope::Global | Scope::Region(None) => true,
            _ if self == inner => true,
            _ if inner.is_national() => false,
            _ => inner_owners.covered_by(self),
        }
    }

    /// Whether the scope reaches every region.
    pub fn is_national(&self) -> bool {
        matches!(self, Scope::Global | Scope::Region(None))
    }

    /// Storage form: (kind, reference) columns.
    pub fn to_parts(&self) -> (&'static str, Option<String>) {
        match self {
            Scope::Person(id) => ("person", Some(id.to_string())),
            Scope::Office(id) => ("office", Some(id.to_string())),
            Scope::Organisation(id) => ("organisation", Some(id.to_string())),
            Scope::Employer(id) => ("employer", Some(id.to_string())),
            Scope::Region(r) => ("region", r.clone()),
            Scope::Global => ("global", None),
        }
    }

    pub fn from_parts(kind: &str, reference: Option<&str>) -> Option<Scope> {
        let id = || reference.and_then(|r| Uuid::parse_str(r).ok());
        Some(match kind {
            "person" => Scope::Person(id()?),
            "office" => Scope::Office(id()?),
            "organisation" => Scope::Organisation(id()?),
            "employer" => Scope::Employer(id()?),
            "region" => Scope::Region(reference.map(str::to_owned)),
            "global" => Scope::Global,
            _ => return None,
        })
    }
}

/// Who is acting: a signed-in user or an API token, always with one role and one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub token_id: Option<Uuid>,
    pub name: String,
    pub role: Role,
    pub scope: Scope,
}

impl Actor {
    /// Whether the role may use the permission at all (before looking at any record).
    pub fn may(&self, permission: Permission) -> bool {
        grants(self.role, permission)
    }

    /// Whether this actor may use `permission` on a record owned as `owners` says.
    pub fn may_on(&self, permission: Permission, owners: &Owners) -> bool {
        self.may(permission) && owners.covered_by(&self.scope)
    }
}

/// The scopes that own a record. A record is visible through any of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owners {
    pub person: Option<Uuid>,
    pub office: Option<Uuid>,
    pub region: Option<String>,
    pub organisations: Vec<Uuid>,
    pub employer: Option<Uuid>,
}

impl Owners {
    pub fn covered_by(&self, scope: &Scope) -> bool {
        match scope {
            Scope::Global => true,
            Scope::Region(None) => true,
            Scope::Region(Some(r)) => self.region.as_deref() == Some(r.as_str()),
            Scope::Office(o) => self.office == Some(*o),
            Scope::Organisation(g) => self.organisations.contains(g),
            Scope::Employer(e) => self.employer == Some(*e),
            Scope::Person(p) => self.person == Some(*p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_no() {
        use crate::audit::AUDIT_READ;
        use crate::registry::PERSONS_READ;
        assert!(!grants(Role::Citizen, AUDIT_READ));
        assert!(!grants(Role::Auditor, PERSONS_READ));
        assert!(grants(Role::Auditor, AUDIT_READ));
        assert!(grants(Role::Auditor, Permission::AUTHENTICATED));
        let owners = Owners::default();
        assert!(!owners.covered_by(&Scope::Office(Uuid::nil())));
        assert!(!owners.covered_by(&Scope::Region(Some("09".into()))));
    }

    #[test]
    fn scope_matches_only_its_owner() {
        let office = Uuid::now_v7();
        let owners = Owners {
            office: Some(office),
            region: Some("09".into()),
            ..Owners::default()
        };
        assert!(owners.covered_by(&Scope::Office(office)));
        assert!(!owners.covered_by(&Scope::Office(Uuid::now_v7())));
        assert!(owners.covered_by(&Scope::Region(Some("09".into()))));
        assert!(!owners.covered_by(&Scope::Region(Some("12".into()))));
    }

    #[test]
    fn a_scope_contains_only_what_lies_inside_it() {
        let office = Uuid::now_v7();
        let tuscany = Scope::Region(Some("09".into()));
        let in_tuscany = Owners {
            office: Some(office),
            region: Some("09".into()),
            ..Owners::default()
        };
        let in_lazio = Owners {
            region: Some("12".into()),
            ..Owners::default()
        };
        assert!(tuscany.contains(&Scope::Office(office), &in_tuscany));
        assert!(!tuscany.contains(&Scope::Office(Uuid::now_v7()), &in_lazio));
        assert!(tuscany.contains(&tuscany, &in_tuscany));
        assert!(!tuscany.contains(&Scope::Region(Some("12".into())), &in_lazio));
        // A regional administrator cannot mint a national principal.
        assert!(!tuscany.contains(&Scope::Region(None), &Owners::default()));
        assert!(!tuscany.contains(&Scope::Global, &Owners::default()));
        assert!(Scope::Region(None).contains(&Scope::Global, &Owners::default()));
        assert!(Scope::Region(None).contains(&tuscany, &in_tuscany));
        // An office reaches its persons, not another office.
        let person = Uuid::now_v7();
        let its_person = Owners {
            person: Some(person),
            office: Some(office),
            region: Some("09".into()),
            ..Owners::default()
        };
        assert!(Scope::Office(office).contains(&Scope::Person(person), &its_person));
        let other_office = Uuid::now_v7();
        let its_owners = Owners {
            office: Some(other_office),
            region: Some("09".into()),
            ..Owners::default()
        };
        assert!(!Scope::Office(office).contains(&Scope::Office(other_office), &its_owners));
        let the_region = Owners {
            region: Some("09".into()),
            ..Owners::default()
        };
        assert!(!Scope::Office(office).contains(&tuscany, &the_region));
    }

    #[test]
    fn scope_parts_round_trip() {
        for s in [
            Scope::Person(Uuid::now_v7()),
            Scope::Office(Uuid::now_v7()),
            Scope::Region(Some("09".into())),
            Scope::Region(None),
            Scope::Global,
        ] {
            let (k, r) = s.to_parts();
            assert_eq!(Scope::from_parts(k, r.as_deref()), Some(s));
        }
    }
}
