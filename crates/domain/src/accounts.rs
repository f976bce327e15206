//! Accounts' permissions: the regional administrator manages users and API tokens of
//! their region.

use crate::access::Permission;
use crate::role::Role::RegionalAdmin;

pub const USERS_MANAGE: Permission = Permission::of("users.manage", &[RegionalAdmin]);
pub const TOKENS_MANAGE: Permission = Permission::of("tokens.manage", &[RegionalAdmin]);
