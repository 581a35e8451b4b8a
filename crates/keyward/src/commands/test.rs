//! `keyward test`: find the policy test files, load them against the
//! policies, run them and print the results; exit 0 when every case
//! passes. The logic (what a test file
//! means, how expectations are compared, how results read) is
//! keyward-core's `policy_test`; this module only finds and reads files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use jiff::civil::Date;
use keyward_core::SourceFile;
use keyward_core::diag::Diagnostics;
use keyward_core::i18n::Msg;
use keyward_core::policy_test::{self, Outcome};
use keyward_sources::policy_files::{is_test_file, read_text, walk_files};

use crate::args::Input;
use crate::problems::said;
use crate::{output, pipeline, problems};

/// The directory next to a policy directory searched for tests by default.
/// Kubernetes users apply the policy directory with `kubectl apply -R -f`,
/// which must not meet a kind without a CRD, so their tests live beside it.
pub const SIBLING_DIR: &str = "policy-tests";

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per case, details under failures.
    Text,
    /// One JSON document with every case, for CI.
    Json,
}

/// What `keyward test` was asked to do.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub input: Input,
    /// Test file or directory (directories are searched for
    /// *.test.yaml / *.test.yml). Repeatable. Default: the test files
    /// under the -f paths and under policy-tests/ beside each -f
    /// directory.
    #[arg(long = "tests", value_name = "PATH")]
    pub tests: Vec<PathBuf>,
    /// Day for test documents without `spec.at` (YYYY-MM-DD; default
    /// today).
    #[arg(long, value_name = "DATE")]
    pub at: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs the tests and prints the results; success when every case passed.
pub async fn run(args: TestArgs) -> Result<ExitCode> {
    let at = args.at.unwrap_or_else(super::today);
    let paths = &args.input.paths;
    let loaded = pipeline::load_policies(paths)?;
    let files = read(&discover(paths, &args.tests)?)?;
    let cases = policy_test::load(&loaded.set, &files).map_err(|d| reported(d, &files))?;
    let people = if policy_test::needs_people(&cases) {
        Some(pipeline::read_people_within(&loaded.set, &args.input.hr_limits()).await?)
    } else {
        None
    };
    let outcome: Outcome =
        policy_test::run(&loaded.set, &cases, people.as_ref(), at).map_err(|d| reported(d, &files))?;
    match args.format {
        Format::Text => output::write_text(&policy_test::render_text(&outcome))?,
        Format::Json => output::write_stdout(&output::pretty_json(&outcome, "the results as JSON")?)?,
    }
    Ok(if outcome.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The test files to read: with `--tests`, the files named and the
/// `*.test.yaml` files under the directories named; otherwise the
/// `*.test.yaml` files under the `-f` paths and under `policy-tests/`
/// beside each `-f` directory. Sorted within each directory, each file
/// once.
pub fn discover(policy_paths: &[PathBuf], tests: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if tests.is_empty() {
        for p in policy_paths {
            if p.is_dir() {
                walk(p, &mut found)
                    .with_context(|| said(Msg::new("cli-cannot-read-dir").arg("path", p.display().to_string())))?;
                let sibling = p.parent().unwrap_or(Path::new("")).join(SIBLING_DIR);
                if sibling.is_dir() {
                    walk(&sibling, &mut found).with_context(|| {
                        said(Msg::new("cli-cannot-read-dir").arg("path", sibling.display().to_string()))
                    })?;
                }
            } else if is_test_file(p) {
                found.push(p.clone());
            }
        }
    } else {
        for p in tests {
            if p.is_dir() {
                walk(p, &mut found)
                    .with_context(|| said(Msg::new("cli-cannot-read-dir").arg("path", p.display().to_string())))?;
            } else if p.exists() {
                found.push(p.clone());
            } else {
                anyhow::bail!(said(Msg::new("cli-test-no-such-path").arg("path", p.display().to_string())));
            }
        }
    }
    // `-f .` and its sibling search can meet the same file twice.
    let mut seen = BTreeSet::new();
    found.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    if found.is_empty() {
        let searched: Vec<String> = if tests.is_empty() {
            policy_paths
                .iter()
                .flat_map(|p| {
                    let sibling = p.parent().unwrap_or(Path::new("")).join(SIBLING_DIR);
                    [display(p), display(&sibling)]
                })
                .collect()
        } else {
            tests.iter().map(|p| display(p)).collect()
        };
        anyhow::bail!(said(Msg::new("cli-test-none-found").arg("searched", searched).arg("dir", SIBLING_DIR)));
    }
    Ok(found)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    walk_files(dir, &is_test_file, out)
}

fn read(paths: &[PathBuf]) -> Result<Vec<SourceFile>> {
    paths
        .iter()
        .map(|p| {
            // The same size cap as policy files: a test file is YAML from the same repository.
            let text = read_text(p).context(said(Msg::new("cli-test-not-text")))?;
            Ok(SourceFile { path: display(p), text })
        })
        .collect()
}

fn display(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// Prints every diagnostic with its snippet and returns the one-line
/// summary that ends the command.
fn reported(d: Diagnostics, files: &[SourceFile]) -> anyhow::Error {
    for diag in &d.0 {
        let text = files.iter().find(|f| f.path == diag.file).map(|f| f.text.as_str());
        problems::print(diag, text);
    }
    let n = d.0.len();
    anyhow::Error::new(said(Msg::new("cli-test-problems").arg("count", n)))
}
