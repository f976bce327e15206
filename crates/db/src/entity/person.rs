use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "persons")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub codice_fiscale: String,
    pub surname: String,
    pub name: String,
    pub surname_norm: String,
    pub name_norm: String,
    pub sex: String,
    pub birth_date: TimeDate,
    pub birth_place_code: String,
    pub citizenship: String,
    pub residence_comune: Option<String>,
    pub residence_address: Option<String>,
    pub domicile_comune: String,
    pub domicile_address: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: String,
    pub office_id: Option<Uuid>,
    pub region_code: String,
    pub birth_data_confirmed: bool,
    pub fictitious: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// Raised by every change; a save from an older version is refused.
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
