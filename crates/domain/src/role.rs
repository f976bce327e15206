//! The roles of DESIGN §1 and the kind of scope each one is bound to.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Citizen,
    CpiOperator,
    CpiManager,
    AplOperator,
    Employer,
    PublicBody,
    RegionalAdmin,
    Auditor,
}

/// What a role's scope points at: a user of that role sees records through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    Person,
    Office,
    Organisation,
    Employer,
    Region,
    Global,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Citizen,
        Role::CpiOperator,
        Role::CpiManager,
        Role::AplOperator,
        Role::Employer,
        Role::PublicBody,
        Role::RegionalAdmin,
        Role::Auditor,
    ];

    /// Whether the role acts on its own record (a citizen on their file, an employer or a
    /// public body on theirs): such a user may not change what identifies the record, which
    /// the office certifies.
    pub fn is_self_service(self) -> bool {
        matches!(self, Role::Citizen | Role::Employer | Role::PublicBody)
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::CpiOperator => "cpi_operator",
            Role::CpiManager => "cpi_manager",
            Role::AplOperator => "apl_operator",
            Role::Employer => "employer",
            Role::PublicBody => "public_body",
            Role::RegionalAdmin => "regional_admin",
            Role::Auditor => "auditor",
        }
    }

    /// The Italian name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Citizen => "Cittadino",
            Role::CpiOperator => "Operatore CPI",
            Role::CpiManager => "Responsabile CPI",
            Role::AplOperator => "Operatore APL",
            Role::Employer => "Datore di lavoro",
            Role::PublicBody => "Ente pubblico",
            Role::RegionalAdmin => "Amministratore regionale",
            Role::Auditor => "Auditor / DPO",
        }
    }

    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Citizen => ScopeKind::Person,
            Role::CpiOperator | Role::CpiManager => ScopeKind::Office,
            Role::AplOperator => ScopeKind::Organisation,
            Role::Employer | Role::PublicBody => ScopeKind::Employer,
            Role::RegionalAdmin => ScopeKind::Region,
            Role::Auditor => ScopeKind::Global,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ruolo sconosciuto: «{0}»")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>().unwrap(), r);
        }
        assert!("admin".parse::<Role>().is_err());
    }
}
