//! `keyward controller`: run continuously, either standalone (policies
//! from files, statuses to a file) or in Kubernetes (the keyward.io
//! resources of a namespace, statuses to `.status`). The loop, the HTTP
//! endpoints and the reconciling are keyward-controller's; this module
//! only turns the flags into its options.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use crate::args::GuardArgs;
use crate::logging::LogFormat;

/// `keyward controller`.
#[derive(Debug, clap::Args)]
pub struct ControllerArgs {
    /// Read policies from files (-f) and write statuses to a file,
    /// without Kubernetes.
    #[arg(long, requires = "paths")]
    pub standalone: bool,
    /// Policy file or directory (searched recursively for
    /// .yaml/.yml), watched for changes. Repeatable. Needed with
    /// --standalone.
    #[arg(short = 'f', long = "file", value_name = "PATH", requires = "standalone")]
    pub paths: Vec<PathBuf>,
    /// Address of the HTTP endpoints.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Time between full reconciles (30s, 10m, 1h).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = keyward_controller::parse_interval)]
    pub resync: Duration,
    /// With --standalone: where every Application's and PeopleSource's
    /// status is written (JSON, replaced atomically; default
    /// .keyward/status.json). In Kubernetes the statuses go to the
    /// resources' `.status`.
    #[arg(long, value_name = "FILE", requires = "standalone")]
    pub status_file: Option<PathBuf>,
    /// The append-only, hash-chained audit log (kept open and locked
    /// while the controller runs).
    #[arg(long, value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
    pub audit_log: PathBuf,
    /// Where checklists for apps keyward cannot change (csv exports)
    /// in enforce mode are written.
    #[arg(long, value_name = "DIR", default_value = ".keyward/checklists")]
    pub checklist_dir: PathBuf,
    /// Environment variable holding the HMAC secret of POST
    /// /hr/events. Unset: HR events are refused (503).
    #[arg(long, value_name = "NAME", default_value = keyward_controller::standalone::DEFAULT_SECRET_ENV)]
    pub webhook_secret_env: String,
    /// Log format on stderr (default: text, or KEYWARD_LOG_FORMAT).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Kubernetes mode: the namespace whose keyward.io resources are
    /// reconciled (default: $POD_NAMESPACE, else `default`).
    #[arg(long, value_name = "NAME", env = "POD_NAMESPACE", default_value = "default")]
    pub namespace: String,
    /// Kubernetes mode: the namespaces to reconcile, one organisation
    /// each, comma-separated or repeated (default: --namespace alone).
    /// Nothing read in one is used for another; with several, each has its
    /// own audit log and checklists in a directory named after it beside
    /// --audit-log and --checklist-dir.
    #[arg(long = "namespaces", value_name = "NAME,…", env = "KEYWARD_NAMESPACES", value_delimiter = ',')]
    pub namespaces: Vec<String>,
    /// Kubernetes mode: the Lease that elects the one replica that
    /// reconciles; with --shards, the prefix of the replicas' heartbeat
    /// Leases and of the Lease of each shard.
    #[arg(long, value_name = "NAME", default_value = "keyward-controller")]
    pub lease_name: String,
    /// Kubernetes mode: share the work among all replicas, by namespace
    /// and application, with a Lease per shard, instead of one leader
    /// doing everything. Every replica plans; each applies only to the
    /// applications whose shard Lease it holds.
    #[arg(long)]
    pub shards: bool,
    /// Kubernetes mode: how long a Lease lasts without renewal; a dead
    /// replica's work moves to another after about this long.
    #[arg(long, value_name = "DURATION", default_value = "15s", value_parser = keyward_controller::parse_interval)]
    pub lease_duration: Duration,
    /// Kubernetes mode: time between Lease renewals (at most a third of
    /// --lease-duration).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = keyward_controller::parse_interval)]
    pub lease_renew: Duration,
    /// Kubernetes mode: most objects of one kind read from one namespace;
    /// a namespace with more is not reconciled (the others are).
    #[arg(long, value_name = "N", default_value_t = keyward_controller::kube::host::DEFAULT_MAX_OBJECTS)]
    pub max_objects_per_namespace: usize,
    /// Kubernetes mode: this replica's name in the Lease (default:
    /// $POD_NAME, else the host name).
    #[arg(long, value_name = "NAME")]
    pub identity: Option<String>,
    /// Kubernetes mode: a directory whose files the resources may name by
    /// absolute path (an HR or account export, a CA certificate), e.g. a
    /// mounted volume. Repeatable; none by default, so resources read no
    /// file at all. Credentials always come from Secrets of the namespace.
    #[arg(long = "allow-files", value_name = "DIR", conflicts_with = "standalone")]
    pub allow_files: Vec<PathBuf>,
    #[command(flatten)]
    pub guard: GuardArgs,
    /// Keep the audit log and the roster in PostgreSQL (see `keyward apply
    /// --help`); several replicas may then share it. The password comes
    /// from KEYWARD_STATE_PASSWORD(_FILE) or, in Kubernetes,
    /// --state-password-secret.
    #[arg(long = "state", value_name = "URL", env = "KEYWARD_STATE", hide_env_values = true)]
    pub state: Option<String>,
    /// The chain in the database. Default: the namespace in Kubernetes,
    /// `default` with --standalone.
    #[arg(long, value_name = "NAME", env = "KEYWARD_STATE_CHAIN")]
    pub state_chain: Option<String>,
    /// Kubernetes mode: the Secret of the namespace holding the database
    /// password, as NAME/KEY.
    #[arg(long, value_name = "NAME/KEY", env = "KEYWARD_STATE_PASSWORD_SECRET", value_parser = parse_secret_ref, conflicts_with = "standalone")]
    pub state_password_secret: Option<(String, String)>,
}

/// `NAME/KEY` of a Secret.
fn parse_secret_ref(s: &str) -> Result<(String, String), String> {
    match s.split_once('/') {
        Some((name, key)) if !name.is_empty() && !key.is_empty() && !key.contains('/') => {
            Ok((name.to_owned(), key.to_owned()))
        }
        _ => Err("expected the Secret's name and key as NAME/KEY".to_owned()),
    }
}

/// Runs the controller until SIGTERM or Ctrl-C. (`--log-format` was used
/// when logging was set up, before this runs.)
pub async fn run(args: ControllerArgs) -> Result<ExitCode> {
    let ControllerArgs {
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
        namespaces,
        lease_name,
        shards,
        lease_duration,
        lease_renew,
        max_objects_per_namespace,
        identity,
        allow_files,
        guard,
        state,
        state_chain,
        state_password_secret,
    } = args;
    // clap has checked the flags: -f and --status-file only with
    // --standalone, and --standalone only with -f.
    if !standalone {
        let mut opts = keyward_controller::KubernetesOptions::new(namespace);
        opts.listen = listen;
        opts.resync = resync;
        opts.audit_log = audit_log;
        opts.checklist_dir = checklist_dir;
        // Read here, once; the value is never logged or shown.
        opts.webhook_secret = std::env::var(&webhook_secret_env).ok().and_then(keyward_controller::WebhookSecret::new);
        opts.webhook_secret_env = webhook_secret_env;
        opts.guard = guard.options();
        opts.lang = crate::language::current();
        opts.lease_name = lease_name;
        opts.namespaces = namespaces;
        opts.shards = shards;
        if lease_renew.saturating_mul(3) > lease_duration {
            anyhow::bail!(
                "--lease-renew {lease_renew:?} is more than a third of --lease-duration {lease_duration:?}: a Lease would expire after one failed renewal; renew more often or lengthen the Lease"
            );
        }
        opts.lease_duration = lease_duration;
        opts.renew_every = lease_renew;
        opts.max_objects = max_objects_per_namespace;
        opts.allow_files = allow_files;
        opts.state = state;
        opts.state_chain = state_chain;
        opts.state_password_secret = state_password_secret;
        if let Some(id) = identity {
            opts.identity = id;
        }
        keyward_controller::run_kubernetes(opts).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut opts = keyward_controller::StandaloneOptions::new(paths);
    opts.listen = listen;
    opts.resync = resync;
    opts.status_file = Some(status_file.unwrap_or_else(|| ".keyward/status.json".into()));
    opts.audit_log = audit_log;
    opts.checklist_dir = checklist_dir;
    if let Some(url) = state {
        let password = keyward_apply::state::PgState::password_from_env()?;
        opts.state = Some(keyward_apply::state::PgState::parse(&url, password)?);
    }
    if let Some(chain) = state_chain {
        opts.state_chain = chain;
    }
    // Read here, once; the value is never logged or shown.
    opts.webhook_secret = std::env::var(&webhook_secret_env).ok().and_then(keyward_controller::WebhookSecret::new);
    opts.webhook_secret_env = webhook_secret_env;
    opts.guard = guard.options();
    opts.lang = crate::language::current();
    keyward_controller::run_standalone(opts).await?;
    Ok(ExitCode::SUCCESS)
}
