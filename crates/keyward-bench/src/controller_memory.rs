//! The controller's memory with many organisations: one `keyward
//! controller` process (the real binary) on the Kubernetes emulator
//! (kmock), watching one namespace per organisation. Each organisation has
//! a CSV HR export of `people` people and `apps` Applications listed from
//! CSV exports (one account per person, a few leavers' accounts left
//! open), everyone granted every app. Once every Application has a status
//! (each organisation reconciled) and two more resyncs have passed, the
//! process's peak and current resident memory are read from
//! `/proc/PID/status` (Linux).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use keyward_testkit::KubeEmulator;
use serde_json::{Value, json};

/// Sizes.
#[derive(Debug, Clone)]
pub struct Options {
    /// The `keyward` binary to run.
    pub keyward: PathBuf,
    /// Organisations (namespaces).
    pub orgs: usize,
    /// People per organisation.
    pub people: usize,
    /// Applications per organisation.
    pub apps: usize,
}

/// What was measured.
#[derive(Debug)]
pub struct Figures {
    /// `VmHWM`, KiB.
    pub peak_kib: u64,
    /// `VmRSS` at the end, KiB.
    pub rss_kib: u64,
    /// Until every organisation was reconciled once.
    pub first_round: Duration,
}

impl Figures {
    /// A Markdown report.
    pub fn markdown(&self, opts: &Options, command: &str) -> String {
        let mib = |k: u64| k as f64 / 1024.0;
        let mut out = String::new();
        let _ = writeln!(out, "- Command: `{command}`\n");
        let _ = writeln!(
            out,
            "| organisations | people each | apps each | accounts in all | every org reconciled after | peak RSS | RSS after |"
        );
        let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.1} s | {:.0} MiB | {:.0} MiB |",
            opts.orgs,
            opts.people,
            opts.apps,
            opts.orgs * opts.apps * opts.people,
            self.first_round.as_secs_f64(),
            mib(self.peak_kib),
            mib(self.rss_kib)
        );
        out
    }
}

fn object(ns: &str, kind: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": "keyward.io/v1alpha1", "kind": kind, "metadata": {"name": name, "namespace": ns, "generation": 1}, "spec": spec})
}

fn proc_status_kib(pid: u32, field: &str) -> Result<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).context("cannot read /proc/PID/status")?;
    let line =
        text.lines().find(|l| l.starts_with(field)).with_context(|| format!("no {field} in /proc/{pid}/status"))?;
    let kib = line.split_whitespace().nth(1).context("a number of kB")?;
    Ok(kib.parse()?)
}

/// Writes the organisations, runs the controller, measures.
pub async fn run(opts: &Options, work: &Path) -> Result<Figures> {
    if !opts.keyward.is_file() {
        bail!(
            "{} is not a file: build it with `cargo build --release -p keyward` or pass --keyward",
            opts.keyward.display()
        );
    }
    let k8s = KubeEmulator::start().await;
    let mut namespaces = Vec::new();
    for o in 0..opts.orgs {
        let ns = format!("org{o:02}");
        let dir = work.join(&ns);
        std::fs::create_dir_all(&dir)?;
        let mut hr = String::from("id,email,status\n");
        for p in 0..opts.people {
            let _ = writeln!(hr, "{ns}-{p:05},{ns}-{p:05}@example.com,active");
        }
        std::fs::write(dir.join("hr.csv"), hr)?;
        let columns = json!({"id": "id", "email": "email", "status": "status"});
        let hr_path = dir.join("hr.csv");
        k8s.create(
            "peoplesources",
            object(&ns, "PeopleSource", "hr", json!({"csv": {"path": hr_path, "columns": columns}})),
        )
        .await;
        let mut grants = Vec::new();
        for a in 0..opts.apps {
            let app = format!("app{a}");
            // Everyone has an account but the last few, and a few
            // accounts belong to no one: a plan with some changes.
            let mut export = String::from("id,email,status\n");
            for p in 0..opts.people.saturating_sub(5) {
                let _ = writeln!(export, "{app}-{p},{ns}-{p:05}@example.com,active");
            }
            for x in 0..5 {
                let _ = writeln!(export, "{app}-x{x},gone{x}@example.com,active");
            }
            let path = dir.join(format!("{app}.csv"));
            std::fs::write(&path, export)?;
            let connector =
                json!({"csvExport": {"path": path, "columns": {"id": "id", "email": "email", "status": "status"}}});
            k8s.create(
                "applications",
                object(
                    &ns,
                    "Application",
                    &app,
                    json!({"mode": "observe", "connector": connector, "roles": ["member"]}),
                ),
            )
            .await;
            grants.push(json!({"app": app, "role": "member"}));
        }
        k8s.create("accesspolicies", object(&ns, "AccessPolicy", "everyone", json!({"select": {}, "grant": grants})))
            .await;
        namespaces.push(ns);
    }
    let kubeconfig = work.join("kubeconfig");
    k8s.write_kubeconfig(&kubeconfig, &namespaces[0]);
    let state = work.join("state");
    std::fs::create_dir_all(&state)?;
    let resync = Duration::from_secs(10);
    let args = [
        "--namespace".to_owned(),
        namespaces[0].clone(),
        "--namespaces".to_owned(),
        namespaces.join(","),
        "--resync".to_owned(),
        "10s".to_owned(),
    ];
    let log = work.join("controller.log");
    let mut child = crate::handover::spawn_controller(&opts.keyward, &args, work, &kubeconfig, &state, &log)?;
    let pid = child.id().context("the controller's pid")?;
    let started = Instant::now();
    loop {
        if started.elapsed() > Duration::from_secs(600) {
            bail!("not every organisation was reconciled within 600 s; log: {}", work.join("controller.log").display());
        }
        let mut done = true;
        for ns in &namespaces {
            let apps = k8s.list("keyward.io/v1alpha1", ns, "applications").await;
            done &= apps.iter().all(|a| !a["status"].is_null());
        }
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let first_round = started.elapsed();
    tokio::time::sleep(resync * 2).await;
    let figures =
        Figures { peak_kib: proc_status_kib(pid, "VmHWM:")?, rss_kib: proc_status_kib(pid, "VmRSS:")?, first_round };
    child.start_kill()?;
    child.wait().await?;
    Ok(figures)
}
