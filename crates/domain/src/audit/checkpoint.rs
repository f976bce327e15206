//! Signed checkpoints of the chains' heads. `sportello audit checkpoint` writes one outside
//! the database from time to time; verification checks that every chain still reaches the
//! heads a checkpoint signed, so removing entries (even with the head rows rewritten to
//! match) is reported as long as a checkpoint after them exists.

use super::Head;
use ed25519_dalek::{Signature, Signer, Verifier};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "sportello-audit-checkpoint/1";

/// The heads of every chain at one moment, signed with Ed25519.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub heads: Vec<Head>,
    /// Hex of the Ed25519 public key that signed it.
    pub public_key: String,
    /// Hex of the signature over `signed_bytes`.
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("formato del punto di controllo non riconosciuto")]
    Format,
    #[error("il punto di controllo è firmato con una chiave diversa da quella attesa")]
    UnknownKey,
    #[error("firma del punto di controllo non valida: il file è stato alterato")]
    BadSignature,
}

/// Length-prefixed fields, so no two different checkpoints sign the same bytes.
fn signed_bytes(at: &str, heads: &[Head]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut field = |s: &str| {
        out.extend_from_slice(&(s.len() as u64).to_be_bytes());
        out.extend_from_slice(s.as_bytes());
    };
    field(FORMAT);
    field(at);
    for h in heads {
        field(&h.chain.to_string());
        field(&h.seq.to_string());
        field(&h.hash);
    }
    out
}

/// The signing key from its 32 secret bytes.
pub fn signing_key(secret: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(secret)
}

/// Reads a signing key written as 64 hex digits (its 32 secret bytes).
pub fn parse_signing_key(hex_key: &str) -> Option<SigningKey> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim()).ok()?.try_into().ok()?;
    Some(signing_key(&bytes))
}

pub fn public_key_hex(key: &VerifyingKey) -> String {
    hex::encode(key.as_bytes())
}

/// Reads a public key written as 64 hex digits.
pub fn parse_public_key(hex_key: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

impl Checkpoint {
    pub fn sign(at: String, mut heads: Vec<Head>, key: &SigningKey) -> Self {
        heads.sort_by_key(|h| h.chain);
        let signature = key.sign(&signed_bytes(&at, &heads));
        Self {
            format: FORMAT.to_owned(),
            public_key: public_key_hex(&key.verifying_key()),
            signature: hex::encode(signature.to_bytes()),
            at,
            heads,
        }
    }

    /// The signature must be valid and made by `trusted`: a checkpoint signed by anyone
    /// else proves nothing.
    pub fn verify(&self, trusted: &VerifyingKey) -> Result<(), CheckpointError> {
        if self.format != FORMAT {
            return Err(CheckpointError::Format);
        }
        if self.public_key != public_key_hex(trusted) {
            return Err(CheckpointError::UnknownKey);
        }
        let sig: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::BadSignature)?;
        trusted
            .verify(
                &signed_bytes(&self.at, &self.heads),
                &Signature::from_bytes(&sig),
            )
            .map_err(|_| CheckpointError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads() -> Vec<Head> {
        vec![
            Head {
                chain: 2,
                seq: 3,
                hash: "ab".repeat(32),
            },
            Head {
                chain: 1,
                seq: 7,
                hash: "cd".repeat(32),
            },
        ]
    }

    #[test]
    fn signed_checkpoints_verify_and_tampering_is_found() {
        let key = signing_key(&[7; 32]);
        let cp = Checkpoint::sign("2026-12-02T10:00:00Z".into(), heads(), &key);
        cp.verify(&key.verifying_key()).unwrap();
        assert_eq!(cp.heads[0].chain, 1, "heads are kept in chain order");

        let mut altered = cp.clone();
        altered.heads[0].seq = 2;
        assert_eq!(
            altered.verify(&key.verifying_key()),
            Err(CheckpointError::BadSignature)
        );

        let other = signing_key(&[8; 32]);
        let forged = Checkpoint::sign(cp.at.clone(), heads(), &other);
        assert_eq!(
            forged.verify(&key.verifying_key()),
            Err(CheckpointError::UnknownKey)
        );
    }

    #[test]
    fn public_keys_round_trip_as_hex() {
        let key = signing_key(&[1; 32]).verifying_key();
        assert_eq!(parse_public_key(&public_key_hex(&key)), Some(key));
        assert_eq!(parse_public_key("zz"), None);
        let secret = signing_key(&[9; 32]);
        let read = parse_signing_key(&"09".repeat(32)).unwrap();
        assert_eq!(read.verifying_key(), secret.verifying_key());
        assert!(parse_signing_key("09").is_none());
    }
}
