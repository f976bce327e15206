//! Accounts, sessions, API tokens, the audit chain and idempotency keys.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    Email,
    PasswordHash,
    Role,
    ScopeKind,
    ScopeRef,
    Active,
    FailedLogins,
    LockedUntil,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    Data,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    Name,
    TokenHash,
    Role,
    ScopeKind,
    ScopeRef,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
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

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Scope,
    Key,
    Fingerprint,
    Status,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_uuid(Users::Id))
                .col(string_len_uniq(Users::Username, 64))
                .col(string_len(Users::DisplayName, 200))
                .col(string_len_null(Users::Email, 254))
                .col(string(Users::PasswordHash))
                .col(string_len(Users::Role, 32))
                .col(string_len(Users::ScopeKind, 16))
                .col(string_len_null(Users::ScopeRef, 64))
                .col(boolean(Users::Active))
                .col(integer(Users::FailedLogins))
                .col(timestamp_with_time_zone_null(Users::LockedUntil))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::Id, 64).primary_key())
                .col(text(Sessions::Data))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_sessions_expires_at")
                .table(Sessions::Table)
                .col(Sessions::ExpiresAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(pk_uuid(ApiTokens::Id))
                .col(string_len(ApiTokens::Name, 100))
                .col(string_len_uniq(ApiTokens::TokenHash, 64))
                .col(string_len(ApiTokens::Role, 32))
                .col(string_len(ApiTokens::ScopeKind, 16))
                .col(string_len_null(ApiTokens::ScopeRef, 64))
                .col(uuid_null(ApiTokens::CreatedBy))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                .to_owned(),
        )
        .await?;

        // seq is assigned by the writer holding the head row, not by the database, so the
        // chain order is the sequence order on both databases.
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_integer(AuditLog::Seq).primary_key())
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
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_audit_actor", AuditLog::Actor),
            ("idx_audit_entity", AuditLog::EntityId),
            ("idx_audit_at", AuditLog::At),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(AuditLog::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::Seq))
                .col(string_len(AuditHead::Hash, 64))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditHead::Table)
                .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
                .values_panic([
                    1.into(),
                    0i64.into(),
                    sportello_domain::audit::GENESIS.into(),
                ])
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(string_len(IdempotencyKeys::Scope, 64))
                .col(string_len(IdempotencyKeys::Key, 200))
                .col(string_len(IdempotencyKeys::Fingerprint, 64))
                .col(integer(IdempotencyKeys::Status))
                .col(text(IdempotencyKeys::Body))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(IdempotencyKeys::Scope)
                        .col(IdempotencyKeys::Key),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
