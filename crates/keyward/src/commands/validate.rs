//! `keyward validate`: read the policies, the HR master and every app's
//! accounts, and say how much was read. Every problem on the way is
//! reported with file, line and column by the snapshot reader; selectors
//! the HR data cannot meet on the day are warned about.
//!
//! Offline by default: only files are read (policies, CSV HR exports,
//! csv-export listings) and no URL named in the policies is contacted, so
//! CI can validate an untrusted pull request; the output names what was
//! not contacted. `--online` reads the HR APIs and apps too.

use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;
use keyward_core::t;

use crate::args::Input;
use crate::output::write_stdout;
use crate::pipeline::{self, Snapshot};
use crate::problems;

/// `keyward validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: Input,
    /// Check the selectors against the HR data of this day instead of
    /// today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub at: Option<Date>,
    /// Also read the HR APIs and the apps' APIs the policies name, with
    /// their credentials. Without it, only files are read and no URL named
    /// in the policies is contacted.
    #[arg(long)]
    pub online: bool,
}

/// Reads everything it may; prints the counts and what was not contacted.
pub async fn run(args: ValidateArgs) -> Result<ExitCode> {
    let (snapshot, not_contacted) = if args.online {
        (Snapshot::read(&args.input).await?, Vec::new())
    } else {
        let loaded = pipeline::load_policies(&args.input.paths)?;
        pipeline::refuse_cluster_secrets(&loaded.set)?;
        let remote = pipeline::network_inputs(&loaded.set);
        (Snapshot::read_local(loaded, &args.input.hr_limits()).await?, remote)
    };
    let set = snapshot.set();
    // Selectors are checked against the whole HR master only: against part
    // of it, every policy for the missing people would "select nobody".
    if !not_contacted.iter().any(|n| n.starts_with("PeopleSource ")) {
        let today = args.at.unwrap_or_else(super::today);
        for w in keyward_core::selector_warnings(set, &snapshot.people, today) {
            problems::diagnostic(set, &w);
        }
    }
    let lang = crate::language::current();
    // Counts are text: the English line has always printed them ungrouped.
    let mut out = t!(
        lang,
        "cli-validate-ok",
        sources = set.people_sources.len().to_string(),
        apps = set.applications.len().to_string(),
        policies = set.policies.len().to_string(),
        exceptions = set.exceptions.len().to_string(),
        people = snapshot.people.len().to_string(),
        accounts = snapshot.accounts().to_string(),
    );
    out.push('\n');
    if !not_contacted.is_empty() {
        out.push_str(&t!(lang, "cli-validate-offline", names = not_contacted.clone()));
        out.push('\n');
    }
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}
