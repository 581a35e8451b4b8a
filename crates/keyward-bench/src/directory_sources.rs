//! The directory HR sources' mapping (issue #6): Google Workspace and
//! Microsoft Graph users' JSON to people, through the functions the
//! sources call after their last page ([`keyward_sources::google::map_users`],
//! [`keyward_sources::graph::map_users`]), with the field mapping of the
//! PeopleSources in `examples/vendors/` (paths into custom schemas and
//! extension attributes, Japanese employment-type labels, Asia/Tokyo). For
//! Graph's delta queries it also times merging a change set into a cached
//! state ([`keyward_sources::graph::merge`]) and the whole of what a delta
//! reconcile computes once the changes have arrived: merge, then map the
//! merged state where it is kept.
//!
//! Network time is not measured: the users are generated in memory,
//! deterministically from the seed, shaped as the APIs return them (Google
//! with `projection=custom`, Graph with the `$select` the source sends).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use keyward_core::compile::PolicySet;
use keyward_core::load::SourceFile;
use serde_json::{Value, json};

use crate::rng::Rng;

/// The PeopleSources whose mapping is timed: the examples admins copy.
const GOOGLE_SOURCE: (&str, &str) =
    ("examples/vendors/google-directory.yaml", include_str!("../../../examples/vendors/google-directory.yaml"));
const GRAPH_SOURCE: (&str, &str) =
    ("examples/vendors/microsoft-graph-hr.yaml", include_str!("../../../examples/vendors/microsoft-graph-hr.yaml"));

/// What to measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// Directory sizes (users) to map.
    pub sizes: Vec<usize>,
    /// The size of the cached state a delta round is merged into.
    pub delta_users: usize,
    /// The delta round's size, in per cent of `delta_users`.
    pub delta_percent: f64,
    /// Timed repetitions of each measurement.
    pub runs: usize,
    /// PRNG seed.
    pub seed: u64,
}

/// Timings of one measurement.
#[derive(Debug, Clone)]
pub struct Timing {
    /// What was timed.
    pub what: String,
    /// Users in the input.
    pub users: usize,
    /// People the mapping yielded (0 for the merge alone).
    pub people: usize,
    /// Every run.
    pub runs: Vec<Duration>,
}

impl Timing {
    /// The median run (the lower middle for an even count).
    pub fn median(&self) -> Duration {
        let mut r = self.runs.clone();
        r.sort();
        r.get(r.len().saturating_sub(1) / 2).copied().unwrap_or_default()
    }

    /// The fastest run.
    pub fn min(&self) -> Duration {
        self.runs.iter().min().copied().unwrap_or_default()
    }
}

/// Every measurement of one bench run.
#[derive(Debug, Clone)]
pub struct Figures {
    /// In the order they were taken.
    pub timings: Vec<Timing>,
    /// Changes in the delta round: (changed, added, removed).
    pub delta: (usize, usize, usize),
}

impl Figures {
    /// A Markdown table for BENCHMARKS.md.
    pub fn markdown(&self, opts: &Options, command: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Command: `{command}`  ");
        let (changed, added, removed) = self.delta;
        let _ = writeln!(
            s,
            "Runs: {} per row (median, and the fastest). Delta round: {} changes into {} cached users \
             ({changed} changed, {added} added, {removed} removed).\n",
            opts.runs,
            changed + added + removed,
            opts.delta_users
        );
        let _ = writeln!(s, "| measure | users | people | median | fastest | per user (median) |");
        let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|");
        for t in &self.timings {
            let median = t.median();
            let per_user = if t.users == 0 { 0.0 } else { median.as_secs_f64() * 1e6 / t.users as f64 };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.1} ms | {:.1} ms | {per_user:.2} µs |",
                t.what,
                t.users,
                t.people,
                median.as_secs_f64() * 1e3,
                t.min().as_secs_f64() * 1e3,
            );
        }
        s
    }
}

/// Runs every measurement.
pub fn run(opts: &Options) -> Result<Figures> {
    if opts.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let google_set = policy_set(GOOGLE_SOURCE)?;
    let graph_set = policy_set(GRAPH_SOURCE)?;
    let mut timings = Vec::new();
    for &n in &opts.sizes {
        let users = google_users(n, opts.seed);
        timings.push(time_mapping("Google: map users", &users, opts.runs, |u| {
            keyward_sources::google::map_users(&google_set, 0, u)
        })?);
        let users = graph_users(n, opts.seed);
        timings.push(time_mapping("Graph: map users", &users, opts.runs, |u| {
            keyward_sources::graph::map_users(&graph_set, 0, u)
        })?);
    }

    // Graph delta: a cached state as a delta round left it, then one round
    // of changes.
    let cached: BTreeMap<String, Value> = graph_users(opts.delta_users, opts.seed)
        .into_iter()
        .filter_map(|u| Some((u.get("id")?.as_str()?.to_owned(), u)))
        .collect();
    let (changes, delta) = delta_round(&cached, opts.delta_percent, opts.seed);
    let n = changes.len();
    let mut merge_runs = Vec::with_capacity(opts.runs);
    let mut reconcile_runs = Vec::with_capacity(opts.runs);
    let mut people = 0;
    for _ in 0..opts.runs {
        // The copies are made outside the timed part: a delta read owns its
        // state and its round's changes already.
        let (mut state, round) = (cached.clone(), changes.clone());
        let start = Instant::now();
        keyward_sources::graph::merge(&mut state, round);
        merge_runs.push(start.elapsed());

        let (mut state, round) = (cached.clone(), changes.clone());
        let start = Instant::now();
        keyward_sources::graph::merge(&mut state, round);
        let (_, mapped) = keyward_sources::graph::map_users(&graph_set, 0, state.values())
            .map_err(|e| anyhow::anyhow!("the merged Graph users do not map: {e}"))?;
        reconcile_runs.push(start.elapsed());
        people = mapped.len();
        drop((state, mapped));
    }
    timings.push(Timing {
        what: format!("Graph delta: merge {n} changes"),
        users: cached.len(),
        people: 0,
        runs: merge_runs,
    });
    timings.push(Timing {
        what: format!("Graph delta: merge {n} changes, map the state"),
        users: cached.len(),
        people,
        runs: reconcile_runs,
    });
    Ok(Figures { timings, delta })
}

fn policy_set((path, text): (&str, &str)) -> Result<PolicySet> {
    let files = vec![SourceFile { path: path.to_owned(), text: text.to_owned() }];
    let loaded = PolicySet::load(path, files).map_err(|d| anyhow::anyhow!("{path} does not load: {d:?}"))?;
    Ok(loaded.set)
}

fn time_mapping<E: std::fmt::Display>(
    what: &str,
    users: &[Value],
    runs: usize,
    map: impl Fn(&[Value]) -> Result<(keyward_core::people::SourceInfo, Vec<keyward_core::Person>), E>,
) -> Result<Timing> {
    let mut times = Vec::with_capacity(runs);
    let mut people = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let (_, mapped) = map(users).map_err(|e| anyhow::anyhow!("{what}: the generated users do not map: {e}"))?;
        times.push(start.elapsed());
        people = mapped.len();
    }
    Ok(Timing { what: what.to_owned(), users: users.len(), people, runs: times })
}

// ---------------------------------------------------------------- generated users

const FAMILY: [&str; 12] =
    ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"];
const GIVEN: [&str; 12] = ["太郎", "花子", "健", "美咲", "翔太", "結衣", "大輔", "陽菜", "蓮", "さくら", "誠", "愛"];
const DEPARTMENTS: [&str; 10] = [
    "営業本部/第一営業部",
    "営業本部/第二営業部",
    "営業本部/カスタマーサクセス部",
    "開発本部/プラットフォーム部",
    "開発本部/プロダクト部",
    "管理本部/人事部",
    "管理本部/経理部",
    "管理本部/情報システム部",
    "経営企画室",
    "マーケティング本部/広報部",
];
const TITLES: [&str; 6] = ["部長", "課長", "マネージャー", "エンジニア", "担当", "室長"];
/// Labels the examples understand: built in, or in their `values:`.
const EMPLOYMENT: [(&str, u32); 7] =
    [("正社員", 70), ("契約社員", 10), ("アルバイト", 6), ("派遣社員", 4), ("業務委託", 5), ("嘱託", 3), ("役員", 2)];

fn employment(r: &mut Rng) -> &'static str {
    r.choose(&EMPLOYMENT, "正社員")
}

fn employee_id(i: usize) -> String {
    format!("E{i:06}")
}

fn email(i: usize) -> String {
    format!("user{i:06}@example.com")
}

/// A manager among the first tenth, never oneself.
fn manager_of(i: usize, n: usize, r: &mut Rng) -> usize {
    let m = r.index((n / 10).max(1));
    if m == i { (m + 1) % n.max(1) } else { m }
}

fn day(r: &mut Rng, from_year: i32, to_year: i32) -> String {
    format!("{}-{:02}-{:02}", r.range(from_year, to_year), r.range(1, 13), r.range(1, 29))
}

/// Google users as `users.list` with `projection=custom&customFieldMask=HR`
/// returns them: the basic fields and the `HR` schema.
pub fn google_users(n: usize, seed: u64) -> Vec<Value> {
    let mut r = Rng::derive(seed, 601);
    (0..n)
        .map(|i| {
            let (family, given) = (FAMILY[r.index(FAMILY.len())], GIVEN[r.index(GIVEN.len())]);
            let suspended = r.chance(0.03);
            let mut organizations = vec![json!({
                "primary": true,
                "customType": "",
                "department": DEPARTMENTS[r.index(DEPARTMENTS.len())],
                "title": TITLES[r.index(TITLES.len())],
            })];
            if r.chance(0.05) {
                organizations.push(json!({
                    "customType": "",
                    "department": DEPARTMENTS[r.index(DEPARTMENTS.len())],
                    "title": TITLES[r.index(TITLES.len())],
                }));
            }
            let mut hr = json!({"EmploymentType": employment(&mut r), "StartDate": day(&mut r, 2000, 2026)});
            if suspended || r.chance(0.02) {
                hr["LastWorkingDay"] = json!(day(&mut r, 2024, 2027));
            }
            if r.chance(0.1) {
                hr["TransferDate"] = json!(day(&mut r, 2024, 2027));
            }
            if r.chance(0.3) {
                hr["GitHubLogin"] = json!(format!("gh-user-{i}"));
            }
            let address = email(i);
            json!({
                "kind": "admin#directory#user",
                "id": format!("1{:020}", r.next_u64()),
                "etag": format!("\"etag-{i}\""),
                "primaryEmail": address,
                "name": {"givenName": given, "familyName": family, "fullName": format!("{family} {given}")},
                "isAdmin": false,
                "isDelegatedAdmin": false,
                "lastLoginTime": "2026-11-20T00:15:00.000Z",
                "creationTime": "2020-04-01T00:00:00.000Z",
                "agreedToTerms": true,
                "suspended": suspended,
                "archived": false,
                "changePasswordAtNextLogin": false,
                "ipWhitelisted": false,
                "emails": [{"address": address, "primary": true}],
                "externalIds": [{"value": employee_id(i), "type": "organization"}],
                "relations": [{"value": email(manager_of(i, n, &mut r)), "type": "manager"}],
                "organizations": organizations,
                "customerId": "C01abc23d",
                "orgUnitPath": "/Employees",
                "isMailboxSetup": true,
                "includeInGlobalAddressList": true,
                "customSchemas": {"HR": hr},
            })
        })
        .collect()
}

/// Graph users as `GET /users?$select=…` returns them for the example's
/// mapping: the selected properties only, null where unset, two in a
/// hundred guests (left out of the people).
pub fn graph_users(n: usize, seed: u64) -> Vec<Value> {
    let mut r = Rng::derive(seed, 602);
    (0..n).map(|i| graph_user(i, n, &mut r)).collect()
}

fn graph_user(i: usize, n: usize, r: &mut Rng) -> Value {
    let (family, given) = (FAMILY[r.index(FAMILY.len())], GIVEN[r.index(GIVEN.len())]);
    let guest = r.chance(0.02);
    let enabled = !r.chance(0.03);
    let leave = (!enabled || r.chance(0.02)).then(|| format!("{}T15:00:00Z", day(r, 2024, 2027)));
    let mut ext = serde_json::Map::new();
    for k in 1..=15 {
        ext.insert(format!("extensionAttribute{k}"), Value::Null);
    }
    if r.chance(0.3) {
        ext.insert("extensionAttribute1".into(), json!(format!("gh-user-{i}")));
    }
    ext.insert("extensionAttribute2".into(), json!(employee_id(manager_of(i, n, r))));
    if r.chance(0.1) {
        ext.insert("extensionAttribute3".into(), json!(day(r, 2024, 2027)));
    }
    let address = if guest { format!("partner{i}@partner.example") } else { email(i) };
    json!({
        "id": format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", r.next_u64() as u32, i & 0xffff, (i >> 16) & 0xfff,
            r.below(0x1000), r.next_u64() & 0xffff_ffff_ffff),
        "accountEnabled": enabled,
        "userType": if guest { "Guest" } else { "Member" },
        "userPrincipalName": if guest { format!("partner{i}_partner.example#EXT#@example.onmicrosoft.com") } else { address.clone() },
        "mail": address,
        "employeeId": if guest { Value::Null } else { json!(employee_id(i)) },
        "displayName": format!("{family} {given}"),
        "department": DEPARTMENTS[r.index(DEPARTMENTS.len())],
        "jobTitle": TITLES[r.index(TITLES.len())],
        "employeeType": if guest { Value::Null } else { json!(employment(r)) },
        "employeeHireDate": format!("{}T00:00:00Z", day(r, 2000, 2026)),
        "employeeLeaveDateTime": leave,
        "onPremisesExtensionAttributes": ext,
        "employeeOrgData": {"division": DEPARTMENTS[r.index(DEPARTMENTS.len())].split('/').next(), "costCenter": null},
    })
}

/// One delta round over `cached`: `percent` of its size in changes, as
/// Graph sends them — most a changed property or two (with the id), a
/// tenth new users, a tenth `@removed`. Returns the changes and their
/// (changed, added, removed) counts.
fn delta_round(cached: &BTreeMap<String, Value>, percent: f64, seed: u64) -> (Vec<Value>, (usize, usize, usize)) {
    let mut r = Rng::derive(seed, 603);
    let total = ((cached.len() as f64) * percent / 100.0).round() as usize;
    let ids: Vec<&String> = cached.keys().collect();
    let (mut changed, mut added, mut removed) = (0, 0, 0);
    let n = cached.len();
    let mut changes = Vec::with_capacity(total);
    // Each user changes once per round: Graph sends one entry per user, so
    // a removed user never comes back with a property in the same round.
    let mut picked = std::collections::HashSet::with_capacity(total);
    for k in 0..total {
        let mut i = r.index(ids.len());
        while !picked.insert(i) && picked.len() < ids.len() {
            i = r.index(ids.len());
        }
        let pick = ids.get(i).map(|s| (*s).clone()).unwrap_or_default();
        match r.below(10) {
            0 => {
                added += 1;
                changes.push(graph_user(n + k, n + total, &mut r));
            }
            1 => {
                removed += 1;
                changes.push(json!({"id": pick, "@removed": {"reason": "changed"}}));
            }
            _ => {
                changed += 1;
                changes.push(json!({
                    "id": pick,
                    "department": DEPARTMENTS[r.index(DEPARTMENTS.len())],
                    "jobTitle": TITLES[r.index(TITLES.len())],
                }));
            }
        }
    }
    (changes, (changed, added, removed))
}

/// The sizes as `--users 10000,50000` writes them.
pub fn parse_sizes(written: &str) -> Result<Vec<usize>> {
    written
        .split(',')
        .map(|s| s.trim().replace('_', "").parse::<usize>().with_context(|| format!("`{s}` is not a user count")))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_generated_users_map_with_the_vendor_examples_and_are_reproducible() {
        let google = policy_set(GOOGLE_SOURCE).unwrap();
        let users = google_users(300, 7);
        assert_eq!(users, google_users(300, 7));
        let (_, people) = keyward_sources::google::map_users(&google, 0, &users).unwrap();
        assert_eq!(people.len(), 300, "every Google user has an employee number");
        assert!(people.iter().any(|p| p.posts.len() == 2), "some hold concurrent posts");

        let graph = policy_set(GRAPH_SOURCE).unwrap();
        let users = graph_users(300, 7);
        let guests = users.iter().filter(|u| u["userType"] == "Guest").count();
        let (_, people) = keyward_sources::graph::map_users(&graph, 0, &users).unwrap();
        assert_eq!(people.len(), 300 - guests, "guests are left out, everyone else is a person");
        assert!(people.iter().all(|p| p.manager.is_some()));
    }

    #[test]
    fn a_delta_round_changes_adds_and_removes_users_of_the_state() {
        let cached: BTreeMap<String, Value> =
            graph_users(1000, 3).into_iter().map(|u| (u["id"].as_str().unwrap().to_owned(), u)).collect();
        let (changes, (changed, added, removed)) = delta_round(&cached, 5.0, 3);
        assert_eq!(changes.len(), 50);
        assert!(changed > 0 && added > 0 && removed > 0, "{changed} {added} {removed}");
        let mut state = cached.clone();
        keyward_sources::graph::merge(&mut state, changes);
        assert_eq!(state.len(), cached.len() - removed + added);
        let graph = policy_set(GRAPH_SOURCE).unwrap();
        let users: Vec<Value> = state.into_values().collect();
        assert!(keyward_sources::graph::map_users(&graph, 0, &users).is_ok(), "the merged state maps");
    }
}
