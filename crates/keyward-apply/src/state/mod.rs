//! Where keyward keeps its state — the audit log and the roster of people
//! seen: files (the embedded default: `audit.jsonl` and `roster.json`
//! beside it) or PostgreSQL (`--state postgres://…`), one chain per
//! organisation in a shared database.

use std::path::{Path, PathBuf};

use crate::audit::{AuditError, AuditKey, AuditLog};
use crate::roster_file::RosterFileError;

pub mod pg;
mod roster;

pub use pg::PgState;
pub use roster::RosterStore;

/// The chain a store uses when none is named.
pub const DEFAULT_CHAIN: &str = "default";

/// Where the state is.
#[derive(Debug, Clone)]
pub enum State {
    /// The audit log file, and the roster file (by default `roster.json`
    /// beside it).
    Files {
        /// The JSON Lines audit log.
        audit_log: PathBuf,
        /// The roster file.
        roster: PathBuf,
    },
    /// A PostgreSQL database.
    Postgres(PgState),
}

/// An open state: the audit log, verified, and the roster.
#[derive(Debug, Clone)]
pub struct Store {
    /// The audit log, ready to append.
    pub audit: AuditLog,
    /// The roster of people seen.
    pub roster: RosterStore,
}

impl Store {
    /// The file log at `audit_log` (opened, locked and verified, with
    /// `key`'s HMACs) and the roster at `roster`, else `roster.json` beside
    /// the log.
    pub fn files(audit_log: &Path, roster: Option<PathBuf>, key: Option<AuditKey>) -> Result<Self, AuditError> {
        let roster = roster.unwrap_or_else(|| audit_log.with_file_name("roster.json"));
        Ok(Self { audit: AuditLog::open_keyed(audit_log, key)?, roster: RosterStore::file(roster) })
    }
}

impl State {
    /// The files at `audit_log`, with the roster beside it unless `roster`
    /// names another file.
    pub fn files(audit_log: impl Into<PathBuf>, roster: Option<PathBuf>) -> Self {
        let audit_log = audit_log.into();
        let roster = roster.unwrap_or_else(|| audit_log.with_file_name("roster.json"));
        Self::Files { audit_log, roster }
    }

    /// Where the state is, for messages (a PostgreSQL URL without a password).
    pub fn shown(&self) -> String {
        match self {
            Self::Files { audit_log, .. } => audit_log.display().to_string(),
            Self::Postgres(pg) => pg.shown().to_owned(),
        }
    }

    /// Opens the state: the file log (locked) or the PostgreSQL chain
    /// `chain` (the schema migrated first), verified, with `key`'s HMACs.
    pub async fn open(&self, chain: &str, key: Option<AuditKey>) -> Result<Store, StateError> {
        match self {
            Self::Files { audit_log, roster } => Ok(Store::files(audit_log, Some(roster.clone()), key)?),
            Self::Postgres(pg) => {
                let pool = pg.connect().await?;
                let log = crate::audit::postgres::PgLog::open(pool.clone(), pg, chain, key).await?;
                Ok(Store { audit: AuditLog::postgres(log), roster: RosterStore::postgres(pool, pg, chain) })
            }
        }
    }

    /// Every record of the audit log, verified, for commands that read it
    /// without writing (`plan`'s completions, `history`, the leaver
    /// report): a missing log file has none; the file is not locked.
    pub async fn records(&self, chain: &str, key: Option<AuditKey>) -> Result<Vec<crate::audit::Record>, StateError> {
        match self {
            Self::Files { audit_log, .. } => {
                if !audit_log.exists() {
                    return Ok(Vec::new());
                }
                let path = audit_log.clone();
                let read = tokio::task::spawn_blocking(move || crate::audit::read(path))
                    .await
                    .map_err(|e| AuditError::Internal(format!("the audit task failed: {e}")))?;
                Ok(read?)
            }
            Self::Postgres(pg) => crate::audit::postgres::read_records(pg, chain, key.as_ref()).await,
        }
    }

    /// Only the roster, for commands that read it without writing the log
    /// (`plan`, `explain`): nothing is verified or locked.
    pub async fn roster(&self, chain: &str) -> Result<RosterStore, StateError> {
        match self {
            Self::Files { roster, .. } => Ok(RosterStore::file(roster.clone())),
            Self::Postgres(pg) => Ok(RosterStore::postgres(pg.connect().await?, pg, chain)),
        }
    }
}

/// Why the state cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The URL is not one keyward can use.
    #[error("the state URL {url} cannot be used: {why}")]
    BadUrl {
        /// The URL, without a password.
        url: String,
        /// What is wrong.
        why: String,
    },
    /// The URL carries a password.
    #[error(
        "the state URL {url} carries a password; remove it from the URL (which ends up in process lists, logs and manifests) and set KEYWARD_STATE_PASSWORD or KEYWARD_STATE_PASSWORD_FILE instead (in Kubernetes, the controller's --state-password-secret NAME/KEY)"
    )]
    PasswordInUrl {
        /// The URL, its password replaced by `***`.
        url: String,
    },
    /// The password file cannot be read.
    #[error("cannot read the state password file {} (KEYWARD_STATE_PASSWORD_FILE): {source}", path.display())]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// TLS cannot be set up.
    #[error("cannot set up TLS to {url}: {why}")]
    Tls {
        /// The URL.
        url: String,
        /// What is wrong.
        why: String,
    },
    /// The database cannot be reached or refused the login.
    #[error(
        "cannot connect to the state database {url}: {error}; check the host, the user, the password (KEYWARD_STATE_PASSWORD or KEYWARD_STATE_PASSWORD_FILE) and sslmode"
    )]
    Connect {
        /// The URL.
        url: String,
        /// What the client said.
        error: String,
    },
    /// The schema could not be created or migrated.
    #[error("cannot migrate the schema of the state database {url}: {error}")]
    Migrate {
        /// The URL.
        url: String,
        /// What failed.
        error: String,
    },
    /// The database was migrated by a newer keyward.
    #[error(
        "the state database {url} has schema version {found}, newer than the {known} this keyward knows: a newer keyward uses it; upgrade this keyward (keyward never downgrades a schema)"
    )]
    SchemaNewer {
        /// The URL.
        url: String,
        /// The database's version.
        found: i32,
        /// The newest this keyward knows.
        known: i32,
    },
    /// The audit log cannot be opened or verified.
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// The roster cannot be read or written.
    #[error(transparent)]
    Roster(#[from] RosterFileError),
}
