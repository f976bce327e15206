use sea_orm::entity::prelude::*;

/// One row per audit chain (`id` is the chain): its last sequence number and hash. Writers
/// lock their chain's row, which orders that chain's appends on PostgreSQL while the other
/// chains go on; SQLite's immediate transactions serialise every write anyway.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_head")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub seq: i64,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
