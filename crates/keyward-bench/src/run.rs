//! `keyward-bench run`: one measured phase, in this process, wired the way
//! the `keyward plan` CLI wires it (tokio multi-thread runtime; policies,
//! HR export, app exports, then the plan and its JSON rendering).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use jiff::civil::Date;
use keyward::pipeline;
use keyward_core::present::render;

/// What a run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Phase {
    /// Load the policies, read the HR export, list every app's accounts.
    Parse,
    /// The same, then make the plan and render it as JSON.
    Plan,
}

impl Phase {
    /// `parse` or `plan`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Parse => "parse",
            Self::Plan => "plan",
        }
    }
}

/// The figures of one run, printed as one `key=value` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// The phase.
    pub phase: Phase,
    /// Wall time from runtime start to the end of the phase.
    pub wall: Duration,
    /// Within this run, the time until every input was parsed (policies,
    /// HR export, app exports). Comparing `wall` with it in the same
    /// process cancels the machine's run-to-run noise.
    pub inputs: Duration,
    /// Peak resident set size (`VmHWM`), in KiB.
    pub peak_rss_kib: u64,
    /// People in the snapshot (after rehires are folded).
    pub people: usize,
    /// Accounts listed over all apps.
    pub accounts: usize,
    /// Changes in the plan (`plan` only).
    pub changes: Option<usize>,
    /// Size of the JSON plan (`plan` only).
    pub json_bytes: Option<usize>,
}

impl Figures {
    /// `phase=plan wall_s=1.234567 peak_rss_kib=… people=… accounts=… changes=… json_bytes=…`
    pub fn line(&self) -> String {
        let mut s = format!(
            "phase={} wall_s={:.6} inputs_s={:.6} peak_rss_kib={} people={} accounts={}",
            self.phase.as_str(),
            self.wall.as_secs_f64(),
            self.inputs.as_secs_f64(),
            self.peak_rss_kib,
            self.people,
            self.accounts
        );
        if let Some(c) = self.changes {
            s.push_str(&format!(" changes={c}"));
        }
        if let Some(b) = self.json_bytes {
            s.push_str(&format!(" json_bytes={b}"));
        }
        s
    }

    /// Reads a line written by [`Figures::line`].
    pub fn parse_line(line: &str) -> Result<Self> {
        let mut kv: BTreeMap<&str, &str> = BTreeMap::new();
        for part in line.split_whitespace() {
            let (k, v) = part.split_once('=').ok_or_else(|| anyhow!("`{part}` is not key=value in `{line}`"))?;
            kv.insert(k, v);
        }
        let get = |k: &str| kv.get(k).copied().ok_or_else(|| anyhow!("no `{k}` in `{line}`"));
        let phase = match get("phase")? {
            "parse" => Phase::Parse,
            "plan" => Phase::Plan,
            other => bail!("unknown phase `{other}`"),
        };
        let num = |k: &str| -> Result<usize> {
            get(k)?.parse().with_context(|| format!("`{k}` is not a number in `{line}`"))
        };
        let opt = |k: &str| -> Result<Option<usize>> {
            match kv.get(k) {
                Some(v) => v.parse().map(Some).with_context(|| format!("`{k}` is not a number in `{line}`")),
                None => Ok(None),
            }
        };
        let secs: f64 = get("wall_s")?.parse().with_context(|| format!("`wall_s` is not a number in `{line}`"))?;
        let inputs: f64 =
            get("inputs_s")?.parse().with_context(|| format!("`inputs_s` is not a number in `{line}`"))?;
        Ok(Self {
            phase,
            wall: Duration::from_secs_f64(secs),
            inputs: Duration::from_secs_f64(inputs),
            peak_rss_kib: get("peak_rss_kib")?
                .parse()
                .with_context(|| format!("`peak_rss_kib` is not a number in `{line}`"))?,
            people: num("people")?,
            accounts: num("accounts")?,
            changes: opt("changes")?,
            json_bytes: opt("json_bytes")?,
        })
    }
}

/// Sub-step timings on stderr (`--steps`), with the resident set after
/// each step, to see where time and memory go.
struct Steps {
    enabled: bool,
    last: Instant,
}

impl Steps {
    fn mark(&mut self, what: &str) {
        if self.enabled {
            let now = Instant::now();
            let rss = proc_status_kib("VmRSS:").unwrap_or(0);
            let hwm = proc_status_kib("VmHWM:").unwrap_or(0);
            eprintln!(
                "  {what:<16} {:>9.1} ms   rss {:>7.1} MiB   peak {:>7.1} MiB",
                (now - self.last).as_secs_f64() * 1000.0,
                rss as f64 / 1024.0,
                hwm as f64 / 1024.0
            );
            self.last = now;
        }
    }
}

/// Runs one phase against a generated directory (`DIR/policies`).
pub fn run(dir: &Path, phase: Phase, at: Date, steps: bool) -> Result<Figures> {
    let start = Instant::now();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")?;
    let mut st = Steps { enabled: steps, last: start };
    let counts = runtime.block_on(measure(dir, phase, at, &mut st))?;
    let wall = start.elapsed();
    let peak_rss_kib = proc_status_kib("VmHWM:")?;
    Ok(Figures {
        phase,
        wall,
        inputs: counts.inputs.duration_since(start),
        peak_rss_kib,
        people: counts.people,
        accounts: counts.accounts,
        changes: counts.changes,
        json_bytes: counts.json_bytes,
    })
}

struct Counts {
    inputs: Instant,
    people: usize,
    accounts: usize,
    changes: Option<usize>,
    json_bytes: Option<usize>,
}

async fn measure(dir: &Path, phase: Phase, at: Date, st: &mut Steps) -> Result<Counts> {
    let loaded = pipeline::load_policies(&[dir.join("policies")])?;
    st.mark("load policies");
    let people = pipeline::read_people(&loaded.set).await?;
    st.mark("read people");
    let listings = pipeline::list_accounts(&loaded.set).await?;
    st.mark("list accounts");
    let accounts = listings.values().map(|l| l.accounts.len()).sum();
    let mut counts = Counts { inputs: Instant::now(), people: people.len(), accounts, changes: None, json_bytes: None };
    if phase == Phase::Plan {
        let plan = keyward_core::plan(&loaded.set, &people, &listings, at)?;
        st.mark("plan");
        let mut sink = CountingSink(0);
        render::json_to(&plan, &mut sink)?;
        st.mark("render json");
        counts.changes = Some(plan.changes.len());
        counts.json_bytes = Some(sink.0);
        std::mem::forget(plan);
    }
    // Like the CLI, leave freeing to the process exit.
    std::mem::forget((listings, people, loaded));
    Ok(counts)
}

/// Counts the bytes of a rendering without keeping them, as writing to a
/// pipe would.
struct CountingSink(usize);

impl std::io::Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A `kB` field of `/proc/self/status` (`VmHWM:`, `VmRSS:`), in KiB.
pub fn proc_status_kib(field: &str) -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status").context("cannot read /proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| anyhow!("no `{field}` in /proc/self/status"))
}
