//! # keyward (CLI)
//!
//! Thin wiring: parse arguments, read files, call the sources, connectors
//! and core, print. Decisions belong to the library crates; this binary
//! only turns their results into output and exit codes.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};
use is_terminal::IsTerminal as _;
use jiff::civil::Date;
use keyward_core::account::AccountListing;
use keyward_core::people::People;
use keyward_core::render::{self, TextOptions};
use keyward_core::{Loaded, PolicySet};

mod files;
mod report;

/// Make SaaS access follow the HR master.
#[derive(Debug, Parser)]
#[command(name = "keyward", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check policy files and the data they point to; report every problem
    /// with file, line and column.
    Validate {
        #[command(flatten)]
        input: Input,
    },
    /// Show what keyward would change in every app, and why.
    Plan {
        #[command(flatten)]
        input: Input,
        /// Plan for this day instead of today (YYYY-MM-DD), to preview what
        /// the policy will do then.
        #[arg(long, value_name = "DATE")]
        at: Option<Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
        format: PlanFormat,
        /// Also write the JSON plan to this file (for `keyward apply`).
        #[arg(short = 'o', long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
        /// Exit 2 when the plan has changes (0 when none, 1 on error).
        #[arg(long)]
        detailed_exitcode: bool,
        /// When to use colours.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Print the CustomResourceDefinitions (for `kubectl apply`), or write
    /// one file per kind into a directory.
    Crd {
        /// Write `<plural>.<group>.yaml` files here instead of printing.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<std::path::PathBuf>,
    },
    /// List who has which account in which app, matched to people.
    Inventory {
        #[command(flatten)]
        input: Input,
        /// Person statuses as of this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        at: Option<Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
        format: InventoryFormat,
        /// Only this application (repeatable).
        #[arg(long = "app", value_name = "NAME")]
        apps: Vec<String>,
    },
}

#[derive(Debug, clap::Args)]
struct Input {
    /// Policy file or directory (searched recursively for .yaml/.yml).
    /// Repeatable.
    #[arg(short = 'f', long = "file", value_name = "PATH", required = true)]
    paths: Vec<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PlanFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InventoryFormat {
    Table,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Exit code for "the plan has changes" with `--detailed-exitcode`.
const EXIT_CHANGES: u8 = 2;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KEYWARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    // Long messages stay on one line so CI logs can be searched for
    // `file:line:column`.
    let _ = miette::set_hook(Box::new(|_| Box::new(miette::MietteHandlerOpts::new().wrap_lines(false).build())));
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            report::error(&e);
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Validate { input } => {
            let loaded = load_policies(&input)?;
            let people = read_people(&loaded.set)?;
            let listings = list_accounts(&loaded.set).await?;
            let accounts: usize = listings.values().map(|l| l.accounts.len()).sum();
            println!(
                "OK: {} people source(s), {} application(s), {} access polic(y/ies), {} exception(s); {} people, {} accounts read.",
                loaded.set.people_sources.len(),
                loaded.set.applications.len(),
                loaded.set.policies.len(),
                loaded.set.exceptions.len(),
                people.len(),
                accounts
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan { input, at, format, out, detailed_exitcode, color } => {
            let today = at.unwrap_or_else(today);
            let loaded = load_policies(&input)?;
            let people = read_people(&loaded.set)?;
            let listings = list_accounts(&loaded.set).await?;
            let plan = keyward_core::plan(&loaded.set, &people, &listings, today)?;
            if let Some(path) = &out {
                std::fs::write(path, render::json(&plan))
                    .with_context(|| format!("cannot write the plan to {}", path.display()))?;
            }
            let rendered = match format {
                PlanFormat::Text => {
                    let color = match color {
                        ColorChoice::Always => true,
                        ColorChoice::Never => false,
                        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                    };
                    render::text(&plan, TextOptions { color })
                }
                PlanFormat::Json => render::json(&plan),
                PlanFormat::Markdown => render::markdown(&plan),
            };
            write_stdout(&rendered)?;
            Ok(if detailed_exitcode && plan.has_changes() { ExitCode::from(EXIT_CHANGES) } else { ExitCode::SUCCESS })
        }
        Command::Crd { out_dir } => {
            let crds = keyward_core::resources::crds();
            match out_dir {
                Some(dir) => {
                    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
                    for crd in &crds {
                        let name = crd.metadata.name.clone().unwrap_or_default();
                        let path = dir.join(format!("{name}.yaml"));
                        std::fs::write(&path, crd_yaml(crd)?)
                            .with_context(|| format!("cannot write {}", path.display()))?;
                    }
                }
                None => {
                    let docs: Vec<String> = crds.iter().map(crd_yaml).collect::<Result<_>>()?;
                    write_stdout(&docs.join("---\n"))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Inventory { input, at, format, apps } => {
            let today = at.unwrap_or_else(today);
            let loaded = load_policies(&input)?;
            for a in &apps {
                if loaded.set.application(a).is_none() {
                    let names: Vec<&str> = loaded.set.applications.iter().map(|x| x.name.as_str()).collect();
                    anyhow::bail!("no Application named `{a}`; the policies define: {}", names.join(", "));
                }
            }
            let people = read_people(&loaded.set)?;
            let listings = list_accounts(&loaded.set).await?;
            let mut inv = keyward_core::inventory::inventory(&loaded.set, &people, &listings, today)?;
            if !apps.is_empty() {
                inv.rows.retain(|r| apps.contains(&r.app));
            }
            let rendered = match format {
                InventoryFormat::Table => inv.to_table(),
                InventoryFormat::Csv => inv.to_csv(),
            };
            write_stdout(&rendered)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn crd_yaml<T: serde::Serialize>(crd: &T) -> Result<String> {
    let body = serde_yaml::to_string(crd).context("cannot render the CRD")?;
    Ok(format!("# Generated by `keyward crd --out-dir crds/` from the Rust types; do not edit.\n{body}"))
}

fn today() -> Date {
    jiff::Zoned::now().date()
}

fn write_stdout(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`keyward plan | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

fn load_policies(input: &Input) -> Result<Loaded> {
    let (root, sources) = files::collect(&input.paths)?;
    let texts = sources.iter().map(|s| (s.path.clone(), s.text.clone())).collect();
    match PolicySet::load(&root, sources) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                report::diagnostic(&loaded.set, w);
            }
            for s in &loaded.set.skipped {
                tracing::info!("skipped a document of another API group: {s}");
            }
            Ok(loaded)
        }
        Err(diags) => Err(report::Reported::from_policy(diags, texts).into()),
    }
}

fn read_people(set: &PolicySet) -> Result<People> {
    keyward_sources::read_people(set).map_err(|e| match e {
        keyward_sources::SourceError::Data(d) => report::Reported::from_data(set, d).into(),
        other => anyhow::Error::new(other),
    })
}

async fn list_accounts(set: &PolicySet) -> Result<BTreeMap<String, AccountListing>> {
    let connectors = keyward_connectors::build_all(set)?;
    keyward_connectors::list_all(&connectors)
        .await
        .map_err(|errors| report::Reported::from_connectors(set, errors).into())
}
