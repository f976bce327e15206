//! Audited writes from 32 concurrent clients on PostgreSQL: each client updates its own
//! person (persons spread over all regions) through the same use case as the API.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sea_orm::{EntityTrait, QuerySelect};
use sportello_app::App;
use sportello_app::accounts::system_actor;
use sportello_app::registry::persons::PersonInput;
use sportello_db::SeaStore;
use sportello_db::entity::person;
use sportello_db::seed::{SeedOptions, ensure_offices, run};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 32;

fn audited_writes(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let admin = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (app, ids) = rt.block_on(async {
        let a = sea_orm::Database::connect(&admin).await.expect("pg");
        use sea_orm::ConnectionTrait;
        let _ = a
            .execute_unprepared("DROP DATABASE IF EXISTS sportello_bench_audit WITH (FORCE)")
            .await;
        a.execute_unprepared("CREATE DATABASE sportello_bench_audit")
            .await
            .unwrap();
        let base = admin.rsplit_once('/').unwrap().0;
        let db = sportello_db::connect(&format!("{base}/sportello_bench_audit"))
            .await
            .unwrap();
        sportello_db::migrate_up(&db).await.unwrap();
        ensure_offices(&db, None).await.unwrap();
        run(
            &db,
            &SeedOptions {
                persons: 5000,
                employers: 0,
                seed: 7,
                regions: None,
            },
            &|_, _| {},
        )
        .await
        .unwrap();
        // One person per client, each from a different region where possible.
        let all = person::Entity::find().limit(5000).all(&db).await.unwrap();
        let mut ids = Vec::new();
        let mut regions = std::collections::HashSet::new();
        for p in &all {
            if regions.insert(p.region_code.clone()) {
                ids.push(p.id);
            }
        }
        for p in &all {
            if ids.len() >= CLIENTS {
                break;
            }
            if !ids.contains(&p.id) {
                ids.push(p.id);
            }
        }
        ids.truncate(CLIENTS);
        (App::new(Arc::new(SeaStore::new(db))), ids)
    });
    let mut g = c.benchmark_group("audited_writes/postgres");
    g.throughput(Throughput::Elements(CLIENTS as u64))
        .measurement_time(Duration::from_secs(10))
        .sample_size(10);
    g.bench_function("update_person_32_clients", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let app = app.clone();
            let ids = ids.clone();
            async move {
                let start = Instant::now();
                let tasks: Vec<_> = ids
                    .into_iter()
                    .map(|id| {
                        let app = app.clone();
                        tokio::spawn(async move {
                            let sys = system_actor();
                            for i in 0..iters {
                                let v = app.get_person(&sys, id).await.unwrap();
                                let mut input = PersonInput::from(&v);
                                input.domicile_address = format!("Via Roma {}", i % 100 + 1);
                                app.update_person(&sys, id, &input).await.unwrap();
                            }
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await.unwrap();
                }
                start.elapsed()
            }
        })
    });
    g.finish();
}

criterion_group!(benches, audited_writes);
criterion_main!(benches);
