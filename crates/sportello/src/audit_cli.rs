//! `sportello audit key | checkpoint | verify`: signed checkpoints of the audit chains'
//! heads, written as JSON files outside the database, and verification against them.

use crate::config::AuditSettings;
use anyhow::{Context, bail};
use sportello_app::App;
use sportello_domain::audit::Head;
use sportello_domain::audit::checkpoint::{
    Checkpoint, VerifyingKey, parse_public_key, parse_signing_key, public_key_hex, signing_key,
};
use std::path::{Path, PathBuf};
use time::format_description::well_known::Rfc3339;

/// Prints a new key pair; the secret goes in `audit.signing_key`, nowhere else.
pub fn new_key() {
    let key = signing_key(&sportello_app::audit::new_checkpoint_secret());
    println!(
        "Chiave di firma (segreta, in audit.signing_key o SPORTELLO__AUDIT__SIGNING_KEY):\n{}",
        hex_secret(&key)
    );
    println!(
        "Chiave pubblica (per chi verifica, in audit.public_key):\n{}",
        public_key_hex(&key.verifying_key())
    );
}

fn hex_secret(key: &sportello_domain::audit::checkpoint::SigningKey) -> String {
    key.to_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Signs the current heads and writes them to a new file in the checkpoint directory.
pub async fn checkpoint(app: &App, settings: &AuditSettings) -> anyhow::Result<PathBuf> {
    let secret = settings
        .signing_key
        .as_deref()
        .context("manca audit.signing_key: generarla con «sportello audit key»")?;
    let key = parse_signing_key(secret)
        .context("audit.signing_key non valida: servono 64 cifre esadecimali")?;
    let heads = app
        .audit_heads()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = time::OffsetDateTime::now_utc();
    let cp = Checkpoint::sign(now.format(&Rfc3339)?, heads, &key);
    let dir = Path::new(&settings.checkpoint_dir);
    std::fs::create_dir_all(dir).with_context(|| format!("cartella {}", dir.display()))?;
    let path = dir.join(format!(
        "checkpoint-{}-{:09}.json",
        now.unix_timestamp(),
        now.nanosecond()
    ));
    std::fs::write(&path, serde_json::to_vec_pretty(&cp)?)
        .with_context(|| format!("scrittura di {}", path.display()))?;
    Ok(path)
}

fn trusted_key(settings: &AuditSettings) -> anyhow::Result<Option<VerifyingKey>> {
    if let Some(public) = &settings.public_key {
        return parse_public_key(public)
            .map(Some)
            .context("audit.public_key non valida: servono 64 cifre esadecimali");
    }
    Ok(settings
        .signing_key
        .as_deref()
        .and_then(parse_signing_key)
        .map(|k| k.verifying_key()))
}

/// The heads of every checkpoint in the directory, each checked against the trusted key.
/// A checkpoint that does not verify is an error: someone altered or forged it.
pub fn pins(settings: &AuditSettings) -> anyhow::Result<(usize, Vec<Head>)> {
    let dir = Path::new(&settings.checkpoint_dir);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
        Err(e) => return Err(e).with_context(|| format!("cartella {}", dir.display())),
    };
    files.sort();
    if files.is_empty() {
        return Ok((0, vec![]));
    }
    let Some(key) = trusted_key(settings)? else {
        bail!(
            "ci sono punti di controllo in {} ma nessuna chiave per verificarli (audit.public_key)",
            dir.display()
        );
    };
    let mut heads = Vec::new();
    for f in &files {
        let cp: Checkpoint = serde_json::from_slice(&std::fs::read(f)?)
            .with_context(|| format!("{} non è un punto di controllo leggibile", f.display()))?;
        cp.verify(&key)
            .with_context(|| format!("punto di controllo {}", f.display()))?;
        heads.extend(cp.heads);
    }
    Ok((files.len(), heads))
}
