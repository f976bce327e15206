//! Registry records carry a version, raised by every change: a save made from an older
//! version is refused instead of silently overwriting someone else's change (ETag/If-Match
//! on the API, a hidden field on the pages).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Version {
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["persons", "employers", "offices", "organisations"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .add_column(big_integer(Version::Version).default(1))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
