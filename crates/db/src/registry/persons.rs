//! Persons.

use super::{all_columns, children_of, expect_version, starts_with, upsert};
use crate::entity::{person, person_organisation};
use crate::store::{SeaStore, other, stamp};
use crate::uow::SeaTx;
use async_trait::async_trait;
use sea_orm::Order;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use sportello_app::ports::StoreResult;
use sportello_app::registry::ports::*;
use sportello_app::scope::{Authorized, ScopeFilter};
use sportello_domain::text::search_key;
use time::OffsetDateTime;
use uuid::Uuid;

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
        organisations: vec![],
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

/// Persons with the organisations they are assigned to, read in one query for all.
async fn with_organisations(
    db: &impl ConnectionTrait,
    rows: Vec<person::Model>,
) -> StoreResult<Vec<PersonRecord>> {
    let mut orgs = children_of::<person_organisation::Entity>(
        db,
        person_organisation::Column::PersonId,
        rows.iter().map(|p| p.id).collect(),
        |m| m.person_id,
    )
    .await
    .map_err(other)?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let id = m.id;
            let mut p = to_person(m);
            p.organisations = orgs
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|o| o.organisation_id)
                .collect();
            p
        })
        .collect())
}

async fn one_person(
    db: &impl ConnectionTrait,
    row: Option<person::Model>,
) -> StoreResult<Option<PersonRecord>> {
    Ok(with_organisations(db, row.into_iter().collect())
        .await?
        .pop())
}

#[async_trait]
impl PersonQueries for SeaStore {
    async fn person(&self, id: Uuid) -> StoreResult<Option<PersonRecord>> {
        let row = person::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(other)?;
        one_person(&self.db, row).await
    }

    async fn person_by_cf(&self, cf: &str) -> StoreResult<Option<PersonRecord>> {
        let row = person::Entity::find()
            .filter(person::Column::CodiceFiscale.eq(cf))
            .one(&self.db)
            .await
            .map_err(other)?;
        one_person(&self.db, row).await
    }

    async fn persons_like(
        &self,
        surname_norm: &str,
        name_norm: &str,
        birth_date: time::Date,
    ) -> StoreResult<Vec<PersonRecord>> {
        let rows = person::Entity::find()
            .filter(person::Column::BirthDate.eq(birth_date))
            .filter(person::Column::SurnameNorm.eq(surname_norm))
            .filter(person::Column::NameNorm.eq(name_norm))
            .limit(10)
            .all(&self.db)
            .await
            .map_err(other)?;
        with_organisations(&self.db, rows).await
    }

    async fn search_persons(
        &self,
        scope: &ScopeFilter,
        q: &PersonQuery,
        limit: u64,
    ) -> StoreResult<Vec<PersonRecord>> {
        let mut s = person::Entity::find();
        if let Some(o) = scope.office() {
            s = s.filter(person::Column::OfficeId.eq(o));
        }
        if let Some(r) = scope.region() {
            s = s.filter(person::Column::RegionCode.eq(r));
        }
        if let Some(p) = scope.person() {
            s = s.filter(person::Column::Id.eq(p));
        }
        if scope.employer().is_some() {
            // An employer reaches no person through the registry.
            return Ok(vec![]);
        }
        if let Some(g) = scope.organisation() {
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
        let mut rows = s
            .order_by(person::Column::SurnameNorm, order.clone())
            .order_by(person::Column::NameNorm, order.clone())
            .order_by(person::Column::Id, order)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?;
        if backward {
            rows.reverse();
        }
        with_organisations(&self.db, rows).await
    }
}

#[async_trait]
impl PersonRepo for SeaTx {
    async fn person_for_update(&mut self, id: Uuid) -> StoreResult<Option<PersonRecord>> {
        let row = person::Entity::find_by_id(id)
            .lock_exclusive()
            .one(&self.txn)
            .await
            .map_err(other)?;
        one_person(&self.txn, row).await
    }

    async fn save_person(&mut self, p: &Authorized<PersonRecord>) -> StoreResult<()> {
        expect_version::<person::Entity>(
            &self.txn,
            person::Column::Id,
            person::Column::Version,
            p.id,
            p.version,
        )
        .await
        .map_err(other)?;
        upsert(
            &self.txn,
            person_model(p),
            person::Column::Id,
            all_columns::<person::Entity>(),
        )
        .await
        .map_err(other)
    }

    async fn persons_to_rehome(
        &mut self,
        comuni: &[String],
        office: Uuid,
    ) -> StoreResult<Vec<PersonRecord>> {
        if comuni.is_empty() {
            return Ok(vec![]);
        }
        let rows = person::Entity::find()
            .filter(person::Column::DomicileComune.is_in(comuni.to_vec()))
            .filter(
                Condition::any()
                    .add(person::Column::OfficeId.is_null())
                    .add(person::Column::OfficeId.ne(office)),
            )
            .order_by_asc(person::Column::Id)
            .lock_exclusive()
            .all(&self.txn)
            .await
            .map_err(other)?;
        Ok(rows.into_iter().map(to_person).collect())
    }

    async fn rehome_persons(
        &mut self,
        ids: &[Uuid],
        office: Uuid,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        for chunk in ids.chunks(crate::uow::BATCH) {
            person::Entity::update_many()
                .col_expr(person::Column::OfficeId, Expr::value(office))
                .col_expr(
                    person::Column::Version,
                    sea_orm::sea_query::ExprTrait::add(Expr::col(person::Column::Version), 1),
                )
                .col_expr(person::Column::UpdatedAt, Expr::value(stamp(at)))
                .filter(person::Column::Id.is_in(chunk.to_vec()))
                .exec(&self.txn)
                .await
                .map_err(other)?;
        }
        Ok(())
    }
}
