//! Sportello's domain: types that parse, access rules and the audit chain.
//! Pure: no I/O, no async; everything here is a function of its arguments.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod codice_fiscale;
pub mod credentials;
pub mod italian_time;
pub mod partita_iva;
pub mod places;
pub mod registry;
pub mod role;
pub mod text;
