//! Offices and the map of comuni they serve.

use super::{all_columns, expect_version, to_comune, upsert};
use crate::entity::{comune, office, office_comune};
use crate::store::{SeaStore, other, stamp};
use crate::uow::SeaTx;
use async_trait::async_trait;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sportello_app::ports::StoreResult;
use sportello_app::registry::ports::*;
use sportello_app::scope::Authorized;
use uuid::Uuid;

/// The PostgreSQL advisory lock that orders saves reading the map of comuni against the
/// changes of the map (SQLite's single writer already orders them). A save holds it shared
/// from its read of the map to its commit; a map change holds it exclusively, so it waits
/// for the saves that read the old map to commit (and re-homes them), and later saves wait
/// for it and read the new map. A `FOR SHARE` lock on the comune's row did the same, but
/// many saves sharing one row made PostgreSQL build multixacts: 30–40 % slower writes.
const MAP_LOCK: i64 = 0x5350_4d41_5000; // "SPMAP"

impl SeaTx {
    /// Takes the map's lock with `function` (shared or exclusive) on PostgreSQL.
    async fn map_lock(&self, function: &str) -> StoreResult<()> {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        if self.txn.get_database_backend() == DbBackend::Postgres {
            self.txn
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    format!("SELECT {function}($1)"),
                    [MAP_LOCK.into()],
                ))
                .await
                .map_err(other)?;
        }
        Ok(())
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

#[async_trait]
impl OfficeQueries for SeaStore {
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
}

#[async_trait]
impl OfficeRepo for SeaTx {
    async fn office_for_update(&mut self, id: Uuid) -> StoreResult<Option<OfficeRecord>> {
        Ok(office::Entity::find_by_id(id)
            .lock_exclusive()
            .one(&self.txn)
            .await
            .map_err(other)?
            .map(to_office))
    }

    async fn save_office(&mut self, o: &Authorized<OfficeRecord>) -> StoreResult<()> {
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
        expect_version::<office::Entity>(
            &self.txn,
            office::Column::Id,
            office::Column::Version,
            o.id,
            o.version,
        )
        .await
        .map_err(other)?;
        upsert(
            &self.txn,
            model,
            office::Column::Id,
            all_columns::<office::Entity>(),
        )
        .await
        .map_err(other)
    }

    async fn office_serving(&mut self, istat_code: &str) -> StoreResult<Option<Uuid>> {
        // The lock is its own statement: in READ COMMITTED a statement reads from the
        // snapshot taken when it started, before it waited for the lock.
        self.map_lock("pg_advisory_xact_lock_shared").await?;
        Ok(office_comune::Entity::find_by_id(istat_code.to_owned())
            .one(&self.txn)
            .await
            .map_err(other)?
            .map(|m| m.office_id))
    }

    async fn served_comuni(&mut self, office: Uuid) -> StoreResult<Vec<String>> {
        Ok(office_comune::Entity::find()
            .filter(office_comune::Column::OfficeId.eq(office))
            .order_by_asc(office_comune::Column::Comune)
            .all(&self.txn)
            .await
            .map_err(other)?
            .into_iter()
            .map(|m| m.comune)
            .collect())
    }

    async fn set_served_comuni(&mut self, office: Uuid, comuni: &[String]) -> StoreResult<()> {
        self.map_lock("pg_advisory_xact_lock").await?;
        office_comune::Entity::delete_many()
            .filter(office_comune::Column::OfficeId.eq(office))
            .exec(&self.txn)
            .await
            .map_err(other)?;
        for chunk in comuni.chunks(crate::uow::BATCH) {
            // Taken from whichever office served them before.
            office_comune::Entity::delete_many()
                .filter(office_comune::Column::Comune.is_in(chunk.to_vec()))
                .exec(&self.txn)
                .await
                .map_err(other)?;
            office_comune::Entity::insert_many(chunk.iter().map(|c| office_comune::ActiveModel {
                comune: Set(c.clone()),
                office_id: Set(office),
            }))
            .exec_without_returning(&self.txn)
            .await
            .map_err(other)?;
        }
        Ok(())
    }
}
