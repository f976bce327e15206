//! The audit log split into `CHAINS` chains, each with its own head row, so writers append
//! in parallel instead of queueing on one head lock (issue #6: 32 clients on PostgreSQL).
//! Existing entries become chain 1, unchanged: their hashes stay valid. Entries gain an
//! `id` in writing order across chains, for browsing.

use sea_orm_migration::{prelude::*, schema::*};
use sportello_domain::audit::{CHAINS, GENESIS};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    Chain,
    Seq,
    At,
    Actor,
    Role,
    Action,
    Entity,
    EntityId,
    Before,
    After,
    Address,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

const COPIED: &str =
    "at, actor, role, action, entity, entity_id, \"before\", \"after\", address, prev_hash, hash";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let backend = m.get_database_backend();
        let table = Table::create()
            .table(Alias::new("audit_log_chained"))
            .col(
                ColumnDef::new(AuditLog::Id)
                    .big_integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            )
            .col(integer(AuditLog::Chain))
            .col(big_integer(AuditLog::Seq))
            .col(timestamp_with_time_zone(AuditLog::At))
            .col(string_len(AuditLog::Actor, 200))
            .col(string_len(AuditLog::Role, 32))
            .col(string_len(AuditLog::Action, 64))
            .col(string_len(AuditLog::Entity, 64))
            .col(string_len_null(AuditLog::EntityId, 64))
            .col(text_null(AuditLog::Before))
            .col(text_null(AuditLog::After))
            .col(string_len_null(AuditLog::Address, 64))
            .col(string_len(AuditLog::PrevHash, 64))
            .col(string_len(AuditLog::Hash, 64))
            .to_owned();
        let mut script = vec![
            backend.build(&table).to_string(),
            format!(
                "INSERT INTO audit_log_chained (chain, seq, {COPIED}) \
                 SELECT 1, seq, {COPIED} FROM audit_log ORDER BY seq"
            ),
            "DROP TABLE audit_log".to_owned(),
            "ALTER TABLE audit_log_chained RENAME TO audit_log".to_owned(),
        ];
        let unique = Index::create()
            .name("idx_audit_chain_seq")
            .table(AuditLog::Table)
            .col(AuditLog::Chain)
            .col(AuditLog::Seq)
            .unique()
            .to_owned();
        script.push(backend.build(&unique).to_string());
        for (name, col) in [
            ("idx_audit_actor", AuditLog::Actor),
            ("idx_audit_entity", AuditLog::EntityId),
            ("idx_audit_at", AuditLog::At),
        ] {
            let index = Index::create()
                .name(name)
                .table(AuditLog::Table)
                .col(col)
                .to_owned();
            script.push(backend.build(&index).to_string());
        }
        let mut heads = Query::insert()
            .into_table(AuditHead::Table)
            .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
            .to_owned();
        for chain in 2..=CHAINS {
            heads.values_panic([chain.into(), 0i64.into(), GENESIS.into()]);
        }
        script.push(backend.build(&heads).to_string());
        let db = m.get_connection();
        if backend == sea_orm::DbBackend::Sqlite {
            // One call, so one pooled connection: another connection of the pool may still
            // hold the old schema and refuse the rename or the re-created index names.
            db.execute_unprepared(&script.join(";\n")).await?;
        } else {
            for stmt in &script {
                db.execute_unprepared(stmt).await?;
            }
        }
        Ok(())
    }
}
