//! Accredited organisations and their seats.

use super::{all_columns, children_of, expect_version, sync_children, upsert};
use crate::entity::{organisation, organisation_seat};
use crate::store::{SeaStore, other, stamp};
use crate::uow::SeaTx;
use async_trait::async_trait;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sportello_app::ports::StoreResult;
use sportello_app::registry::ports::*;
use sportello_app::scope::Authorized;
use uuid::Uuid;

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

/// The organisation `found` selects, with its seats.
async fn organisation_with_seats(
    db: &impl sea_orm::ConnectionTrait,
    found: sea_orm::Select<organisation::Entity>,
) -> StoreResult<Option<OrganisationRecord>> {
    let Some(o) = found.one(db).await.map_err(other)? else {
        return Ok(None);
    };
    let seats = organisation_seat::Entity::find()
        .filter(organisation_seat::Column::OrganisationId.eq(o.id))
        .all(db)
        .await
        .map_err(other)?;
    Ok(Some(to_organisation(o, seats)))
}

#[async_trait]
impl OrganisationQueries for SeaStore {
    async fn organisation(&self, id: Uuid) -> StoreResult<Option<OrganisationRecord>> {
        organisation_with_seats(&self.db, organisation::Entity::find_by_id(id)).await
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
}

#[async_trait]
impl OrganisationRepo for SeaTx {
    async fn organisation_for_update(
        &mut self,
        id: Uuid,
    ) -> StoreResult<Option<OrganisationRecord>> {
        organisation_with_seats(
            &self.txn,
            organisation::Entity::find_by_id(id).lock_exclusive(),
        )
        .await
    }

    async fn save_organisation(&mut self, o: &Authorized<OrganisationRecord>) -> StoreResult<()> {
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
        expect_version::<organisation::Entity>(
            &self.txn,
            organisation::Column::Id,
            organisation::Column::Version,
            id,
            o.version,
        )
        .await
        .map_err(other)?;
        upsert(
            &self.txn,
            model,
            organisation::Column::Id,
            all_columns::<organisation::Entity>(),
        )
        .await
        .map_err(other)?;
        sync_children(
            &self.txn,
            organisation_seat::Column::Id,
            organisation_seat::Column::OrganisationId,
            id,
            o.seats.iter().map(|s| s.id).collect(),
            seats,
        )
        .await
        .map_err(other)
    }
}
