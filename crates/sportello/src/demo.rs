//! Demo accounts for `serve --demo`: one per role, passwords printed once.

use sportello_app::App;
use sportello_app::accounts::NewUser;
use sportello_app::tokens::hash_token;
use sportello_domain::access::Scope;
use sportello_domain::role::Role;
use uuid::Uuid;

fn demo_username(role: Role) -> String {
    format!("demo.{}", role.code().replace('_', "."))
}

/// A readable random password: 4 groups of 4 letters and digits.
fn password() -> String {
    let raw = hash_token(&Uuid::new_v4().to_string());
    raw.as_bytes()
        .chunks(4)
        .take(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

pub async fn seed(app: &App) -> anyhow::Result<()> {
    if app
        .store
        .user_by_username(&demo_username(Role::RegionalAdmin))
        .await?
        .is_some()
    {
        println!("Account demo già presenti: le password sono state mostrate al primo avvio.");
        return Ok(());
    }
    println!("Account demo (password mostrate solo ora):");
    for role in Role::ALL {
        let scope = match role {
            Role::Citizen => Scope::Person(Uuid::now_v7()),
            Role::CpiOperator | Role::CpiManager => Scope::Office(Uuid::now_v7()),
            Role::AplOperator => Scope::Organisation(Uuid::now_v7()),
            Role::Employer | Role::PublicBody => Scope::Employer(Uuid::now_v7()),
            Role::RegionalAdmin => Scope::Region(None),
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
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("  {:<26} {:<28} {}", role.label(), u.username, pw);
    }
    Ok(())
}
