//! The audit chain: each entry carries the hash of the previous one, so removing or
//! editing a row breaks every link after it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry says; `seq` orders the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryContent {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub address: Option<String>,
}

/// SHA-256 over the previous hash and every field, each length-prefixed so that no two
/// different entries serialise to the same bytes.
pub fn link_hash(prev_hash: &str, e: &EntryContent) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    field(prev_hash);
    field(&e.seq.to_string());
    field(&e.at);
    field(&e.actor);
    field(&e.role);
    field(&e.action);
    field(&e.entity);
    for opt in [&e.entity_id, &e.before, &e.after, &e.address] {
        match opt {
            Some(s) => field(&format!("1{s}")),
            None => field("0"),
        }
    }
    hex::encode(h.finalize())
}

/// A stored entry: its content and the two hashes kept with it.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub content: EntryContent,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's own hash does not match its content.
    Altered { seq: i64 },
    /// The entry does not point at the previous entry's hash (removed or reordered rows).
    Unlinked { seq: i64 },
}

/// Walks entries in `seq` order from the one after `prev_hash`; returns the first broken link.
pub struct ChainVerifier {
    prev_hash: String,
    checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev_hash: GENESIS.to_owned(),
            checked: 0,
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, e: &StoredEntry) -> Result<(), ChainBreak> {
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::Unlinked { seq: e.content.seq });
        }
        if link_hash(&e.prev_hash, &e.content) != e.hash {
            return Err(ChainBreak::Altered { seq: e.content.seq });
        }
        self.prev_hash.clone_from(&e.hash);
        self.checked += 1;
        Ok(())
    }

    pub fn checked(&self) -> u64 {
        self.checked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, action: &str) -> EntryContent {
        EntryContent {
            seq,
            at: "2026-11-23T10:00:00Z".into(),
            actor: "mrossi".into(),
            role: "cpi_operator".into(),
            action: action.into(),
            entity: "person".into(),
            entity_id: Some("x".into()),
            before: None,
            after: Some("{}".into()),
            address: None,
        }
    }

    fn chain(n: i64) -> Vec<StoredEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|i| {
                let content = entry(i, "create");
                let hash = link_hash(&prev, &content);
                let e = StoredEntry {
                    content,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        let mut v = ChainVerifier::default();
        for e in chain(5) {
            v.check(&e).unwrap();
        }
        assert_eq!(v.checked(), 5);
    }

    #[test]
    fn altered_and_removed_rows_are_found() {
        let mut c = chain(5);
        c[2].content.action = "delete".into();
        let mut v = ChainVerifier::default();
        let first_err = c.iter().find_map(|e| v.check(e).err());
        assert_eq!(first_err, Some(ChainBreak::Altered { seq: 3 }));

        let mut c = chain(5);
        c.remove(1);
        let mut v = ChainVerifier::default();
        let first_err = c.iter().find_map(|e| v.check(e).err());
        assert_eq!(first_err, Some(ChainBreak::Unlinked { seq: 3 }));
    }

    #[test]
    fn none_and_empty_differ() {
        let mut a = entry(1, "x");
        let mut b = a.clone();
        a.before = None;
        b.before = Some(String::new());
        assert_ne!(link_hash(GENESIS, &a), link_hash(GENESIS, &b));
    }
}
