//! Deterministic synthetic data for demonstrations and load tests: persons and employers
//! that look Italian (names by frequency, surnames of the region, domiciles by population,
//! valid and unique codici fiscali and partite IVA) and are marked as fictitious (contacts
//! on `esempio.invalid` and `+39 000`, `fictitious = true`).
//!
//! The same seed gives the same rows on every machine, on the same day and on a database
//! with the same content: everything is drawn from a PRNG written out here ([`rng`]);
//! only the row ids (UUIDv7) and the timestamps come from the clock, and ages are counted
//! on today's date.

mod generate;
mod load;
mod rng;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use sportello_domain::italian_time::to_rome;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{ateco, comune, country, employer, office, office_comune, person};
use generate::{Ateco, Comune, Country, EmployerGenerator, PersonGenerator, World};

/// The connection type the seeder takes (SeaORM's), re-exported for callers without a
/// direct SeaORM dependency.
pub use sea_orm::DatabaseConnection;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOptions {
    pub persons: u64,
    pub employers: u64,
    pub seed: u64,
    /// ISTAT region codes like "09"; `None` = all Italy.
    pub regions: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeedReport {
    pub offices_created: u64,
    pub persons: u64,
    pub employers: u64,
    pub seconds: f64,
}

const OPENING_HOURS: &str =
    "Lunedì–venerdì 9:00–12:30; martedì e giovedì anche 15:00–17:00, su appuntamento";

/// Rows read per query when collecting the codes already in the database.
const PAGE: u64 = 50_000;

/// The current time to the microsecond, as PostgreSQL keeps it.
fn now_micros() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap_or(now)
}

fn check_regions(comuni: &[comune::Model], regions: Option<&[String]>) -> Result<(), DbErr> {
    for r in regions.unwrap_or_default() {
        if !comuni.iter().any(|c| &c.region_code == r) {
            return Err(DbErr::Custom(format!(
                "regione sconosciuta: «{r}» (indicare il codice ISTAT, es. 09)"
            )));
        }
    }
    Ok(())
}

/// Creates one office per province capital serving all comuni of its province (only for
/// the given regions, or all), if no office exists yet for that province. Comuni already
/// served by an office keep it. Returns how many offices were created.
pub async fn ensure_offices(
    db: &DatabaseConnection,
    regions: Option<&[String]>,
) -> Result<u64, DbErr> {
    let comuni = comune::Entity::find()
        .order_by_asc(comune::Column::IstatCode)
        .all(db)
        .await?;
    check_regions(&comuni, regions)?;
    let existing: HashSet<String> = office::Entity::find()
        .select_only()
        .column(office::Column::ProvinceCode)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let served: HashSet<String> = office_comune::Entity::find()
        .select_only()
        .column(office_comune::Column::Comune)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut provinces: BTreeMap<&str, Vec<&comune::Model>> = BTreeMap::new();
    for c in &comuni {
        if regions.is_none_or(|rs| rs.contains(&c.region_code)) {
            provinces.entry(&c.province_code).or_default().push(c);
        }
    }
    let now = now_micros();
    let txn = db.begin().await?;
    let mut created = 0;
    for (province, members) in provinces {
        if existing.contains(province) {
            continue;
        }
        // The capital (the most populous one where a province has several), else the
        // most populous comune.
        let by_size = |c: &&&comune::Model| (c.population, std::cmp::Reverse(c.istat_code.clone()));
        let Some(seat) = members
            .iter()
            .filter(|c| c.is_province_capital)
            .max_by_key(by_size)
            .or_else(|| members.iter().max_by_key(by_size))
        else {
            continue;
        };
        let mut rng = rng::Rng::new(province.parse::<u64>().unwrap_or(0));
        let id = Uuid::now_v7();
        office::Entity::insert(office::ActiveModel {
            id: Set(id),
            name: Set(format!("Centro per l'impiego di {}", seat.name)),
            address: Set(generate::address(&mut rng)),
            comune: Set(seat.istat_code.clone()),
            phone: Set(Some(generate::phone(&mut rng))),
            email: Set(Some(format!(
                "cpi.{}@esempio.invalid",
                seat.province_sigla.to_ascii_lowercase()
            ))),
            opening_hours: Set(OPENING_HOURS.to_owned()),
            region_code: Set(seat.region_code.clone()),
            province_code: Set(province.to_owned()),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        })
        .exec_without_returning(&txn)
        .await?;
        let links: Vec<office_comune::ActiveModel> = members
            .iter()
            .filter(|c| !served.contains(&c.istat_code))
            .map(|c| office_comune::ActiveModel {
                comune: Set(c.istat_code.clone()),
                office_id: Set(id),
            })
            .collect();
        for part in links.chunks(400) {
            office_comune::Entity::insert_many(part.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        created += 1;
    }
    txn.commit().await?;
    Ok(created)
}

/// The reference data the generator draws from, read from the database.
async fn load_world(db: &DatabaseConnection, regions: Option<&[String]>) -> Result<World, DbErr> {
    let comuni = comune::Entity::find()
        .order_by_asc(comune::Column::IstatCode)
        .all(db)
        .await?;
    check_regions(&comuni, regions)?;
    let comuni = comuni
        .into_iter()
        .map(|c| Comune {
            istat_code: c.istat_code,
            name: c.name,
            cadastral_code: c.cadastral_code,
            province_code: c.province_code,
            province_sigla: c.province_sigla,
            region_code: c.region_code,
            population: u32::try_from(c.population).unwrap_or(0),
        })
        .collect();
    let offices: HashMap<String, Uuid> = office_comune::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.comune, o.office_id))
        .collect();
    let countries = country::Entity::find()
        .order_by_asc(country::Column::IstatCode)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| {
            Some(Country {
                istat_code: c.istat_code,
                cadastral_code: c.cadastral_code?,
            })
        })
        .collect();
    let ateco = ateco::Entity::find()
        .filter(ateco::Column::Level.eq(6))
        .order_by_asc(ateco::Column::Version)
        .order_by_asc(ateco::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|a| Ateco {
            version: a.version,
            code: a.code,
            level: a.level,
        })
        .collect();
    World::new(comuni, offices, countries, ateco, regions).map_err(DbErr::Custom)
}

/// Calls `f` with every value of a unique text column, reading it in pages by key.
async fn each_value<E>(
    db: &DatabaseConnection,
    col: E::Column,
    mut f: impl FnMut(&str),
) -> Result<(), DbErr>
where
    E: EntityTrait,
{
    let mut last = String::new();
    loop {
        let page: Vec<String> = E::find()
            .select_only()
            .column(col)
            .filter(col.gt(last.clone()))
            .order_by_asc(col)
            .limit(PAGE)
            .into_tuple()
            .all(db)
            .await?;
        page.iter().for_each(|v| f(v));
        match page.last() {
            Some(v) if page.len() as u64 == PAGE => last = v.clone(),
            _ => return Ok(()),
        }
    }
}

/// Generates and bulk-loads persons and employers; calls `progress(done, total)` at the
/// start and after every 1,000 rows. Offices are ensured first (see [`ensure_offices`]) so
/// every row gets the competent office of its comune.
pub async fn run(
    db: &DatabaseConnection,
    opts: &SeedOptions,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<SeedReport, DbErr> {
    let started = Instant::now();
    let backend = db.get_database_backend();
    if !matches!(backend, DbBackend::Sqlite | DbBackend::Postgres) {
        return Err(DbErr::Custom(
            "caricamento dati sintetici disponibile solo su SQLite e PostgreSQL".into(),
        ));
    }
    let regions = opts.regions.as_deref();
    let offices_created = ensure_offices(db, regions).await?;
    let world = Arc::new(load_world(db, regions).await?);
    let now = now_micros();
    let today = to_rome(now).date();
    let total = opts.persons + opts.employers;
    let mut done = 0;
    progress(0, total);
    let mut step = |n: u64| {
        done += n;
        progress(done, total);
    };

    if opts.persons > 0 {
        let mut generator = PersonGenerator::new(Arc::clone(&world), opts.seed, today, now);
        generator.reserve_capacity(usize::try_from(opts.persons).unwrap_or(0));
        each_value::<person::Entity>(db, person::Column::CodiceFiscale, |c| generator.reserve(c))
            .await?;
        match backend {
            DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                load::pg_persons(pool, &mut generator, opts.persons, &mut step).await?;
            }
            _ => {
                let pool = db.get_sqlite_connection_pool();
                load::sqlite_persons(
                    pool,
                    &mut generator,
                    opts.persons,
                    load::REBUILD_MIN,
                    &mut step,
                )
                .await?;
            }
        }
    }
    if opts.employers > 0 {
        let mut generator = EmployerGenerator::new(Arc::clone(&world), opts.seed, now);
        each_value::<employer::Entity>(db, employer::Column::TaxCode, |c| generator.reserve(c))
            .await?;
        match backend {
            DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                load::pg_employers(pool, &mut generator, opts.employers, &mut step).await?;
            }
            _ => {
                let pool = db.get_sqlite_connection_pool();
                load::sqlite_employers(
                    pool,
                    &mut generator,
                    opts.employers,
                    load::REBUILD_MIN,
                    &mut step,
                )
                .await?;
            }
        }
    }
    Ok(SeedReport {
        offices_created,
        persons: opts.persons,
        employers: opts.employers,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, PaginatorTrait, Statement};
    use sportello_domain::codice_fiscale::CodiceFiscale;

    async fn index_sql(db: &DatabaseConnection) -> Vec<String> {
        db.query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ('persons', 'employers', 'employer_units') ORDER BY name",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect()
    }

    /// The large-load path on SQLite (one transaction, indexes rebuilt), forced on a small
    /// load: the indexes come back as the migrations made them and the rows read back.
    #[tokio::test]
    async fn sqlite_load_with_index_rebuild() {
        let path = std::env::temp_dir().join(format!("sportello-seed-{}.sqlite", Uuid::new_v4()));
        let db = crate::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        crate::migrate_up(&db).await.unwrap();
        let regions = vec!["12".to_owned()];
        assert_eq!(ensure_offices(&db, Some(&regions)).await.unwrap(), 5);
        let before = index_sql(&db).await;
        assert!(before.len() >= 7, "{before:?}");

        let world = Arc::new(load_world(&db, Some(&regions)).await.unwrap());
        let now = now_micros();
        let today = to_rome(now).date();
        let pool = db.get_sqlite_connection_pool();
        let mut steps = Vec::new();
        let mut persons = PersonGenerator::new(Arc::clone(&world), 11, today, now);
        load::sqlite_persons(pool, &mut persons, 3_500, 1_000, &mut |n| steps.push(n))
            .await
            .unwrap();
        assert_eq!(steps, vec![1_000, 1_000, 1_000, 500]);
        let mut employers = EmployerGenerator::new(Arc::clone(&world), 11, now);
        load::sqlite_employers(pool, &mut employers, 1_200, 1_000, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(index_sql(&db).await, before);

        assert_eq!(person::Entity::find().count(&db).await.unwrap(), 3_500);
        assert_eq!(employer::Entity::find().count(&db).await.unwrap(), 1_200);
        for p in person::Entity::find().all(&db).await.unwrap() {
            let cf = CodiceFiscale::parse(&p.codice_fiscale, today).unwrap();
            assert_eq!(cf.birth_date(), p.birth_date);
            assert_eq!(p.region_code, "12");
            assert!(p.office_id.is_some() && p.fictitious);
            assert_eq!(p.created_at, now);
        }
        db.close().await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
