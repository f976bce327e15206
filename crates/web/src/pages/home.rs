use super::Chrome;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sportello_domain::access::{Permission, Scope};
use sportello_domain::role::Role;

#[derive(Clone, Copy)]
pub struct Card {
    pub title: &'static str,
    pub text: &'static str,
    pub href: &'static str,
    pub link: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub c: Chrome,
    pub name: String,
    pub scope: String,
    pub intro: &'static str,
    pub cards: Vec<Card>,
}

fn intro(role: Role) -> &'static str {
    match role {
        Role::Citizen => "Qui trova i servizi per il lavoro a cui ha accesso e i suoi dati.",
        Role::CpiOperator => {
            "Sportello del Centro per l'Impiego: accoglienza, presa in carico e servizi alle persone e alle imprese del suo ufficio."
        }
        Role::CpiManager => {
            "Coordinamento del Centro per l'Impiego: agenda, assegnazioni, approvazioni e cruscotti dell'ufficio."
        }
        Role::AplOperator => {
            "Servizi erogati dall'operatore accreditato alle persone assegnate o che lo hanno scelto."
        }
        Role::Employer => {
            "Le offerte di lavoro dell'azienda, i candidati proposti e gli adempimenti."
        }
        Role::PublicBody => {
            "Richieste di avviamento a selezione (art. 16 L. 56/1987) e graduatorie trasmesse."
        }
        Role::RegionalAdmin => {
            "Amministrazione regionale: utenti, token di accesso alle API, uffici e parametri."
        }
        Role::Auditor => {
            "Consultazione in sola lettura del registro di audit e degli accessi ai dati."
        }
    }
}

fn describe(scope: &Scope) -> String {
    match scope {
        Scope::Person(_) => "i propri dati".into(),
        Scope::Office(id) => format!("ufficio {id}"),
        Scope::Organisation(id) => format!("organizzazione {id}"),
        Scope::Employer(id) => format!("datore di lavoro {id}"),
        Scope::Region(Some(r)) => format!("regione (codice ISTAT {r})"),
        Scope::Region(None) => "tutte le regioni".into(),
        Scope::Global => "intero sistema (sola lettura)".into(),
    }
}

/// Cards for what the role can open; each needs the permission of the page it links to.
const CARDS: &[(Permission, Card)] = &[
    (
        Permission::PersonsRead,
        Card {
            title: "Persone",
            text: "Ricerca per codice fiscale, cognome e nome o comune; scheda anagrafica e registrazione.",
            href: "/persons",
            link: "Cerca una persona",
        },
    ),
    (
        Permission::EmployersRead,
        Card {
            title: "Datori di lavoro",
            text: "Aziende ed enti per partita IVA o ragione sociale, con sedi e codici ATECO.",
            href: "/employers",
            link: "Cerca un datore di lavoro",
        },
    ),
    (
        Permission::OfficesManage,
        Card {
            title: "Uffici",
            text: "Centri per l'Impiego, orari e comuni serviti.",
            href: "/admin/offices",
            link: "Gestisci uffici",
        },
    ),
    (
        Permission::AuditRead,
        Card {
            title: "Registro di audit",
            text: "Ricerca per utente, oggetto, azione e periodo; verifica della catena.",
            href: "/audit",
            link: "Apri il registro",
        },
    ),
    (
        Permission::UsersManage,
        Card {
            title: "Utenti",
            text: "Account degli operatori, dei cittadini e delle organizzazioni, con ruolo e ambito.",
            href: "/admin/users",
            link: "Gestisci utenti",
        },
    ),
    (
        Permission::TokensManage,
        Card {
            title: "Token API",
            text: "Accesso dei sistemi esterni alle API, per ruolo e ambito, revocabile.",
            href: "/admin/tokens",
            link: "Gestisci token",
        },
    ),
    (
        Permission::Authenticated,
        Card {
            title: "API e documentazione",
            text: "Documentazione interattiva delle API REST (OpenAPI 3.1).",
            href: "/api/docs",
            link: "Consulta le API",
        },
    ),
];

pub async fn home(c: Chrome) -> Result<Response, PageError> {
    let Some(actor) = c.actor.clone() else {
        return Ok(Redirect::to("/login").into_response());
    };
    let cards = CARDS
        .iter()
        .filter(|(p, _)| actor.may(*p))
        .map(|(_, card)| *card)
        .collect();
    Ok(HomePage {
        name: actor.name.clone(),
        scope: describe(&actor.scope),
        intro: intro(actor.role),
        cards,
        c,
    }
    .into_response())
}

pub async fn health(State(st): State<AppState>) -> Response {
    match st.app.store.ping().await {
        Ok(()) => "ok".into_response(),
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database non raggiungibile",
        )
            .into_response(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "api_docs.html")]
pub struct ApiDocsPage {
    pub c: Chrome,
}

pub async fn api_docs(c: Chrome) -> ApiDocsPage {
    ApiDocsPage { c }
}
