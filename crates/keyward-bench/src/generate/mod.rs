//! `keyward-bench gen`: writes the synthetic organisation as files —
//! `hr/employees.csv`, `saas/app-NN.csv` and `policies/*.yaml` — the way a
//! real keyward policy repository and its exports look.
//!
//! Everything is derived from the seed through [`Rng`] streams and written
//! in a fixed order, so the same options give byte-identical files.
//!
//! This module owns the options, the order of writing and the files; what
//! goes into them is drawn by `crate::org` and laid out by:
//! - `hr`: the HR master export (SmartHR's layout);
//! - `accounts`: each app's accounts before layout — people's, mostly as
//!   the policies say, plus orphans, bots and service accounts;
//! - `export`: those accounts in each vendor's export format;
//! - `yaml`: the PeopleSource, Application and AccessPolicy files;
//! - `exceptions`: a handful of Exception files;
//! - `csv`: the CSV cell quoting they share.

mod accounts;
mod csv;
mod exceptions;
mod export;
mod hr;
mod yaml;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::org::{self, Format};
use crate::rng::Rng;

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// HR rows (current and former people).
    pub people: usize,
    /// Number of applications (at most [`MAX_APPS`]).
    pub apps: usize,
    /// PRNG seed.
    pub seed: u64,
}

/// The size of the app catalogue.
pub const MAX_APPS: usize = 20;

/// What was written.
#[derive(Debug, Clone)]
pub struct Summary {
    /// HR rows.
    pub people: usize,
    /// Departments.
    pub departments: usize,
    /// Access policies.
    pub policies: usize,
    /// Data rows per app export, by app name (a few are `deleted`
    /// accounts, which readers skip).
    pub rows: Vec<(String, usize)>,
}

impl Summary {
    /// All export rows.
    pub fn total_rows(&self) -> usize {
        self.rows.iter().map(|(_, n)| n).sum()
    }
}

/// The file that records how a data directory was generated.
pub const GENERATED_FILE: &str = "generated.txt";

/// Writes the organisation under `out`. Files of an earlier generation
/// that this one would not write (more apps before) are removed first.
pub fn generate(out: &Path, opts: &GenOptions) -> Result<Summary> {
    if opts.apps == 0 || opts.apps > MAX_APPS {
        bail!("--apps must be between 1 and {MAX_APPS}");
    }
    if opts.people < org::minimum_people() {
        bail!("--people must be at least {}", org::minimum_people());
    }
    let hr_dir = out.join("hr");
    let saas_dir = out.join("saas");
    let pol_dir = out.join("policies");
    for d in [&hr_dir, &saas_dir, &pol_dir] {
        std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    clean(&saas_dir, |n| n.starts_with("app-") && n.ends_with(".csv"))?;
    clean(&pol_dir, |n| n.ends_with(".yaml"))?;

    let org = org::build(opts.people, opts.seed);
    let apps = org::apps(opts.apps);
    let pols = org::policies(org.divisions, apps.len());
    let selected = org::selected(&org, &pols);

    write_file(&hr_dir.join("employees.csv"), &hr::hr_csv(&org))?;
    let mut rows = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        let mut rng = Rng::derive(opts.seed, 1000 + i as u64);
        let accts = accounts::app_accounts(&org, i, app, &pols, &selected, &mut rng);
        let text = export::export(app, &accts, &mut rng);
        let path = saas_dir.join(format!("{}.csv", app.name));
        let n = text.lines().count().saturating_sub(1);
        if let Format::Japanese { sjis: true } = app.format {
            let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(&text);
            if had_errors {
                bail!("{}: a character has no Shift_JIS form", path.display());
            }
            write_file(&path, &bytes)?;
        } else {
            write_file(&path, text.as_bytes())?;
        }
        rows.push((app.name.clone(), n));
    }

    write_file(&pol_dir.join("people.yaml"), yaml::people_yaml().as_bytes())?;
    for app in &apps {
        let text = yaml::app_yaml(app);
        write_file(&pol_dir.join(format!("{}.yaml", app.name)), text.as_bytes())?;
    }
    let mut files: BTreeMap<&str, String> = BTreeMap::new();
    for p in &pols {
        let file = if p.name.starts_with("division-") || p.name.starts_with("github-") {
            "access-divisions.yaml"
        } else if p.name.starts_with("sales-") || p.name.starts_with("corporate-") {
            "access-departments.yaml"
        } else {
            "access-company.yaml"
        };
        let text = files.entry(file).or_default();
        if !text.is_empty() {
            text.push_str("---\n");
        }
        text.push_str(&yaml::policy_yaml(p, &apps));
    }
    for (name, text) in &files {
        write_file(&pol_dir.join(name), text.as_bytes())?;
    }
    let ex = exceptions::exceptions_yaml(&org, &apps);
    if !ex.is_empty() {
        write_file(&pol_dir.join("exceptions.yaml"), ex.as_bytes())?;
    }

    let summary = Summary { people: org.persons.len(), departments: org.depts.len(), policies: pols.len(), rows };
    let mut record = format!(
        "keyward-bench gen --out {} --people {} --apps {} --seed {}\n",
        out.display(),
        opts.people,
        opts.apps,
        opts.seed
    );
    let _ = writeln!(
        record,
        "{} people, {} departments, {} access policies, {} account rows in {} app exports, as of {}",
        summary.people,
        summary.departments,
        summary.policies,
        summary.total_rows(),
        summary.rows.len(),
        org::REFERENCE_DATE
    );
    for (name, n) in &summary.rows {
        let _ = writeln!(record, "{name}: {n}");
    }
    write_file(&out.join(GENERATED_FILE), record.as_bytes())?;
    Ok(summary)
}

fn clean(dir: &Path, ours: impl Fn(&str) -> bool) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for e in entries {
        let e = e.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = e.file_name();
        if ours(&name.to_string_lossy()) {
            let path: PathBuf = e.path();
            std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let f = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    w.write_all(bytes).and_then(|()| w.flush()).with_context(|| format!("cannot write {}", path.display()))
}
