//! `sportello`: the one binary. serve | migrate | admin | audit.

mod audit_cli;
mod config;
mod demo;
mod seed_cli;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use sportello_app::App;
use sportello_app::accounts::NewUser;
use sportello_db::SeaStore;
use sportello_domain::role::Role;
use sportello_web::{AppState, WebConfig};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "sportello",
    version,
    about = "Sistema informativo per i servizi pubblici per l'impiego"
)]
struct Cli {
    /// TOML configuration file (default: ./sportello.toml if present)
    #[arg(long, global = true)]
    config: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the HTTP server with the background worker.
    Serve {
        /// Embedded SQLite under ./data with demo accounts (passwords printed once).
        #[arg(long)]
        demo: bool,
        /// Address to listen on, e.g. 127.0.0.1:8080
        #[arg(long)]
        bind: Option<String>,
    },
    /// Database migrations.
    Migrate {
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Administration from the command line.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Load deterministic synthetic persons and employers (fictitious contacts), creating
    /// one office per province where none exists.
    Seed {
        #[arg(long, default_value_t = 0)]
        persons: u64,
        #[arg(long, default_value_t = 0)]
        employers: u64,
        /// The same seed gives the same data on every machine.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// ISTAT region codes, comma-separated (e.g. 09,12); all Italy by default.
        #[arg(long, value_delimiter = ',')]
        regions: Option<Vec<String>>,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Apply pending migrations (default).
    Up,
    /// List migrations and whether they are applied.
    Status,
}

#[derive(Subcommand)]
enum AdminAction {
    /// Create a user. The password is read from SPORTELLO_PASSWORD or standard input.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        /// citizen, cpi_operator, cpi_manager, apl_operator, employer, public_body, regional_admin, auditor
        #[arg(long)]
        role: Role,
        /// Scope: UUID of the office/organisation, a person's codice fiscale (citizen), an
        /// employer's tax code, or an ISTAT region code (empty: every region)
        #[arg(long)]
        scope: Option<String>,
    },
    /// Issue an API token for a role and scope; the token is printed once.
    CreateToken {
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: Role,
        #[arg(long)]
        scope: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Walk every hash chain, compare it with its head and with the signed checkpoints,
    /// and report the first break.
    Verify,
    /// Sign the chains' current heads and write them to the checkpoint directory.
    Checkpoint,
    /// Generate a new checkpoint key pair and print it.
    Key,
}

async fn open_db(url: &str) -> anyhow::Result<sportello_db::DatabaseConnection> {
    let db = sportello_db::connect(url)
        .await
        .with_context(|| format!("connessione al database {}", redact(url)))?;
    sportello_db::migrate_up(&db).await.context("migrazioni")?;
    Ok(db)
}

async fn open(url: &str) -> anyhow::Result<App> {
    Ok(App::new(Arc::new(SeaStore::new(open_db(url).await?))))
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_owned(),
    }
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("SPORTELLO_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let mut settings = config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve { demo, bind } => {
            if demo && std::env::var("DATABASE_URL").is_err() {
                settings.database.url = config::DEMO_DATABASE.to_owned();
            }
            if let Some(b) = bind {
                settings.server.bind = b;
            }
            let db = open_db(&settings.database.url).await?;
            let app = App::new(Arc::new(SeaStore::new(db.clone())));
            if demo {
                demo::seed(&app, &db).await?;
            }
            serve(app, &settings).await
        }
        Command::Migrate { action } => {
            let db = sportello_db::connect(&settings.database.url).await?;
            if matches!(action, None | Some(MigrateAction::Up)) {
                sportello_db::migrate_up(&db).await?;
            }
            for (name, applied) in sportello_db::migration_status(&db).await? {
                println!(
                    "{} {name}",
                    if applied { "applicata " } else { "in attesa " }
                );
            }
            Ok(())
        }
        Command::Admin { action } => {
            let app = open(&settings.database.url).await?;
            match action {
                AdminAction::CreateUser {
                    username,
                    name,
                    email,
                    role,
                    scope,
                } => {
                    let (role, scope) = app
                        .resolve_scope(None, role.code(), scope.as_deref().unwrap_or(""))
                        .await
                        .map_err(describe)?;
                    let password = read_password()?;
                    let u = app
                        .create_user(
                            None,
                            NewUser {
                                username,
                                display_name: name,
                                email,
                                password,
                                role,
                                scope,
                            },
                        )
                        .await
                        .map_err(describe)?;
                    println!(
                        "Utente creato: {} ({}) id {}",
                        u.username,
                        role.label(),
                        u.id
                    );
                }
                AdminAction::CreateToken { name, role, scope } => {
                    let (role, scope) = app
                        .resolve_scope(None, role.code(), scope.as_deref().unwrap_or(""))
                        .await
                        .map_err(describe)?;
                    let (secret, t) = app
                        .issue_token(None, &name, role, scope, None)
                        .await
                        .map_err(describe)?;
                    eprintln!(
                        "Token «{}» ({}) id {}: copiarlo ora, non sarà più mostrato.",
                        t.name,
                        role.label(),
                        t.id
                    );
                    println!("{secret}");
                }
            }
            Ok(())
        }
        Command::Seed {
            persons,
            employers,
            seed,
            regions,
        } => {
            let db = open_db(&settings.database.url).await?;
            seed_cli::seed(&db, persons, employers, seed, regions.clone()).await?;
            let app = App::new(Arc::new(SeaStore::new(db)));
            let mut audit = sportello_app::accounts::audit_draft(
                &sportello_app::accounts::system_actor(),
                "seed",
                "synthetic_data",
                None,
            );
            audit.after = Some(serde_json::json!({
                "persons": persons, "employers": employers, "seed": seed, "regions": regions,
            }));
            app.record(audit)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(())
        }
        Command::Audit {
            action: AuditAction::Key,
        } => {
            audit_cli::new_key();
            Ok(())
        }
        Command::Audit {
            action: AuditAction::Checkpoint,
        } => {
            let app = open(&settings.database.url).await?;
            let path = audit_cli::checkpoint(&app, &settings.audit).await?;
            println!("Punto di controllo firmato scritto in {}", path.display());
            Ok(())
        }
        Command::Audit {
            action: AuditAction::Verify,
        } => {
            let (files, pins) = audit_cli::pins(&settings.audit)?;
            let app = open(&settings.database.url).await?;
            let v = app.verify_audit(&pins).await.map_err(describe)?;
            match v.first_break {
                None => {
                    println!(
                        "Registro di audit integro: {} voci verificate, confrontate con {files} punti di controllo firmati.",
                        v.checked
                    );
                    Ok(())
                }
                Some(b) => {
                    println!(
                        "Registro di audit NON integro: {}; {} voci integre prima.",
                        b.describe(),
                        v.checked
                    );
                    bail!("registro di audit non integro")
                }
            }
        }
    }
}

fn describe(e: sportello_app::AppError) -> anyhow::Error {
    match e {
        sportello_app::AppError::Validation(fs) => anyhow::anyhow!(
            "dati non validi: {}",
            fs.iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

async fn serve(app: App, s: &config::Settings) -> anyhow::Result<()> {
    let state = AppState {
        app: app.clone(),
        cfg: Arc::new(WebConfig {
            administration_name: s.ui.administration_name.clone(),
            public_url: s.server.public_url.clone(),
            session_idle: time::Duration::minutes(s.session.idle_minutes),
            session_absolute: time::Duration::hours(s.session.absolute_hours),
        }),
    };
    // The in-process worker: for now, expired sessions are swept every ten minutes.
    let worker = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = worker.sweep(sportello_app::now()).await {
                tracing::warn!(error = %e, "sweep of sessions and idempotency keys failed");
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(&s.server.bind)
        .await
        .with_context(|| format!("impossibile ascoltare su {}", s.server.bind))?;
    let addr = listener.local_addr()?;
    println!(
        "Sportello in ascolto su http://{addr} (database: {})",
        redact(&s.database.url)
    );
    axum::serve(
        listener,
        sportello_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
