//! Configuration: defaults, then an optional TOML file, then `SPORTELLO__*` environment
//! variables (`SPORTELLO__SERVER__BIND=0.0.0.0:8080`), then `DATABASE_URL`.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: Server,
    pub database: Database,
    pub ui: Ui,
    pub session: SessionSettings,
    pub audit: AuditSettings,
}

/// Signed checkpoints of the audit chains (`sportello audit checkpoint | verify`). The
/// directory should be on storage the database's administrators cannot rewrite (another
/// host, a WORM bucket mounted here); the signing key belongs to the auditors.
#[derive(Debug, Clone, Deserialize)]
pub struct AuditSettings {
    pub checkpoint_dir: String,
    /// 64 hex digits; needed to write checkpoints.
    #[serde(default)]
    pub signing_key: Option<String>,
    /// 64 hex digits; enough to verify them (derived from the signing key when absent).
    #[serde(default)]
    pub public_key: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Server {
    pub bind: String,
    pub public_url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Database {
    pub url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Ui {
    pub administration_name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SessionSettings {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
}

pub const DEMO_DATABASE: &str = "sqlite://data/demo.sqlite";

pub fn load(file: Option<&str>) -> anyhow::Result<Settings> {
    let mut b = config::Config::builder()
        .set_default("server.bind", "127.0.0.1:8080")?
        .set_default("server.public_url", "http://127.0.0.1:8080")?
        .set_default("database.url", "sqlite://data/sportello.sqlite")?
        .set_default("ui.administration_name", "Regione — Servizi per l'impiego")?
        .set_default("session.idle_minutes", 30)?
        .set_default("session.absolute_hours", 10)?
        .set_default("audit.checkpoint_dir", "data/audit-checkpoints")?;
    match file {
        Some(f) => b = b.add_source(config::File::with_name(f).required(true)),
        None => b = b.add_source(config::File::with_name("sportello").required(false)),
    }
    b = b.add_source(config::Environment::with_prefix("SPORTELLO").separator("__"));
    if let Ok(url) = std::env::var("DATABASE_URL") {
        b = b.set_override("database.url", url)?;
    }
    Ok(b.build()?.try_deserialize()?)
}
