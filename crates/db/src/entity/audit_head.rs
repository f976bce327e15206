use sea_orm::entity::prelude::*;

/// One row (id 1): the last sequence number and hash of the chain. Writers lock it, which
/// serialises appends on PostgreSQL; SQLite's immediate transactions already do.
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
