use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "employers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tax_code: String,
    pub vat_number: Option<String>,
    pub name: String,
    pub name_norm: String,
    pub ateco_2007: Option<String>,
    pub ateco_2025: Option<String>,
    pub legal_comune: String,
    pub legal_address: String,
    pub size_class: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub pec: Option<String>,
    pub is_public: bool,
    pub office_id: Option<Uuid>,
    pub region_code: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// Raised by every change; a save from an older version is refused.
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
