//! The integration suite: one binary, the same stories on SQLite (default) and on
//! PostgreSQL when `TEST_DATABASE_URL` points at a server (a fresh database per test,
//! dropped afterwards).

mod access_matrix;
mod api;
mod audit;
mod auth;
mod fixtures;
mod principals;
mod registry;
mod rules;
mod seed;
mod support;
mod uow;
