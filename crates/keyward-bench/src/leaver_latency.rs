//! Leaver latency: from an HR termination event to the leaver's accounts
//! suspended in every app. Twenty real `scim2-server`s, each behind a proxy
//! that delays every request by the same amount (a SaaS API's round trip),
//! are reconciled by the controller's engine in enforce mode; then one
//! person's HR record says they left yesterday, and the person-scoped
//! reconcile an HR event triggers is timed. Also counts what the periodic
//! resync costs when nothing changes.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, ensure};
use jiff::civil::Date;
use keyward_controller::engine::{Engine, EngineConfig};
use keyward_testkit::{Fault, FaultProxy, Rule, ScimServer};
use serde_json::json;

const TOKEN: &str = "bench-token";

/// Sizes.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// SCIM apps (one server each).
    pub apps: usize,
    /// People (each with an account in every app).
    pub people: usize,
    /// Delay added to every request, one way.
    pub delay: Duration,
    /// Timed runs (each with another leaver).
    pub runs: usize,
    /// Resyncs counted when nothing changes.
    pub resyncs: usize,
    /// The plan date.
    pub at: Date,
}

/// What was measured.
#[derive(Debug)]
pub struct Figures {
    /// Each run's event-to-suspended time.
    pub latencies: Vec<Duration>,
    /// The same without the added delay.
    pub baseline: Vec<Duration>,
    /// Requests per app during one person reconcile (max over apps and runs).
    pub requests_per_app: usize,
    /// Requests of all resyncs when nothing changes.
    pub resync_requests: usize,
}

impl Figures {
    /// A Markdown report.
    pub fn markdown(&self, opts: &Options, command: &str) -> String {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
        let mut base = self.baseline.clone();
        base.sort();
        let base_median = base.get(base.len() / 2).copied().unwrap_or_default();
        let (min, max) = (sorted.first().copied().unwrap_or_default(), sorted.last().copied().unwrap_or_default());
        let rt = ms(opts.delay);
        let mut s = String::new();
        let _ = writeln!(s, "Command: `{command}`  ");
        let _ = writeln!(
            s,
            "{} SCIM apps, {} people each with an account in every app, {} ms added to every request.\n",
            opts.apps, opts.people, rt
        );
        let _ = writeln!(s, "| measure | value |");
        let _ = writeln!(s, "|---|---:|");
        let _ = writeln!(
            s,
            "| HR event → suspended in all {} apps, median of {} | {:.0} ms (min {:.0}, max {:.0}) |",
            opts.apps,
            sorted.len(),
            ms(median),
            ms(min),
            ms(max)
        );
        let _ = writeln!(s, "| the same without the added delay, median | {:.0} ms |", ms(base_median));
        let _ = writeln!(
            s,
            "| round trips the delay cost: (with − without) / delay | {:.2} |",
            (ms(median) - ms(base_median)) / rt.max(f64::MIN_POSITIVE)
        );
        let _ = writeln!(s, "| requests per app for one leaver | {} |", self.requests_per_app);
        let _ = writeln!(
            s,
            "| requests over {} resyncs with nothing to change | {} ({:.1} per app per resync) |",
            opts.resyncs,
            self.resync_requests,
            self.resync_requests as f64 / (opts.resyncs * opts.apps).max(1) as f64
        );
        s
    }
}

/// Runs the bench in `work`.
pub async fn run(opts: Options, work: &Path) -> Result<Figures> {
    ensure!(opts.people >= opts.runs * 2, "--people must be at least twice --runs: each timed run needs a new leaver");
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    std::fs::write(work.join("token"), TOKEN)?;
    let servers = futures::future::join_all((0..opts.apps).map(|_| ScimServer::start(TOKEN))).await;
    // Seed every app with every person, straight to the server.
    let mut user_ids: Vec<Vec<String>> = Vec::new();
    for server in &servers {
        let mut ids = Vec::new();
        for i in 0..opts.people {
            let email = format!("user{i:04}@example.com");
            let id = server
                .create_user(json!({"userName": email, "externalId": format!("E{i:04}"),
                    "emails": [{"value": email, "primary": true}], "active": true}))
                .await;
            ids.push(id);
        }
        user_ids.push(ids);
    }
    let proxies =
        futures::future::join_all(servers.iter().map(|s| async move { FaultProxy::start(&s.url()).await })).await;
    for p in &proxies {
        p.inject(Rule::any().always().fault(Fault::Delay(opts.delay)));
    }

    let write_hr = |leavers: usize| -> Result<()> {
        let mut hr = String::from("社員番号,氏名,メールアドレス,在籍状況,入社年月日,退職年月日\n");
        for i in 0..opts.people {
            let (status, end) = if i < leavers {
                ("退職済み", opts.at.yesterday().map(|d| d.to_string()).unwrap_or_default())
            } else {
                ("在籍", String::new())
            };
            let _ = writeln!(hr, "E{i:04},社員{i},user{i:04}@example.com,{status},2020-04-01,{end}");
        }
        std::fs::write(work.join("hr.csv"), hr).context("cannot write the HR file")
    };
    write_hr(0)?;
    let mut policy = String::from(
        "apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {name: hr}
spec:
  csv:
    path: hr.csv
    columns: {id: 社員番号, name: 氏名, email: メールアドレス, status: 在籍状況, startDate: 入社年月日, endDate: 退職年月日}
",
    );
    let mut grants = Vec::new();
    for (i, p) in proxies.iter().enumerate() {
        let _ = write!(
            policy,
            "---
apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {{name: app{i:02}}}
spec:
  mode: enforce
  connector:
    scim: {{url: '{}', token: {{file: token}}}}
  apply: {{requestsPerSecond: 1000, guard: {{maxDeprovision: 1000, maxDeprovisionPercent: 100}}}}
",
            p.url()
        );
        grants.push(format!("{{app: app{i:02}}}"));
    }
    let _ = write!(
        policy,
        "---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {{name: everyone}}
spec:
  select: {{}}
  grant: [{}]
",
        grants.join(", ")
    );
    std::fs::write(work.join("policies.yaml"), policy)?;
    let set = keyward::pipeline::load_policies(&[work.join("policies.yaml")])?.set;

    let engine = Engine::new(EngineConfig {
        audit_log: work.join("audit.jsonl"),
        checklist_dir: work.join("checklists"),
        guard: keyward_apply::GuardOptions::default(),
        metrics: keyward_controller::metrics::Metrics::new(),
        lang: keyward_core::i18n::Lang::En,
    })?;
    // Warm up as a running controller is: connectors built, discovery and
    // group ids cached.
    let first = engine.reconcile_all(&set, opts.at).await;
    ensure!(first.is_ok(), "the first reconcile failed: {first:?}");

    let mut latencies = Vec::new();
    let mut baseline = Vec::new();
    let mut requests_per_app = 0;
    // First with the delay, then the same without it: the difference is
    // what the round trips cost, the rest is local work (mostly the
    // emulated servers sharing this machine's cores).
    for run in 0..opts.runs * 2 {
        if run == opts.runs {
            for p in &proxies {
                p.clear();
            }
        }
        write_hr(run + 1)?;
        for p in &proxies {
            p.reset_log();
        }
        let who = format!("E{run:04}");
        let started = Instant::now();
        let report = engine.reconcile_person(&set, &who, opts.at).await;
        let took = started.elapsed();
        ensure!(report.is_ok() && report.applied() as usize == opts.apps, "run {run}: {report:?}");
        if run < opts.runs {
            latencies.push(took);
        } else {
            baseline.push(took);
        }
        requests_per_app = requests_per_app.max(proxies.iter().map(FaultProxy::count).max().unwrap_or(0));
        for (server, ids) in servers.iter().zip(&user_ids) {
            let u = server.user(&ids[run]).await.context("the leaver's account vanished")?;
            ensure!(u["active"] == false, "{who} is still active in {}", server.url());
        }
    }

    for p in &proxies {
        p.inject(Rule::any().always().fault(Fault::Delay(opts.delay)));
        p.reset_log();
    }
    for _ in 0..opts.resyncs {
        let r = engine.reconcile_all(&set, opts.at).await;
        ensure!(r.is_ok() && r.applied() == 0, "a resync changed something: {r:?}");
    }
    let resync_requests = proxies.iter().map(FaultProxy::count).sum();
    Ok(Figures { latencies, baseline, requests_per_app, resync_requests })
}
