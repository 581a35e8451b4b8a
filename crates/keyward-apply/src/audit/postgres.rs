//! The PostgreSQL backend: a chain in `keyward_audit`, its head (record
//! count, last hash) in `keyward_chain`.
//!
//! An append is one transaction: it locks the chain's head row
//! (`SELECT … FOR UPDATE`), so writers of one chain — controller
//! replicas, a CLI apply — take turns; builds the record after the head it
//! read; inserts the exact line the JSON Lines log would hold; moves the
//! head; commits. A writer that dies before the commit leaves nothing, and
//! the next one continues from the same head. `UNIQUE (chain, seq)` and
//! `UNIQUE (chain, prev)` refuse a gap-free fork even if the lock were
//! bypassed. Chains are independent: one database serves many
//! organisations.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use deadpool_postgres::Pool;

use super::expect::verify_bytes_with;
use super::{AuditError, AuditKey, Entry, Expect, GENESIS, Record, VerifySummary, scan};
use crate::state::{PgState, StateError};

/// The longest chain name (a Kubernetes namespace is at most 63).
const CHAIN_MAX: usize = 253;

/// The baseline of the guards (see [`super::AuditLog::last_people_total`]),
/// as one query: the people total of the last finished run that was not
/// refused, taken from its `run-started`.
const BASELINE: &str = "SELECT s.people_total FROM keyward_audit f
    CROSS JOIN LATERAL (
        SELECT people_total FROM keyward_audit s
        WHERE s.chain = f.chain AND s.run = f.run AND s.event = 'run-started' AND s.seq < f.seq
        ORDER BY s.seq DESC LIMIT 1) s
    WHERE f.chain = $1 AND f.event = 'run-finished' AND COALESCE(f.refusals, 0) = 0
      AND s.people_total IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM keyward_audit r
          WHERE r.chain = f.chain AND r.run = f.run AND r.event = 'refused' AND r.seq < f.seq)
    ORDER BY f.seq DESC LIMIT 1";

/// A chain in PostgreSQL, open for appending.
#[derive(Clone)]
pub(crate) struct PgLog {
    pool: Pool,
    chain: Arc<str>,
    /// `postgres://user@host:port/db?sslmode=…#chain`, for messages.
    path: Arc<PathBuf>,
    key: Option<AuditKey>,
    /// The last record this process wrote or saw, and the baseline then.
    head: Arc<Mutex<(u64, String, Option<usize>)>>,
}

impl std::fmt::Debug for PgLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgLog").field("chain", &self.path).finish_non_exhaustive()
    }
}

/// The name of a chain, bounded: it comes from a flag or a namespace.
fn check_chain(chain: &str) -> Result<(), AuditError> {
    if chain.is_empty() || chain.len() > CHAIN_MAX || chain.chars().any(char::is_control) {
        return Err(AuditError::Internal(format!(
            "a chain name is 1 to {CHAIN_MAX} characters without control characters, not {:?}",
            chain.chars().take(40).collect::<String>()
        )));
    }
    Ok(())
}

fn shown(pg: &PgState, chain: &str) -> PathBuf {
    PathBuf::from(format!("{}#{chain}", pg.shown()))
}

fn store_error(path: &Path, what: &'static str, e: &dyn std::fmt::Display) -> AuditError {
    AuditError::Store { store: path.display().to_string(), what, error: e.to_string() }
}

/// The chain's lines, each with its line end, in `seq` order, checked
/// against the chain's head — both read in one snapshot, as other writers
/// may be appending.
async fn chain_bytes(client: &mut tokio_postgres::Client, chain: &str, path: &Path) -> Result<Vec<u8>, AuditError> {
    let read = |e: tokio_postgres::Error| store_error(path, "read", &e);
    let snapshot = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(read)?;
    let rows = snapshot
        .query("SELECT seq, line FROM keyward_audit WHERE chain = $1 ORDER BY seq", &[&chain])
        .await
        .map_err(read)?;
    let mut bytes = Vec::new();
    let mut last = 0;
    for row in &rows {
        last = row.get::<_, i64>(0);
        bytes.extend_from_slice(row.get::<_, &str>(1).as_bytes());
        bytes.push(b'\n');
    }
    let head = snapshot
        .query_opt("SELECT seq, last_hash FROM keyward_chain WHERE chain = $1", &[&chain])
        .await
        .map_err(read)?;
    let (head_seq, head_hash): (i64, String) = head.map_or((0, GENESIS.to_owned()), |r| (r.get(0), r.get(1)));
    snapshot.commit().await.map_err(read)?;
    if head_seq != last {
        return Err(AuditError::HeadMismatch {
            path: path.to_owned(),
            head: head_seq.max(0) as u64,
            head_hash,
            found: last.max(0) as u64,
        });
    }
    Ok(bytes)
}

/// Connects to `pg` (migrating its schema), verifies chain `chain` as
/// [`super::verify_with`] verifies a file, and returns what it found with
/// the chain in its JSON Lines form — byte for byte what the file backend
/// would have written, so the file verifier accepts an export.
pub async fn verify_export(
    pg: &PgState,
    chain: &str,
    key: Option<&AuditKey>,
    expect: &Expect,
) -> Result<(VerifySummary, Vec<u8>), StateError> {
    check_chain(chain)?;
    let pool = pg.connect().await?;
    let mut client = pool.get().await.map_err(|e| pg.connect_error(&e))?;
    let path = shown(pg, chain);
    let bytes = chain_bytes(&mut client, chain, &path).await?;
    let summary = verify_bytes_with(&path, &bytes, key, expect)?;
    Ok((summary, bytes))
}

/// Connects to `pg` (migrating its schema) and returns the records of
/// chain `chain`, verified as on open, in one read: for commands that only
/// read the log (`plan`'s completions, `history`, the leaver report).
pub async fn read_records(pg: &PgState, chain: &str, key: Option<&AuditKey>) -> Result<Vec<Record>, StateError> {
    check_chain(chain)?;
    let pool = pg.connect().await?;
    let mut client = pool.get().await.map_err(|e| pg.connect_error(&e))?;
    let path = shown(pg, chain);
    let bytes = chain_bytes(&mut client, chain, &path).await?;
    Ok(records_of(&path, &bytes, key)?)
}

/// The records of a chain's lines, verified.
fn records_of(path: &Path, bytes: &[u8], key: Option<&AuditKey>) -> Result<Vec<Record>, AuditError> {
    let mut out = Vec::new();
    scan(path, bytes, key, |r| out.push(r.clone()))?;
    Ok(out)
}

impl PgLog {
    /// Opens chain `chain` of the migrated database behind `pool` and
    /// verifies it (with `key`, its HMACs too); refuses a keyed chain
    /// without the key, as a file.
    pub(crate) async fn open(pool: Pool, pg: &PgState, chain: &str, key: Option<AuditKey>) -> Result<Self, AuditError> {
        check_chain(chain)?;
        let path = shown(pg, chain);
        let mut client = pool.get().await.map_err(|e| store_error(&path, "connect to", &e))?;
        let bytes = chain_bytes(&mut client, chain, &path).await?;
        let verified = scan(&path, &bytes, key.as_ref(), |_| {})?;
        if let (None, Some(line)) = (&key, verified.first_keyed) {
            return Err(AuditError::KeyNeeded { path, line });
        }
        drop(client);
        let log = Self {
            pool,
            chain: Arc::from(chain),
            path: Arc::new(path),
            key,
            head: Arc::new(Mutex::new((verified.seq, verified.last_hash, None))),
        };
        let baseline = log.people_baseline().await?;
        if let Ok(mut h) = log.head.lock() {
            h.2 = baseline;
        }
        Ok(log)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Every record of the chain as it is now (other writers included),
    /// verified as on open.
    pub(crate) async fn records(&self) -> Result<Vec<Record>, AuditError> {
        let mut client = self.pool.get().await.map_err(|e| store_error(&self.path, "connect to", &e))?;
        let bytes = chain_bytes(&mut client, &self.chain, &self.path).await?;
        drop(client);
        records_of(&self.path, &bytes, self.key.as_ref())
    }

    /// The last record this process wrote or saw: its seq and hash.
    pub(crate) fn head(&self) -> (u64, String) {
        self.head.lock().map(|h| (h.0, h.1.clone())).unwrap_or_else(|_| (0, GENESIS.to_owned()))
    }

    pub(crate) fn last_people_total(&self) -> Option<usize> {
        self.head.lock().ok().and_then(|h| h.2)
    }

    /// The guards' baseline as the chain holds it now.
    pub(crate) async fn people_baseline(&self) -> Result<Option<usize>, AuditError> {
        let client = self.pool.get().await.map_err(|e| store_error(&self.path, "connect to", &e))?;
        let row =
            client.query_opt(BASELINE, &[&&*self.chain]).await.map_err(|e| store_error(&self.path, "read", &e))?;
        let total = row.and_then(|r| r.get::<_, Option<i64>>(0)).map(|t| t.max(0) as usize);
        if let Ok(mut h) = self.head.lock() {
            h.2 = total;
        }
        Ok(total)
    }

    /// Appends one record in one transaction holding the chain's head.
    pub(crate) async fn append(&self, run: &str, entry: Entry) -> Result<Record, AuditError> {
        let write = |e: &dyn std::fmt::Display| store_error(&self.path, "append to", e);
        let chain: &str = &self.chain;
        let mut client = self.pool.get().await.map_err(|e| write(&e))?;
        let tx = client.transaction().await.map_err(|e| write(&e))?;
        tx.execute(
            "INSERT INTO keyward_chain (chain, seq, last_hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING",
            &[&chain, &GENESIS],
        )
        .await
        .map_err(|e| write(&e))?;
        let head = tx
            .query_one("SELECT seq, last_hash, keyed FROM keyward_chain WHERE chain = $1 FOR UPDATE", &[&chain])
            .await
            .map_err(|e| write(&e))?;
        let (seq, prev, keyed): (i64, String, bool) = (head.get(0), head.get(1), head.get(2));
        if keyed && self.key.is_none() {
            // Another writer keyed the chain since this one opened it.
            return Err(AuditError::KeyNeeded { path: self.path.to_path_buf(), line: seq.max(0) as usize });
        }
        let (rec, line) = Record::next(seq.max(0) as u64 + 1, prev, run, entry, self.key.as_ref())?;
        let new_seq = seq + 1;
        let people_total = rec.people_total.map(|t| t as i64);
        let refusals = rec.counts.map(|c| c.refusals as i64);
        tx.execute(
            "INSERT INTO keyward_audit (chain, seq, prev, hash, time, run, event, people_total, refusals, line)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &chain,
                &new_seq,
                &rec.prev,
                &rec.hash,
                &rec.time,
                &rec.run,
                &rec.event.as_str(),
                &people_total,
                &refusals,
                &line,
            ],
        )
        .await
        .map_err(|e| write(&e))?;
        tx.execute(
            "UPDATE keyward_chain SET seq = $2, last_hash = $3, keyed = keyed OR $4 WHERE chain = $1",
            &[&chain, &new_seq, &rec.hash, &rec.mac.is_some()],
        )
        .await
        .map_err(|e| write(&e))?;
        tx.commit().await.map_err(|e| write(&e))?;
        if let Ok(mut h) = self.head.lock() {
            h.0 = rec.seq;
            h.1.clone_from(&rec.hash);
        }
        Ok(rec)
    }
}
