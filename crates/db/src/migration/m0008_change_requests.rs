//! What a citizen or an employer proposes for the data the office certifies (codice
//! fiscale, names, birth data, citizenship; an employer's tax code and public status): kept
//! as a request until an operator applies or refuses it. The record it is about is a
//! person or an employer, each under its own foreign key.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChangeRequests {
    Table,
    Id,
    PersonId,
    EmployerId,
    Proposed,
    ProposedBy,
    CreatedAt,
    Status,
    DecidedBy,
    DecidedAt,
    Reason,
}
#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Employers {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ChangeRequests::Table)
                .col(pk_uuid(ChangeRequests::Id))
                .col(uuid_null(ChangeRequests::PersonId))
                .col(uuid_null(ChangeRequests::EmployerId))
                .col(text(ChangeRequests::Proposed))
                .col(string_len(ChangeRequests::ProposedBy, 200))
                .col(timestamp_with_time_zone(ChangeRequests::CreatedAt))
                .col(string_len(ChangeRequests::Status, 16))
                .col(string_len_null(ChangeRequests::DecidedBy, 200))
                .col(timestamp_with_time_zone_null(ChangeRequests::DecidedAt))
                .col(text_null(ChangeRequests::Reason))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_change_requests_person")
                        .from(ChangeRequests::Table, ChangeRequests::PersonId)
                        .to(Persons::Table, Persons::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_change_requests_employer")
                        .from(ChangeRequests::Table, ChangeRequests::EmployerId)
                        .to(Employers::Table, Employers::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_change_requests_person", ChangeRequests::PersonId),
            ("idx_change_requests_employer", ChangeRequests::EmployerId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(ChangeRequests::Table)
                    .col(col)
                    .col(ChangeRequests::Status)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
