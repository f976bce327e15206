//! The registry's permissions: who reads and changes persons, employers, offices and
//! accredited organisations. Which records, the scope decides (`access::Owners`).

use crate::access::Permission;
use crate::role::Role::{self, *};

pub const PERSONS_READ: Permission = Permission::of(
    "persons.read",
    &[Citizen, CpiOperator, CpiManager, AplOperator, RegionalAdmin],
);
pub const PERSONS_WRITE: Permission = Permission::of(
    "persons.write",
    &[Citizen, CpiOperator, CpiManager, RegionalAdmin],
);
// Accredited operators work with the persons assigned to them; employers reach them
// through vacancies, not the registry.
pub const EMPLOYERS_READ: Permission = Permission::of(
    "employers.read",
    &[CpiOperator, CpiManager, Employer, PublicBody, RegionalAdmin],
);
pub const EMPLOYERS_WRITE: Permission = Permission::of(
    "employers.write",
    &[CpiOperator, CpiManager, Employer, RegionalAdmin],
);

/// Everyone who works with the public offices; the auditor reads only the audit log.
const ALL_BUT_AUDITOR: &[Role] = &[
    Citizen,
    CpiOperator,
    CpiManager,
    AplOperator,
    Employer,
    PublicBody,
    RegionalAdmin,
];
pub const OFFICES_READ: Permission = Permission::of("offices.read", ALL_BUT_AUDITOR);
pub const OFFICES_MANAGE: Permission = Permission::of("offices.manage", &[RegionalAdmin]);
pub const ORGANISATIONS_READ: Permission = Permission::of("organisations.read", ALL_BUT_AUDITOR);
pub const ORGANISATIONS_MANAGE: Permission =
    Permission::of("organisations.manage", &[RegionalAdmin]);
/// Applying or refusing what a citizen or an employer proposes for the data the office
/// certifies: the office's operators, who check the documents.
pub const CHANGES_VALIDATE: Permission = Permission::of(
    "changes.validate",
    &[CpiOperator, CpiManager, RegionalAdmin],
);
