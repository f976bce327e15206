//! The registry: reference data (comuni, provinces, countries, CP2011, ATECO, education
//! titles), offices and the comuni they serve, accredited organisations, employers and
//! persons.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReferenceVersions {
    Table,
    Name,
    Sha256,
}

#[derive(DeriveIden)]
enum Comuni {
    Table,
    IstatCode,
    Name,
    NameNorm,
    CadastralCode,
    ProvinceCode,
    ProvinceSigla,
    ProvinceName,
    RegionCode,
    RegionName,
    IsProvinceCapital,
    Population,
    Cap,
    Lat,
    Lon,
}

#[derive(DeriveIden)]
enum Provinces {
    Table,
    ProvinceCode,
    Sigla,
    Name,
    RegionCode,
    RegionName,
    Capoluogo,
}

#[derive(DeriveIden)]
enum Countries {
    Table,
    IstatCode,
    Name,
    CadastralCode,
    Iso2,
}

#[derive(DeriveIden)]
enum Professions {
    Table,
    Code,
    Level,
    Title,
    TitleNorm,
    ParentCode,
}

#[derive(DeriveIden)]
enum Ateco {
    Table,
    Version,
    Code,
    Level,
    Title,
    TitleNorm,
    ParentCode,
}

#[derive(DeriveIden)]
enum EducationTitles {
    Table,
    Code,
    Title,
}

#[derive(DeriveIden)]
enum Offices {
    Table,
    Id,
    Name,
    Address,
    Comune,
    Phone,
    Email,
    OpeningHours,
    RegionCode,
    ProvinceCode,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OfficeComuni {
    Table,
    Comune,
    OfficeId,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    TaxCode,
    AlboStatus,
    RegionCode,
    Email,
    Phone,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrganisationSeats {
    Table,
    Id,
    OrganisationId,
    Name,
    Comune,
    Address,
}

#[derive(DeriveIden)]
enum Employers {
    Table,
    Id,
    TaxCode,
    VatNumber,
    Name,
    NameNorm,
    #[sea_orm(iden = "ateco_2007")]
    Ateco2007,
    #[sea_orm(iden = "ateco_2025")]
    Ateco2025,
    LegalComune,
    LegalAddress,
    SizeClass,
    Email,
    Phone,
    Pec,
    IsPublic,
    OfficeId,
    RegionCode,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EmployerUnits {
    Table,
    Id,
    EmployerId,
    Name,
    Comune,
    Address,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
    CodiceFiscale,
    Surname,
    Name,
    SurnameNorm,
    NameNorm,
    Sex,
    BirthDate,
    BirthPlaceCode,
    Citizenship,
    ResidenceComune,
    ResidenceAddress,
    DomicileComune,
    DomicileAddress,
    Email,
    Phone,
    PreferredChannel,
    OfficeId,
    RegionCode,
    BirthDataConfirmed,
    Fictitious,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PersonOrganisations {
    Table,
    PersonId,
    OrganisationId,
    Since,
}

/// A text column compared byte-wise, so prefix ranges on normalised names use the index
/// on PostgreSQL as on SQLite.
fn sort_key<T: IntoIden>(m: &SchemaManager, col: T) -> ColumnDef {
    let mut c = string_len(col, 120);
    if m.get_database_backend() == DbBackend::Postgres {
        c.extra("COLLATE \"C\"");
    }
    c
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    m.create_index(i.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReferenceVersions::Table)
                .col(string_len(ReferenceVersions::Name, 64).primary_key())
                .col(string_len(ReferenceVersions::Sha256, 64))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Comuni::Table)
                .col(string_len(Comuni::IstatCode, 6).primary_key())
                .col(string_len(Comuni::Name, 120))
                .col(sort_key(m, Comuni::NameNorm))
                .col(string_len(Comuni::CadastralCode, 4))
                .col(string_len(Comuni::ProvinceCode, 3))
                .col(string_len(Comuni::ProvinceSigla, 2))
                .col(string_len(Comuni::ProvinceName, 80))
                .col(string_len(Comuni::RegionCode, 2))
                .col(string_len(Comuni::RegionName, 80))
                .col(boolean(Comuni::IsProvinceCapital))
                .col(integer(Comuni::Population))
                .col(string_len(Comuni::Cap, 5))
                .col(double(Comuni::Lat))
                .col(double(Comuni::Lon))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_comuni_name_norm",
            Comuni::Table,
            vec![Comuni::NameNorm.into_iden()],
        )
        .await?;
        index(
            m,
            "idx_comuni_cap",
            Comuni::Table,
            vec![Comuni::Cap.into_iden()],
        )
        .await?;
        index(
            m,
            "idx_comuni_cadastral",
            Comuni::Table,
            vec![Comuni::CadastralCode.into_iden()],
        )
        .await?;
        index(
            m,
            "idx_comuni_province",
            Comuni::Table,
            vec![Comuni::ProvinceCode.into_iden()],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Provinces::Table)
                .col(string_len(Provinces::ProvinceCode, 3).primary_key())
                .col(string_len(Provinces::Sigla, 2))
                .col(string_len(Provinces::Name, 80))
                .col(string_len(Provinces::RegionCode, 2))
                .col(string_len(Provinces::RegionName, 80))
                .col(string_len(Provinces::Capoluogo, 120))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Countries::Table)
                .col(string_len(Countries::IstatCode, 3).primary_key())
                .col(string_len(Countries::Name, 120))
                .col(string_len_null(Countries::CadastralCode, 4))
                .col(string_len_null(Countries::Iso2, 2))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Professions::Table)
                .col(string_len(Professions::Code, 16).primary_key())
                .col(small_integer(Professions::Level))
                .col(text(Professions::Title))
                .col(text(Professions::TitleNorm))
                .col(string_len_null(Professions::ParentCode, 16))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Ateco::Table)
                .col(small_integer(Ateco::Version))
                .col(string_len(Ateco::Code, 16))
                .col(small_integer(Ateco::Level))
                .col(text(Ateco::Title))
                .col(text(Ateco::TitleNorm))
                .col(string_len_null(Ateco::ParentCode, 16))
                .primary_key(Index::create().col(Ateco::Version).col(Ateco::Code))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EducationTitles::Table)
                .col(string_len(EducationTitles::Code, 16).primary_key())
                .col(text(EducationTitles::Title))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Offices::Table)
                .col(pk_uuid(Offices::Id))
                .col(string_len(Offices::Name, 200))
                .col(string_len(Offices::Address, 300))
                .col(string_len(Offices::Comune, 6))
                .col(string_len_null(Offices::Phone, 40))
                .col(string_len_null(Offices::Email, 254))
                .col(text(Offices::OpeningHours))
                .col(string_len(Offices::RegionCode, 2))
                .col(string_len(Offices::ProvinceCode, 3))
                .col(boolean(Offices::Active))
                .col(timestamp_with_time_zone(Offices::CreatedAt))
                .col(timestamp_with_time_zone(Offices::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_offices_region",
            Offices::Table,
            vec![Offices::RegionCode.into_iden()],
        )
        .await?;
        // One office per comune: the competent office of a domicile is unambiguous.
        m.create_table(
            Table::create()
                .table(OfficeComuni::Table)
                .col(string_len(OfficeComuni::Comune, 6).primary_key())
                .col(uuid(OfficeComuni::OfficeId))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_office_comuni_office",
            OfficeComuni::Table,
            vec![OfficeComuni::OfficeId.into_iden()],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Organisations::Table)
                .col(pk_uuid(Organisations::Id))
                .col(string_len(Organisations::Name, 200))
                .col(string_len_uniq(Organisations::TaxCode, 16))
                .col(string_len(Organisations::AlboStatus, 20))
                .col(string_len(Organisations::RegionCode, 2))
                .col(string_len_null(Organisations::Email, 254))
                .col(string_len_null(Organisations::Phone, 40))
                .col(timestamp_with_time_zone(Organisations::CreatedAt))
                .col(timestamp_with_time_zone(Organisations::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OrganisationSeats::Table)
                .col(pk_uuid(OrganisationSeats::Id))
                .col(uuid(OrganisationSeats::OrganisationId))
                .col(string_len(OrganisationSeats::Name, 200))
                .col(string_len(OrganisationSeats::Comune, 6))
                .col(string_len(OrganisationSeats::Address, 300))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_org_seats_org",
            OrganisationSeats::Table,
            vec![OrganisationSeats::OrganisationId.into_iden()],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Employers::Table)
                .col(pk_uuid(Employers::Id))
                .col(string_len_uniq(Employers::TaxCode, 16))
                .col(string_len_null(Employers::VatNumber, 11))
                .col(string_len(Employers::Name, 200))
                .col(sort_key(m, Employers::NameNorm))
                .col(string_len_null(Employers::Ateco2007, 16))
                .col(string_len_null(Employers::Ateco2025, 16))
                .col(string_len(Employers::LegalComune, 6))
                .col(string_len(Employers::LegalAddress, 300))
                .col(string_len(Employers::SizeClass, 16))
                .col(string_len_null(Employers::Email, 254))
                .col(string_len_null(Employers::Phone, 40))
                .col(string_len_null(Employers::Pec, 254))
                .col(boolean(Employers::IsPublic))
                .col(uuid_null(Employers::OfficeId))
                .col(string_len(Employers::RegionCode, 2))
                .col(timestamp_with_time_zone(Employers::CreatedAt))
                .col(timestamp_with_time_zone(Employers::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_employers_name",
            Employers::Table,
            vec![Employers::NameNorm.into_iden()],
        )
        .await?;
        index(
            m,
            "idx_employers_office",
            Employers::Table,
            vec![
                Employers::OfficeId.into_iden(),
                Employers::NameNorm.into_iden(),
            ],
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EmployerUnits::Table)
                .col(pk_uuid(EmployerUnits::Id))
                .col(uuid(EmployerUnits::EmployerId))
                .col(string_len(EmployerUnits::Name, 200))
                .col(string_len(EmployerUnits::Comune, 6))
                .col(string_len(EmployerUnits::Address, 300))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_employer_units_employer",
            EmployerUnits::Table,
            vec![EmployerUnits::EmployerId.into_iden()],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Persons::Table)
                .col(pk_uuid(Persons::Id))
                .col(string_len_uniq(Persons::CodiceFiscale, 16))
                .col(string_len(Persons::Surname, 120))
                .col(string_len(Persons::Name, 120))
                .col(sort_key(m, Persons::SurnameNorm))
                .col(sort_key(m, Persons::NameNorm))
                .col(string_len(Persons::Sex, 1))
                .col(date(Persons::BirthDate))
                .col(string_len(Persons::BirthPlaceCode, 4))
                .col(string_len(Persons::Citizenship, 3))
                .col(string_len_null(Persons::ResidenceComune, 6))
                .col(string_len_null(Persons::ResidenceAddress, 300))
                .col(string_len(Persons::DomicileComune, 6))
                .col(string_len(Persons::DomicileAddress, 300))
                .col(string_len_null(Persons::Email, 254))
                .col(string_len_null(Persons::Phone, 40))
                .col(string_len(Persons::PreferredChannel, 10))
                .col(uuid_null(Persons::OfficeId))
                .col(string_len(Persons::RegionCode, 2))
                .col(boolean(Persons::BirthDataConfirmed))
                .col(boolean(Persons::Fictitious))
                .col(timestamp_with_time_zone(Persons::CreatedAt))
                .col(timestamp_with_time_zone(Persons::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_persons_names",
            Persons::Table,
            vec![
                Persons::SurnameNorm.into_iden(),
                Persons::NameNorm.into_iden(),
                Persons::Id.into_iden(),
            ],
        )
        .await?;
        index(
            m,
            "idx_persons_office_names",
            Persons::Table,
            vec![
                Persons::OfficeId.into_iden(),
                Persons::SurnameNorm.into_iden(),
                Persons::NameNorm.into_iden(),
                Persons::Id.into_iden(),
            ],
        )
        .await?;
        index(
            m,
            "idx_persons_region_names",
            Persons::Table,
            vec![
                Persons::RegionCode.into_iden(),
                Persons::SurnameNorm.into_iden(),
                Persons::NameNorm.into_iden(),
                Persons::Id.into_iden(),
            ],
        )
        .await?;
        index(
            m,
            "idx_persons_domicile",
            Persons::Table,
            vec![
                Persons::DomicileComune.into_iden(),
                Persons::SurnameNorm.into_iden(),
            ],
        )
        .await?;
        index(
            m,
            "idx_persons_birth",
            Persons::Table,
            vec![
                Persons::BirthDate.into_iden(),
                Persons::SurnameNorm.into_iden(),
                Persons::NameNorm.into_iden(),
            ],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PersonOrganisations::Table)
                .col(uuid(PersonOrganisations::PersonId))
                .col(uuid(PersonOrganisations::OrganisationId))
                .col(timestamp_with_time_zone(PersonOrganisations::Since))
                .primary_key(
                    Index::create()
                        .col(PersonOrganisations::PersonId)
                        .col(PersonOrganisations::OrganisationId),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_person_orgs_org",
            PersonOrganisations::Table,
            vec![
                PersonOrganisations::OrganisationId.into_iden(),
                PersonOrganisations::PersonId.into_iden(),
            ],
        )
        .await?;
        Ok(())
    }
}
