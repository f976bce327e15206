//! SeaORM entities: the tables as the code reads them.

pub mod api_token;
pub mod audit_head;
pub mod audit_log;
pub mod idempotency_key;
pub mod session;
pub mod user;
