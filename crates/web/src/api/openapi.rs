//! The OpenAPI 3.1 document: the service's description here, its operations from the
//! routes each context declares (`Routes::api`), so no operation is listed twice.

use super::pagination;
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

/// Every error answer is a problem (RFC 9457), and says so in its media type: the
/// handlers' annotations name the `Problem` body, this names its type once for all.
struct ProblemMediaType;

impl Modify for ProblemMediaType {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                for (code, response) in op.responses.responses.iter_mut() {
                    let (RefOr::T(response), true) =
                        (response, code.starts_with('4') || code.starts_with('5'))
                    else {
                        continue;
                    };
                    if let Some(content) = response.content.shift_remove("application/json") {
                        response
                            .content
                            .insert("application/problem+json".to_owned(), content);
                    }
                }
            }
        }
    }
}

/// What the API catalogues (PDND, the AgID checker) read about the service.
struct CatalogueInfo;

impl Modify for CatalogueInfo {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let extensions = doc.info.extensions.get_or_insert_with(Default::default);
        extensions.insert(
            "x-summary".to_owned(),
            serde_json::json!(
                "Servizi pubblici per l'impiego: anagrafiche, regole e registro di audit"
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sportello API",
        description = "API dei servizi per l'impiego. Errori in application/problem+json (RFC 9457), date RFC 3339, paginazione a cursore, Idempotency-Key sulle POST che creano, ETag e If-Match sulle modifiche.\n\nNote sulle linee guida di interoperabilità: l'elenco dei server e i termini di servizio non sono nel documento perché dipendono da ogni installazione (ogni amministrazione pubblica i propri); i dati di riferimento pubblici (/api/v1/public/*), l'elenco dei token e i comuni di un ufficio rispondono con un array perché sono elenchi brevi e completi, senza paginazione.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        contact(name = "Manutentori di Sportello", url = "https://github.com/sportello-pa/sportello")
    ),
    components(schemas(Problem, ProblemField, pagination::Page<crate::accounts::api::UserOut>)),
    modifiers(&Security, &CatalogueInfo),
    tags(
        (name = "status", description = "Stato del servizio"),
        (name = "accounts", description = "Utenti e token"),
        (name = "audit", description = "Registro di audit"),
        (name = "registry", description = "Anagrafiche: persone, datori di lavoro, uffici, organizzazioni accreditate"),
        (name = "public", description = "Dati pubblici di riferimento: nessuna autenticazione"),
        (name = "rules", description = "Calcolatori pubblici: nessuna autenticazione, nessun dato salvato"),
    )
)]
pub struct ApiDoc;

pub fn spec() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let (paths, schemas) = crate::routes::api_paths();
    doc.paths = paths;
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in schemas {
        components.schemas.entry(name).or_insert(schema);
    }
    // After the operations are in: it rewrites their error responses.
    ProblemMediaType.modify(&mut doc);
    doc
}

/// The document, with this server's version.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    let mut doc = spec();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    Json(doc)
}
