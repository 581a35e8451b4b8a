//! `keyward-bench discovery` (issue #16): `keyward discover` over a
//! generated directory of thousands of users, per vendor — the HTTP
//! requests the scan sends against the fewest the API allows, the wall
//! time of the scan and of the summary, and peak memory.
//!
//! This process generates the directory ([`directory`]), serves it from
//! request-level stubs on loopback ([`stubs`]), writes a policy repository
//! pointing a Google Workspace and a Microsoft Graph Application at them,
//! and runs each measurement in a fresh child process
//! (`keyward-bench discovery-run`, [`measure`]) so the child's peak memory
//! is the scan's, not the stubs'. Requests are counted twice: by the scan
//! (`DirectoryScan::requests`) and by the stubs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use jiff::civil::Date;

pub mod directory;
pub mod measure;
pub mod stubs;

use directory::{APPS, DECLARED, Directory, Shape};
use measure::{Measured, Vendor};
use stubs::{GOOGLE_DIR, GRAPH, GRAPH_PAGE, SIGN_IN_PAGE, Stub, TENANT};

/// What to measure.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The directory's shape.
    pub shape: Shape,
    /// Measured runs per vendor.
    pub runs: usize,
    /// The day the summary is for.
    pub at: Date,
}

/// One run as the stubs saw it, and as the child measured it.
#[derive(Debug, Clone)]
pub struct Run {
    /// HTTP requests to the API (token requests apart).
    pub requests: usize,
    /// Token requests.
    pub token_requests: usize,
    /// Calls carried in batch requests (Google).
    pub batch_calls: u64,
    /// Requests per kind, in the order of [`Vendor`]'s minimum.
    pub by_kind: Vec<usize>,
    /// The child's figures.
    pub measured: Measured,
}

/// Every run of one vendor, with the minimum its API allows.
#[derive(Debug, Clone)]
pub struct VendorRuns {
    /// The vendor.
    pub vendor: Vendor,
    /// (what, fewest requests the API allows) per kind of request.
    pub minimum: Vec<(String, usize)>,
    /// The runs.
    pub runs: Vec<Run>,
}

/// Google's fewest requests: every page of 500 users, every batch of 1000 calls.
fn google_minimum(users: usize) -> Vec<(String, usize)> {
    vec![
        ("`GET …/users` pages (500 users each)".to_owned(), users.div_ceil(500)),
        ("`POST /batch/admin/directory_v1` (1000 `tokens.list` calls each)".to_owned(), users.div_ceil(1000)),
    ]
}

/// Graph's fewest requests: each listing at its largest page.
fn graph_minimum(d: &Directory) -> Vec<(String, usize)> {
    let sign_ins = d.graph_sign_ins().len();
    vec![
        ("`GET /organization`".to_owned(), 1),
        ("`GET /servicePrincipals` pages (999)".to_owned(), d.graph_service_principals().len().div_ceil(GRAPH_PAGE)),
        ("`GET /users` pages (999)".to_owned(), d.users.len().div_ceil(GRAPH_PAGE)),
        ("`GET /oauth2PermissionGrants` pages (999)".to_owned(), d.graph_grants().len().div_ceil(GRAPH_PAGE)),
        ("`GET /auditLogs/signIns` pages (1000)".to_owned(), sign_ins.div_ceil(SIGN_IN_PAGE)),
    ]
}

/// The paths counted for each kind of [`google_minimum`] / [`graph_minimum`].
fn kinds(vendor: Vendor) -> Vec<String> {
    match vendor {
        Vendor::Google => vec![format!("{GOOGLE_DIR}/users"), keyward_testkit::google_batch::BATCH.to_owned()],
        Vendor::Graph => {
            ["/organization", "/servicePrincipals", "/users", "/oauth2PermissionGrants", "/auditLogs/signIns"]
                .iter()
                .map(|p| format!("{GRAPH}{p}"))
                .collect()
        }
    }
}

/// The policy repository: the HR export and its PeopleSource, a Google
/// Workspace and a Microsoft Graph Application on the stubs, and the
/// declared apps (CSV exports: discovery only compares their names).
pub fn write_policies(dir: &Path, d: &Directory, google: &str, graph: &str) -> Result<()> {
    let key = serde_json::json!({
        "type": "service_account", "project_id": "bench", "private_key_id": "bench-key-1",
        "private_key": include_str!("../../../keyward-http/tests/data/test-only-rsa-key.pem"),
        "client_email": "keyward@bench.iam.gserviceaccount.com", "client_id": "1", "token_uri": format!("{google}/token"),
    });
    let mut apps = format!(
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: workspace}}\nspec:\n  connector:\n    googleWorkspace: {{serviceAccountKey: {{file: key.json}}, subject: it-admin@example.com, directoryUrl: \"{google}{GOOGLE_DIR}\"}}\n---\napiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: entra}}\nspec:\n  connector:\n    microsoftGraph: {{tenant: {TENANT}, clientId: bench, clientSecret: {{file: secret.txt}}, graphUrl: \"{graph}{GRAPH}\", authorityUrl: \"{graph}\"}}\n"
    );
    for name in DECLARED {
        let _ = write!(
            apps,
            "---\napiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: {}}}\nspec:\n  displayName: {name}\n  connector: {{csvExport: {{path: {}.csv, columns: {{id: email, email: email}}}}}}\n",
            name.to_lowercase(),
            name.to_lowercase()
        );
    }
    let files = [
        ("people.yaml", keyward_testkit::org::people_source_yaml("hr.csv")),
        ("hr.csv", d.hr_csv()),
        ("apps.yaml", apps),
        ("key.json", key.to_string()),
        ("secret.txt", "kw-bench-secret\n".to_owned()),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).with_context(|| format!("cannot write {}", dir.join(name).display()))?;
    }
    Ok(())
}

/// Generates, serves and measures; returns every vendor's runs.
pub async fn run(exe: &Path, work: &Path, opts: &Options) -> Result<(Vec<VendorRuns>, Arc<Directory>)> {
    if opts.runs == 0 {
        bail!("--runs must be at least 1");
    }
    if opts.shape.users == 0 {
        bail!("--users must be at least 1");
    }
    let d = Arc::new(Directory::generate(opts.shape));
    let google = stubs::google(d.clone()).await;
    let graph = stubs::graph(&d).await;
    write_policies(work, &d, &google.server.uri(), &graph.server.uri())?;
    let mut out = Vec::new();
    for (vendor, stub, minimum) in
        [(Vendor::Google, &google, google_minimum(d.users.len())), (Vendor::Graph, &graph, graph_minimum(&d))]
    {
        let mut runs = Vec::with_capacity(opts.runs);
        for i in 1..=opts.runs {
            let run = one_run(exe, work, vendor, opts.at, stub).await?;
            let m = &run.measured;
            eprintln!(
                "{} run {i}/{}: {} requests, scan {:.3} s, summarize {:.3} s, peak {} KiB",
                vendor.as_str(),
                opts.runs,
                run.requests,
                m.scan.as_secs_f64(),
                m.summarize.as_secs_f64(),
                m.peak_kib
            );
            runs.push(run);
        }
        out.push(VendorRuns { vendor, minimum, runs });
    }
    Ok((out, d))
}

/// Counts of a stub: (token, API, batch calls, per kind).
async fn counts(stub: &Stub, vendor: Vendor) -> (usize, usize, u64, Vec<usize>) {
    let (token, api) = stub.received().await;
    let mut by_kind = Vec::new();
    for p in kinds(vendor) {
        by_kind.push(stub.requests_to(&p).await);
    }
    (token, api, stub.calls(), by_kind)
}

async fn one_run(exe: &Path, work: &Path, vendor: Vendor, at: Date, stub: &Stub) -> Result<Run> {
    let before = counts(stub, vendor).await;
    let out = tokio::process::Command::new(exe)
        .arg("discovery-run")
        .arg("--policies")
        .arg(work)
        .arg("--vendor")
        .arg(vendor.as_str())
        .arg("--at")
        .arg(at.to_string())
        .output()
        .await
        .with_context(|| format!("cannot start {}", exe.display()))?;
    if !out.status.success() {
        bail!(
            "`discovery-run --vendor {}` failed ({}):\n{}",
            vendor.as_str(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line =
        stdout.lines().rfind(|l| l.starts_with("users=")).with_context(|| format!("no figures in:\n{stdout}"))?;
    let measured = Measured::parse_line(line)?;
    let after = counts(stub, vendor).await;
    Ok(Run {
        token_requests: after.0 - before.0,
        requests: after.1 - before.1,
        batch_calls: after.2 - before.2,
        by_kind: after.3.iter().zip(&before.3).map(|(a, b)| a - b).collect(),
        measured,
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len().saturating_sub(1) / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// The Markdown report for BENCHMARKS.md.
pub fn markdown(all: &[VendorRuns], d: &Directory, opts: &Options, command: &str, machine: &str) -> String {
    let mut s = String::new();
    let (lo, hi) = opts.shape.grants;
    let _ = writeln!(s, "- Machine: {machine}");
    let _ = writeln!(
        s,
        "- Directory: {} users ({} leavers, {} on leave), {} grants ({lo}–{hi} per user, {APPS} apps, seed {}), {} sign-ins",
        d.users.len(),
        d.users.iter().filter(|u| u.status == directory::Status::Leaver).count(),
        d.users.iter().filter(|u| u.status == directory::Status::OnLeave).count(),
        d.grants(),
        opts.shape.seed,
        d.graph_sign_ins().len()
    );
    let _ = writeln!(s, "- Command: `{command}`");
    let _ = writeln!(s, "- Runs: {} per vendor, each in a fresh process; times are medians (min–max).\n", opts.runs);
    let _ = writeln!(
        s,
        "| vendor | HTTP requests | minimum | calls in batches | scan's count | token requests | scan | summarize | peak RSS (after reading HR) | uses | apps (undeclared) | leavers' grants |"
    );
    let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for v in all {
        let Some(last) = v.runs.last() else { continue };
        let m = &last.measured;
        let scans: Vec<Duration> = v.runs.iter().map(|r| r.measured.scan).collect();
        let sums: Vec<Duration> = v.runs.iter().map(|r| r.measured.summarize).collect();
        let range = |x: &[Duration]| {
            format!(
                "{} ({}–{})",
                ms(median(x.to_vec())),
                ms(x.iter().min().copied().unwrap_or_default()),
                ms(x.iter().max().copied().unwrap_or_default())
            )
        };
        let minimum: usize = v.minimum.iter().map(|(_, n)| n).sum();
        let peak = v.runs.iter().map(|r| r.measured.peak_kib).max().unwrap_or(0);
        let inputs = v.runs.iter().map(|r| r.measured.inputs_kib).max().unwrap_or(0);
        let calls = if v.vendor == Vendor::Google { last.batch_calls.to_string() } else { "–".to_owned() };
        let _ = writeln!(
            s,
            "| {} | {} | {minimum} | {calls} | {} | {} | {} | {} | {} ({}) | {} | {} ({}) | {} |",
            v.vendor.as_str(),
            last.requests,
            m.scan_requests,
            last.token_requests,
            range(&scans),
            range(&sums),
            mib(peak),
            mib(inputs),
            m.uses,
            m.apps,
            m.undeclared,
            m.holders
        );
    }
    let _ = writeln!(s, "\n| vendor | request | sent (last run) | minimum |");
    let _ = writeln!(s, "|---|---|--:|--:|");
    for v in all {
        let Some(last) = v.runs.last() else { continue };
        for ((what, min), sent) in v.minimum.iter().zip(&last.by_kind) {
            let _ = writeln!(s, "| {} | {what} | {sent} | {min} |", v.vendor.as_str());
        }
    }
    s
}

/// A fresh working directory for the policies.
pub fn work_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("keyward-bench-discovery-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stubs answer a tiny directory completely, and a scan of it
    /// costs exactly the minimum: the bench's code runs in CI, nothing
    /// timed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_stubs_answer_a_tiny_directory_at_the_minimum() {
        let shape = Shape { users: 1203, grants: (0, 4), seed: 7 };
        let d = Arc::new(Directory::generate(shape));
        let work = tempfile::tempdir().unwrap();
        let google = stubs::google(d.clone()).await;
        let graph = stubs::graph(&d).await;
        write_policies(work.path(), &d, &google.server.uri(), &graph.server.uri()).unwrap();
        let at = jiff::civil::date(2026, 11, 23);

        let m = measure::measure(work.path(), Vendor::Google, at).await.unwrap();
        assert_eq!(m.users, 1203);
        assert_eq!(m.uses, d.grants(), "every token of every user");
        assert!(m.holders > 0 && m.undeclared + DECLARED.len() >= m.apps, "{m:?}");
        let (token, api, calls, by_kind) = counts(&google, Vendor::Google).await;
        assert_eq!((token, calls), (1, 1203));
        assert_eq!(by_kind, [3, 2], "3 pages of 500 users, 2 batches");
        assert_eq!(api, google_minimum(1203).iter().map(|(_, n)| n).sum::<usize>());
        assert_eq!(m.scan_requests, 3 + 1203, "the scan counts pages and calls");

        let m = measure::measure(work.path(), Vendor::Graph, at).await.unwrap();
        assert_eq!(m.users, 1203);
        let sign_ins: usize = d.users.iter().flat_map(|u| &u.sign_ins).filter(|n| **n > 0).count();
        assert_eq!(m.uses, d.grants() + 5 + sign_ins, "grants, tenant consents, one use per (user, app) signed in");
        let (token, api, _, by_kind) = counts(&graph, Vendor::Graph).await;
        assert_eq!(token, 1);
        let minimum: Vec<usize> = graph_minimum(&d).iter().map(|(_, n)| *n).collect();
        assert_eq!(by_kind, minimum);
        assert_eq!(api, minimum.iter().sum::<usize>());
        assert_eq!(m.scan_requests as usize, api);
    }
}
