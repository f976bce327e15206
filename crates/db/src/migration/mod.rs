//! One ordered migration history for SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

mod m0001_platform;
mod m0002_registry;
mod m0003_principal_regions;
mod m0004_audit_chains;
mod m0005_versions;
mod m0006_foreign_keys;
mod m0007_outbox;
mod m0008_change_requests;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_platform::Migration),
            Box::new(m0002_registry::Migration),
            Box::new(m0003_principal_regions::Migration),
            Box::new(m0004_audit_chains::Migration),
            Box::new(m0005_versions::Migration),
            Box::new(m0006_foreign_keys::Migration),
            Box::new(m0007_outbox::Migration),
            Box::new(m0008_change_requests::Migration),
        ]
    }
}
