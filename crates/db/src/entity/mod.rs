//! SeaORM entities: the tables as the code reads them.

pub mod api_token;
pub mod ateco;
pub mod audit_head;
pub mod audit_log;
pub mod change_request;
pub mod comune;
pub mod country;
pub mod education_title;
pub mod employer;
pub mod employer_unit;
pub mod idempotency_key;
pub mod office;
pub mod office_comune;
pub mod organisation;
pub mod organisation_seat;
pub mod outbox;
pub mod person;
pub mod person_organisation;
pub mod profession;
pub mod province;
pub mod reference_version;
pub mod session;
pub mod user;
