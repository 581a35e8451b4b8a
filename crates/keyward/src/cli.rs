//! The command line: [`Cli`] (what clap parses) and [`Command`] (one
//! variant per command, whose doc comment is the command's help), and the
//! dispatch to [`crate::commands`]. Each command's own flags live in its
//! module; the groups several share live in [`crate::args`].

use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory as _;

use crate::commands::{
    apply, audit, checklist, completions, controller, crd, discover, explain, history, inventory, plan, report, review,
    schema, test, validate,
};
use crate::logging::LogSettings;

/// Make SaaS access follow the HR master.
#[derive(Debug, clap::Parser)]
#[command(name = "keyward", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Language of everything printed: `en` or `ja`. Without it, the
    /// locale decides (`LC_ALL`, `LC_MESSAGES`, `LANG`; `ja_JP.UTF-8` gives
    /// Japanese), else English. JSON output and the audit log stay in
    /// English field names either way.
    #[arg(long, global = true, value_name = "LANG", env = "KEYWARD_LANG")]
    pub lang: Option<keyward_core::i18n::Lang>,
}

/// The commands, in the order `keyward --help` lists them.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check policy files and the data they point to; report every problem
    /// with file, line and column.
    Validate(validate::ValidateArgs),
    /// Run the policy tests: PolicyTest documents in *.test.yaml files,
    /// each case a person and the grants expected. Exit 0 when every case
    /// passes, 1 on a failure or an error.
    Test(test::TestArgs),
    /// Show what keyward would change in every app, and why.
    Plan(plan::PlanArgs),
    /// Make the changes: plan, check the guards, ask (unless
    /// --auto-approve), apply app by app, and write the audit log. With a
    /// saved plan file, apply exactly that plan, refusing if the live
    /// state has moved on. Exit 0 when done, 1 when nothing was changed
    /// (error, refusal, cancel), 3 when partly applied.
    Apply(apply::ApplyArgs),
    /// Work with the audit log.
    Audit(audit::AuditArgs),
    /// Record that a human made the changes of a read-only app's checklist
    /// items (by id or account, or the items ticked in the Markdown), so
    /// the next plan stops asking for them.
    Checklist(checklist::ChecklistArgs),
    /// Print the CustomResourceDefinitions (for `kubectl apply`), or write
    /// one file per kind into a directory.
    Crd(crd::CrdArgs),
    /// Print the JSON Schema of policy files (every kind), for editor
    /// completion and hover help, or write it to a file.
    Schema(schema::SchemaArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell
    /// or elvish.
    Completions(completions::CompletionsArgs),
    /// Run continuously: reconcile at start, every --resync interval, when
    /// a policy file changes and at once when an HR event names a person;
    /// serve GET /healthz, /readyz, /metrics and POST /hr/events. Apps in
    /// `spec.mode: enforce` are changed (within the guards, with the audit
    /// log); apps in `observe` mode only report drift. Stops gracefully on
    /// SIGTERM or Ctrl-C, finishing a change in flight.
    Controller(controller::ControllerArgs),
    /// Explain one person: their HR record, every grant and the policies or
    /// exceptions behind it (and why other policies do not select them),
    /// each account found in each app and how it was matched, and what the
    /// plan will do.
    Explain(explain::ExplainArgs),
    /// Access review (棚卸し): export the accounts to certify, per manager
    /// or per app owner; import the filled-in sheets as Exceptions.
    Review(review::ReviewArgs),
    /// Write the admin report: one self-contained HTML page to open in a
    /// browser, offline — the access matrix (people × apps, filterable),
    /// leavers' accounts still open, accounts matching nobody, contractors
    /// and guests, seats and money, and charts. Every figure comes from
    /// the same plan as `keyward plan`.
    Report(report::ReportArgs),
    /// List who has which account in which app, matched to people.
    Inventory(inventory::InventoryArgs),
    /// Who had which account and role in which app at the end of a day
    /// (or at an instant), from the listings and changes the applies
    /// recorded in the audit log, and how that is known; "unknown" before
    /// an app's first recorded listing.
    History(history::HistoryArgs),
    /// Find the third-party apps people use with their Google or Microsoft
    /// account (OAuth grants and sign-in records of the directories the
    /// policies connect to): per app, how many people and which
    /// departments, whether a declared Application covers it, and which
    /// leavers still hold a grant; a ready-to-edit Application for those
    /// nobody declared. Changes nothing.
    Discover(discover::DiscoverArgs),
}

impl Command {
    /// How this command logs: the controller says what it reconciled and
    /// takes `--log-format`; the others log warnings only.
    pub fn log_settings(&self) -> LogSettings {
        match self {
            Self::Controller(args) => LogSettings { daemon: true, format: args.log_format },
            _ => LogSettings { daemon: false, format: None },
        }
    }

    /// Runs the command; the exit code says how it ended.
    pub async fn run(self) -> Result<ExitCode> {
        match self {
            Self::Validate(args) => validate::run(args).await,
            Self::Test(args) => test::run(args).await,
            Self::Plan(args) => plan::run(args).await,
            Self::Apply(args) => apply::run(args).await,
            Self::Audit(args) => audit::run(args).await,
            Self::Checklist(args) => checklist::run(args).await,
            Self::Crd(args) => crd::run(args),
            Self::Schema(args) => schema::run(args),
            Self::Completions(args) => completions::run(args, Cli::command()),
            Self::Controller(args) => controller::run(args).await,
            Self::Explain(args) => explain::run(args).await,
            Self::Review(args) => review::run(args).await,
            Self::Report(args) => report::run(args).await,
            Self::Inventory(args) => inventory::run(args).await,
            Self::History(args) => history::run(args).await,
            Self::Discover(args) => discover::run(args).await,
        }
    }
}
