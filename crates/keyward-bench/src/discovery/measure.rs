//! One measured discovery, in its own process (`keyward-bench
//! discovery-run`): the policies and the HR export are read first, then
//! one vendor's directory is scanned and the scan summarised the way
//! `keyward discover` does, and the figures are printed as one
//! `key=value` line. The stubs run in the parent process, so the peak
//! memory (`VmHWM`) is the scan's and the summary's, not the servers'.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use jiff::civil::Date;
use keyward::pipeline;
use keyward_connectors::ClusterSecrets;
use keyward_connectors::discover::{Directory, ScanOptions, directories};
use keyward_core::present::discovered;

use crate::run::proc_status_kib;

/// Which directory to scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Vendor {
    /// Google Workspace.
    Google,
    /// Microsoft Graph.
    Graph,
}

impl Vendor {
    /// `google` or `graph`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Google => "google",
            Self::Graph => "graph",
        }
    }

    fn scans(self, d: &Directory) -> bool {
        matches!((self, d), (Self::Google, Directory::Google(_)) | (Self::Graph, Directory::Graph(_)))
    }
}

/// The figures of one measured discovery.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// Users whose grants were read.
    pub users: usize,
    /// App uses the scan found.
    pub uses: usize,
    /// Apps in the summary, and how many of them nobody declared.
    pub apps: usize,
    pub undeclared: usize,
    /// Leavers and people on leave still holding a grant, over all apps.
    pub holders: usize,
    /// What the scan counted (`DirectoryScan::requests`).
    pub scan_requests: u64,
    /// Wall time of the scan and of the summary.
    pub scan: Duration,
    pub summarize: Duration,
    /// Peak RSS after reading the policies and HR, and at the end, KiB.
    pub inputs_kib: u64,
    pub peak_kib: u64,
}

impl Measured {
    /// `users=… uses=… …`, one line.
    pub fn line(&self) -> String {
        format!(
            "users={} uses={} apps={} undeclared={} holders={} scan_requests={} scan_s={:.6} summarize_s={:.6} inputs_kib={} peak_kib={}",
            self.users,
            self.uses,
            self.apps,
            self.undeclared,
            self.holders,
            self.scan_requests,
            self.scan.as_secs_f64(),
            self.summarize.as_secs_f64(),
            self.inputs_kib,
            self.peak_kib
        )
    }

    /// Reads a line written by [`Self::line`].
    pub fn parse_line(line: &str) -> Result<Self> {
        let kv: BTreeMap<&str, &str> = line.split_whitespace().filter_map(|p| p.split_once('=')).collect();
        let get = |k: &str| kv.get(k).copied().ok_or_else(|| anyhow!("no `{k}` in `{line}`"));
        let n = |k: &str| -> Result<u64> { get(k)?.parse().with_context(|| format!("`{k}` in `{line}`")) };
        let secs = |k: &str| -> Result<Duration> {
            Ok(Duration::from_secs_f64(get(k)?.parse().with_context(|| format!("`{k}` in `{line}`"))?))
        };
        Ok(Self {
            users: n("users")? as usize,
            uses: n("uses")? as usize,
            apps: n("apps")? as usize,
            undeclared: n("undeclared")? as usize,
            holders: n("holders")? as usize,
            scan_requests: n("scan_requests")?,
            scan: secs("scan_s")?,
            summarize: secs("summarize_s")?,
            inputs_kib: n("inputs_kib")?,
            peak_kib: n("peak_kib")?,
        })
    }
}

/// Reads the policies in `dir` and their HR export, scans the `vendor`
/// directory they name and summarises it for `at`.
pub async fn measure(dir: &Path, vendor: Vendor, at: Date) -> Result<Measured> {
    // Problems are printed as the CLI prints them (file, line, column).
    let loaded = pipeline::load_policies(&[dir.to_path_buf()]).inspect_err(keyward::problems::error)?;
    let set = &loaded.set;
    let people = pipeline::read_people(set).await.inspect_err(keyward::problems::error)?;
    let catalogue = keyward::catalogue::entries().context("the catalogue built into keyward does not parse")?;
    let dirs: Vec<Directory> =
        directories(set, &ClusterSecrets::unavailable())?.into_iter().filter(|d| vendor.scans(d)).collect();
    let [directory] = <[Directory; 1]>::try_from(dirs).map_err(|d| {
        anyhow!("the policies in {} name {} {} directories, not one", dir.display(), d.len(), vendor.as_str())
    })?;
    let inputs_kib = proc_status_kib("VmHWM:")?;

    let start = Instant::now();
    let scan = directory.scan(&ScanOptions::default()).await?;
    let scan_time = start.elapsed();
    let start = Instant::now();
    let found = discovered::summarize(set, &people, std::slice::from_ref(&scan), at, None, &catalogue);
    let summarize = start.elapsed();
    let peak_kib = proc_status_kib("VmHWM:")?;
    if found.apps.is_empty() {
        bail!("the scan of {} found no app at all", scan.directory);
    }
    Ok(Measured {
        users: scan.users,
        uses: scan.uses.len(),
        apps: found.apps.len(),
        undeclared: found.apps.iter().filter(|a| a.undeclared()).count(),
        holders: found.apps.iter().map(|a| a.holders.len()).sum(),
        scan_requests: scan.requests,
        scan: scan_time,
        summarize,
        inputs_kib,
        peak_kib,
    })
}
