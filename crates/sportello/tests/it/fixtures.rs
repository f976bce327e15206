//! Two territories, each with an office, a person, an employer: one inside the scope of
//! the test users, one outside.

use crate::support::TestApp;
use sportello_app::accounts::{NewUser, system_actor};
use sportello_app::registry::employers::{EmployerInput, SiteInput};
use sportello_app::registry::offices::OfficeInput;
use sportello_app::registry::organisations::OrganisationInput;
use sportello_app::registry::persons::PersonInput;
use sportello_app::registry::ports::Subject;
use sportello_domain::access::Scope;
use sportello_domain::codice_fiscale::{Sex, encode};
use sportello_domain::partita_iva::check_digit;
use sportello_domain::role::Role;
use time::macros::date;
use uuid::Uuid;

pub const FIRENZE: &str = "048017";
pub const ROMA: &str = "058091";

pub struct Territory {
    pub office: Uuid,
    pub person: Uuid,
    pub employer: Uuid,
    pub organisation: Uuid,
    /// An operator account of the office, and a token for it.
    pub user: Uuid,
    pub token: Uuid,
    /// A change request waiting for the office: of the person, of the employer.
    pub person_change: Uuid,
    pub employer_change: Uuid,
    pub region: &'static str,
}

pub fn piva(first10: &str) -> String {
    format!("{first10}{}", check_digit(first10))
}

async fn territory(
    t: &TestApp,
    comune: &str,
    region: &'static str,
    who: (&str, &str, Sex, time::Date, &str),
    first10: &str,
) -> Territory {
    let sys = system_actor();
    let office = t
        .app
        .save_office(
            &sys,
            None,
            &OfficeInput {
                name: format!("Centro per l'Impiego {comune}"),
                address: "Via Roma 1".into(),
                comune: comune.into(),
                opening_hours: "lun–ven 9–13".into(),
                active: true,
                ..Default::default()
            },
        )
        .await
        .expect("office")
        .id;
    t.app
        .assign_comuni(&sys, office, &[comune.to_owned()])
        .await
        .expect("comuni");
    let (surname, name, sex, born, place) = who;
    let person = t
        .app
        .create_person(
            &sys,
            &PersonInput {
                codice_fiscale: encode(surname, name, born, sex, place),
                surname: surname.into(),
                name: name.into(),
                domicile_comune: comune.into(),
                domicile_address: "Via Verdi 3".into(),
                ..Default::default()
            },
        )
        .await
        .expect("person")
        .id;
    let employer = t
        .app
        .create_employer(
            &sys,
            &EmployerInput {
                tax_code: piva(first10),
                name: format!("Officine {surname} S.r.l."),
                legal_comune: comune.into(),
                legal_address: "Viale Europa 10".into(),
                ateco_2025: Some("62.10.00".into()),
                ..Default::default()
            },
        )
        .await
        .expect("employer")
        .id;
    // Assignment of persons to accredited operators comes with the PAD; until then the
    // fixture writes it directly.
    let organisation = t
        .app
        .save_organisation(
            &sys,
            None,
            &OrganisationInput {
                name: format!("Agenzia Lavoro {surname} S.p.A."),
                tax_code: piva(&first10.chars().rev().collect::<String>()),
                albo_status: Some("accredited".into()),
                seats: vec![SiteInput {
                    id: None,
                    name: "Sede".into(),
                    comune: comune.into(),
                    address: "Piazza Duomo 2".into(),
                }],
                ..Default::default()
            },
        )
        .await
        .expect("organisation")
        .id;
    use sea_orm::{ConnectionTrait, Statement};
    let backend = t.db.get_database_backend();
    t.db.execute_raw(Statement::from_sql_and_values(
        backend,
        match backend {
            sea_orm::DbBackend::Postgres => "INSERT INTO person_organisations (person_id, organisation_id, since) VALUES ($1, $2, $3)",
            _ => "INSERT INTO person_organisations (person_id, organisation_id, since) VALUES (?, ?, ?)",
        },
        [person.into(), organisation.into(), time::OffsetDateTime::now_utc().into()],
    ))
    .await
    .expect("assignment");
    let user = t
        .app
        .create_user(
            None,
            NewUser {
                username: format!("operatore.{comune}"),
                display_name: format!("Operatore {comune}"),
                email: None,
                password: crate::support::PASSWORD.into(),
                role: Role::CpiOperator,
                scope: Scope::Office(office),
            },
        )
        .await
        .expect("user")
        .id;
    let token = t
        .app
        .issue_token(
            None,
            &format!("gestionale {comune}"),
            Role::CpiOperator,
            Scope::Office(office),
            None,
        )
        .await
        .expect("token")
        .1
        .id;
    // The person and the employer each propose a change of certified data.
    let own = |role, scope| sportello_domain::access::Actor {
        user_id: None,
        token_id: None,
        name: "sé stesso".into(),
        role,
        scope,
    };
    let citizen = own(Role::Citizen, Scope::Person(person));
    let me = t.app.get_person(&citizen, person).await.expect("own file");
    let mut proposal = PersonInput::from(&me);
    proposal.surname = format!("{surname}i");
    t.app
        .update_person(&citizen, person, &proposal)
        .await
        .expect("person proposal");
    let person_change = t
        .app
        .pending_changes(&citizen, Subject::Person(person))
        .await
        .expect("pending")[0]
        .id;
    let company = own(Role::Employer, Scope::Employer(employer));
    let mine = t.app.get_employer(&company, employer).await.expect("own");
    let mut proposal = EmployerInput::from(&mine);
    proposal.is_public = true;
    t.app
        .update_employer(&company, employer, &proposal)
        .await
        .expect("employer proposal");
    let employer_change = t
        .app
        .pending_changes(&company, Subject::Employer(employer))
        .await
        .expect("pending")[0]
        .id;
    Territory {
        office,
        person,
        employer,
        organisation,
        user,
        token,
        person_change,
        employer_change,
        region,
    }
}

pub struct World {
    pub inside: Territory,
    pub outside: Territory,
}

impl World {
    pub async fn new(t: &TestApp) -> Self {
        let inside = territory(
            t,
            FIRENZE,
            "09",
            ("Rossi", "Mario", Sex::M, date!(1985 - 12 - 10), "D612"),
            "0123456789",
        )
        .await;
        let outside = territory(
            t,
            ROMA,
            "12",
            ("Bianchi", "Anna", Sex::F, date!(1990 - 03 - 05), "H501"),
            "0987654321",
        )
        .await;
        Self { inside, outside }
    }

    /// The scope a user of `role` has inside the first territory.
    pub fn scope(&self, role: Role) -> Scope {
        let t = &self.inside;
        match role {
            Role::Citizen => Scope::Person(t.person),
            Role::CpiOperator | Role::CpiManager => Scope::Office(t.office),
            Role::AplOperator => Scope::Organisation(t.organisation),
            Role::Employer | Role::PublicBody => Scope::Employer(t.employer),
            Role::RegionalAdmin => Scope::Region(Some(t.region.to_owned())),
            Role::Auditor => Scope::Global,
        }
    }
}
