//! `keyward-bench all`: runs each phase several times, each run in a fresh
//! process (so peak memory is per phase), and prints a Markdown report.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use jiff::civil::Date;

use crate::generate::GENERATED_FILE;
use crate::run::{Figures, Phase};

/// The targets.
const MAX_RATIO: f64 = 1.5;
const MAX_PLAN_SECS: f64 = 2.0;
const MAX_PEAK_GIB: f64 = 1.5;

/// Figures of all runs of one phase.
#[derive(Debug, Clone)]
pub struct PhaseStats {
    /// The phase.
    pub phase: Phase,
    /// Every run, in order.
    pub runs: Vec<Figures>,
}

impl PhaseStats {
    /// Median wall time (the lower middle for an even count).
    pub fn median(&self) -> Duration {
        let mut w: Vec<Duration> = self.runs.iter().map(|f| f.wall).collect();
        w.sort();
        w.get(w.len().saturating_sub(1) / 2).copied().unwrap_or_default()
    }

    /// Fastest run.
    pub fn min(&self) -> Duration {
        self.runs.iter().map(|f| f.wall).min().unwrap_or_default()
    }

    /// Highest peak RSS, KiB.
    pub fn max_peak_kib(&self) -> u64 {
        self.runs.iter().map(|f| f.peak_rss_kib).max().unwrap_or(0)
    }
}

/// Runs every phase `runs` times with `exe run …` and returns the report.
pub fn all(exe: &Path, dir: &Path, runs: usize, at: Date, command: &str) -> Result<String> {
    if runs == 0 {
        bail!("--runs must be at least 1");
    }
    let mut stats = Vec::new();
    for phase in [Phase::Parse, Phase::Plan] {
        let mut figures = Vec::new();
        for i in 1..=runs {
            let out = Command::new(exe)
                .arg("run")
                .arg("--dir")
                .arg(dir)
                .arg("--phase")
                .arg(phase.as_str())
                .arg("--at")
                .arg(at.to_string())
                .output()
                .with_context(|| format!("cannot start {}", exe.display()))?;
            if !out.status.success() {
                bail!(
                    "`{} run --phase {}` failed ({}):\n{}",
                    exe.display(),
                    phase.as_str(),
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let stdout = String::from_utf8_lossy(&out.stdout);
            let line = stdout
                .lines()
                .rfind(|l| l.starts_with("phase="))
                .with_context(|| format!("no figures in the output of a run:\n{stdout}"))?;
            let f = Figures::parse_line(line)?;
            eprintln!("{} run {i}/{runs}: {:.3} s, peak {}", phase.as_str(), f.wall.as_secs_f64(), mib(f.peak_rss_kib));
            figures.push(f);
        }
        stats.push(PhaseStats { phase, runs: figures });
    }
    Ok(report(&stats, dir, at, command, &machine()))
}

/// The machine, as `nproc`, `/proc/cpuinfo` and `/proc/meminfo` see it.
pub fn machine() -> String {
    let nproc = Command::new("nproc")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.to_string()))
        .unwrap_or_else(|| "?".to_owned());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|n| n.parse::<u64>().ok())
        })
        .map_or_else(|| "unknown memory".to_owned(), |kib| format!("{:.1} GiB RAM", kib as f64 / 1024.0 / 1024.0));
    format!("{nproc} CPUs (`nproc`), {cpu}, {mem}")
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// `1,503,212`.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn verdict(ok: bool) -> &'static str {
    if ok { "✅" } else { "❌" }
}

/// The Markdown report.
pub fn report(stats: &[PhaseStats], dir: &Path, at: Date, command: &str, machine: &str) -> String {
    let mut s = String::new();
    let generated = std::fs::read_to_string(dir.join(GENERATED_FILE)).ok();
    let _ = writeln!(s, "### keyward plan benchmark\n");
    let _ = writeln!(s, "- Machine: {machine}");
    if let Some(g) = &generated {
        let mut lines = g.lines();
        if let Some(cmd) = lines.next() {
            let _ = writeln!(s, "- Data: `{cmd}`");
        }
        if let Some(what) = lines.next() {
            let _ = writeln!(s, "  ({what})");
        }
    }
    let _ = writeln!(s, "- Plan date: {at}");
    let _ = writeln!(s, "- Command: `{command}`");
    let _ = writeln!(
        s,
        "- Each run is a separate process; time is wall time from runtime start to the end of the phase (like the CLI, nothing is freed before the process exits); peak RSS is `VmHWM`.\n"
    );
    let _ = writeln!(s, "| phase | runs | median time | min time | max peak RSS | people | accounts | changes |");
    let _ = writeln!(s, "|-------|-----:|------------:|---------:|-------------:|-------:|---------:|--------:|");
    for st in stats {
        let last = st.runs.last();
        let count = |f: fn(&Figures) -> Option<usize>| last.and_then(f).map_or_else(|| "–".to_owned(), thousands);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            st.phase.as_str(),
            st.runs.len(),
            secs(st.median()),
            secs(st.min()),
            mib(st.max_peak_kib()),
            count(|f| Some(f.people)),
            count(|f| Some(f.accounts)),
            count(|f| f.changes),
        );
    }
    let parse = stats.iter().find(|x| x.phase == Phase::Parse);
    let plan = stats.iter().find(|x| x.phase == Phase::Plan);
    if let (Some(parse), Some(plan)) = (parse, plan) {
        let across = plan.median().as_secs_f64() / parse.median().as_secs_f64().max(1e-9);
        let mut within: Vec<f64> =
            plan.runs.iter().map(|f| f.wall.as_secs_f64() / f.inputs.as_secs_f64().max(1e-9)).collect();
        within.sort_by(f64::total_cmp);
        let ratio = within.get(within.len() / 2).copied().unwrap_or(f64::NAN);
        let plan_s = plan.median().as_secs_f64();
        let peak_gib = plan.max_peak_kib().max(parse.max_peak_kib()) as f64 / 1024.0 / 1024.0;
        let _ = writeln!(
            s,
            "\nplan / parse: **{ratio:.2}×** (median over plan runs of the run's time over its own input parsing, which cancels run-to-run noise); {across:.2}× comparing the medians of separate runs.\n\nTargets: plan ≤ {MAX_RATIO}× parse {} ({ratio:.2}×) · plan ≤ {MAX_PLAN_SECS} s {} ({plan_s:.3} s) · peak ≤ {MAX_PEAK_GIB} GiB {} ({peak_gib:.2} GiB)",
            verdict(ratio <= MAX_RATIO),
            verdict(plan_s <= MAX_PLAN_SECS),
            verdict(peak_gib <= MAX_PEAK_GIB),
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_503_212), "1,503,212");
    }

    #[test]
    fn figures_round_trip_and_stats() {
        let f = Figures {
            phase: Phase::Plan,
            wall: Duration::from_millis(1500),
            inputs: Duration::from_millis(1000),
            peak_rss_kib: 2048,
            people: 3,
            accounts: 4,
            changes: Some(5),
            json_bytes: Some(6),
        };
        let back = Figures::parse_line(&f.line()).unwrap();
        assert_eq!(back, f);
        let mut g = f.clone();
        g.wall = Duration::from_millis(1000);
        g.peak_rss_kib = 4096;
        let st = PhaseStats { phase: Phase::Plan, runs: vec![f.clone(), g, f] };
        assert_eq!(st.median(), Duration::from_millis(1500));
        assert_eq!(st.min(), Duration::from_millis(1000));
        assert_eq!(st.max_peak_kib(), 4096);
    }
}
