//! Shard hand-over time: several `keyward controller --shards` processes
//! (the real binary) against the Kubernetes emulator (kmock, started by
//! keyward-testkit), one namespace whose Applications each stand in front
//! of a real `scim2-server`. Once every shard has had the same holder for
//! three renewals, the replica holding the most shards is SIGKILLed, and
//! the time until each of its shards' Leases names a live replica is
//! measured. A dead replica's shard Lease is free one Lease duration after
//! its last renewal, so the expected figure is between the duration minus
//! one renewal period and the duration plus one renewal round.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use keyward_testkit::{KubeEmulator, ScimServer};
use serde_json::{Value, json};

const NS: &str = "bench";
const TOKEN: &str = "bench-token";
/// `TOKEN` in base64, as a Secret carries it.
const TOKEN_BASE64: &str = "YmVuY2gtdG9rZW4=";
const LEASES: &str = "coordination.k8s.io/v1";

/// Sizes and timings.
#[derive(Debug, Clone)]
pub struct Options {
    /// The `keyward` binary to run.
    pub keyward: PathBuf,
    /// Controller processes.
    pub replicas: usize,
    /// Applications, one shard each.
    pub apps: usize,
    /// Kills timed, each on a fresh emulator.
    pub runs: usize,
    /// `--lease-duration`.
    pub lease: Duration,
    /// `--lease-renew`.
    pub renew: Duration,
}

/// What one kill measured.
#[derive(Debug, Clone)]
pub struct Kill {
    /// Shards the killed replica held.
    pub shards: usize,
    /// Until the first of them named a live replica.
    pub first: Duration,
    /// Until all of them did.
    pub all: Duration,
}

/// Every kill.
#[derive(Debug)]
pub struct Figures {
    /// One per run.
    pub kills: Vec<Kill>,
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

impl Figures {
    /// A Markdown report.
    pub fn markdown(&self, opts: &Options, command: &str) -> String {
        let mut out = String::new();
        let all: Vec<Duration> = self.kills.iter().map(|k| k.all).collect();
        let first: Vec<Duration> = self.kills.iter().map(|k| k.first).collect();
        let _ = writeln!(out, "- Command: `{command}`");
        let _ = writeln!(
            out,
            "- {} replicas, {} shards, Lease {}, renewed every {}\n",
            opts.replicas,
            opts.apps,
            secs(opts.lease),
            secs(opts.renew)
        );
        let _ =
            writeln!(out, "| runs | shards moved per kill | first moved (median / max) | all moved (median / max) |");
        let _ =
            writeln!(out, "|-----:|---------------------:|---------------------------:|-------------------------:|");
        let shards: Vec<String> = self.kills.iter().map(|k| k.shards.to_string()).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} / {} | {} / {} |",
            self.kills.len(),
            shards.join(", "),
            secs(median(first.clone())),
            secs(first.iter().copied().max().unwrap_or_default()),
            secs(median(all.clone())),
            secs(all.iter().copied().max().unwrap_or_default()),
        );
        out
    }
}

fn object(kind: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": "keyward.io/v1alpha1", "kind": kind, "metadata": {"name": name, "namespace": NS, "generation": 1}, "spec": spec})
}

async fn holder(k8s: &KubeEmulator, app: &str) -> Option<String> {
    let lease = k8s.get(LEASES, NS, "leases", &format!("keyward-controller-shard-{app}")).await?;
    let who = lease["spec"]["holderIdentity"].as_str()?.to_owned();
    (!who.is_empty()).then_some(who)
}

async fn holders(k8s: &KubeEmulator, apps: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for app in apps {
        if let Some(who) = holder(k8s, app).await {
            out.insert(app.clone(), who);
        }
    }
    out
}

/// Runs `opts.runs` kills and measures each.
pub async fn run(opts: &Options, work: &Path) -> Result<Figures> {
    if !opts.keyward.is_file() {
        bail!(
            "{} is not a file: build it with `cargo build --release -p keyward` or pass --keyward",
            opts.keyward.display()
        );
    }
    let mut kills = Vec::new();
    for n in 0..opts.runs {
        let dir = work.join(format!("run-{n}"));
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        kills.push(one(opts, &dir).await?);
        eprintln!("run {}: {:?}", n + 1, kills.last());
    }
    Ok(Figures { kills })
}

async fn one(opts: &Options, dir: &Path) -> Result<Kill> {
    let k8s = KubeEmulator::start().await;
    let hr = dir.join("hr.csv");
    std::fs::write(&hr, "id,email,status\n").context("cannot write the HR file")?;
    let columns = json!({"id": "id", "email": "email", "status": "status"});
    k8s.create("peoplesources", object("PeopleSource", "hr", json!({"csv": {"path": hr, "columns": columns}}))).await;
    k8s.create(
        "secrets",
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "creds", "namespace": NS}, "data": {"scim-token": TOKEN_BASE64}}),
    )
    .await;
    let mut servers = Vec::new();
    let mut apps = Vec::new();
    for i in 0..opts.apps {
        let scim = ScimServer::start(TOKEN).await;
        let name = format!("app{i:02}");
        let connector =
            json!({"scim": {"url": scim.url(), "token": {"secret": {"name": "creds", "key": "scim-token"}}}});
        k8s.create("applications", object("Application", &name, json!({"mode": "enforce", "connector": connector})))
            .await;
        servers.push(scim);
        apps.push(name);
    }
    let kubeconfig = dir.join("kubeconfig");
    k8s.write_kubeconfig(&kubeconfig, NS);
    let mut children = BTreeMap::new();
    for r in 0..opts.replicas {
        let name = format!("r{r}");
        let state = dir.join(&name);
        std::fs::create_dir_all(&state)?;
        let args = [
            "--namespace".to_owned(),
            NS.to_owned(),
            "--shards".to_owned(),
            "--identity".to_owned(),
            name.clone(),
            "--lease-duration".to_owned(),
            format!("{}ms", opts.lease.as_millis()),
            "--lease-renew".to_owned(),
            format!("{}ms", opts.renew.as_millis()),
            "--resync".to_owned(),
            "30s".to_owned(),
        ];
        let child = spawn_controller(&opts.keyward, &args, dir, &kubeconfig, &state, &dir.join(format!("{name}.log")))?;
        children.insert(name, child);
    }

    // Settled: every shard held, the same holders for three renewals.
    let (mut settled, mut since, started) = (BTreeMap::new(), Instant::now(), Instant::now());
    while settled.len() < apps.len() || since.elapsed() < opts.renew * 3 {
        if started.elapsed() > Duration::from_secs(120) {
            bail!("the shards did not settle within 120 s: {settled:?}; logs in {}", dir.display());
        }
        let now = holders(&k8s, &apps).await;
        if now != settled {
            (settled, since) = (now, Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for who in settled.values() {
        *counts.entry(who.as_str()).or_default() += 1;
    }
    let Some((victim, _)) = counts.iter().max_by_key(|(_, n)| **n) else { bail!("no shard held") };
    let victim = (*victim).to_owned();
    let theirs: Vec<String> = settled.iter().filter(|(_, h)| **h == victim).map(|(a, _)| a.clone()).collect();
    let mut child = children.remove(&victim).context("the victim is one of the replicas")?;
    child.start_kill().context("cannot kill the replica")?;
    let killed = Instant::now();
    child.wait().await?;

    let mut first = None;
    let mut moved: BTreeMap<String, Duration> = BTreeMap::new();
    while moved.len() < theirs.len() {
        if killed.elapsed() > opts.lease * 4 + Duration::from_secs(10) {
            bail!("shards {theirs:?} did not move within {:?}; logs in {}", killed.elapsed(), dir.display());
        }
        for app in &theirs {
            if moved.contains_key(app) {
                continue;
            }
            if holder(&k8s, app).await.is_some_and(|h| h != victim) {
                let at = killed.elapsed();
                first.get_or_insert(at);
                moved.insert(app.clone(), at);
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let all = moved.values().copied().max().unwrap_or_default();
    drop(children);
    drop(servers);
    Ok(Kill { shards: theirs.len(), first: first.unwrap_or_default(), all })
}

/// Starts `keyward controller ARGS` on the emulator of `kubeconfig`,
/// allowed to read the files under `files`, with its audit log and
/// checklists in `state` and its log in `log`; killed when dropped.
pub(crate) fn spawn_controller(
    keyward: &Path,
    args: &[String],
    files: &Path,
    kubeconfig: &Path,
    state: &Path,
    log: &Path,
) -> Result<tokio::process::Child> {
    tokio::process::Command::new(keyward)
        .arg("controller")
        .args(args)
        .args(["--listen", "127.0.0.1:0", "--allow-files"])
        .arg(files)
        .arg("--audit-log")
        .arg(state.join("audit.jsonl"))
        .arg("--checklist-dir")
        .arg(state.join("checklists"))
        .env("KUBECONFIG", kubeconfig)
        .env_remove("POD_NAMESPACE")
        .env_remove("KEYWARD_NAMESPACES")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot run {}", keyward.display()))
}
