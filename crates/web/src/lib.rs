//! Sportello's HTTP layer: HTML pages and the JSON API on one router, one module per
//! bounded context (`context::CONTEXTS`). Every route is declared with the permission it
//! needs (see `routes`); handlers call the use cases of `sportello-app` and never decide
//! access themselves.

pub mod access;
mod accounts;
pub mod api;
mod assets;
mod audit;
pub mod context;
mod csrf;
pub mod error;
pub mod extract;
mod headers;
mod input_guard;
pub mod page;
mod platform;
mod registry;
pub mod routes;
mod rules;
mod session_store;
mod state;

pub use routes::{RouteRule, Surface, router};
pub use state::{AppState, WebConfig};
