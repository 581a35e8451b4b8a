//! The argument groups several commands share: the policy files (`-f`),
//! the notification targets of `plan` and `apply`, and the guard flags of
//! `apply` and `controller`. Each turns into what the library crates take;
//! none reads anything but the environment variables it names.

use std::path::PathBuf;

use anyhow::Result;
use keyward_sources::HrLimits;

use crate::notify::Notifiers;

/// The policy files every command that reads policies takes, and the caps
/// on the HR master those policies name.
#[derive(Debug, clap::Args)]
pub struct Input {
    /// Policy file or directory (searched recursively for .yaml/.yml).
    /// Repeatable.
    #[arg(short = 'f', long = "file", value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Most people the HR master may hold, over all PeopleSources; a larger
    /// one is refused as a mistaken or hostile input.
    #[arg(long, value_name = "N", default_value_t = HrLimits::DEFAULT_MAX_ROWS)]
    pub max_hr_rows: usize,
    /// Most bytes one HR export (a PeopleSource's CSV file) may have; a
    /// larger one is not read.
    #[arg(long, value_name = "BYTES", default_value_t = HrLimits::DEFAULT_MAX_BYTES)]
    pub max_hr_bytes: u64,
}

impl Input {
    /// The caps on the HR master.
    pub fn hr_limits(&self) -> HrLimits {
        HrLimits { max_rows: self.max_hr_rows, max_bytes: self.max_hr_bytes }
    }
}

/// Where `plan` and `apply` send their digest.
#[derive(Debug, clap::Args)]
pub struct NotifyArgs {
    /// Environment variable holding a Slack incoming-webhook URL: after the
    /// run, leavers' accounts still open, accounts matching nobody and guard
    /// refusals are posted there (nothing is posted when there are none).
    #[arg(long, value_name = "VAR")]
    pub notify_slack_env: Option<String>,
    /// Environment variable holding a URL that receives the same digest as
    /// JSON (`kind: Notification`), by POST.
    #[arg(long, value_name = "VAR")]
    pub notify_webhook_env: Option<String>,
}

impl NotifyArgs {
    /// Resolves the targets from the environment (an unset variable is an
    /// error, before any work starts).
    pub fn notifiers(&self) -> Result<Notifiers> {
        Notifiers::from_env(self.notify_slack_env.as_deref(), self.notify_webhook_env.as_deref())
    }
}

/// The guard flags, shared by `apply` and `controller`.
#[derive(Debug, clap::Args)]
pub struct GuardArgs {
    /// Apply even though a plan suspends or deletes more accounts than an
    /// app's guard allows (or more than --max-deprovision-total).
    #[arg(long)]
    pub allow_mass_deprovision: bool,
    /// Most accounts one apply may suspend or delete over all apps.
    #[arg(long, value_name = "N")]
    pub max_deprovision_total: Option<u32>,
    /// Per-app limit on suspensions and deletions, for Applications that do
    /// not set `spec.apply.guard.maxDeprovision`.
    #[arg(long, value_name = "N", default_value_t = keyward_apply::guard::DEFAULT_MAX_DEPROVISION)]
    pub max_deprovision: u32,
    /// Per-app limit as a share of the app's accounts, for Applications
    /// that do not set `spec.apply.guard.maxDeprovisionPercent`.
    #[arg(long, value_name = "PERCENT", default_value_t = keyward_apply::guard::DEFAULT_MAX_DEPROVISION_PERCENT)]
    pub max_deprovision_percent: u32,
    /// Apply even though the HR snapshot shrank by more than
    /// --max-hr-shrink-percent since the last apply.
    #[arg(long)]
    pub allow_hr_shrink: bool,
    /// Largest drop in head count, in percent, accepted without
    /// --allow-hr-shrink.
    #[arg(long, value_name = "PERCENT", default_value_t = keyward_apply::guard::DEFAULT_MAX_HR_SHRINK_PERCENT)]
    pub max_hr_shrink_percent: u32,
    /// Apply even though a plan creates or restores more accounts than an
    /// app's guard allows.
    #[arg(long)]
    pub allow_mass_create: bool,
    /// Per-app limit on accounts created or restored, for Applications
    /// that do not set `spec.apply.guard.maxCreate`.
    #[arg(long, value_name = "N", default_value_t = keyward_apply::guard::DEFAULT_MAX_CREATE)]
    pub max_create: u32,
    /// Apply (or write the checklist of) apps whose csv export is older
    /// than their `spec.connector.csvExport.maxAge`.
    #[arg(long)]
    pub allow_stale_exports: bool,
}

impl GuardArgs {
    /// The guard options keyward-apply takes.
    pub fn options(&self) -> keyward_apply::GuardOptions {
        keyward_apply::GuardOptions {
            allow_mass_deprovision: self.allow_mass_deprovision,
            allow_hr_shrink: self.allow_hr_shrink,
            max_deprovision_total: self.max_deprovision_total,
            default_max_deprovision: self.max_deprovision,
            default_max_deprovision_percent: self.max_deprovision_percent,
            max_hr_shrink_percent: self.max_hr_shrink_percent,
            allow_mass_create: self.allow_mass_create,
            default_max_create: self.max_create,
            allow_stale_exports: self.allow_stale_exports,
        }
    }
}

/// Where keyward keeps its state (the audit log and the roster): the
/// files by default, or PostgreSQL.
#[derive(Debug, Clone, clap::Args)]
pub struct StateArgs {
    /// Keep the audit log and the roster in PostgreSQL:
    /// postgres://USER@HOST:PORT/DB?sslmode=verify-full (or disable,
    /// require, verify-ca; sslrootcert=FILE for a private CA). Never put
    /// the password in the URL: set KEYWARD_STATE_PASSWORD or
    /// KEYWARD_STATE_PASSWORD_FILE. The schema is created and migrated by
    /// keyward. Default: the files (--audit-log, roster.json beside it).
    #[arg(long = "state", value_name = "URL", env = "KEYWARD_STATE", hide_env_values = true)]
    pub url: Option<String>,
    /// The chain in the database: one per organisation sharing it.
    #[arg(long = "state-chain", value_name = "NAME", env = "KEYWARD_STATE_CHAIN", default_value = keyward_apply::state::DEFAULT_CHAIN)]
    pub chain: String,
}

impl StateArgs {
    /// The PostgreSQL state of `--state`, with the password from the
    /// environment; `None` without `--state`.
    pub fn postgres(&self) -> Result<Option<keyward_apply::state::PgState>> {
        let Some(url) = &self.url else { return Ok(None) };
        let password = keyward_apply::state::PgState::password_from_env()?;
        Ok(Some(keyward_apply::state::PgState::parse(url, password)?))
    }

    /// Every record of the audit log, verified: the chain in PostgreSQL
    /// with `--state`, else the file at `audit_log` (which must exist).
    /// For the commands that only read it (`history`, `report --leavers`).
    pub async fn records(&self, audit_log: &std::path::Path) -> Result<Vec<keyward_apply::audit::Record>> {
        use anyhow::Context as _;
        let cannot = || {
            let shown = self
                .postgres()
                .ok()
                .flatten()
                .map_or_else(|| audit_log.display().to_string(), |pg| pg.shown().to_owned());
            crate::problems::said(keyward_core::i18n::Msg::new("cli-cannot-use-audit-log").arg("path", shown))
        };
        match self.postgres()? {
            Some(pg) => {
                let key = keyward_apply::audit::AuditKey::from_env()?;
                keyward_apply::State::Postgres(pg).records(&self.chain, key).await.with_context(cannot)
            }
            None => keyward_apply::audit::read(audit_log).with_context(cannot),
        }
    }

    /// The state: PostgreSQL with `--state`, else the files at
    /// `audit_log` and `roster` (default: beside the log).
    pub fn state(&self, audit_log: &std::path::Path, roster: Option<PathBuf>) -> Result<keyward_apply::State> {
        Ok(match self.postgres()? {
            Some(pg) => keyward_apply::State::Postgres(pg),
            None => keyward_apply::State::files(audit_log, roster),
        })
    }
}

/// The roster of everyone keyward has seen in the HR master (see
/// `keyward_core::roster`): `plan` reads it to show who vanished, `apply`
/// also writes it.
#[derive(Debug, Clone, clap::Args)]
pub struct RosterArgs {
    /// The roster file. Default: `roster.json` beside the audit log
    /// (`--audit-log`, else `KEYWARD_AUDIT_LOG`, else
    /// `.keyward/audit.jsonl`). A missing file is an empty roster (the
    /// first run); one keyward cannot read is an error. With --state, the
    /// roster is in the database.
    #[arg(long, value_name = "FILE", env = "KEYWARD_ROSTER")]
    pub roster: Option<PathBuf>,
    #[command(flatten)]
    pub state: StateArgs,
}

/// Where the audit log is when a command has no `--audit-log` of its own
/// (`plan`, `explain`): `KEYWARD_AUDIT_LOG`, else apply's default.
pub fn default_audit_log() -> PathBuf {
    std::env::var_os("KEYWARD_AUDIT_LOG").map_or_else(|| PathBuf::from(".keyward/audit.jsonl"), PathBuf::from)
}

impl RosterArgs {
    /// The state the roster (and, for `apply`, the audit log) is kept in.
    pub fn state(&self, audit_log: &std::path::Path) -> Result<keyward_apply::State> {
        self.state.state(audit_log, self.roster.clone())
    }

    /// The roster (in the database with `--state`, else the file beside
    /// `audit_log` or `--roster`), empty before the first run.
    pub async fn read(&self, audit_log: &std::path::Path) -> Result<keyward_core::roster::Roster> {
        let store = self.state(audit_log)?.roster(&self.state.chain).await?;
        Ok(store.read().await?)
    }
}
