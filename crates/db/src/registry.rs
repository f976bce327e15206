//! The registry port over SeaORM.

use crate::entity::{
    ateco, comune, country, employer, employer_unit, office, office_comune, organisation,
    organisation_seat, person, person_organisation, profession,
};
use crate::store::{SeaStore, other, stamp};
use async_trait::async_trait;
use sea_orm::Order;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sportello_app::ports::*;
use sportello_domain::text::{prefix_upper_bound, search_key};
use uuid::Uuid;

fn to_comune(c: comune::Model) -> ComuneRecord {
    ComuneRecord {
        istat_code: c.istat_code,
        name: c.name,
        cadastral_code: c.cadastral_code,
        province_code: c.province_code,
        province_sigla: c.province_sigla,
        region_code: c.region_code,
        region_name: c.region_name,
        cap: c.cap,
        population: c.population,
        lat: c.lat,
        lon: c.lon,
    }
}

/// `col` starts with `prefix`, as an index range (both databases compare bytes here).
fn starts_with<C: ColumnTrait>(col: C, prefix: &str) -> Condition {
    let mut c = Condition::all().add(col.gte(prefix));
    if let Some(ub) = prefix_upper_bound(prefix) {
        c = c.add(col.lt(ub));
    }
    c
}

/// Rows strictly after (or before) a (surname_norm, name_norm, id) key, in listing order.
fn keyset((sn, n, id): &(String, String, Uuid), after: bool) -> Condition {
    let beyond = |c: person::Column, v: sea_orm::Value| if after { c.gt(v) } else { c.lt(v) };
    Condition::any()
        .add(beyond(person::Column::SurnameNorm, sn.as_str().into()))
        .add(
            Condition::all()
                .add(person::Column::SurnameNorm.eq(sn.as_str()))
                .add(beyond(person::Column::NameNorm, n.as_str().into())),
        )
        .add(
            Condition::all()
                .add(person::Column::SurnameNorm.eq(sn.as_str()))
                .add(person::Column::NameNorm.eq(n.as_str()))
                .add(beyond(person::Column::Id, (*id).into())),
        )
}

fn to_person(p: person::Model) -> PersonRecord {
    PersonRecord {
        id: p.id,
        codice_fiscale: p.codice_fiscale,
        surname: p.surname,
        name: p.name,
        sex: p.sex,
        birth_date: p.birth_date,
        birth_place_code: p.birth_place_code,
        citizenship: p.citizenship,
        residence_comune: p.residence_comune,
        residence_address: p.residence_address,
        domicile_comune: p.domicile_comune,
        domicile_address: p.domicile_address,
        email: p.email,
        phone: p.phone,
        preferred_channel: p.preferred_channel,
        office_id: p.office_id,
        region_code: p.region_code,
        birth_data_confirmed: p.birth_data_confirmed,
        fictitious: p.fictitious,
        created_at: p.created_at,
        updated_at: p.updated_at,
        version: p.version,
    }
}

fn person_model(p: &PersonRecord) -> person::ActiveModel {
    person::ActiveModel {
        id: Set(p.id),
        codice_fiscale: Set(p.codice_fiscale.clone()),
        surname: Set(p.surname.clone()),
        name: Set(p.name.clone()),
        surname_norm: Set(search_key(&p.surname)),
        name_norm: Set(search_key(&p.name)),
        sex: Set(p.sex.clone()),
        birth_date: Set(p.birth_date),
        birth_place_code: Set(p.birth_place_code.clone()),
        citizenship: Set(p.citizenship.clone()),
        residence_comune: Set(p.residence_comune.clone()),
        residence_address: Set(p.residence_address.clone()),
        domicile_comune: Set(p.domicile_comune.clone()),
        domicile_address: Set(p.domicile_address.clone()),
        email: Set(p.email.clone()),
        phone: Set(p.phone.clone()),
        preferred_channel: Set(p.preferred_channel.clone()),
        office_id: Set(p.office_id),
        region_code: Set(p.region_code.clone()),
        birth_data_confirmed: Set(p.birth_data_confirmed),
        fictitious: Set(p.fictitious),
        created_at: Set(stamp(p.created_at)),
        updated_at: Set(stamp(p.updated_at)),
        version: Set(p.version),
    }
}

fn to_office(o: office::Model) -> OfficeRecord {
    OfficeRecord {
        id: o.id,
        name: o.name,
        address: o.address,
        comune: o.comune,
        phone: o.phone,
        email: o.email,
        opening_hours: o.opening_hours,
        region_code: o.region_code,
        province_code: o.province_code,
        active: o.active,
        created_at: o.created_at,
        updated_at: o.updated_at,
        version: o.version,
    }
}

fn to_employer(e: employer::Model, units: Vec<employer_unit::Model>) -> EmployerRecord {
    EmployerRecord {
        id: e.id,
        tax_code: e.tax_code,
        vat_number: e.vat_number,
        name: e.name,
        ateco_2007: e.ateco_2007,
        ateco_2025: e.ateco_2025,
        legal_comune: e.legal_comune,
        legal_address: e.legal_address,
        size_class: e.size_class,
        email: e.email,
        phone: e.phone,
        pec: e.pec,
        is_public: e.is_public,
        office_id: e.office_id,
        region_code: e.region_code,
        units: units
            .into_iter()
            .map(|u| SiteRecord {
                id: u.id,
                name: u.name,
                comune: u.comune,
                address: u.address,
            })
            .collect(),
        created_at: e.created_at,
        updated_at: e.updated_at,
        version: e.version,
    }
}

fn to_organisation(
    o: organisation::Model,
    seats: Vec<organisation_seat::Model>,
) -> OrganisationRecord {
    OrganisationRecord {
        id: o.id,
        name: o.name,
        tax_code: o.tax_code,
        albo_status: o.albo_status,
        region_code: o.region_code,
        email: o.email,
        phone: o.phone,
        seats: seats
            .into_iter()
            .map(|s| SiteRecord {
                id: s.id,
                name: s.name,
                comune: s.comune,
                address: s.address,
            })
            .collect(),
        created_at: o.created_at,
        updated_at: o.updated_at,
        version: o.version,
    }
}

/// Refuses the save (`StoreError::Stale`) unless the stored record is still at the version
/// before `version`; a new record (`version` 1) has nothing to compare. The conditional
/// update also locks the row on PostgreSQL until the transaction ends.
async fn expect_version<E>(
    txn: &sea_orm::DatabaseTransaction,
    id_column: E::Column,
    version_column: E::Column,
    id: Uuid,
    version: i64,
) -> Result<(), DbErr>
where
    E: EntityTrait,
{
    if version <= 1 {
        return Ok(());
    }
    let touched = E::update_many()
        .col_expr(
            version_column,
            sea_orm::sea_query::Expr::col(version_column),
        )
        .filter(id_column.eq(id))
        .filter(version_column.eq(version - 1))
        .exec(txn)
        .await?
        .rows_affected;
    if touched == 1 {
        Ok(())
    } else {
        Err(DbErr::Custom(crate::store::STALE.to_owned()))
    }
}

/// Upsert by primary key: insert, or update every column on conflict.
async fn upsert<A>(
    txn: &sea_orm::DatabaseTransaction,
    model: A,
    pk: impl sea_orm::sea_query::IntoIden,
    cols: Vec<<A::Entity as EntityTrait>::Column>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    <A::Entity as EntityTrait>::insert(model)
        .on_conflict(OnConflict::column(pk).update_columns(cols).to_owned())
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// The child rows of a page of parents in one query (not one per parent), by parent.
async fn children_of<E: EntityTrait>(
    db: &sea_orm::DatabaseConnection,
    parent_column: E::Column,
    parents: Vec<Uuid>,
    parent_of: fn(&E::Model) -> Uuid,
) -> Result<std::collections::HashMap<Uuid, Vec<E::Model>>, DbErr> {
    let mut by_parent: std::collections::HashMap<Uuid, Vec<E::Model>> = Default::default();
    if parents.is_empty() {
        return Ok(by_parent);
    }
    for row in E::find()
        .filter(parent_column.is_in(parents))
        .all(db)
        .await?
    {
        by_parent.entry(parent_of(&row)).or_default().push(row);
    }
    Ok(by_parent)
}

/// Brings a parent's child rows (an employer's units, an organisation's seats) to `rows`:
/// rows are changed in place by id, new ones inserted, and only the ones no longer listed
/// deleted, so what refers to a unit or a seat keeps pointing at it; deleting one that is
/// still referred to fails on its foreign key (`StoreError::Referenced`).
async fn sync_children<A>(
    txn: &sea_orm::DatabaseTransaction,
    id_column: <A::Entity as EntityTrait>::Column,
    parent_column: <A::Entity as EntityTrait>::Column,
    parent: Uuid,
    kept: Vec<Uuid>,
    rows: Vec<A>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    <A::Entity as EntityTrait>::Column: sea_orm::Iterable,
{
    <A::Entity as EntityTrait>::delete_many()
        .filter(parent_column.eq(parent))
        .filter(id_column.is_not_in(kept))
        .exec(txn)
        .await?;
    for row in rows {
        upsert(txn, row, id_column, all_columns::<A::Entity>()).await?;
    }
    Ok(())
}

fn all_columns<E: EntityTrait>() -> Vec<E::Column>
where
    E::Column: sea_orm::Iterable,
{
    use sea_orm::Iterable;
    E::Column::iter().collect()
}

/// Reference rows looked up by code on every listing, kept in memory.
pub(crate) struct ReferenceCache {
    comuni: std::collections::HashMap<String, ComuneRecord>,
    countries: std::collections::HashMap<String, String>,
}

impl SeaStore {
    async fn reference(&self) -> StoreResult<&ReferenceCache> {
        self.reference
            .get_or_try_init(|| async {
                let comuni = comune::Entity::find()
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|c| (c.istat_code.clone(), to_comune(c)))
                    .collect();
                let countries = country::Entity::find()
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|c| (c.istat_code, c.name))
                    .collect();
                Ok::<_, DbErr>(ReferenceCache { comuni, countries })
            })
            .await
            .map_err(other)
    }
}

#[async_trait]
impl RegistryStore for SeaStore {
    async fn comune(&self, istat_code: &str) -> StoreResult<Option<ComuneRecord>> {
        Ok(self.reference().await?.comuni.get(istat_code).cloned())
    }

    async fn comuni_search(&self, query: &str, limit: u64) -> StoreResult<Vec<ComuneRecord>> {
        let q = query.trim();
        let cond = if q.len() == 5 && q.chars().all(|c| c.is_ascii_digit()) {
            Condition::all().add(comune::Column::Cap.eq(q))
        } else {
            let key = search_key(q);
            if key.is_empty() {
                return Ok(vec![]);
            }
            starts_with(comune::Column::NameNorm, &key)
        };
        Ok(comune::Entity::find()
            .filter(cond)
            .order_by_desc(comune::Column::Population)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_comune)
            .collect())
    }

    async fn comuni_by_name(&self, name_norm: &str) -> StoreResult<Vec<ComuneRecord>> {
        Ok(comune::Entity::find()
            .filter(comune::Column::NameNorm.eq(name_norm))
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_comune)
            .collect())
    }

    async fn country_name(&self, istat_code: &str) -> StoreResult<Option<String>> {
        Ok(self.reference().await?.countries.get(istat_code).cloned())
    }

    async fn countries_search(&self, query: &str, limit: u64) -> StoreResult<Vec<CodeTitle>> {
        let q = query.trim().to_lowercase();
        let mut found: Vec<CodeTitle> = self
            .reference()
            .await?
            .countries
            .iter()
            .filter(|(_, name)| name.to_lowercase().contains(&q))
            .map(|(code, name)| CodeTitle {
                code: code.clone(),
                title: name.clone(),
                // Countries have no hierarchy.
                level: 0,
            })
            .collect();
        // Names that start with the text first, then alphabetical.
        found.sort_by_key(|c| (!c.title.to_lowercase().starts_with(&q), c.title.clone()));
        found.truncate(limit as usize);
        Ok(found)
    }

    async fn country_by_name(&self, name: &str) -> StoreResult<Option<String>> {
        let name = name.trim();
        Ok(self
            .reference()
            .await?
            .countries
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(code, _)| code.clone()))
    }

    async fn professions_search(&self, query: &str, limit: u64) -> StoreResult<Vec<CodeTitle>> {
        let q = query.trim();
        let cond = if q.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            starts_with(profession::Column::Code, q)
        } else {
            Condition::all().add(profession::Column::TitleNorm.contains(q.to_lowercase()))
        };
        Ok(profession::Entity::find()
            .filter(cond)
            .order_by_desc(profession::Column::Level)
            .order_by_asc(profession::Column::Code)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(|p| CodeTitle {
                code: p.code,
                title: p.title,
                level: p.level,
            })
            .collect())
    }

    async fn ateco_search(
        &self,
        version: i16,
        query: &str,
        limit: u64,
    ) -> StoreResult<Vec<CodeTitle>> {
        let q = query.trim();
        let cond = if q.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            starts_with(ateco::Column::Code, q)
        } else {
            Condition::all().add(ateco::Column::TitleNorm.contains(q.to_lowercase()))
        };
        Ok(ateco::Entity::find()
            .filter(ateco::Column::Version.eq(version))
            .filter(cond)
            .order_by_desc(ateco::Column::Level)
            .order_by_asc(ateco::Column::Code)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(|a| CodeTitle {
                code: a.code,
                title: a.title,
                level: a.level,
            })
            .collect())
    }

    async fn ateco_exists(&self, version: i16, code: &str) -> StoreResult<bool> {
        Ok(ateco::Entity::find_by_id((version, code.to_owned()))
            .one(&self.db)
            .await
            .map_err(other)?
            .is_some())
    }

    async fn office_for_comune(&self, istat_code: &str) -> StoreResult<Option<Uuid>> {
        Ok(office_comune::Entity::find_by_id(istat_code.to_owned())
            .one(&self.db)
            .await
            .map_err(other)?
            .map(|m| m.office_id))
    }

    async fn office(&self, id: Uuid) -> StoreResult<Option<OfficeRecord>> {
        Ok(office::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_office))
    }

    async fn offices(
        &self,
        region: Option<&str>,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<OfficeRecord>> {
        let mut q = office::Entity::find().order_by_asc(office::Column::Id);
        if let Some(r) = region {
            q = q.filter(office::Column::RegionCode.eq(r));
        }
        if let Some(a) = after {
            q = q.filter(office::Column::Id.gt(a));
        }
        Ok(q.limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_office)
            .collect())
    }

    async fn office_comuni(&self, id: Uuid) -> StoreResult<Vec<ComuneRecord>> {
        let codes: Vec<String> = office_comune::Entity::find()
            .filter(office_comune::Column::OfficeId.eq(id))
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(|m| m.comune)
            .collect();
        if codes.is_empty() {
            return Ok(vec![]);
        }
        Ok(comune::Entity::find()
            .filter(comune::Column::IstatCode.is_in(codes))
            .order_by_asc(comune::Column::NameNorm)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_comune)
            .collect())
    }

    async fn save_office(&self, o: &OfficeRecord, audit: AuditDraft) -> StoreResult<()> {
        let model = office::ActiveModel {
            id: Set(o.id),
            name: Set(o.name.clone()),
            address: Set(o.address.clone()),
            comune: Set(o.comune.clone()),
            phone: Set(o.phone.clone()),
            email: Set(o.email.clone()),
            opening_hours: Set(o.opening_hours.clone()),
            region_code: Set(o.region_code.clone()),
            province_code: Set(o.province_code.clone()),
            active: Set(o.active),
            created_at: Set(stamp(o.created_at)),
            updated_at: Set(stamp(o.updated_at)),
            version: Set(o.version),
        };
        let (id, version) = (o.id, o.version);
        self.write(Some(audit), |txn| {
            Box::pin(async move {
                expect_version::<office::Entity>(
                    txn,
                    office::Column::Id,
                    office::Column::Version,
                    id,
                    version,
                )
                .await?;
                upsert(
                    txn,
                    model,
                    office::Column::Id,
                    all_columns::<office::Entity>(),
                )
                .await
            })
        })
        .await
    }

    async fn assign_comuni(
        &self,
        id: Uuid,
        comuni: &[String],
        audit: AuditDraft,
    ) -> StoreResult<()> {
        let comuni = comuni.to_vec();
        self.write(Some(audit), |txn| {
            Box::pin(async move {
                office_comune::Entity::delete_many()
                    .filter(office_comune::Column::OfficeId.eq(id))
                    .exec(txn)
                    .await?;
                if !comuni.is_empty() {
                    office_comune::Entity::delete_many()
                        .filter(office_comune::Column::Comune.is_in(comuni.clone()))
                        .exec(txn)
                        .await?;
                    for chunk in comuni.chunks(400) {
                        office_comune::Entity::insert_many(chunk.iter().map(|c| {
                            office_comune::ActiveModel {
                                comune: Set(c.clone()),
                                office_id: Set(id),
                            }
                        }))
                        .exec_without_returning(txn)
                        .await?;
                    }
                    // Persons and employers follow their comune to the new office: a change
                    // of their record, so their version moves on too.
                    person::Entity::update_many()
                        .col_expr(person::Column::OfficeId, Expr::value(id))
                        .col_expr(
                            person::Column::Version,
                            sea_orm::sea_query::ExprTrait::add(
                                Expr::col(person::Column::Version),
                                1,
                            ),
                        )
                        .filter(person::Column::DomicileComune.is_in(comuni.clone()))
                        .exec(txn)
                        .await?;
                    employer::Entity::update_many()
                        .col_expr(employer::Column::OfficeId, Expr::value(id))
                        .col_expr(
                            employer::Column::Version,
                            sea_orm::sea_query::ExprTrait::add(
                                Expr::col(employer::Column::Version),
                                1,
                            ),
                        )
                        .filter(employer::Column::LegalComune.is_in(comuni))
                        .exec(txn)
                        .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn person(&self, id: Uuid) -> StoreResult<Option<PersonRecord>> {
        Ok(person::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_person))
    }

    async fn person_by_cf(&self, cf: &str) -> StoreResult<Option<PersonRecord>> {
        Ok(person::Entity::find()
            .filter(person::Column::CodiceFiscale.eq(cf))
            .one(&self.db)
            .await
            .map_err(other)?
            .map(to_person))
    }

    async fn persons_like(
        &self,
        surname_norm: &str,
        name_norm: &str,
        birth_date: time::Date,
    ) -> StoreResult<Vec<PersonRecord>> {
        Ok(person::Entity::find()
            .filter(person::Column::BirthDate.eq(birth_date))
            .filter(person::Column::SurnameNorm.eq(surname_norm))
            .filter(person::Column::NameNorm.eq(name_norm))
            .limit(10)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_person)
            .collect())
    }

    async fn person_organisations(&self, id: Uuid) -> StoreResult<Vec<Uuid>> {
        Ok(person_organisation::Entity::find()
            .filter(person_organisation::Column::PersonId.eq(id))
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(|m| m.organisation_id)
            .collect())
    }

    async fn save_person(&self, p: &PersonRecord, audit: AuditDraft) -> StoreResult<()> {
        let model = person_model(p);
        let (id, version) = (p.id, p.version);
        self.write(Some(audit), |txn| {
            Box::pin(async move {
                expect_version::<person::Entity>(
                    txn,
                    person::Column::Id,
                    person::Column::Version,
                    id,
                    version,
                )
                .await?;
                upsert(
                    txn,
                    model,
                    person::Column::Id,
                    all_columns::<person::Entity>(),
                )
                .await
            })
        })
        .await
    }

    async fn search_persons(&self, q: &PersonQuery, limit: u64) -> StoreResult<Vec<PersonRecord>> {
        let mut s = person::Entity::find();
        if let Some(o) = q.office {
            s = s.filter(person::Column::OfficeId.eq(o));
        }
        if let Some(r) = &q.region {
            s = s.filter(person::Column::RegionCode.eq(r.as_str()));
        }
        if let Some(p) = q.person {
            s = s.filter(person::Column::Id.eq(p));
        }
        if let Some(g) = q.organisation {
            s = s.filter(
                person::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(person_organisation::Column::PersonId)
                        .from(person_organisation::Entity)
                        .and_where(person_organisation::Column::OrganisationId.eq(g))
                        .to_owned(),
                ),
            );
        }
        if let Some(cf) = &q.codice_fiscale {
            // The code narrows best, so it is looked up first through its unique index; the
            // scope filters and the name order then apply to those few rows. (Left to itself,
            // SQLite walks the office's name index instead.)
            let by_code = if cf.len() == 16 {
                Condition::all().add(person::Column::CodiceFiscale.eq(cf.as_str()))
            } else {
                starts_with(person::Column::CodiceFiscale, cf)
            };
            s = s.filter(
                person::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(person::Column::Id)
                        .from(person::Entity)
                        .cond_where(by_code)
                        .to_owned(),
                ),
            );
        }
        if let Some(sn) = &q.surname {
            s = s.filter(starts_with(person::Column::SurnameNorm, sn));
        }
        if let Some(n) = &q.name {
            s = s.filter(starts_with(person::Column::NameNorm, n));
        }
        if let Some(c) = &q.comune {
            s = s.filter(person::Column::DomicileComune.eq(c.as_str()));
        }
        if let Some(key) = &q.after {
            s = s.filter(keyset(key, true));
        }
        let backward = q.before.is_some();
        if let Some(key) = &q.before {
            s = s.filter(keyset(key, false));
        }
        let order = if backward { Order::Desc } else { Order::Asc };
        let mut rows: Vec<PersonRecord> = s
            .order_by(person::Column::SurnameNorm, order.clone())
            .order_by(person::Column::NameNorm, order.clone())
            .order_by(person::Column::Id, order)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_person)
            .collect();
        if backward {
            rows.reverse();
        }
        Ok(rows)
    }

    async fn employer(&self, id: Uuid) -> StoreResult<Option<EmployerRecord>> {
        let Some(e) = employer::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(other)?
        else {
            return Ok(None);
        };
        let units = employer_unit::Entity::find()
            .filter(employer_unit::Column::EmployerId.eq(id))
            .order_by_asc(employer_unit::Column::Name)
            .all(&self.db)
            .await
            .map_err(other)?;
        Ok(Some(to_employer(e, units)))
    }

    async fn employer_by_tax_code(&self, tax_code: &str) -> StoreResult<Option<EmployerRecord>> {
        Ok(employer::Entity::find()
            .filter(employer::Column::TaxCode.eq(tax_code))
            .one(&self.db)
            .await
            .map_err(other)?
            .map(|e| to_employer(e, vec![])))
    }

    async fn save_employer(&self, e: &EmployerRecord, audit: AuditDraft) -> StoreResult<()> {
        let model = employer::ActiveModel {
            id: Set(e.id),
            tax_code: Set(e.tax_code.clone()),
            vat_number: Set(e.vat_number.clone()),
            name: Set(e.name.clone()),
            name_norm: Set(search_key(&e.name)),
            ateco_2007: Set(e.ateco_2007.clone()),
            ateco_2025: Set(e.ateco_2025.clone()),
            legal_comune: Set(e.legal_comune.clone()),
            legal_address: Set(e.legal_address.clone()),
            size_class: Set(e.size_class.clone()),
            email: Set(e.email.clone()),
            phone: Set(e.phone.clone()),
            pec: Set(e.pec.clone()),
            is_public: Set(e.is_public),
            office_id: Set(e.office_id),
            region_code: Set(e.region_code.clone()),
            created_at: Set(stamp(e.created_at)),
            updated_at: Set(stamp(e.updated_at)),
            version: Set(e.version),
        };
        let id = e.id;
        let unit_ids: Vec<Uuid> = e.units.iter().map(|u| u.id).collect();
        let units: Vec<employer_unit::ActiveModel> = e
            .units
            .iter()
            .map(|u| employer_unit::ActiveModel {
                id: Set(u.id),
                employer_id: Set(id),
                name: Set(u.name.clone()),
                comune: Set(u.comune.clone()),
                address: Set(u.address.clone()),
            })
            .collect();
        let version = e.version;
        self.write(Some(audit), |txn| {
            Box::pin(async move {
                expect_version::<employer::Entity>(
                    txn,
                    employer::Column::Id,
                    employer::Column::Version,
                    id,
                    version,
                )
                .await?;
                upsert(
                    txn,
                    model,
                    employer::Column::Id,
                    all_columns::<employer::Entity>(),
                )
                .await?;
                sync_children(
                    txn,
                    employer_unit::Column::Id,
                    employer_unit::Column::EmployerId,
                    id,
                    unit_ids,
                    units,
                )
                .await
            })
        })
        .await
    }

    async fn search_employers(
        &self,
        q: &EmployerQuery,
        limit: u64,
    ) -> StoreResult<Vec<EmployerRecord>> {
        let mut s = employer::Entity::find();
        if let Some(o) = q.office {
            s = s.filter(employer::Column::OfficeId.eq(o));
        }
        if let Some(r) = &q.region {
            s = s.filter(employer::Column::RegionCode.eq(r.as_str()));
        }
        if let Some(e) = q.employer {
            s = s.filter(employer::Column::Id.eq(e));
        }
        if let Some(t) = &q.tax_code {
            s = s.filter(employer::Column::TaxCode.eq(t.as_str()));
        }
        if let Some(n) = &q.name {
            // Anywhere in the name, not only at its start: people search «srl» or a word
            // in the middle. The key is A-Z only, so it needs no LIKE escaping.
            s = s.filter(employer::Column::NameNorm.like(format!("%{n}%")));
        }
        if let Some(c) = &q.comune {
            s = s.filter(employer::Column::LegalComune.eq(c.as_str()));
        }
        if let Some((n, id)) = &q.after {
            s = s.filter(
                Condition::any()
                    .add(employer::Column::NameNorm.gt(n.as_str()))
                    .add(
                        Condition::all()
                            .add(employer::Column::NameNorm.eq(n.as_str()))
                            .add(employer::Column::Id.gt(*id)),
                    ),
            );
        }
        let found = s
            .order_by_asc(employer::Column::NameNorm)
            .order_by_asc(employer::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?;
        let mut units = children_of::<employer_unit::Entity>(
            &self.db,
            employer_unit::Column::EmployerId,
            found.iter().map(|e| e.id).collect(),
            |u| u.employer_id,
        )
        .await
        .map_err(other)?;
        Ok(found
            .into_iter()
            .map(|e| {
                let mine = units.remove(&e.id).unwrap_or_default();
                to_employer(e, mine)
            })
            .collect())
    }

    async fn organisation(&self, id: Uuid) -> StoreResult<Option<OrganisationRecord>> {
        let Some(o) = organisation::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(other)?
        else {
            return Ok(None);
        };
        let seats = organisation_seat::Entity::find()
            .filter(organisation_seat::Column::OrganisationId.eq(id))
            .all(&self.db)
            .await
            .map_err(other)?;
        Ok(Some(to_organisation(o, seats)))
    }

    async fn organisations(
        &self,
        region: Option<&str>,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<OrganisationRecord>> {
        let mut q = organisation::Entity::find().order_by_asc(organisation::Column::Id);
        if let Some(r) = region {
            q = q.filter(organisation::Column::RegionCode.eq(r));
        }
        if let Some(a) = after {
            q = q.filter(organisation::Column::Id.gt(a));
        }
        let found = q.limit(limit).all(&self.db).await.map_err(other)?;
        let mut seats = children_of::<organisation_seat::Entity>(
            &self.db,
            organisation_seat::Column::OrganisationId,
            found.iter().map(|o| o.id).collect(),
            |s| s.organisation_id,
        )
        .await
        .map_err(other)?;
        Ok(found
            .into_iter()
            .map(|o| {
                let mine = seats.remove(&o.id).unwrap_or_default();
                to_organisation(o, mine)
            })
            .collect())
    }

    async fn save_organisation(
        &self,
        o: &OrganisationRecord,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        let model = organisation::ActiveModel {
            id: Set(o.id),
            name: Set(o.name.clone()),
            tax_code: Set(o.tax_code.clone()),
            albo_status: Set(o.albo_status.clone()),
            region_code: Set(o.region_code.clone()),
            email: Set(o.email.clone()),
            phone: Set(o.phone.clone()),
            created_at: Set(stamp(o.created_at)),
            updated_at: Set(stamp(o.updated_at)),
            version: Set(o.version),
        };
        let id = o.id;
        let seat_ids: Vec<Uuid> = o.seats.iter().map(|s| s.id).collect();
        let seats: Vec<organisation_seat::ActiveModel> = o
            .seats
            .iter()
            .map(|s| organisation_seat::ActiveModel {
                id: Set(s.id),
                organisation_id: Set(id),
                name: Set(s.name.clone()),
                comune: Set(s.comune.clone()),
                address: Set(s.address.clone()),
            })
            .collect();
        let version = o.version;
        self.write(Some(audit), |txn| {
            Box::pin(async move {
                expect_version::<organisation::Entity>(
                    txn,
                    organisation::Column::Id,
                    organisation::Column::Version,
                    id,
                    version,
                )
                .await?;
                upsert(
                    txn,
                    model,
                    organisation::Column::Id,
                    all_columns::<organisation::Entity>(),
                )
                .await?;
                sync_children(
                    txn,
                    organisation_seat::Column::Id,
                    organisation_seat::Column::OrganisationId,
                    id,
                    seat_ids,
                    seats,
                )
                .await
            })
        })
        .await
    }
}
