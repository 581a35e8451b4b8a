//! The roster in its store: the file beside the audit log, or a row per
//! chain in PostgreSQL. Read before planning; after a run that went ahead,
//! updated with what the run saw. In PostgreSQL the update is applied to
//! the roster as stored *at that moment* under a row lock, so two replicas
//! applying different apps of one organisation each add what they saw
//! rather than the last one erasing the other's additions.

use std::path::Path;

use deadpool_postgres::Pool;
use keyward_core::roster::Roster;

use super::PgState;
use crate::audit::GENESIS;
use crate::roster_file::{RosterFile, RosterFileError};

/// Where the roster is kept.
#[derive(Debug, Clone)]
pub enum RosterStore {
    /// `roster.json` (or the file named).
    File(RosterFile),
    /// A row of `keyward_roster`.
    Postgres(PgRoster),
}

/// The roster of one chain in PostgreSQL.
#[derive(Clone)]
pub struct PgRoster {
    pool: Pool,
    chain: String,
    shown: String,
}

impl std::fmt::Debug for PgRoster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgRoster").field("chain", &self.chain).field("url", &self.shown).finish_non_exhaustive()
    }
}

impl RosterStore {
    pub(crate) fn file(path: impl Into<std::path::PathBuf>) -> Self {
        Self::File(RosterFile::new(path))
    }

    pub(crate) fn postgres(pool: Pool, pg: &PgState, chain: &str) -> Self {
        Self::Postgres(PgRoster { pool, chain: chain.to_owned(), shown: format!("{}#{chain}", pg.shown()) })
    }

    /// Where it is, for messages.
    pub fn shown(&self) -> String {
        match self {
            Self::File(f) => f.path().display().to_string(),
            Self::Postgres(p) => p.shown.clone(),
        }
    }

    /// The roster; empty before the first run.
    pub async fn read(&self) -> Result<Roster, RosterFileError> {
        match self {
            Self::File(f) => f.read(),
            Self::Postgres(p) => {
                let client = p.pool.get().await.map_err(|e| p.fail("read", &e))?;
                let row = client
                    .query_opt("SELECT roster FROM keyward_roster WHERE chain = $1", &[&p.chain])
                    .await
                    .map_err(|e| p.fail("read", &e))?;
                match row {
                    Some(row) => p.parse(row.get(0)),
                    None => Ok(Roster::default()),
                }
            }
        }
    }

    /// Replaces the roster with `update` of the roster stored now: the file
    /// atomically (see [`RosterFile::write`]); in PostgreSQL in one
    /// transaction holding the chain's roster row.
    pub async fn update(&self, update: impl FnOnce(&Roster) -> Roster) -> Result<(), RosterFileError> {
        match self {
            Self::File(f) => {
                let now = f.read()?;
                f.write(&update(&now))
            }
            Self::Postgres(p) => p.update(update).await,
        }
    }
}

impl PgRoster {
    fn fail(&self, what: &'static str, e: &dyn std::fmt::Display) -> RosterFileError {
        RosterFileError::Store { store: self.shown.clone(), what, error: e.to_string() }
    }

    fn parse(&self, text: String) -> Result<Roster, RosterFileError> {
        if text.is_empty() {
            return Ok(Roster::default());
        }
        Roster::from_json(&text)
            .map_err(|source| RosterFileError::Unreadable { path: Path::new(&self.shown).to_owned(), source })
    }

    async fn update(&self, update: impl FnOnce(&Roster) -> Roster) -> Result<(), RosterFileError> {
        let fail = |e: &dyn std::fmt::Display| self.fail("write", e);
        let mut client = self.pool.get().await.map_err(|e| fail(&e))?;
        let tx = client.transaction().await.map_err(|e| fail(&e))?;
        tx.execute(
            "INSERT INTO keyward_chain (chain, seq, last_hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING",
            &[&self.chain, &GENESIS],
        )
        .await
        .map_err(|e| fail(&e))?;
        tx.execute(
            "INSERT INTO keyward_roster (chain, roster, updated) VALUES ($1, '', '') ON CONFLICT (chain) DO NOTHING",
            &[&self.chain],
        )
        .await
        .map_err(|e| fail(&e))?;
        let row = tx
            .query_one("SELECT roster FROM keyward_roster WHERE chain = $1 FOR UPDATE", &[&self.chain])
            .await
            .map_err(|e| fail(&e))?;
        let next = update(&self.parse(row.get(0))?);
        let now = jiff::Timestamp::now().to_string();
        tx.execute(
            "UPDATE keyward_roster SET roster = $2, updated = $3 WHERE chain = $1",
            &[&self.chain, &next.to_json(), &now],
        )
        .await
        .map_err(|e| fail(&e))?;
        tx.commit().await.map_err(|e| fail(&e))
    }
}
