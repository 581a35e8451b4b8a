//! # keyward (CLI)
//!
//! Thin wiring: parse arguments, read files, call the sources, connectors
//! and core, print. Decisions belong to the library crates; this binary
//! only turns their results into output and exit codes.

// Plans over millions of accounts allocate and free millions of small
// strings; mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};
use is_terminal::IsTerminal as _;
use jiff::civil::Date;
use keyward_core::present::render::{self, TextOptions};

use keyward::pipeline;
use keyward::report;

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
    /// Run the policy tests: PolicyTest documents in *.test.yaml files,
    /// each case a person and the grants expected. Exit 0 when every case
    /// passes, 1 on a failure or an error.
    Test {
        #[command(flatten)]
        input: Input,
        /// Test file or directory (directories are searched for
        /// *.test.yaml / *.test.yml). Repeatable. Default: the test files
        /// under the -f paths and under policy-tests/ beside each -f
        /// directory.
        #[arg(long = "tests", value_name = "PATH")]
        tests: Vec<std::path::PathBuf>,
        /// Day for test documents without `spec.at` (YYYY-MM-DD; default
        /// today).
        #[arg(long, value_name = "DATE")]
        at: Option<Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = keyward::policy_test::Format::Text)]
        format: keyward::policy_test::Format,
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
        /// With --format markdown: the most bytes to print (a pull-request
        /// comment's limit). A longer plan is shortened to the counts per
        /// app and the largest sections that fit.
        #[arg(long, value_name = "N", default_value_t = render::DEFAULT_MAX_BYTES)]
        max_bytes: usize,
        #[command(flatten)]
        notify: NotifyArgs,
    },
    /// Make the changes: plan, check the guards, ask (unless
    /// --auto-approve), apply app by app, and write the audit log. With a
    /// saved plan file, apply exactly that plan, refusing if the live
    /// state has moved on. Exit 0 when done, 1 when nothing was changed
    /// (error, refusal, cancel), 3 when partly applied.
    Apply {
        #[command(flatten)]
        input: Input,
        /// A plan saved with `keyward plan -o plan.json` and approved in
        /// review. Applied without a prompt.
        #[arg(value_name = "PLAN_FILE")]
        plan_file: Option<std::path::PathBuf>,
        /// Plan for this day instead of today (YYYY-MM-DD). Ignored with a
        /// plan file, which carries its own day.
        #[arg(long, value_name = "DATE")]
        at: Option<Date>,
        /// Do not ask for confirmation (for CI).
        #[arg(long)]
        auto_approve: bool,
        /// The append-only, hash-chained audit log. Keep it somewhere that
        /// outlives the run: it also holds the head count the HR-shrink
        /// guard compares with.
        #[arg(long, value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
        audit_log: std::path::PathBuf,
        /// Where checklists for apps keyward cannot change (csv exports)
        /// are written.
        #[arg(long, value_name = "DIR", default_value = ".keyward/checklists")]
        checklist_dir: std::path::PathBuf,
        #[command(flatten)]
        guard: GuardArgs,
        /// When to use colours.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        #[command(flatten)]
        notify: NotifyArgs,
    },
    /// Work with the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the CustomResourceDefinitions (for `kubectl apply`), or write
    /// one file per kind into a directory.
    Crd {
        /// Write `<plural>.<group>.yaml` files here instead of printing.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<std::path::PathBuf>,
    },
    /// Print the JSON Schema of policy files (every kind), for editor
    /// completion and hover help, or write it to a file.
    Schema {
        /// Write the schema to this file instead of printing it.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// Print the shell completion script for bash, zsh, fish, powershell
    /// or elvish.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Run continuously: reconcile at start, every --resync interval, when
    /// a policy file changes and at once when an HR event names a person;
    /// serve GET /healthz, /readyz, /metrics and POST /hr/events. Apps in
    /// `spec.mode: enforce` are changed (within the guards, with the audit
    /// log); apps in `observe` mode only report drift. Stops gracefully on
    /// SIGTERM or Ctrl-C, finishing a change in flight.
    Controller {
        /// Read policies from files (-f) and write statuses to a file,
        /// without Kubernetes.
        #[arg(long)]
        standalone: bool,
        /// Policy file or directory (searched recursively for
        /// .yaml/.yml), watched for changes. Repeatable. Needed with
        /// --standalone.
        #[arg(short = 'f', long = "file", value_name = "PATH")]
        paths: Vec<std::path::PathBuf>,
        /// Address of the HTTP endpoints.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Time between full reconciles (30s, 10m, 1h).
        #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = keyward_controller::parse_interval)]
        resync: std::time::Duration,
        /// With --standalone: where every Application's and PeopleSource's
        /// status is written (JSON, replaced atomically; default
        /// .keyward/status.json). In Kubernetes the statuses go to the
        /// resources' `.status`.
        #[arg(long, value_name = "FILE")]
        status_file: Option<std::path::PathBuf>,
        /// The append-only, hash-chained audit log (kept open and locked
        /// while the controller runs).
        #[arg(long, value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
        audit_log: std::path::PathBuf,
        /// Where checklists for apps keyward cannot change (csv exports)
        /// in enforce mode are written.
        #[arg(long, value_name = "DIR", default_value = ".keyward/checklists")]
        checklist_dir: std::path::PathBuf,
        /// Environment variable holding the HMAC secret of POST
        /// /hr/events. Unset: HR events are refused (503).
        #[arg(long, value_name = "NAME", default_value = keyward_controller::standalone::DEFAULT_SECRET_ENV)]
        webhook_secret_env: String,
        /// Log format on stderr (default: text, or KEYWARD_LOG_FORMAT).
        #[arg(long, value_enum, value_name = "FORMAT")]
        log_format: Option<LogFormat>,
        /// Kubernetes mode: the namespace whose keyward.io resources are
        /// reconciled (default: $POD_NAMESPACE, else `default`).
        #[arg(long, value_name = "NAME", env = "POD_NAMESPACE", default_value = "default")]
        namespace: String,
        /// Kubernetes mode: the Lease that elects the one replica that
        /// reconciles.
        #[arg(long, value_name = "NAME", default_value = "keyward-controller")]
        lease_name: String,
        /// Kubernetes mode: this replica's name in the Lease (default:
        /// $POD_NAME, else the host name).
        #[arg(long, value_name = "NAME")]
        identity: Option<String>,
        #[command(flatten)]
        guard: GuardArgs,
    },
    /// Explain one person: their HR record, every grant and the policies or
    /// exceptions behind it (and why other policies do not select them),
    /// each account found in each app and how it was matched, and what the
    /// plan will do.
    Explain {
        /// Employee number or work e-mail (an earlier employee number of a
        /// rehire works too).
        #[arg(value_name = "PERSON")]
        person: String,
        #[command(flatten)]
        input: Input,
        /// Explain as of this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        at: Option<Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// Access review (棚卸し): export the accounts to certify, per manager
    /// or per app owner; import the filled-in sheets as Exceptions.
    Review {
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// Write the admin report: one self-contained HTML page to open in a
    /// browser, offline — the access matrix (people × apps, filterable),
    /// leavers' accounts still open, accounts matching nobody, contractors
    /// and guests, seats and money, and charts. Every figure comes from
    /// the same plan as `keyward plan`.
    Report {
        #[command(flatten)]
        input: Input,
        /// Report as of this day (YYYY-MM-DD): the plan date, which every
        /// "days since" counts to.
        #[arg(long, value_name = "DATE")]
        at: Option<Date>,
        /// The HTML file to write.
        #[arg(short = 'o', long = "html", value_name = "FILE")]
        html: std::path::PathBuf,
        /// Also write the report's data as JSON to this file.
        #[arg(long, value_name = "FILE")]
        json: Option<std::path::PathBuf>,
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

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check that no line of the audit log was altered, removed or
    /// reordered (each line carries the hash of the one before).
    Verify {
        /// The audit log.
        #[arg(value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
        path: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewCommand {
    /// Write one CSV (to fill in) and one Markdown checklist per reviewer,
    /// and an index, into a new directory.
    Export {
        #[command(flatten)]
        input: Input,
        /// Who reviews: each person's manager, or each app's owner.
        #[arg(long, value_enum, default_value_t = ReviewByArg::Manager)]
        by: ReviewByArg,
        /// Review as of this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        at: Option<Date>,
        /// Directory to write into (must not hold a review already).
        #[arg(long, value_name = "DIR")]
        out_dir: std::path::PathBuf,
    },
    /// Read filled-in sheets: kept accounts no policy grants become
    /// Exceptions in a new YAML file for a pull request; removals and
    /// decisions that need a policy change are listed.
    Import {
        /// The filled-in CSV sheets.
        #[arg(value_name = "CSV", required = true)]
        sheets: Vec<std::path::PathBuf>,
        /// Last day the Exceptions for kept accounts are in force.
        #[arg(long, value_name = "DATE")]
        until: Date,
        /// The Exceptions file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReviewByArg {
    Manager,
    App,
}

#[derive(Debug, clap::Args)]
struct Input {
    /// Policy file or directory (searched recursively for .yaml/.yml).
    /// Repeatable.
    #[arg(short = 'f', long = "file", value_name = "PATH", required = true)]
    paths: Vec<std::path::PathBuf>,
}

/// Where `plan` and `apply` send their digest.
#[derive(Debug, clap::Args)]
struct NotifyArgs {
    /// Environment variable holding a Slack incoming-webhook URL: after the
    /// run, leavers' accounts still open, accounts matching nobody and guard
    /// refusals are posted there (nothing is posted when there are none).
    #[arg(long, value_name = "VAR")]
    notify_slack_env: Option<String>,
    /// Environment variable holding a URL that receives the same digest as
    /// JSON (`kind: Notification`), by POST.
    #[arg(long, value_name = "VAR")]
    notify_webhook_env: Option<String>,
}

impl NotifyArgs {
    fn notifiers(&self) -> Result<keyward::notify::Notifiers> {
        keyward::notify::Notifiers::from_env(self.notify_slack_env.as_deref(), self.notify_webhook_env.as_deref())
    }
}

/// The guard flags, shared by `apply` and `controller`.
#[derive(Debug, clap::Args)]
struct GuardArgs {
    /// Apply even though a plan suspends or deletes more accounts than an
    /// app's guard allows (or more than --max-deprovision-total).
    #[arg(long)]
    allow_mass_deprovision: bool,
    /// Most accounts one apply may suspend or delete over all apps.
    #[arg(long, value_name = "N")]
    max_deprovision_total: Option<u32>,
    /// Per-app limit on suspensions and deletions, for Applications that do
    /// not set `spec.apply.guard.maxDeprovision`.
    #[arg(long, value_name = "N", default_value_t = keyward_apply::guard::DEFAULT_MAX_DEPROVISION)]
    max_deprovision: u32,
    /// Per-app limit as a share of the app's accounts, for Applications
    /// that do not set `spec.apply.guard.maxDeprovisionPercent`.
    #[arg(long, value_name = "PERCENT", default_value_t = keyward_apply::guard::DEFAULT_MAX_DEPROVISION_PERCENT)]
    max_deprovision_percent: u32,
    /// Apply even though the HR snapshot shrank by more than
    /// --max-hr-shrink-percent since the last apply.
    #[arg(long)]
    allow_hr_shrink: bool,
    /// Largest drop in head count, in percent, accepted without
    /// --allow-hr-shrink.
    #[arg(long, value_name = "PERCENT", default_value_t = keyward_apply::guard::DEFAULT_MAX_HR_SHRINK_PERCENT)]
    max_hr_shrink_percent: u32,
}

impl GuardArgs {
    fn options(&self) -> keyward_apply::GuardOptions {
        keyward_apply::GuardOptions {
            allow_mass_deprovision: self.allow_mass_deprovision,
            allow_hr_shrink: self.allow_hr_shrink,
            max_deprovision_total: self.max_deprovision_total,
            default_max_deprovision: self.max_deprovision,
            default_max_deprovision_percent: self.max_deprovision_percent,
            max_hr_shrink_percent: self.max_hr_shrink_percent,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
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
enum ExplainFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Exit code for "the plan has changes" with `--detailed-exitcode`.
const EXIT_CHANGES: u8 = 2;
/// Exit code for "some changes were applied, some failed".
const EXIT_PARTIAL: u8 = 3;

fn main() -> ExitCode {
    // Parsed first: the controller's --log-format decides how logging is
    // set up. Argument errors are printed by clap itself.
    let cli = Cli::parse();
    init_logging(&cli);
    // Long messages stay on one line so CI logs can be searched for
    // `file:line:column`.
    let _ = miette::set_hook(Box::new(|_| Box::new(miette::MietteHandlerOpts::new().wrap_lines(false).build())));
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

/// Logs go to stderr; `KEYWARD_LOG` filters them (default `warn`, `info`
/// for the controller, which should say what it reconciled). JSON lines
/// with `--log-format json` or `KEYWARD_LOG_FORMAT=json`, for log
/// pipelines.
fn init_logging(cli: &Cli) {
    let (controller, flag) = match &cli.command {
        Command::Controller { log_format, .. } => (true, *log_format),
        _ => (false, None),
    };
    let json = match flag {
        Some(f) => f == LogFormat::Json,
        None => std::env::var("KEYWARD_LOG_FORMAT").is_ok_and(|v| v.trim().eq_ignore_ascii_case("json")),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KEYWARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(if controller { "info" } else { "warn" }));
    let fmt = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        fmt.json().init();
    } else {
        fmt.init();
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Validate { input } => {
            let loaded = pipeline::load_policies(&input.paths)?;
            let people = pipeline::read_people(&loaded.set).await?;
            let listings = pipeline::list_accounts(&loaded.set).await?;
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
        Command::Test { input, tests, at, format } => {
            let args =
                keyward::policy_test::TestArgs { paths: input.paths, tests, at: at.unwrap_or_else(today), format };
            Ok(if keyward::policy_test::run(&args).await? { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Plan { input, at, format, out, detailed_exitcode, color, max_bytes, notify } => {
            let today = at.unwrap_or_else(today);
            let notifiers = notify.notifiers()?;
            let loaded = pipeline::load_policies(&input.paths)?;
            let people = pipeline::read_people(&loaded.set).await?;
            let listings = pipeline::list_accounts(&loaded.set).await?;
            let plan = keyward_core::plan(&loaded.set, &people, &listings, today)?;
            if let Some(path) = &out {
                let file = std::fs::File::create(path)
                    .with_context(|| format!("cannot write the plan to {}", path.display()))?;
                let mut w = std::io::BufWriter::new(file);
                render::json_to(&plan, &mut w)
                    .and_then(|()| w.flush())
                    .with_context(|| format!("cannot write the plan to {}", path.display()))?;
            }
            match format {
                PlanFormat::Text => {
                    write_stdout(&render::text(&plan, TextOptions { color: use_color(color) }))?;
                }
                PlanFormat::Json => {
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    ignore_broken_pipe(render::json_to(&plan, &mut out).and_then(|()| out.flush()))?;
                }
                PlanFormat::Markdown => write_stdout(&render::markdown_within(&plan, max_bytes))?,
            }
            if !notifiers.is_empty() {
                let digest = keyward_core::present::digest::Digest::new("plan", &plan, &people);
                for w in notifiers.send(&digest).await {
                    eprintln!("warning: {w}");
                }
            }
            let changes = plan.has_changes();
            // The process ends next: freeing millions of accounts one by one
            // would only delay the exit.
            std::mem::forget((plan, listings, people, loaded));
            Ok(if detailed_exitcode && changes { ExitCode::from(EXIT_CHANGES) } else { ExitCode::SUCCESS })
        }
        Command::Apply { input, plan_file, at, auto_approve, audit_log, checklist_dir, guard, color, notify } => {
            let args = keyward::apply::ApplyArgs {
                notify: notify.notifiers()?,
                paths: input.paths,
                plan_file,
                at: at.unwrap_or_else(today),
                auto_approve,
                audit_log,
                checklist_dir,
                guard: guard.options(),
                color: use_color(color),
            };
            use keyward::apply::ApplyOutcome;
            Ok(match keyward::apply::run(&args).await? {
                ApplyOutcome::NothingToDo | ApplyOutcome::Done => ExitCode::SUCCESS,
                ApplyOutcome::Partial => ExitCode::from(EXIT_PARTIAL),
                ApplyOutcome::Refused | ApplyOutcome::Declined => ExitCode::FAILURE,
            })
        }
        Command::Audit { command: AuditCommand::Verify { path } } => {
            let summary =
                keyward_apply::verify(&path).with_context(|| format!("{} does not verify", path.display()))?;
            println!(
                "OK: {} verifies: {} record(s) from {} run(s); last hash {}. Keep that hash elsewhere: anyone who can rewrite the whole file can rebuild a chain.",
                path.display(),
                summary.records,
                summary.runs,
                summary.last_hash
            );
            Ok(ExitCode::SUCCESS)
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
        Command::Schema { out } => {
            let text = keyward::schema::policy_schema_text();
            match out {
                Some(path) => {
                    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?
                }
                None => write_stdout(&text)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "keyward", &mut script);
            write_stdout(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Controller {
            standalone,
            paths,
            listen,
            resync,
            status_file,
            audit_log,
            checklist_dir,
            webhook_secret_env,
            log_format: _,
            namespace,
            lease_name,
            identity,
            guard,
        } => {
            if !standalone {
                if !paths.is_empty() {
                    anyhow::bail!(
                        "-f is for --standalone; in Kubernetes the policies are the keyward.io resources of --namespace"
                    );
                }
                if status_file.is_some() {
                    anyhow::bail!(
                        "--status-file is for --standalone; in Kubernetes the statuses go to the resources' .status (`kubectl get kwapp -n {namespace}`)"
                    );
                }
                let mut opts = keyward_controller::KubernetesOptions::new(namespace);
                opts.listen = listen;
                opts.resync = resync;
                opts.audit_log = audit_log;
                opts.checklist_dir = checklist_dir;
                // Read here, once; the value is never logged or shown.
                opts.webhook_secret =
                    std::env::var(&webhook_secret_env).ok().and_then(keyward_controller::WebhookSecret::new);
                opts.webhook_secret_env = webhook_secret_env;
                opts.guard = guard.options();
                opts.lease_name = lease_name;
                if let Some(id) = identity {
                    opts.identity = id;
                }
                keyward_controller::run_kubernetes(opts).await?;
                return Ok(ExitCode::SUCCESS);
            }
            if paths.is_empty() {
                anyhow::bail!("--standalone reads the policies from files: pass them with -f FILE_OR_DIR");
            }
            let mut opts = keyward_controller::StandaloneOptions::new(paths);
            opts.listen = listen;
            opts.resync = resync;
            opts.status_file = Some(status_file.unwrap_or_else(|| ".keyward/status.json".into()));
            opts.audit_log = audit_log;
            opts.checklist_dir = checklist_dir;
            // Read here, once; the value is never logged or shown.
            opts.webhook_secret =
                std::env::var(&webhook_secret_env).ok().and_then(keyward_controller::WebhookSecret::new);
            opts.webhook_secret_env = webhook_secret_env;
            opts.guard = guard.options();
            keyward_controller::run_standalone(opts).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { person, input, at, format } => {
            let today = at.unwrap_or_else(today);
            let loaded = pipeline::load_policies(&input.paths)?;
            let people = pipeline::read_people(&loaded.set).await?;
            let listings = pipeline::list_accounts(&loaded.set).await?;
            let explained = keyward_core::present::explain::explain(&loaded.set, &people, &listings, &person, today)?;
            let rendered = match format {
                ExplainFormat::Text => explained.to_text(),
                ExplainFormat::Json => {
                    let mut s = serde_json::to_string_pretty(&explained).context("cannot render the explanation")?;
                    s.push('\n');
                    s
                }
            };
            write_stdout(&rendered)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Review { command: ReviewCommand::Export { input, by, at, out_dir } } => {
            let today = at.unwrap_or_else(today);
            let by = match by {
                ReviewByArg::Manager => keyward_core::present::review::ReviewBy::Manager,
                ReviewByArg::App => keyward_core::present::review::ReviewBy::App,
            };
            let loaded = pipeline::load_policies(&input.paths)?;
            let people = pipeline::read_people(&loaded.set).await?;
            let listings = pipeline::list_accounts(&loaded.set).await?;
            let sheets = keyward_core::present::review::sheets(&loaded.set, &people, &listings, today, by)?;
            let written = keyward::review::export(&sheets, &out_dir, today, by)?;
            let accounts: usize = sheets.iter().map(|s| s.rows.len()).sum();
            write_stdout(&format!(
                "Wrote {} sheet(s) for {} reviewer(s), {accounts} account(s), into {} (start with README.md).\n",
                (written.len() - 1) / 2,
                sheets.len(),
                out_dir.display()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Review { command: ReviewCommand::Import { sheets, until, out } } => {
            write_stdout(&keyward::review::import(&sheets, until, &out, today())?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { input, at, html, json } => {
            let today = at.unwrap_or_else(today);
            let loaded = pipeline::load_policies(&input.paths)?;
            let people = pipeline::read_people(&loaded.set).await?;
            let listings = pipeline::list_accounts(&loaded.set).await?;
            let plan = keyward_core::plan(&loaded.set, &people, &listings, today)?;
            let report = keyward_core::present::report::Report::build(&loaded.set, &people, &listings, &plan)?;
            std::fs::write(&html, keyward_core::present::report::html::page(&report))
                .with_context(|| format!("cannot write the report to {}", html.display()))?;
            if let Some(path) = &json {
                let mut text = serde_json::to_string_pretty(&report).context("cannot render the report as JSON")?;
                text.push('\n');
                std::fs::write(path, text)
                    .with_context(|| format!("cannot write the report's data to {}", path.display()))?;
            }
            write_stdout(&format!(
                "Wrote {}: {} people, {} apps; {} leavers' account(s) still open, {} account(s) matching nobody.\n",
                html.display(),
                report.people.total,
                report.apps.len(),
                report.leaver_accounts(),
                report.orphan_accounts()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Inventory { input, at, format, apps } => {
            let today = at.unwrap_or_else(today);
            let loaded = pipeline::load_policies(&input.paths)?;
            for a in &apps {
                if loaded.set.application(a).is_none() {
                    let names: Vec<&str> = loaded.set.applications.iter().map(|x| x.name.as_str()).collect();
                    anyhow::bail!("no Application named `{a}`; the policies define: {}", names.join(", "));
                }
            }
            let people = pipeline::read_people(&loaded.set).await?;
            let listings = pipeline::list_accounts(&loaded.set).await?;
            let mut inv = keyward_core::present::inventory::inventory(&loaded.set, &people, &listings, today)?;
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

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn today() -> Date {
    jiff::Zoned::now().date()
}

fn write_stdout(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    ignore_broken_pipe(out.write_all(s.as_bytes()).and_then(|()| out.flush()))
}

fn ignore_broken_pipe(r: std::io::Result<()>) -> Result<()> {
    match r {
        // A closed pipe (`keyward plan | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}
