//! `keyward apply`: the command line of applying. The sequence itself
//! (snapshot, audit log, guards, confirmation, the apply engine) is
//! `sequence`; this module turns the flags into its arguments and
//! its outcome into the exit code: 0 done, 1 nothing changed (error,
//! refusal, cancel), 3 partly applied.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use self::sequence::ApplyOutcome;
use super::EXIT_PARTIAL;
use crate::args::{GuardArgs, Input, NotifyArgs, RosterArgs};
use crate::output::ColorChoice;

mod sequence;

/// `keyward apply`.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub input: Input,
    /// A plan saved with `keyward plan -o plan.json` and approved in
    /// review. Applied without a prompt.
    #[arg(value_name = "PLAN_FILE")]
    pub plan_file: Option<PathBuf>,
    /// Plan for this day instead of today (YYYY-MM-DD). Ignored with a
    /// plan file, which carries its own day.
    #[arg(long, value_name = "DATE")]
    pub at: Option<Date>,
    /// Do not ask for confirmation (for CI).
    #[arg(long)]
    pub auto_approve: bool,
    /// Who approved the saved plan (the reviewer of the pull request),
    /// recorded as `approvedBy` in the audit log. Who runs the apply is
    /// recorded as `actor` (KEYWARD_ACTOR, else the CI's user, else
    /// local:USER@HOST).
    #[arg(long, value_name = "NAME", env = "KEYWARD_APPROVED_BY")]
    pub approved_by: Option<String>,
    /// The append-only, hash-chained audit log. Keep it somewhere that
    /// outlives the run: it also holds the head count the HR-shrink
    /// guard compares with.
    #[arg(long, value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
    pub audit_log: PathBuf,
    /// Where checklists for apps keyward cannot change (csv exports)
    /// are written.
    #[arg(long, value_name = "DIR", default_value = ".keyward/checklists")]
    pub checklist_dir: PathBuf,
    #[command(flatten)]
    pub guard: GuardArgs,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub notify: NotifyArgs,
    /// Read to show who vanished; after an apply that was not refused or
    /// cancelled, updated with everyone the HR master had.
    #[command(flatten)]
    pub roster: RosterArgs,
}

/// Applies; the notification targets are resolved first, so a typo fails
/// before anything is read.
pub async fn run(args: ApplyArgs) -> Result<ExitCode> {
    let ApplyArgs {
        input,
        plan_file,
        at,
        auto_approve,
        approved_by,
        audit_log,
        checklist_dir,
        guard,
        color,
        notify,
        roster,
    } = args;
    let request = sequence::Request {
        notify: notify.notifiers()?,
        hr_limits: input.hr_limits(),
        paths: input.paths,
        plan_file,
        at: at.unwrap_or_else(super::today),
        auto_approve,
        approved_by,
        audit_log,
        checklist_dir,
        guard: guard.options(),
        color: color.enabled(),
        roster,
    };
    Ok(match sequence::run(&request).await? {
        ApplyOutcome::NothingToDo | ApplyOutcome::Done => ExitCode::SUCCESS,
        ApplyOutcome::Partial => ExitCode::from(EXIT_PARTIAL),
        ApplyOutcome::Refused | ApplyOutcome::Declined => ExitCode::FAILURE,
    })
}
