//! Test harness: a fresh database, the real router, and a small HTTP client with a
//! cookie jar, driven in-process.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use sportello_app::App;
use sportello_app::accounts::NewUser;
use sportello_db::SeaStore;
use sportello_domain::access::Scope;
use sportello_domain::role::Role;
use sportello_web::{AppState, WebConfig};
use std::sync::Arc;
use tower::ServiceExt;
use uuid::Uuid;

pub const PASSWORD: &str = "password-di-prova-1";

/// Drops the per-test PostgreSQL database (or SQLite file) even if the test panicked.
struct Cleanup {
    admin_url: Option<String>,
    name: String,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let Some(admin) = self.admin_url.clone() else {
            let _ = std::fs::remove_file(&self.name);
            let _ = std::fs::remove_file(format!("{}-wal", self.name));
            let _ = std::fs::remove_file(format!("{}-shm", self.name));
            return;
        };
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(db) = sea_orm::Database::connect(&admin).await {
                    let _ = db
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

pub struct TestApp {
    pub router: Router,
    pub app: App,
    pub db: DatabaseConnection,
    /// The database's URL, for running the `sportello` binary against it.
    pub url: String,
    world: tokio::sync::OnceCell<crate::fixtures::World>,
    _cleanup: Cleanup,
}

pub fn backend() -> &'static str {
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// Whether a test process that made a template is still running (templates are named
/// after it; the next run removes those of finished runs).
fn alive(pid: &str) -> bool {
    pid.parse::<u32>().is_ok_and(|p| {
        p == std::process::id() || std::path::Path::new(&format!("/proc/{p}")).exists()
    })
}

/// Migrated once per run, with the reference data, and copied for each test: migrations
/// and the comuni, CP2011 and ATECO loads run once instead of once per test.
static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

async fn migrate_template(url: &str) {
    let db = sportello_db::connect(url).await.expect("connect template");
    sportello_db::migrate_up(&db)
        .await
        .expect("migrate template");
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        // Everything into the main file, which is what the tests copy.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .expect("checkpoint");
    }
    db.close().await.expect("close template");
}

async fn sqlite_template() -> String {
    let dir = std::env::temp_dir();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(rest) = name.strip_prefix("sportello-it-template-")
            && !alive(rest.split('.').next().unwrap_or(""))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let path = dir.join(format!(
        "sportello-it-template-{}.sqlite",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    migrate_template(&format!("sqlite://{}", path.display())).await;
    path.display().to_string()
}

async fn postgres_template(admin: &str) -> String {
    let db = sea_orm::Database::connect(admin)
        .await
        .expect("TEST_DATABASE_URL reachable");
    let stale = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'sportello_it_template_%'",
        ))
        .await
        .expect("list templates");
    for row in stale {
        let name: String = row.try_get("", "datname").expect("datname");
        if !alive(name.trim_start_matches("sportello_it_template_")) {
            let _ = db
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
    let name = format!("sportello_it_template_{}", std::process::id());
    db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("drop old template");
    db.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create template");
    db.close().await.ok();
    migrate_template(&database_url(admin, &name)).await;
    name
}

/// The URL of database `name` on the server of `admin`.
fn database_url(admin: &str, name: &str) -> String {
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    match admin.split_once('?') {
        Some((_, q)) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

async fn fresh_database() -> (String, Cleanup) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) => {
            let template = TEMPLATE.get_or_init(|| postgres_template(&admin)).await;
            let name = format!("sportello_it_{}", Uuid::new_v4().simple());
            let db = sea_orm::Database::connect(&admin)
                .await
                .expect("TEST_DATABASE_URL reachable");
            // Cloning waits while another session still touches the template.
            let mut tries = 0;
            while let Err(e) = db
                .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .await
            {
                tries += 1;
                assert!(tries < 50, "create test database: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            db.close().await.ok();
            (
                database_url(&admin, &name),
                Cleanup {
                    admin_url: Some(admin),
                    name,
                },
            )
        }
        Err(_) => {
            let template = TEMPLATE.get_or_init(sqlite_template).await;
            let path = std::env::temp_dir().join(format!("sportello-it-{}.sqlite", Uuid::new_v4()));
            std::fs::copy(template, &path).expect("copy the template database");
            let p = path.display().to_string();
            (
                format!("sqlite://{p}"),
                Cleanup {
                    admin_url: None,
                    name: p,
                },
            )
        }
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl TestApp {
    pub async fn new() -> Self {
        let (url, cleanup) = fresh_database().await;
        let db = sportello_db::connect(&url).await.expect("connect");
        sportello_db::migrate_up(&db).await.expect("migrate");
        let app = App::new(Arc::new(SeaStore::new(db.clone())));
        let router = sportello_web::router(AppState {
            app: app.clone(),
            cfg: Arc::new(WebConfig::default()),
        });
        Self {
            router,
            app,
            db,
            url,
            world: tokio::sync::OnceCell::new(),
            _cleanup: cleanup,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// An API call with an optional bearer token and JSON body.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).unwrap()).await
    }

    /// The two territories of the fixtures, made on first use.
    pub async fn world(&self) -> &crate::fixtures::World {
        self.world
            .get_or_init(|| crate::fixtures::World::new(self))
            .await
    }

    /// A scope of the right kind for `role`, on records that exist (inside the first
    /// territory): principals can only be given scopes over real records.
    pub async fn scope_for(&self, role: Role) -> Scope {
        self.world().await.scope(role)
    }

    /// Creates a user with `PASSWORD` and returns its username.
    pub async fn user(&self, role: Role, scope: Scope) -> String {
        let username = format!(
            "{}.{}",
            role.code().replace('_', "."),
            &Uuid::new_v4().simple().to_string()[..8]
        );
        self.app
            .create_user(
                None,
                NewUser {
                    username: username.clone(),
                    display_name: format!("Prova {}", role.label()),
                    email: None,
                    password: PASSWORD.into(),
                    role,
                    scope,
                },
            )
            .await
            .expect("create user");
        username
    }

    pub async fn token(&self, role: Role, scope: Scope) -> String {
        self.app
            .issue_token(None, &format!("prova {}", role.code()), role, scope, None)
            .await
            .expect("token")
            .0
    }

    pub async fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookie: None,
        }
    }

    /// A browser signed in as a new user of `role`.
    pub async fn signed_in(&self, role: Role, scope: Scope) -> Browser<'_> {
        let username = self.user(role, scope).await;
        let mut b = self.browser().await;
        let r = b.login(&username, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login: {}", r.body);
        b
    }
}

/// A client with a session cookie, like a person's browser.
pub struct Browser<'a> {
    app: &'a TestApp,
    pub cookie: Option<String>,
}

pub fn csrf_from(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    Some(html[i..].split('"').next()?.to_owned())
}

impl Browser<'_> {
    fn keep_cookie(&mut self, r: &Resp) {
        for v in r.headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap_or("");
            if let Some(rest) = v.strip_prefix("sportello_sid=") {
                let value = rest.split(';').next().unwrap_or("");
                self.cookie = (!value.is_empty() && !v.contains("Max-Age=0"))
                    .then(|| format!("sportello_sid={value}"));
            }
        }
    }

    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c);
        }
        let body = match form {
            Some(f) => {
                b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(serde_urlencoded::to_string(f).unwrap())
            }
            None => Body::empty(),
        };
        let r = self.app.send(b.body(body).unwrap()).await;
        self.keep_cookie(&r);
        r
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.request(Method::GET, path, None).await
    }

    /// The CSRF token of the current session, read from a page.
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/login").await;
        if let Some(t) = csrf_from(&page.body) {
            return t;
        }
        // Signed in: /login redirects, so read it from the home page.
        let home = self.get("/").await;
        csrf_from(&home.body).expect("csrf token on page")
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf().await;
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        f.push(("csrf_token", &token));
        self.request(Method::POST, path, Some(&f)).await
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Resp {
        self.post("/login", &[("username", username), ("password", password)])
            .await
    }
}
