//! Reference data from `data/`, embedded in the binary and loaded into the database at
//! migration time. Each file is loaded again only when its content changed (its SHA-256
//! is kept in `reference_versions`), so starting is fast and loading is idempotent.

use crate::entity::{
    ateco, comune, country, education_title, profession, province, reference_version,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Set,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use sportello_domain::text::search_key;

const COMUNI: &[u8] = include_bytes!("../../../data/comuni.csv");
const PROVINCE: &[u8] = include_bytes!("../../../data/province.csv");
const STATI: &[u8] = include_bytes!("../../../data/stati_esteri.csv");
const CP2011: &[u8] = include_bytes!("../../../data/professioni_cp2011.csv");
const ATECO_2007: &[u8] = include_bytes!("../../../data/ateco_2007.csv");
const ATECO_2025: &[u8] = include_bytes!("../../../data/ateco_2025.csv");
const TITOLI: &[u8] = include_bytes!("../../../data/titoli_studio_istat.csv");

const BATCH: usize = 400;

fn records(bytes: &[u8]) -> Result<Vec<csv::StringRecord>, DbErr> {
    let mut r = csv::Reader::from_reader(bytes);
    r.records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DbErr::Custom(format!("dati di riferimento non leggibili: {e}")))
}

fn col(headers: &csv::StringRecord, name: &str) -> Result<usize, DbErr> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| DbErr::Custom(format!("colonna «{name}» mancante nei dati di riferimento")))
}

fn headers(bytes: &[u8]) -> Result<csv::StringRecord, DbErr> {
    csv::Reader::from_reader(bytes)
        .headers()
        .cloned()
        .map_err(|e| DbErr::Custom(e.to_string()))
}

fn opt(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_owned())
}

async fn insert_batches<A, C>(txn: &C, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(BATCH).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Loads one file if its hash changed: delete and insert in one transaction.
async fn load<E, A>(
    db: &DatabaseConnection,
    name: &str,
    bytes: &[u8],
    build: impl Fn(&[u8]) -> Result<Vec<A>, DbErr>,
    filter: Option<sea_orm::Condition>,
) -> Result<bool, DbErr>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
{
    let sha = hex::encode(Sha256::digest(bytes));
    if let Some(v) = reference_version::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        && v.sha256 == sha
    {
        return Ok(false);
    }
    let rows = build(bytes)?;
    let txn = db.begin().await?;
    let mut del = E::delete_many();
    if let Some(f) = filter {
        del = sea_orm::QueryFilter::filter(del, f);
    }
    del.exec(&txn).await?;
    insert_batches(&txn, rows).await?;
    reference_version::Entity::delete_by_id(name.to_owned())
        .exec(&txn)
        .await?;
    reference_version::ActiveModel {
        name: Set(name.to_owned()),
        sha256: Set(sha),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(true)
}

fn comuni(bytes: &[u8]) -> Result<Vec<comune::ActiveModel>, DbErr> {
    let h = headers(bytes)?;
    let (istat, name, cad, pcode, psig, pname, rcode, rname, cap_, pop, cap, lat, lon) = (
        col(&h, "istat_code")?,
        col(&h, "name")?,
        col(&h, "cadastral_code")?,
        col(&h, "province_code")?,
        col(&h, "province_sigla")?,
        col(&h, "province_name")?,
        col(&h, "region_code")?,
        col(&h, "region_name")?,
        col(&h, "is_province_capital")?,
        col(&h, "population")?,
        col(&h, "cap")?,
        col(&h, "lat")?,
        col(&h, "lon")?,
    );
    Ok(records(bytes)?
        .iter()
        .map(|r| comune::ActiveModel {
            istat_code: Set(r[istat].to_owned()),
            name: Set(r[name].to_owned()),
            name_norm: Set(search_key(&r[name])),
            cadastral_code: Set(r[cad].to_owned()),
            province_code: Set(r[pcode].to_owned()),
            province_sigla: Set(r[psig].to_owned()),
            province_name: Set(r[pname].to_owned()),
            region_code: Set(r[rcode].to_owned()),
            region_name: Set(r[rname].to_owned()),
            is_province_capital: Set(&r[cap_] == "Y"),
            population: Set(r[pop].parse().unwrap_or(0)),
            cap: Set(r[cap].chars().take(5).collect()),
            lat: Set(r[lat].parse().unwrap_or(0.0)),
            lon: Set(r[lon].parse().unwrap_or(0.0)),
        })
        .collect())
}

fn provinces(bytes: &[u8]) -> Result<Vec<province::ActiveModel>, DbErr> {
    let h = headers(bytes)?;
    let (code, sig, name, rc, rn, cap) = (
        col(&h, "province_code")?,
        col(&h, "province_sigla")?,
        col(&h, "province_name")?,
        col(&h, "region_code")?,
        col(&h, "region_name")?,
        col(&h, "capoluogo")?,
    );
    Ok(records(bytes)?
        .iter()
        .map(|r| province::ActiveModel {
            province_code: Set(r[code].to_owned()),
            sigla: Set(r[sig].to_owned()),
            name: Set(r[name].to_owned()),
            region_code: Set(r[rc].to_owned()),
            region_name: Set(r[rn].to_owned()),
            capoluogo: Set(r[cap].to_owned()),
        })
        .collect())
}

fn countries(bytes: &[u8]) -> Result<Vec<country::ActiveModel>, DbErr> {
    let h = headers(bytes)?;
    let (code, name, cad, iso) = (
        col(&h, "istat_code")?,
        col(&h, "name_it")?,
        col(&h, "cadastral_code")?,
        col(&h, "iso3166_alpha2")?,
    );
    let mut seen = std::collections::HashSet::new();
    Ok(records(bytes)?
        .iter()
        .filter(|r| seen.insert(r[code].to_owned()))
        .map(|r| country::ActiveModel {
            istat_code: Set(r[code].to_owned()),
            name: Set(r[name].to_owned()),
            cadastral_code: Set(opt(&r[cad])),
            iso2: Set(opt(&r[iso])),
        })
        .collect())
}

fn professions(bytes: &[u8]) -> Result<Vec<profession::ActiveModel>, DbErr> {
    let h = headers(bytes)?;
    let (code, level, title, parent) = (
        col(&h, "code")?,
        col(&h, "level")?,
        col(&h, "title")?,
        col(&h, "parent_code")?,
    );
    Ok(records(bytes)?
        .iter()
        .map(|r| profession::ActiveModel {
            code: Set(r[code].to_owned()),
            level: Set(r[level].parse().unwrap_or(0)),
            title: Set(r[title].to_owned()),
            title_norm: Set(r[title].to_lowercase()),
            parent_code: Set(opt(&r[parent])),
        })
        .collect())
}

fn ateco_rows(version: i16) -> impl Fn(&[u8]) -> Result<Vec<ateco::ActiveModel>, DbErr> {
    move |bytes| {
        let h = headers(bytes)?;
        let title_col = if version == 2007 { "title" } else { "title_it" };
        let (code, level, title, parent) = (
            col(&h, "code")?,
            col(&h, "level")?,
            col(&h, title_col)?,
            col(&h, "parent_code")?,
        );
        Ok(records(bytes)?
            .iter()
            .map(|r| ateco::ActiveModel {
                version: Set(version),
                code: Set(r[code].to_owned()),
                level: Set(r[level].parse().unwrap_or(0)),
                title: Set(r[title].to_owned()),
                title_norm: Set(r[title].to_lowercase()),
                parent_code: Set(opt(&r[parent])),
            })
            .collect())
    }
}

fn education(bytes: &[u8]) -> Result<Vec<education_title::ActiveModel>, DbErr> {
    let h = headers(bytes)?;
    let (code, title) = (col(&h, "code")?, col(&h, "title")?);
    Ok(records(bytes)?
        .iter()
        .map(|r| education_title::ActiveModel {
            code: Set(r[code].to_owned()),
            title: Set(r[title].to_owned()),
        })
        .collect())
}

/// Loads every reference file whose content changed; returns how many were (re)loaded.
pub async fn load_all(db: &DatabaseConnection) -> Result<usize, DbErr> {
    use sea_orm::ColumnTrait;
    let mut n = 0;
    n += load::<comune::Entity, _>(db, "comuni", COMUNI, comuni, None).await? as usize;
    n += load::<province::Entity, _>(db, "province", PROVINCE, provinces, None).await? as usize;
    n += load::<country::Entity, _>(db, "stati_esteri", STATI, countries, None).await? as usize;
    n += load::<profession::Entity, _>(db, "cp2011", CP2011, professions, None).await? as usize;
    n += load::<ateco::Entity, _>(
        db,
        "ateco_2007",
        ATECO_2007,
        ateco_rows(2007),
        Some(sea_orm::Condition::all().add(ateco::Column::Version.eq(2007))),
    )
    .await? as usize;
    n += load::<ateco::Entity, _>(
        db,
        "ateco_2025",
        ATECO_2025,
        ateco_rows(2025),
        Some(sea_orm::Condition::all().add(ateco::Column::Version.eq(2025))),
    )
    .await? as usize;
    n += load::<education_title::Entity, _>(db, "titoli_studio", TITOLI, education, None).await?
        as usize;
    Ok(n)
}
