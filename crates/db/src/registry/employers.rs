//! Employers and their units.

use super::{all_columns, children_of, expect_version, sync_children, upsert};
use crate::entity::{employer, employer_unit};
use crate::store::{SeaStore, other, stamp};
use crate::uow::SeaTx;
use async_trait::async_trait;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sportello_app::ports::StoreResult;
use sportello_app::registry::ports::*;
use sportello_app::scope::{Authorized, ScopeFilter};
use sportello_domain::text::search_key;
use time::OffsetDateTime;
use uuid::Uuid;

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

#[async_trait]
impl EmployerQueries for SeaStore {
    async fn employer(&self, id: Uuid) -> StoreResult<Option<EmployerRecord>> {
        match employer::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(other)?
        {
            Some(e) => Ok(Some(employer_with_units(&self.db, e).await?)),
            None => Ok(None),
        }
    }

    async fn employer_by_tax_code(&self, tax_code: &str) -> StoreResult<Option<EmployerRecord>> {
        Ok(employer::Entity::find()
            .filter(employer::Column::TaxCode.eq(tax_code))
            .one(&self.db)
            .await
            .map_err(other)?
            .map(|e| to_employer(e, vec![])))
    }

    async fn search_employers(
        &self,
        scope: &ScopeFilter,
        q: &EmployerQuery,
        limit: u64,
    ) -> StoreResult<Vec<EmployerRecord>> {
        if scope.person().is_some() || scope.organisation().is_some() {
            // Persons and accredited organisations reach no employer through the registry.
            return Ok(vec![]);
        }
        let mut s = employer::Entity::find();
        if let Some(o) = scope.office() {
            s = s.filter(employer::Column::OfficeId.eq(o));
        }
        if let Some(r) = scope.region() {
            s = s.filter(employer::Column::RegionCode.eq(r));
        }
        if let Some(e) = scope.employer() {
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
}

/// The employer's row and its units' rows, as `save_employer` writes them.
fn employer_rows(e: &EmployerRecord) -> (employer::ActiveModel, Vec<employer_unit::ActiveModel>) {
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
    (model, units)
}

async fn employer_with_units(
    txn: &impl sea_orm::ConnectionTrait,
    e: employer::Model,
) -> StoreResult<EmployerRecord> {
    let units = employer_unit::Entity::find()
        .filter(employer_unit::Column::EmployerId.eq(e.id))
        .order_by_asc(employer_unit::Column::Name)
        .all(txn)
        .await
        .map_err(other)?;
    Ok(to_employer(e, units))
}

#[async_trait]
impl EmployerRepo for SeaTx {
    async fn employer_for_update(&mut self, id: Uuid) -> StoreResult<Option<EmployerRecord>> {
        match employer::Entity::find_by_id(id)
            .lock_exclusive()
            .one(&self.txn)
            .await
            .map_err(other)?
        {
            Some(e) => Ok(Some(employer_with_units(&self.txn, e).await?)),
            None => Ok(None),
        }
    }

    async fn save_employer(&mut self, e: &Authorized<EmployerRecord>) -> StoreResult<()> {
        let (model, units) = employer_rows(e);
        expect_version::<employer::Entity>(
            &self.txn,
            employer::Column::Id,
            employer::Column::Version,
            e.id,
            e.version,
        )
        .await
        .map_err(other)?;
        upsert(
            &self.txn,
            model,
            employer::Column::Id,
            all_columns::<employer::Entity>(),
        )
        .await
        .map_err(other)?;
        sync_children(
            &self.txn,
            employer_unit::Column::Id,
            employer_unit::Column::EmployerId,
            e.id,
            e.units.iter().map(|u| u.id).collect(),
            units,
        )
        .await
        .map_err(other)
    }

    async fn employers_to_rehome(
        &mut self,
        comuni: &[String],
        office: Uuid,
    ) -> StoreResult<Vec<EmployerRecord>> {
        if comuni.is_empty() {
            return Ok(vec![]);
        }
        let rows = employer::Entity::find()
            .filter(employer::Column::LegalComune.is_in(comuni.to_vec()))
            .filter(
                Condition::any()
                    .add(employer::Column::OfficeId.is_null())
                    .add(employer::Column::OfficeId.ne(office)),
            )
            .order_by_asc(employer::Column::Id)
            .lock_exclusive()
            .all(&self.txn)
            .await
            .map_err(other)?;
        Ok(rows.into_iter().map(|e| to_employer(e, vec![])).collect())
    }

    async fn rehome_employers(
        &mut self,
        ids: &[Uuid],
        office: Uuid,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        for chunk in ids.chunks(crate::uow::BATCH) {
            employer::Entity::update_many()
                .col_expr(employer::Column::OfficeId, Expr::value(office))
                .col_expr(
                    employer::Column::Version,
                    sea_orm::sea_query::ExprTrait::add(Expr::col(employer::Column::Version), 1),
                )
                .col_expr(employer::Column::UpdatedAt, Expr::value(stamp(at)))
                .filter(employer::Column::Id.is_in(chunk.to_vec()))
                .exec(&self.txn)
                .await
                .map_err(other)?;
        }
        Ok(())
    }
}
