use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "comuni")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub istat_code: String,
    pub name: String,
    pub name_norm: String,
    pub cadastral_code: String,
    pub province_code: String,
    pub province_sigla: String,
    pub province_name: String,
    pub region_code: String,
    pub region_name: String,
    pub is_province_capital: bool,
    pub population: i32,
    pub cap: String,
    #[sea_orm(column_type = "Double")]
    pub lat: f64,
    #[sea_orm(column_type = "Double")]
    pub lon: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
