//! `serve --demo`: two regions (Toscana and Lazio) with one office per province, 2,000
//! synthetic persons and 200 employers, and one account per role bound to real records
//! of the Florence office. Passwords are printed once.

use sportello_app::App;
use sportello_app::accounts::tokens::hash_token;
use sportello_app::accounts::{NewUser, system_actor};
use sportello_app::registry::employers::EmployerSearch;
use sportello_app::registry::employers::SiteInput;
use sportello_app::registry::organisations::OrganisationInput;
use sportello_app::registry::persons::PersonSearch;
use sportello_db::DatabaseConnection;
use sportello_db::seed::{SeedOptions, ensure_offices, run};
use sportello_domain::access::Actor;
use sportello_domain::access::Scope;
use sportello_domain::role::Role;
use uuid::Uuid;

const REGIONS: [&str; 2] = ["09", "12"];
const FIRENZE: &str = "048017";

fn demo_username(role: Role) -> String {
    format!("demo.{}", role.code().replace('_', "."))
}

/// A readable random password: 4 groups of 4 hex digits.
fn password() -> String {
    let raw = hash_token(&Uuid::new_v4().to_string());
    raw.as_bytes()
        .chunks(4)
        .take(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn seed(app: &App, db: &DatabaseConnection) -> anyhow::Result<()> {
    if app
        .username_taken(&demo_username(Role::RegionalAdmin))
        .await
        .map_err(err)?
    {
        println!("Account demo già presenti: le password sono state mostrate al primo avvio.");
        return Ok(());
    }
    let regions: Vec<String> = REGIONS.iter().map(|r| r.to_string()).collect();
    ensure_offices(db, Some(&regions)).await?;
    let report = run(
        db,
        &SeedOptions {
            persons: 2_000,
            employers: 200,
            seed: 1,
            regions: Some(regions),
        },
        &|_, _| {},
    )
    .await?;
    println!(
        "Dati demo: {} persone e {} datori di lavoro fittizi in Toscana e Lazio ({:.1} s)",
        report.persons, report.employers, report.seconds
    );

    let office = app
        .office_serving(FIRENZE)
        .await
        .map_err(err)?
        .ok_or_else(|| anyhow::anyhow!("nessun ufficio per Firenze"))?;
    // The office's first person and employer, as its manager would list them.
    let manager = Actor {
        user_id: None,
        token_id: None,
        name: "sistema".into(),
        role: Role::CpiManager,
        scope: Scope::Office(office),
    };
    let person = app
        .search_persons(&manager, &PersonSearch::default(), None, 1)
        .await
        .map_err(err)?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("nessuna persona demo"))?;
    let employer = app
        .search_employers(&manager, &EmployerSearch::default(), None, 1)
        .await
        .map_err(err)?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("nessun datore di lavoro demo"))?;
    let organisation = app
        .save_organisation(
            &system_actor(),
            None,
            &OrganisationInput {
                name: "Agenzia per il lavoro Demo S.r.l.".into(),
                tax_code: "01234567897".into(),
                albo_status: Some("accredited".into()),
                email: Some("info@esempio.invalid".into()),
                phone: None,
                seats: vec![SiteInput {
                    id: None,
                    name: "Sede di Firenze".into(),
                    comune: FIRENZE.into(),
                    address: "Via dei Servi 10".into(),
                }],
                version: None,
            },
        )
        .await
        .map_err(err)?;

    println!("Account demo (password mostrate solo ora):");
    for role in Role::ALL {
        let scope = match role {
            Role::Citizen => Scope::Person(person.id),
            Role::CpiOperator | Role::CpiManager => Scope::Office(office),
            Role::AplOperator => Scope::Organisation(organisation.id),
            Role::Employer | Role::PublicBody => Scope::Employer(employer.id),
            Role::RegionalAdmin => Scope::Region(Some(REGIONS[0].into())),
            Role::Auditor => Scope::Global,
        };
        let pw = password();
        let u = app
            .create_user(
                None,
                NewUser {
                    username: demo_username(role),
                    display_name: format!("Demo {}", role.label()),
                    email: None,
                    password: pw.clone(),
                    role,
                    scope,
                },
            )
            .await
            .map_err(err)?;
        println!("  {:<26} {:<28} {}", role.label(), u.username, pw);
    }
    Ok(())
}
