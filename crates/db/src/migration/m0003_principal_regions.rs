//! Users and API tokens carry the region their scope lies in, so a regional administrator
//! lists, changes and revokes only the principals of their region (issue #6). National
//! scopes (every region, global) leave it empty.

use sea_orm::{ConnectionTrait, Statement, Value};
use sea_orm_migration::{prelude::*, schema::*};
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Region,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Region,
}

/// The table that holds the record a scope of this kind points at.
fn scope_table(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "office" => "offices",
        "person" => "persons",
        "employer" => "employers",
        "organisation" => "organisations",
        _ => return None,
    })
}

async fn backfill(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!("SELECT id, scope_kind, scope_ref FROM {table}"),
        ))
        .await?;
    for row in rows {
        let id: Uuid = row.try_get("", "id")?;
        let kind: String = row.try_get("", "scope_kind")?;
        let reference: Option<String> = row.try_get("", "scope_ref")?;
        let region = match (kind.as_str(), reference) {
            ("region", r) => r,
            (k, Some(r)) => match (scope_table(k), Uuid::parse_str(&r)) {
                (Some(owner), Ok(owner_id)) => {
                    let sql = match backend {
                        sea_orm::DbBackend::Postgres => {
                            format!("SELECT region_code FROM {owner} WHERE id = $1")
                        }
                        _ => format!("SELECT region_code FROM {owner} WHERE id = ?"),
                    };
                    db.query_one_raw(Statement::from_sql_and_values(
                        backend,
                        sql,
                        [Value::from(owner_id)],
                    ))
                    .await?
                    .map(|r| r.try_get::<String>("", "region_code"))
                    .transpose()?
                }
                _ => None,
            },
            _ => None,
        };
        if let Some(region) = region {
            let sql = match backend {
                sea_orm::DbBackend::Postgres => {
                    format!("UPDATE {table} SET region = $1 WHERE id = $2")
                }
                _ => format!("UPDATE {table} SET region = ? WHERE id = ?"),
            };
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [Value::from(region), Value::from(id)],
            ))
            .await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(string_len_null(Users::Region, 2))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ApiTokens::Table)
                .add_column(string_len_null(ApiTokens::Region, 2))
                .to_owned(),
        )
        .await?;
        backfill(m, "users").await?;
        backfill(m, "api_tokens").await?;
        m.create_index(
            Index::create()
                .name("idx_users_region")
                .table(Users::Table)
                .col(Users::Region)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_api_tokens_region")
                .table(ApiTokens::Table)
                .col(ApiTokens::Region)
                .to_owned(),
        )
        .await
    }
}
