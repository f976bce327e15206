//! `GET /status`: the health check the Italian API guidelines ask every API to expose,
//! answered from the database's reachability.

use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use sportello_app::AppError;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceStatus {
    /// Always `ok` when the service answers 200
    pub status: &'static str,
}

/// Whether the service is up.
///
/// 200 with `{"status": "ok"}` when the service and its database answer; 503 with
/// problem+json otherwise. No authentication: load balancers and catalogues call it.
#[utoipa::path(get, path = "/status", tag = "status",
    responses((status = 200, body = ServiceStatus),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
pub async fn status(State(st): State<AppState>) -> Result<Json<ServiceStatus>, ApiError> {
    st.app.ping().await.map_err(|_| {
        ApiError(AppError::Unavailable(
            "Il database non risponde: servizio temporaneamente non disponibile".into(),
        ))
    })?;
    Ok(Json(ServiceStatus { status: "ok" }))
}
