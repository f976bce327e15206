//! Person search over 1,000,000 synthetic persons, on SQLite and on PostgreSQL, through the
//! same `PersonQueries::search_persons` the pages and the API use.
//!
//! The SQLite file is kept under `$CARGO_TARGET_DIR/bench-data/` and the PostgreSQL
//! database `sportello_bench` (or `BENCH_DATABASE_URL`) is reused between runs; both are
//! seeded once (seed 42) if they do not hold 1M persons. Without a reachable PostgreSQL
//! its group is skipped with a message. `BENCH_PERSONS` changes the size.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QuerySelect};
use sportello_app::registry::ports::{PersonQueries, PersonQuery};
use sportello_app::scope::ScopeFilter;
use sportello_db::entity::person;
use sportello_db::seed::{SeedOptions, ensure_offices, run};
use sportello_db::{DatabaseConnection, SeaStore};
use sportello_domain::access::{Actor, Scope};
use sportello_domain::role::Role;
use std::time::Duration;

fn persons() -> u64 {
    std::env::var("BENCH_PERSONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

async fn prepared(url: &str) -> DatabaseConnection {
    let db = sportello_db::connect(url).await.expect("connect");
    sportello_db::migrate_up(&db).await.expect("migrate");
    let have = person::Entity::find().count(&db).await.expect("count");
    if have != persons() {
        eprintln!("seeding {} persons into {url} (once) …", persons());
        db.execute_unprepared("DELETE FROM persons")
            .await
            .expect("clear");
        ensure_offices(&db, None).await.expect("offices");
        run(
            &db,
            &SeedOptions {
                persons: persons(),
                employers: 0,
                seed: 42,
                regions: None,
            },
            &|_, _| {},
        )
        .await
        .expect("seed");
        if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            db.execute_unprepared("VACUUM ANALYZE persons")
                .await
                .expect("analyze");
        } else {
            db.execute_unprepared("ANALYZE").await.expect("analyze");
        }
    }
    db
}

async fn postgres_url() -> Option<String> {
    let admin = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let db = sea_orm::Database::connect(&admin).await.ok()?;
    let exists = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT 1 FROM pg_database WHERE datname = 'sportello_bench'",
        ))
        .await
        .ok()?
        .is_some();
    if !exists {
        db.execute_unprepared("CREATE DATABASE sportello_bench")
            .await
            .ok()?;
    }
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned())?;
    Some(format!("{base}/sportello_bench"))
}

/// The queries an office makes all day, built from a person in the middle of the table.
/// The filter of an operator (or administrator) working within `scope`.
fn within(scope: Scope) -> ScopeFilter {
    ScopeFilter::of(&Actor {
        user_id: None,
        token_id: None,
        name: "bench".into(),
        role: Role::CpiOperator,
        scope,
    })
}

async fn queries(db: &DatabaseConnection) -> Vec<(&'static str, ScopeFilter, PersonQuery)> {
    let p = person::Entity::find()
        .offset(persons() / 2)
        .limit(1)
        .one(db)
        .await
        .expect("sample")
        .expect("a person");
    let prefix = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let office = || within(Scope::Office(p.office_id.expect("an office")));
    let region = within(Scope::Region(Some(p.region_code.clone())));
    vec![
        (
            "codice_fiscale",
            office(),
            PersonQuery {
                codice_fiscale: Some(p.codice_fiscale.clone()),
                ..Default::default()
            },
        ),
        (
            "codice_fiscale_prefix_in_office",
            office(),
            PersonQuery {
                codice_fiscale: Some(prefix(&p.codice_fiscale, 8)),
                ..Default::default()
            },
        ),
        (
            "surname_prefix_in_office",
            office(),
            PersonQuery {
                surname: Some(prefix(&p.surname_norm, 4)),
                ..Default::default()
            },
        ),
        (
            "surname_and_name_in_region",
            region.clone(),
            PersonQuery {
                surname: Some(p.surname_norm.clone()),
                name: Some(prefix(&p.name_norm, 3)),
                ..Default::default()
            },
        ),
        (
            "comune_in_office",
            office(),
            PersonQuery {
                comune: Some(p.domicile_comune.clone()),
                ..Default::default()
            },
        ),
        (
            "surname_prefix_all_italy",
            within(Scope::Region(None)),
            PersonQuery {
                surname: Some(prefix(&p.surname_norm, 3)),
                ..Default::default()
            },
        ),
    ]
}

fn bench_backend(c: &mut Criterion, rt: &tokio::runtime::Runtime, name: &str, url: &str) {
    let db = rt.block_on(prepared(url));
    let store = SeaStore::new(db.clone());
    let qs = rt.block_on(queries(&db));
    let mut g = c.benchmark_group(format!("person_search/{name}"));
    g.measurement_time(Duration::from_secs(5)).sample_size(50);
    for (label, scope, q) in &qs {
        let found = rt
            .block_on(store.search_persons(scope, q, 25))
            .expect("search");
        assert!(!found.is_empty(), "{label} finds someone");
        g.bench_with_input(BenchmarkId::from_parameter(label), q, |b, q| {
            b.to_async(rt)
                .iter(|| async { store.search_persons(scope, q, 25).await.expect("search") })
        });
    }
    g.finish();
}

fn person_search(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = std::path::PathBuf::from(
        std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()),
    )
    .join("bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let sqlite = format!("sqlite://{}/persons-{}.sqlite", dir.display(), persons());
    bench_backend(c, &rt, "sqlite", &sqlite);
    match rt.block_on(postgres_url()) {
        Some(url) => bench_backend(c, &rt, "postgres", &url),
        None => {
            eprintln!("!!! SKIPPED PostgreSQL person search: no server (set BENCH_DATABASE_URL)")
        }
    }
}

criterion_group!(benches, person_search);
criterion_main!(benches);
