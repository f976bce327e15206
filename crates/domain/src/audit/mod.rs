//! The audit chains: each entry carries the hash of the previous one of its chain, so
//! removing or editing a row breaks every link after it; each chain's head (last sequence
//! number and hash) is kept apart, so removing the last rows is found too; signed
//! checkpoints of the heads, kept outside the database, find it even when the head rows are
//! rewritten to match.
//!
//! The log is split into `CHAINS` chains so that writers append in parallel (one head row
//! lock each instead of one for every write). The chain of an entry is chosen from the
//! record it is about, so a record's history stays in one chain, in order.

/// Reading the audit log: the auditor only.
pub const AUDIT_READ: crate::access::Permission =
    crate::access::Permission::of("audit.read", &[crate::role::Role::Auditor]);

pub mod checkpoint;

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

/// How many chains the log is split into. Changing it needs a migration adding head rows.
pub const CHAINS: i32 = 16;

/// The chain an entry about `entity` `entity_id` goes to: a stable hash of the record, so
/// every entry about one record is in one chain (entries about no record go to chain 1).
pub fn chain_for(entity: &str, entity_id: Option<&str>) -> i32 {
    let Some(id) = entity_id else { return 1 };
    let digest = Sha256::new()
        .chain_update(entity.as_bytes())
        .chain_update([0])
        .chain_update(id.as_bytes())
        .finalize();
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    1 + (n % CHAINS as u32) as i32
}

/// A chain's last sequence number and hash (sequence 0 and `GENESIS` when empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub chain: i32,
    pub seq: i64,
    pub hash: String,
}

/// A stored entry: its content and the two hashes kept with it.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    /// Order of writing across chains, for browsing; not part of the hash.
    pub id: i64,
    pub chain: i32,
    pub content: EntryContent,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's own hash does not match its content.
    Altered { chain: i32, seq: i64 },
    /// The entry does not point at the previous entry's hash (removed or reordered rows).
    Unlinked { chain: i32, seq: i64 },
    /// The chain ends before its head: the last entries were removed.
    Truncated {
        chain: i32,
        last_seq: i64,
        head_seq: i64,
    },
    /// The chain's last entry is not the one its head names.
    HeadMismatch { chain: i32, seq: i64 },
    /// The entry differs from the one a signed checkpoint recorded at that place.
    CheckpointMismatch { chain: i32, seq: i64 },
    /// The chain ends before a place a signed checkpoint recorded: entries were removed
    /// and the head rewritten to hide it.
    BeforeCheckpoint {
        chain: i32,
        last_seq: i64,
        checkpoint_seq: i64,
    },
}

impl ChainBreak {
    /// What an auditor reads.
    pub fn describe(&self) -> String {
        match self {
            ChainBreak::Altered { chain, seq } => {
                format!("catena {chain}, voce {seq}: contenuto alterato")
            }
            ChainBreak::Unlinked { chain, seq } => format!(
                "catena {chain}, voce {seq}: collegamento alla voce precedente interrotto (voci rimosse o riordinate)"
            ),
            ChainBreak::Truncated {
                chain,
                last_seq,
                head_seq,
            } => format!(
                "catena {chain}: l'ultima voce è la {last_seq} ma la testa della catena indica la {head_seq} (voci finali rimosse)"
            ),
            ChainBreak::HeadMismatch { chain, seq } => {
                format!("catena {chain}, voce {seq}: non corrisponde alla testa della catena")
            }
            ChainBreak::CheckpointMismatch { chain, seq } => format!(
                "catena {chain}, voce {seq}: diversa da quella attestata da un punto di controllo firmato"
            ),
            ChainBreak::BeforeCheckpoint {
                chain,
                last_seq,
                checkpoint_seq,
            } => format!(
                "catena {chain}: l'ultima voce è la {last_seq} ma un punto di controllo firmato ne attesta la {checkpoint_seq} (voci rimosse e testa riscritta)"
            ),
        }
    }
}

/// Walks one chain's entries in `seq` order from the genesis; returns the first broken
/// link, then (`finish`) compares the end of the chain with its head and with the places
/// signed checkpoints recorded.
pub struct ChainVerifier {
    chain: i32,
    prev_hash: String,
    last_seq: i64,
    checked: u64,
    /// Places signed checkpoints recorded in this chain: the chain must pass through each.
    pins: Vec<Head>,
}

impl ChainVerifier {
    pub fn new(chain: i32, pins: impl IntoIterator<Item = Head>) -> Self {
        Self {
            chain,
            prev_hash: GENESIS.to_owned(),
            last_seq: 0,
            checked: 0,
            pins: pins.into_iter().filter(|p| p.chain == chain).collect(),
        }
    }

    pub fn check(&mut self, e: &StoredEntry) -> Result<(), ChainBreak> {
        let (chain, seq) = (self.chain, e.content.seq);
        if e.prev_hash != self.prev_hash || seq != self.last_seq + 1 {
            return Err(ChainBreak::Unlinked { chain, seq });
        }
        if link_hash(&e.prev_hash, &e.content) != e.hash {
            return Err(ChainBreak::Altered { chain, seq });
        }
        if self.pins.iter().any(|p| p.seq == seq && p.hash != e.hash) {
            return Err(ChainBreak::CheckpointMismatch { chain, seq });
        }
        self.prev_hash.clone_from(&e.hash);
        self.last_seq = seq;
        self.checked += 1;
        Ok(())
    }

    /// After the last entry: the chain must end where its head says, and reach every
    /// place a checkpoint signed.
    pub fn finish(&self, head: &Head) -> Result<(), ChainBreak> {
        let chain = self.chain;
        if let Some(p) = self.pins.iter().map(|p| p.seq).max()
            && p > self.last_seq
        {
            return Err(ChainBreak::BeforeCheckpoint {
                chain,
                last_seq: self.last_seq,
                checkpoint_seq: p,
            });
        }
        if head.seq > self.last_seq {
            return Err(ChainBreak::Truncated {
                chain,
                last_seq: self.last_seq,
                head_seq: head.seq,
            });
        }
        if head.seq != self.last_seq || head.hash != self.prev_hash {
            return Err(ChainBreak::HeadMismatch {
                chain,
                seq: self.last_seq,
            });
        }
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
                    id: i,
                    chain: 1,
                    content,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    fn head(c: &[StoredEntry]) -> Head {
        c.last().map_or(
            Head {
                chain: 1,
                seq: 0,
                hash: GENESIS.into(),
            },
            |e| Head {
                chain: 1,
                seq: e.content.seq,
                hash: e.hash.clone(),
            },
        )
    }

    fn verify(c: &[StoredEntry], head: &Head, pins: Vec<Head>) -> Result<u64, ChainBreak> {
        let mut v = ChainVerifier::new(1, pins);
        for e in c {
            v.check(e)?;
        }
        v.finish(head)?;
        Ok(v.checked())
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, &head(&c), vec![]), Ok(5));
        assert_eq!(verify(&[], &head(&[]), vec![]), Ok(0));
    }

    #[test]
    fn altered_and_removed_rows_are_found() {
        let mut c = chain(5);
        let h = head(&c);
        c[2].content.action = "delete".into();
        assert_eq!(
            verify(&c, &h, vec![]),
            Err(ChainBreak::Altered { chain: 1, seq: 3 })
        );

        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c, &h, vec![]),
            Err(ChainBreak::Unlinked { chain: 1, seq: 3 })
        );
    }

    #[test]
    fn truncation_is_found_by_the_head_and_by_checkpoints() {
        let full = chain(5);
        let pin = head(&full);
        let cut = &full[..3];
        assert_eq!(
            verify(cut, &pin, vec![]),
            Err(ChainBreak::Truncated {
                chain: 1,
                last_seq: 3,
                head_seq: 5
            })
        );
        assert_eq!(
            verify(&[], &pin, vec![]),
            Err(ChainBreak::Truncated {
                chain: 1,
                last_seq: 0,
                head_seq: 5
            })
        );
        // The head rewritten to match the shortened chain: only the checkpoint knows.
        assert_eq!(verify(cut, &head(cut), vec![]), Ok(3));
        assert_eq!(
            verify(cut, &head(cut), vec![pin.clone()]),
            Err(ChainBreak::BeforeCheckpoint {
                chain: 1,
                last_seq: 3,
                checkpoint_seq: 5
            })
        );
        // A rebuilt chain of the same length differs where the checkpoint pinned it.
        let mut forged = chain(5);
        forged[4].content.actor = "altri".into();
        forged[4].hash = link_hash(&forged[4].prev_hash, &forged[4].content);
        assert_eq!(
            verify(&forged, &head(&forged), vec![pin]),
            Err(ChainBreak::CheckpointMismatch { chain: 1, seq: 5 })
        );
    }

    #[test]
    fn a_records_entries_share_one_chain() {
        let a = chain_for("person", Some("0190a1b2"));
        assert_eq!(a, chain_for("person", Some("0190a1b2")));
        assert!((1..=CHAINS).contains(&a));
        assert_eq!(chain_for("user", None), 1);
        let used: std::collections::HashSet<i32> = (0..200)
            .map(|i| chain_for("person", Some(&i.to_string())))
            .collect();
        assert!(
            used.len() > CHAINS as usize / 2,
            "entries spread over the chains"
        );
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
