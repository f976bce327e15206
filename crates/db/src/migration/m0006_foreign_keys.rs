//! Foreign keys from the registry's child tables to their parents, on both databases: an
//! employer's units, an organisation's seats, a person's organisations and an office's
//! comuni can no longer point at nothing. SQLite cannot add a constraint to a table, so each
//! table is rebuilt (created anew with its keys, filled, swapped in) the same way on both.
//! Rows that already pointed at nothing are not carried over: they could never be reached.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Offices {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Employers {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum OfficeComuni {
    Comune,
    OfficeId,
}
#[derive(DeriveIden)]
enum OrganisationSeats {
    Id,
    OrganisationId,
    Name,
    Comune,
    Address,
}
#[derive(DeriveIden)]
enum EmployerUnits {
    Id,
    EmployerId,
    Name,
    Comune,
    Address,
}
#[derive(DeriveIden)]
enum PersonOrganisations {
    PersonId,
    OrganisationId,
    Since,
}

fn fk(
    name: &str,
    from: &str,
    column: impl IntoIden,
    to: impl IntoIden,
    to_column: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from_tbl(Alias::new(from))
        .from_col(column)
        .to_tbl(to)
        .to_col(to_column)
        .on_delete(ForeignKeyAction::Restrict)
        .on_update(ForeignKeyAction::Restrict)
        .to_owned()
}

/// One table rebuilt with its foreign keys: the statements, in order.
struct Rebuild {
    table: &'static str,
    create: TableCreateStatement,
    columns: &'static str,
    /// Only rows whose parents exist.
    filter: &'static str,
    indexes: Vec<IndexCreateStatement>,
}

fn rebuilds() -> Vec<Rebuild> {
    let new = |t: &str| Alias::new(format!("{t}_new"));
    vec![
        Rebuild {
            table: "office_comuni",
            create: Table::create()
                .table(new("office_comuni"))
                .col(string_len(OfficeComuni::Comune, 6).primary_key())
                .col(uuid(OfficeComuni::OfficeId))
                .foreign_key(&mut fk(
                    "fk_office_comuni_office",
                    "office_comuni_new",
                    OfficeComuni::OfficeId,
                    Offices::Table,
                    Offices::Id,
                ))
                .to_owned(),
            columns: "comune, office_id",
            filter: "office_id IN (SELECT id FROM offices)",
            indexes: vec![
                Index::create()
                    .name("idx_office_comuni_office")
                    .table(Alias::new("office_comuni"))
                    .col(OfficeComuni::OfficeId)
                    .to_owned(),
            ],
        },
        Rebuild {
            table: "organisation_seats",
            create: Table::create()
                .table(new("organisation_seats"))
                .col(pk_uuid(OrganisationSeats::Id))
                .col(uuid(OrganisationSeats::OrganisationId))
                .col(string_len(OrganisationSeats::Name, 200))
                .col(string_len(OrganisationSeats::Comune, 6))
                .col(string_len(OrganisationSeats::Address, 300))
                .foreign_key(&mut fk(
                    "fk_org_seats_org",
                    "organisation_seats_new",
                    OrganisationSeats::OrganisationId,
                    Organisations::Table,
                    Organisations::Id,
                ))
                .to_owned(),
            columns: "id, organisation_id, name, comune, address",
            filter: "organisation_id IN (SELECT id FROM organisations)",
            indexes: vec![
                Index::create()
                    .name("idx_org_seats_org")
                    .table(Alias::new("organisation_seats"))
                    .col(OrganisationSeats::OrganisationId)
                    .to_owned(),
            ],
        },
        Rebuild {
            table: "employer_units",
            create: Table::create()
                .table(new("employer_units"))
                .col(pk_uuid(EmployerUnits::Id))
                .col(uuid(EmployerUnits::EmployerId))
                .col(string_len(EmployerUnits::Name, 200))
                .col(string_len(EmployerUnits::Comune, 6))
                .col(string_len(EmployerUnits::Address, 300))
                .foreign_key(&mut fk(
                    "fk_employer_units_employer",
                    "employer_units_new",
                    EmployerUnits::EmployerId,
                    Employers::Table,
                    Employers::Id,
                ))
                .to_owned(),
            columns: "id, employer_id, name, comune, address",
            filter: "employer_id IN (SELECT id FROM employers)",
            indexes: vec![
                Index::create()
                    .name("idx_employer_units_employer")
                    .table(Alias::new("employer_units"))
                    .col(EmployerUnits::EmployerId)
                    .to_owned(),
            ],
        },
        Rebuild {
            table: "person_organisations",
            create: Table::create()
                .table(new("person_organisations"))
                .col(uuid(PersonOrganisations::PersonId))
                .col(uuid(PersonOrganisations::OrganisationId))
                .col(timestamp_with_time_zone(PersonOrganisations::Since))
                .primary_key(
                    Index::create()
                        .col(PersonOrganisations::PersonId)
                        .col(PersonOrganisations::OrganisationId),
                )
                .foreign_key(&mut fk(
                    "fk_person_orgs_person",
                    "person_organisations_new",
                    PersonOrganisations::PersonId,
                    Persons::Table,
                    Persons::Id,
                ))
                .foreign_key(&mut fk(
                    "fk_person_orgs_org",
                    "person_organisations_new",
                    PersonOrganisations::OrganisationId,
                    Organisations::Table,
                    Organisations::Id,
                ))
                .to_owned(),
            columns: "person_id, organisation_id, since",
            filter: "person_id IN (SELECT id FROM persons) \
                     AND organisation_id IN (SELECT id FROM organisations)",
            indexes: vec![
                Index::create()
                    .name("idx_person_orgs_org")
                    .table(Alias::new("person_organisations"))
                    .col(PersonOrganisations::OrganisationId)
                    .col(PersonOrganisations::PersonId)
                    .to_owned(),
            ],
        },
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let backend = m.get_database_backend();
        let mut script = Vec::new();
        for r in rebuilds() {
            let t = r.table;
            script.push(backend.build(&r.create).to_string());
            script.push(format!(
                "INSERT INTO {t}_new ({cols}) SELECT {cols} FROM {t} WHERE {filter}",
                cols = r.columns,
                filter = r.filter
            ));
            script.push(format!("DROP TABLE {t}"));
            script.push(format!("ALTER TABLE {t}_new RENAME TO {t}"));
            for index in &r.indexes {
                script.push(backend.build(index).to_string());
            }
        }
        let db = m.get_connection();
        if backend == sea_orm::DbBackend::Sqlite {
            // One call, so one pooled connection sees its own schema changes (see m0004).
            db.execute_unprepared(&script.join(";\n")).await?;
        } else {
            for stmt in &script {
                db.execute_unprepared(stmt).await?;
            }
        }
        Ok(())
    }
}
