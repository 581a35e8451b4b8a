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
    let mut out = format!(
        "OK: {} people source(s), {} application(s), {} access polic(y/ies), {} exception(s); {} people, {} accounts read.\n",
        set.people_sources.len(),
        set.applications.len(),
        set.policies.len(),
        set.exceptions.len(),
        snapshot.people.len(),
        snapshot.accounts()
    );
    if !not_contacted.is_empty() {
        out.push_str(&format!(
            "Offline: not contacted: {}. `keyward validate --online` reads them too, with their credentials.\n",
            not_contacted.join(", ")
        ));
    }
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}
