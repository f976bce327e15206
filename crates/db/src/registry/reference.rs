//! Reference data: comuni, countries, professions (CP2011), ATECO.

use super::{starts_with, to_comune};
use crate::entity::{ateco, comune, profession};
use crate::store::{SeaStore, other};
use async_trait::async_trait;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sportello_app::ports::StoreResult;
use sportello_app::registry::ports::*;
use sportello_domain::text::search_key;

#[async_trait]
impl ReferenceQueries for SeaStore {
    async fn comune(&self, istat_code: &str) -> StoreResult<Option<ComuneRecord>> {
        Ok(self.reference().await?.comuni.get(istat_code).cloned())
    }

    async fn comuni_search(&self, query: &str, limit: u64) -> StoreResult<Vec<ComuneRecord>> {
        let q = query.trim();
        let cond = if q.len() == 5 && q.chars().all(|c| c.is_ascii_digit()) {
            Condition::all().add(comune::Column::Cap.eq(q))
        } else {
            let key = search_key(q);
            if key.is_empty() {
                return Ok(vec![]);
            }
            starts_with(comune::Column::NameNorm, &key)
        };
        Ok(comune::Entity::find()
            .filter(cond)
            .order_by_desc(comune::Column::Population)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_comune)
            .collect())
    }

    async fn comuni_by_name(&self, name_norm: &str) -> StoreResult<Vec<ComuneRecord>> {
        Ok(comune::Entity::find()
            .filter(comune::Column::NameNorm.eq(name_norm))
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(to_comune)
            .collect())
    }

    async fn country_name(&self, istat_code: &str) -> StoreResult<Option<String>> {
        Ok(self.reference().await?.countries.get(istat_code).cloned())
    }

    async fn countries_search(&self, query: &str, limit: u64) -> StoreResult<Vec<CodeTitle>> {
        let q = query.trim().to_lowercase();
        let mut found: Vec<CodeTitle> = self
            .reference()
            .await?
            .countries
            .iter()
            .filter(|(_, name)| name.to_lowercase().contains(&q))
            .map(|(code, name)| CodeTitle {
                code: code.clone(),
                title: name.clone(),
                // Countries have no hierarchy.
                level: 0,
            })
            .collect();
        // Names that start with the text first, then alphabetical.
        found.sort_by_key(|c| (!c.title.to_lowercase().starts_with(&q), c.title.clone()));
        found.truncate(limit as usize);
        Ok(found)
    }

    async fn country_by_name(&self, name: &str) -> StoreResult<Option<String>> {
        let name = name.trim();
        Ok(self
            .reference()
            .await?
            .countries
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(code, _)| code.clone()))
    }

    async fn professions_search(&self, query: &str, limit: u64) -> StoreResult<Vec<CodeTitle>> {
        let q = query.trim();
        let cond = if q.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            starts_with(profession::Column::Code, q)
        } else {
            Condition::all().add(profession::Column::TitleNorm.contains(q.to_lowercase()))
        };
        Ok(profession::Entity::find()
            .filter(cond)
            .order_by_desc(profession::Column::Level)
            .order_by_asc(profession::Column::Code)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(|p| CodeTitle {
                code: p.code,
                title: p.title,
                level: p.level,
            })
            .collect())
    }

    async fn ateco_search(
        &self,
        version: i16,
        query: &str,
        limit: u64,
    ) -> StoreResult<Vec<CodeTitle>> {
        let q = query.trim();
        let cond = if q.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            starts_with(ateco::Column::Code, q)
        } else {
            Condition::all().add(ateco::Column::TitleNorm.contains(q.to_lowercase()))
        };
        Ok(ateco::Entity::find()
            .filter(ateco::Column::Version.eq(version))
            .filter(cond)
            .order_by_desc(ateco::Column::Level)
            .order_by_asc(ateco::Column::Code)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(other)?
            .into_iter()
            .map(|a| CodeTitle {
                code: a.code,
                title: a.title,
                level: a.level,
            })
            .collect())
    }

    async fn ateco_exists(&self, version: i16, code: &str) -> StoreResult<bool> {
        Ok(ateco::Entity::find_by_id((version, code.to_owned()))
            .one(&self.db)
            .await
            .map_err(other)?
            .is_some())
    }
}
