use sportello_app::App;
use std::sync::Arc;
use time::Duration;

/// Settings the HTTP layer needs; loaded by the binary from TOML and environment.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Shown in the header: the administration running this instance.
    pub administration_name: String,
    /// The public base URL; `https://` turns on Secure cookies and HSTS.
    pub public_url: String,
    /// A session unused for this long ends.
    pub session_idle: Duration,
    /// A session ends this long after login, used or not.
    pub session_absolute: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            administration_name: "Regione — Servizi per l'impiego".into(),
            public_url: "http://127.0.0.1:8080".into(),
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(10),
        }
    }
}

impl WebConfig {
    pub fn behind_tls(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub cfg: Arc<WebConfig>,
}
