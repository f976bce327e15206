//! The registry's ports over SeaORM, one module per aggregate, and what they share:
//! versioned saves, upserts, child rows kept by id, and the reference cache.

mod changes;
mod employers;
mod offices;
mod organisations;
mod persons;
mod reference;

use crate::entity::{comune, country};
use crate::store::{SeaStore, other};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter};
use sportello_app::ports::StoreResult;
use sportello_app::registry::ports::ComuneRecord;
use sportello_domain::text::prefix_upper_bound;
use uuid::Uuid;

pub(crate) fn to_comune(c: comune::Model) -> ComuneRecord {
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
pub(crate) fn starts_with<C: ColumnTrait>(col: C, prefix: &str) -> Condition {
    let mut c = Condition::all().add(col.gte(prefix));
    if let Some(ub) = prefix_upper_bound(prefix) {
        c = c.add(col.lt(ub));
    }
    c
}

/// Refuses the save (`StoreError::Stale`) unless the stored record is still at the version
/// before `version`; a new record (`version` 1) has nothing to compare. The conditional
/// update also locks the row on PostgreSQL until the transaction ends.
pub(crate) async fn expect_version<E>(
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
pub(crate) async fn upsert<A>(
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
pub(crate) async fn children_of<E: EntityTrait>(
    db: &impl sea_orm::ConnectionTrait,
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
pub(crate) async fn sync_children<A>(
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

pub(crate) fn all_columns<E: EntityTrait>() -> Vec<E::Column>
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
    pub(crate) async fn reference(&self) -> StoreResult<&ReferenceCache> {
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
