//! The transactional outbox: messages written in the same transaction as the change they
//! tell about, delivered later by a worker (the jobs of [agenda]). A message is processed
//! once: `processed_at` is set when its delivery is done.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Topic,
    EntityId,
    Payload,
    CreatedAt,
    Attempts,
    ProcessedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(
                    ColumnDef::new(Outbox::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(string_len(Outbox::Topic, 100))
                .col(string_len(Outbox::EntityId, 64))
                .col(text(Outbox::Payload))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(integer(Outbox::Attempts).default(0))
                .col(timestamp_with_time_zone_null(Outbox::ProcessedAt))
                .to_owned(),
        )
        .await?;
        // What a worker asks for: the oldest messages not processed yet.
        m.create_index(
            Index::create()
                .name("idx_outbox_pending")
                .table(Outbox::Table)
                .col(Outbox::ProcessedAt)
                .col(Outbox::Id)
                .to_owned(),
        )
        .await
    }
}
