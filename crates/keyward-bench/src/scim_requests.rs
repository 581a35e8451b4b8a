//! How many HTTP requests a full SCIM reconcile costs, against the least
//! any client could send: the pages needed to list users and groups, plus
//! one call per change. Runs a real `scim2-server` behind the counting
//! proxy of keyward-testkit, seeded with a synthetic organisation in which
//! every lifecycle case occurs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};
use jiff::ToSpan as _;
use jiff::civil::Date;
use keyward_core::action::Action;
use keyward_testkit::{FaultProxy, ScimServer};
use serde_json::json;

const TOKEN: &str = "bench-token";

/// Sizes of the synthetic organisation.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// People in the HR data.
    pub people: usize,
    /// Users asked for per page.
    pub page_size: u32,
    /// The plan date.
    pub at: Date,
}

/// What one reconcile sent.
#[derive(Debug, Default, Clone)]
pub struct Count {
    /// Requests by `METHOD kind` (`GET /Users page`).
    pub by_kind: BTreeMap<String, usize>,
    /// All requests.
    pub total: usize,
    /// Pages needed to list users and groups.
    pub min_pages: usize,
    /// Changes carried out.
    pub changes: usize,
}

impl Count {
    /// The least a client could send.
    pub fn minimum(&self) -> usize {
        self.min_pages + self.changes
    }
}

/// Figures of one bench run.
#[derive(Debug)]
pub struct Figures {
    /// Users on the server before the reconcile.
    pub users: usize,
    /// Groups on the server.
    pub groups: usize,
    /// The reconcile that changes things.
    pub apply: Count,
    /// The next reconcile, with nothing left to change.
    pub steady: Count,
    /// Planned changes by action.
    pub actions: BTreeMap<&'static str, usize>,
}

impl Figures {
    /// A Markdown table for BENCHMARKS.md.
    pub fn markdown(&self, command: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Command: `{command}`  ");
        let _ = writeln!(s, "Server: {} users, {} groups before the run.  ", self.users, self.groups);
        let acts: Vec<String> = self.actions.iter().map(|(a, n)| format!("{n} {a}")).collect();
        let _ = writeln!(s, "Changes: {}.\n", acts.join(", "));
        let _ = writeln!(s, "| reconcile | requests | minimum (pages + changes) | ratio |");
        let _ = writeln!(s, "|---|---:|---:|---:|");
        for (name, c) in [("apply (plan + changes)", &self.apply), ("steady state (nothing to do)", &self.steady)] {
            let _ = writeln!(
                s,
                "| {name} | {} | {} ({} + {}) | {:.2} |",
                c.total,
                c.minimum(),
                c.min_pages,
                c.changes,
                c.total as f64 / c.minimum().max(1) as f64
            );
        }
        let _ = writeln!(s, "\nRequests of the apply reconcile by kind:\n");
        let _ = writeln!(s, "| request | count |");
        let _ = writeln!(s, "|---|---:|");
        for (k, n) in &self.apply.by_kind {
            let _ = writeln!(s, "| `{k}` | {n} |");
        }
        s
    }
}

/// Deterministic organisation: `(id, email, dept, end date, state)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// Employed, account as wanted.
    Steady,
    /// Starts on the plan date, no account: create.
    Joiner,
    /// Left a few days ago, account active: suspend.
    RecentLeaver,
    /// Left long ago, account suspended: delete.
    OldLeaver,
    /// Employed, account lacks the department group: update.
    MissingGroup,
    /// Employed again, account suspended: restore.
    Rehire,
}

fn case(i: usize) -> Case {
    match i % 50 {
        0..=4 => Case::Joiner,
        5..=8 => Case::RecentLeaver,
        9..=10 => Case::OldLeaver,
        11..=13 => Case::MissingGroup,
        14 => Case::Rehire,
        _ => Case::Steady,
    }
}

const DEPTS: [&str; 4] = ["営業本部", "開発本部", "管理本部", "マーケティング本部"];
const GROUPS: [&str; 4] = ["sales", "engineering", "backoffice", "marketing"];

/// Runs the bench.
pub async fn run(opts: Options, work: &Path) -> Result<Figures> {
    let server = ScimServer::start(TOKEN).await;
    let mut hr = String::from("社員番号,氏名,メールアドレス,部署,在籍状況,入社年月日,退職年月日\n");
    let mut group_members: Vec<Vec<String>> = vec![Vec::new(); GROUPS.len()];
    let mut users = 0usize;
    for i in 0..opts.people {
        let c = case(i);
        let id = format!("E{i:05}");
        let email = format!("user{i:05}@example.com");
        let d = i % DEPTS.len();
        let (status, start, end) = match c {
            Case::Joiner => ("在籍", opts.at.to_string(), String::new()),
            Case::RecentLeaver => ("退職済み", "2020-04-01".to_owned(), opts.at.saturating_sub(3.days()).to_string()),
            Case::OldLeaver => ("退職済み", "2020-04-01".to_owned(), opts.at.saturating_sub(120.days()).to_string()),
            Case::Rehire => ("在籍", opts.at.saturating_sub(10.days()).to_string(), String::new()),
            Case::Steady | Case::MissingGroup => ("在籍", "2020-04-01".to_owned(), String::new()),
        };
        let _ = writeln!(hr, "{id},社員{i},{email},{},{status},{start},{end}", DEPTS[d]);
        if c == Case::Joiner {
            continue;
        }
        let active = !matches!(c, Case::OldLeaver | Case::Rehire);
        let uid = server
            .create_user(json!({
                "userName": email, "externalId": id, "displayName": format!("社員{i}"),
                "emails": [{"value": email, "type": "work", "primary": true}],
                "active": active, "roles": [{"value": "member", "primary": true}],
            }))
            .await;
        users += 1;
        if c != Case::MissingGroup {
            group_members[d].push(uid);
        }
    }
    for (g, members) in GROUPS.iter().zip(&group_members) {
        let refs: Vec<&str> = members.iter().map(String::as_str).collect();
        server.create_group(g, &refs).await;
    }

    let proxy = FaultProxy::start(&server.url()).await;
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    std::fs::write(work.join("hr.csv"), hr)?;
    std::fs::write(work.join("token"), TOKEN)?;
    let mut policies = format!(
        "apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {{name: hr}}
spec:
  csv:
    path: hr.csv
    columns: {{id: 社員番号, name: 氏名, email: メールアドレス, department: 部署, status: 在籍状況, startDate: 入社年月日, endDate: 退職年月日}}
---
apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {{name: chat}}
spec:
  connector:
    scim: {{url: '{}', token: {{file: token}}, pageSize: {}}}
  roles: [member, admin]
  lifecycle: {{offboarding: {{deleteAfter: 90d}}}}
  apply: {{concurrency: 4, requestsPerSecond: 1000, guard: {{maxDeprovision: 100000, maxDeprovisionPercent: 100}}}}
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {{name: everyone}}
spec:
  select: {{}}
  grant: [{{app: chat, role: member}}]
",
        proxy.url(),
        opts.page_size
    );
    for (d, g) in DEPTS.iter().zip(GROUPS) {
        let _ = write!(
            policies,
            "---\napiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {{name: {g}}}\nspec:\n  select: {{department: ['{d}']}}\n  grant: [{{app: chat, groups: [{g}]}}]\n"
        );
    }
    std::fs::write(work.join("policies.yaml"), policies)?;

    let paths = vec![work.join("policies.yaml")];
    let pages = |n: usize| n.div_ceil(opts.page_size as usize).max(1);
    let min_pages = pages(users) + pages(GROUPS.len());

    // The reconcile that changes things.
    proxy.reset_log();
    let (changes, actions) = reconcile(&paths, opts.at, work, true).await?;
    let apply = count(&proxy, min_pages, changes);
    // The next one: nothing left.
    proxy.reset_log();
    let users_after = server.users().await.len();
    let (changes, _) = reconcile(&paths, opts.at, work, true).await?;
    let steady = count(&proxy, pages(users_after) + pages(GROUPS.len()), changes);
    Ok(Figures { users, groups: GROUPS.len(), apply, steady, actions })
}

async fn reconcile(
    paths: &[std::path::PathBuf],
    at: Date,
    work: &Path,
    apply: bool,
) -> Result<(usize, BTreeMap<&'static str, usize>)> {
    let loaded = keyward::pipeline::load_policies(paths)?;
    let people = keyward::pipeline::read_people(&loaded.set).await?;
    let connectors = keyward::pipeline::connect(&loaded.set)?;
    let listings = keyward::pipeline::list_with(&loaded.set, &connectors).await?;
    let plan = keyward_core::plan(&loaded.set, &people, &listings, at)?;
    let mut actions = BTreeMap::new();
    for c in plan.changes.iter().filter(|c| c.action != Action::Review) {
        *actions.entry(c.action.as_str()).or_insert(0) += 1;
    }
    let changes: usize = actions.values().sum();
    if apply && changes > 0 {
        let audit = keyward_apply::AuditLog::open(work.join("audit.jsonl"))?;
        // The synthetic day opens many accounts on purpose; the guards
        // are not what this counts, so the mass-create one is lifted as an
        // operator would with --allow-mass-create.
        let guard = keyward_apply::GuardOptions { allow_mass_create: true, ..keyward_apply::GuardOptions::default() };
        let applier = keyward_apply::Applier::new(audit, work.join("checklists"), guard);
        let connectors: BTreeMap<String, std::sync::Arc<dyn keyward_connectors::Connector>> =
            connectors.into_iter().map(|(app, c)| (app, c.into())).collect();
        let prepared = applier.prepare(plan, &loaded.set, &connectors, keyward_apply::Scope::EveryApp).await;
        let report = applier.apply(prepared, &keyward_apply::new_run_id()).await;
        anyhow::ensure!(
            !report.is_partial() && !report.is_refused(),
            "the apply failed:\n{}",
            report.render_text(keyward_core::i18n::Lang::En)
        );
    }
    Ok((changes, actions))
}

fn count(proxy: &FaultProxy, min_pages: usize, changes: usize) -> Count {
    let mut by_kind = BTreeMap::new();
    let requests = proxy.requests();
    for r in &requests {
        let path = r.path.split('?').next().unwrap_or("");
        let tail = path.rsplit("/v2").next().unwrap_or(path);
        let mut parts = tail.trim_start_matches('/').split('/');
        let resource = parts.next().unwrap_or("");
        let kind = match (r.method.as_str(), parts.next().is_some(), r.path.contains("filter=")) {
            ("GET", false, true) => format!("GET /{resource}?filter="),
            ("GET", false, false) if resource == "ServiceProviderConfig" => "GET /ServiceProviderConfig".to_owned(),
            ("GET", false, false) => format!("GET /{resource} page"),
            (m, true, _) => format!("{m} /{resource}/{{id}}"),
            (m, false, _) => format!("{m} /{resource}"),
        };
        *by_kind.entry(kind).or_insert(0) += 1;
    }
    Count { by_kind, total: requests.len(), min_pages, changes }
}
