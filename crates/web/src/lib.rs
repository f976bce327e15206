//! Sportello's HTTP layer: HTML pages and the JSON API on one router. Every route is
//! declared with the permission it needs (see `routes`); handlers call the use cases
//! of `sportello-app` and never decide access themselves.

pub mod access;
pub mod api;
mod assets;
mod csrf;
pub mod error;
pub mod extract;
mod headers;
mod input_guard;
pub mod pages;
pub mod routes;
mod session_store;
mod state;

pub use routes::{RouteRule, Surface, router};
pub use state::{AppState, WebConfig};
