//! Reference data: comuni by name or CAP, CP2011 professions, ATECO codes.

use super::ports::{CodeTitle, ComuneRecord};
use crate::App;
use crate::error::AppError;
use sportello_domain::text::search_key;

pub const PICKER_LIMIT: u64 = 20;

impl App {
    pub async fn search_comuni(&self, query: &str) -> Result<Vec<ComuneRecord>, AppError> {
        // A value picked from the list reads «Nome (PR)»: search by the name part.
        let q = query.split('(').next().unwrap_or("").trim();
        if q.is_empty() {
            return Ok(vec![]);
        }
        Ok(self.store.comuni_search(q, PICKER_LIMIT).await?)
    }

    /// Countries by name, for the citizenship picker.
    pub async fn search_countries(&self, query: &str) -> Result<Vec<CodeTitle>, AppError> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(vec![]);
        }
        Ok(self.store.countries_search(q, PICKER_LIMIT).await?)
    }

    pub async fn search_professions(&self, query: &str) -> Result<Vec<CodeTitle>, AppError> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(vec![]);
        }
        Ok(self.store.professions_search(q, PICKER_LIMIT).await?)
    }

    pub async fn search_ateco(
        &self,
        version: i16,
        query: &str,
    ) -> Result<Vec<CodeTitle>, AppError> {
        if version != 2007 && version != 2025 {
            return Err(AppError::invalid(
                "version",
                "ateco_version",
                "Versione ATECO non valida: 2007 o 2025",
            ));
        }
        let q = query.trim();
        if q.is_empty() {
            return Ok(vec![]);
        }
        Ok(self.store.ateco_search(version, q, PICKER_LIMIT).await?)
    }

    /// Reads a comune as typed in a form: its ISTAT code, its name, or «Nome (PR)».
    /// `None` with a message when unknown or ambiguous.
    pub async fn resolve_comune(
        &self,
        input: &str,
    ) -> Result<Result<ComuneRecord, String>, AppError> {
        let s = input.trim();
        if s.len() == 6 && s.chars().all(|c| c.is_ascii_digit()) {
            return Ok(self
                .store
                .comune(s)
                .await?
                .ok_or_else(|| format!("Nessun comune con codice ISTAT «{s}»")));
        }
        let (name, sigla) = match s.rsplit_once('(') {
            Some((n, rest)) => (
                n.trim(),
                Some(rest.trim_end_matches(')').trim().to_uppercase()),
            ),
            None => (s, None),
        };
        let found: Vec<ComuneRecord> = self
            .store
            .comuni_by_name(&search_key(name))
            .await?
            .into_iter()
            .filter(|c| sigla.as_ref().is_none_or(|p| &c.province_sigla == p))
            .collect();
        Ok(match found.len() {
            1 => Ok(found.into_iter().next().expect("one")),
            0 => Err(format!("Comune «{s}» non trovato: scegliere dall'elenco")),
            _ => Err(format!(
                "Più comuni si chiamano «{name}»: indicare anche la provincia, es. «{name} ({})»",
                found[0].province_sigla
            )),
        })
    }
}
