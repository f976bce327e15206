//! The OpenAPI 3.1 document, generated from the annotated handlers.

use super::{accounts, audit, pagination, registry, rules};
use crate::error::{Problem, ProblemField};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "Token rilasciato dall'amministratore regionale (sportello admin create-token)",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sportello API",
        description = "API dei servizi per l'impiego. Errori in application/problem+json (RFC 9457), date RFC 3339, paginazione a cursore, Idempotency-Key sulle POST che creano.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    paths(
        accounts::me,
        accounts::list_users,
        accounts::create_user,
        accounts::list_tokens,
        accounts::revoke_token,
        audit::search,
        rules::codice_fiscale,
        registry::list_persons,
        registry::create_person,
        registry::get_person,
        registry::update_person,
        registry::list_employers,
        registry::create_employer,
        registry::get_employer,
        registry::update_employer,
        registry::list_offices,
        registry::create_office,
        registry::get_office,
        registry::update_office,
        registry::assign_comuni,
        registry::list_organisations,
        registry::create_organisation,
        registry::get_organisation,
        registry::update_organisation,
        registry::comuni,
        registry::professions,
        registry::ateco,
    ),
    components(schemas(Problem, ProblemField, pagination::Page<accounts::UserOut>)),
    modifiers(&Security),
    tags(
        (name = "accounts", description = "Utenti e token"),
        (name = "audit", description = "Registro di audit"),
        (name = "registry", description = "Anagrafiche: persone, datori di lavoro, uffici, organizzazioni accreditate"),
        (name = "public", description = "Dati pubblici di riferimento: nessuna autenticazione"),
        (name = "rules", description = "Calcolatori pubblici: nessuna autenticazione, nessun dato salvato"),
    )
)]
pub struct ApiDoc;

pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document, with this server's version.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    let mut doc = spec();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    Json(doc)
}
