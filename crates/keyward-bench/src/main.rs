//! # keyward-bench (CLI)
//!
//! `gen` writes a synthetic organisation, `run` measures one phase in this
//! process, `all` runs each phase in fresh processes and prints a Markdown
//! table for BENCHMARKS.md. See the library docs for what each part owns.

// Plans over millions of accounts allocate and free millions of small
// strings; mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};
use jiff::civil::Date;
use keyward_bench::generate::{self, GenOptions};
use keyward_bench::run::{self, Phase};
use keyward_bench::{REFERENCE_DATE, all};

/// Benchmark keyward: generate a synthetic organisation, then time parsing
/// and planning.
#[derive(Debug, Parser)]
#[command(name = "keyward-bench", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a deterministic synthetic organisation: hr/, saas/, policies/.
    Gen {
        /// Directory to write into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// HR rows.
        #[arg(long, default_value_t = 100_000)]
        people: usize,
        /// Applications (1–20).
        #[arg(long, default_value_t = 20)]
        apps: usize,
        /// PRNG seed; the same seed writes the same bytes.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Measure one phase in this process and print one line of figures.
    Run {
        /// A directory written by `gen`.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// `parse` (inputs only) or `plan` (inputs, plan, JSON rendering).
        #[arg(long, value_enum)]
        phase: Phase,
        /// The plan date.
        #[arg(long, value_name = "DATE", default_value = REFERENCE_DATE)]
        at: Date,
        /// Print sub-step timings and memory to stderr.
        #[arg(long)]
        steps: bool,
    },
    /// Run every phase several times, each in a new process, and print a
    /// Markdown report.
    All {
        /// A directory written by `gen`.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// Runs per phase.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// The plan date.
        #[arg(long, value_name = "DATE", default_value = REFERENCE_DATE)]
        at: Date,
    },
    /// Time an HR termination event to the leaver suspended in every app
    /// (real scim2-servers behind a fixed delay), and count what resyncs
    /// cost when nothing changes.
    LeaverLatency {
        /// SCIM apps.
        #[arg(long, default_value_t = 20)]
        apps: usize,
        /// People, each with an account in every app.
        #[arg(long, default_value_t = 50)]
        people: usize,
        /// Milliseconds added to every request.
        #[arg(long, default_value_t = 50)]
        delay_ms: u64,
        /// Timed leavers.
        #[arg(long, default_value_t = 9)]
        runs: usize,
        /// Resyncs counted with nothing to change.
        #[arg(long, default_value_t = 10)]
        resyncs: usize,
        /// The plan date.
        #[arg(long, value_name = "DATE", default_value = REFERENCE_DATE)]
        at: Date,
    },
    /// Time the directory HR sources' mapping of users to people (Google
    /// Workspace, Microsoft Graph) and the merge of a Graph delta round,
    /// and print a Markdown table.
    DirectorySources {
        /// Directory sizes to map, comma-separated.
        #[arg(long, default_value = "10000,50000")]
        users: String,
        /// Users in the cached state a delta round is merged into.
        #[arg(long, default_value_t = 50_000)]
        delta_users: usize,
        /// The delta round's size, in per cent of the cached users.
        #[arg(long, default_value_t = 1.0)]
        delta_percent: f64,
        /// Timed runs of each measurement.
        #[arg(long, default_value_t = 9)]
        runs: usize,
        /// PRNG seed; the same seed generates the same users.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Discovery over a generated directory served by Google and Graph
    /// stubs on loopback: requests sent against the minimum, scan and
    /// summary time, peak memory (each run in a fresh process).
    Discovery {
        /// Users in the directory.
        #[arg(long, default_value_t = 10_000)]
        users: usize,
        /// Apps each user granted access to, a range (fewer more often).
        #[arg(long, default_value = "0-12")]
        grants_per_user: String,
        /// Measured runs per vendor.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// PRNG seed; the same seed generates the same directory.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The day the summary is for.
        #[arg(long, value_name = "DATE", default_value = REFERENCE_DATE)]
        at: Date,
    },
    /// Probable-person hints: index the people's names, look up accounts
    /// that match nobody; prints the figures as Markdown.
    Hints {
        /// People in the HR data.
        #[arg(long, default_value_t = 100_000)]
        people: usize,
        /// Accounts that match nobody.
        #[arg(long, default_value_t = 10_000)]
        orphans: usize,
        /// Repetitions; times are medians.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// PRNG seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// One measured discovery (started by `discovery`): scan one vendor's
    /// directory named by the policies, summarise, print one line.
    #[command(hide = true)]
    DiscoveryRun {
        /// The policy directory `discovery` wrote.
        #[arg(long, value_name = "DIR")]
        policies: PathBuf,
        /// Which directory to scan.
        #[arg(long, value_enum)]
        vendor: keyward_bench::discovery::measure::Vendor,
        /// The day the summary is for.
        #[arg(long, value_name = "DATE", default_value = REFERENCE_DATE)]
        at: Date,
    },
    /// Audit records per second written to a PostgreSQL audit store (a
    /// server started for the purpose), by one writer and by several at
    /// once on one chain, and to the JSON Lines file for comparison.
    AuditWrites {
        /// Records written in each measurement, shared among the writers.
        #[arg(long, default_value_t = 2000)]
        records: usize,
        /// Writers at once, one measurement each (comma-separated).
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        writers: Vec<usize>,
    },
    /// Shard hand-over time: `keyward controller --shards` processes on
    /// the Kubernetes emulator, the holder of the most shards SIGKILLed,
    /// timed until its shards' Leases name live replicas.
    Handover {
        /// The `keyward` binary (default: beside this one).
        #[arg(long, value_name = "FILE")]
        keyward: Option<PathBuf>,
        /// Controller processes.
        #[arg(long, default_value_t = 3)]
        replicas: usize,
        /// Applications (shards) in the namespace.
        #[arg(long, default_value_t = 6)]
        apps: usize,
        /// Timed kills, each on a fresh emulator.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Lease duration, seconds.
        #[arg(long, default_value_t = 15)]
        lease_secs: u64,
        /// Time between renewals, seconds.
        #[arg(long, default_value_t = 5)]
        renew_secs: u64,
    },
    /// The controller's peak memory with many organisations: one
    /// `keyward controller` on the Kubernetes emulator watching one
    /// namespace per organisation.
    ControllerMemory {
        /// The `keyward` binary (default: beside this one).
        #[arg(long, value_name = "FILE")]
        keyward: Option<PathBuf>,
        /// Organisations (namespaces).
        #[arg(long, default_value_t = 20)]
        orgs: usize,
        /// People per organisation.
        #[arg(long, default_value_t = 1000)]
        people: usize,
        /// Applications per organisation (CSV exports).
        #[arg(long, default_value_t = 3)]
        apps: usize,
    },
    /// Count the HTTP requests of a full SCIM reconcile against a real
    /// scim2-server (installed by `scripts/test`) and compare them with the
    /// minimum: the pages needed to list, plus one call per change.
    ScimRequests {
        /// People in the synthetic organisation.
        #[arg(long, default_value_t = 500)]
        people: usize,
        /// Users asked for per page.
        #[arg(long, default_value_t = 100)]
        page_size: u32,
        /// The plan date.
        #[arg(long, value_name = "DATE", default_value = REFERENCE_DATE)]
        at: Date,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Gen { out, people, apps, seed } => {
            let started = std::time::Instant::now();
            let s = generate::generate(&out, &GenOptions { people, apps, seed })?;
            println!(
                "wrote {}: {} people, {} departments, {} access policies, {} account rows in {} app exports ({:.1} s)",
                out.display(),
                s.people,
                s.departments,
                s.policies,
                s.total_rows(),
                s.rows.len(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Run { dir, phase, at, steps } => {
            let f = run::run(&dir, phase, at, steps)?;
            println!("{}", f.line());
        }
        Command::LeaverLatency { apps, people, delay_ms, runs, resyncs, at } => {
            let work = tempfile_dir()?;
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let opts = keyward_bench::leaver_latency::Options {
                apps,
                people,
                delay: std::time::Duration::from_millis(delay_ms),
                runs,
                resyncs,
                at,
            };
            let figures = runtime.block_on(keyward_bench::leaver_latency::run(opts, &work))?;
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            print!("{}", figures.markdown(&opts, &command));
            let _ = std::fs::remove_dir_all(&work);
        }
        Command::AuditWrites { records, writers } => {
            let work = tempfile_dir()?;
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let opts = keyward_bench::audit_writes::Options { records, writers };
            let figures = runtime.block_on(keyward_bench::audit_writes::run(&opts, &work))?;
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            print!("{}", keyward_bench::audit_writes::markdown(&figures, &command));
            let _ = std::fs::remove_dir_all(&work);
        }
        Command::Handover { keyward, replicas, apps, runs, lease_secs, renew_secs } => {
            let keyward = keyward_binary(keyward)?;
            let work = tempfile_dir()?;
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let opts = keyward_bench::handover::Options {
                keyward,
                replicas,
                apps,
                runs,
                lease: std::time::Duration::from_secs(lease_secs),
                renew: std::time::Duration::from_secs(renew_secs),
            };
            let figures = runtime.block_on(keyward_bench::handover::run(&opts, &work))?;
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            print!("{}", figures.markdown(&opts, &command));
            let _ = std::fs::remove_dir_all(&work);
        }
        Command::ControllerMemory { keyward, orgs, people, apps } => {
            let keyward = keyward_binary(keyward)?;
            let work = tempfile_dir()?;
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let opts = keyward_bench::controller_memory::Options { keyward, orgs, people, apps };
            let figures = runtime.block_on(keyward_bench::controller_memory::run(&opts, &work))?;
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            print!("{}", figures.markdown(&opts, &command));
            let _ = std::fs::remove_dir_all(&work);
        }
        Command::ScimRequests { people, page_size, at } => {
            let work = tempfile_dir()?;
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let opts = keyward_bench::scim_requests::Options { people, page_size, at };
            let figures = runtime.block_on(keyward_bench::scim_requests::run(opts, &work))?;
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            print!("{}", figures.markdown(&command));
            let _ = std::fs::remove_dir_all(&work);
        }
        Command::DirectorySources { users, delta_users, delta_percent, runs, seed } => {
            let opts = keyward_bench::directory_sources::Options {
                sizes: keyward_bench::directory_sources::parse_sizes(&users)?,
                delta_users,
                delta_percent,
                runs,
                seed,
            };
            let figures = keyward_bench::directory_sources::run(&opts)?;
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            print!("{}", figures.markdown(&opts, &command));
        }
        Command::Discovery { users, grants_per_user, runs, seed, at } => {
            use keyward_bench::discovery::{self, directory};
            let grants = directory::parse_grants(&grants_per_user)?;
            let opts = discovery::Options { shape: directory::Shape { users, grants, seed }, runs, at };
            let exe = std::env::current_exe().context("cannot find this program's path")?;
            let work = discovery::work_dir()?;
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let (figures, d) = runtime.block_on(discovery::run(&exe, &work, &opts))?;
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            print!("{}", discovery::markdown(&figures, &d, &opts, &command, &all::machine()));
            let _ = std::fs::remove_dir_all(&work);
        }
        Command::Hints { people, orphans, runs, seed } => {
            let o = keyward_bench::name_hints::HintOptions { people, orphans, runs, seed };
            let f = keyward_bench::name_hints::measure(o)?;
            let per = f.lookups.as_secs_f64() * 1e6 / orphans.max(1) as f64;
            println!(
                "| people | orphans (romaji / personal / service / hostile) | index build | keys (entries) | all lookups | per orphan | orphans hinted | hints |"
            );
            println!("|--:|--:|--:|--:|--:|--:|--:|--:|");
            println!(
                "| {people} | {orphans} ({} / {} / {} / {}) | {:.1} ms | {} ({}) | {:.1} ms | {per:.2} µs | {} | {} |",
                f.kinds[0],
                f.kinds[1],
                f.kinds[2],
                f.kinds[3],
                f.build.as_secs_f64() * 1e3,
                f.size.0,
                f.size.1,
                f.lookups.as_secs_f64() * 1e3,
                f.hinted,
                f.hints
            );
        }
        Command::DiscoveryRun { policies, vendor, at } => {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let m = runtime.block_on(keyward_bench::discovery::measure::measure(&policies, vendor, at))?;
            println!("{}", m.line());
        }
        Command::All { dir, runs, at } => {
            let exe = std::env::current_exe().context("cannot find this program's path")?;
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            let report = all::all(&exe, &dir, runs, at, &command)?;
            print!("{report}");
        }
    }
    Ok(())
}

/// `--keyward`, or the `keyward` binary beside this one.
fn keyward_binary(given: Option<PathBuf>) -> Result<PathBuf> {
    match given {
        Some(k) => Ok(k),
        None => Ok(std::env::current_exe()?.with_file_name("keyward")),
    }
}

fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("keyward-bench-scim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}
