//! A tiny generated organisation loads with the real loaders, plans with
//! every kind of change the benchmark relies on, and is reproducible.

use std::collections::BTreeMap;
use std::path::Path;

use keyward_bench::generate::{GenOptions, generate};
use keyward_bench::run;

fn tiny(seed: u64) -> GenOptions {
    GenOptions { people: 300, apps: 3, seed }
}

fn files(dir: &Path) -> std::io::Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let path = e?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
                out.insert(rel, std::fs::read(&path)?);
            }
        }
    }
    Ok(out)
}

#[test]
fn a_tiny_org_loads_and_plans_creates_suspends_and_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), &tiny(42)).unwrap();
    assert_eq!(summary.people, 300);
    assert_eq!(summary.rows.len(), 3);

    let loaded = keyward::pipeline::load_policies(&[dir.path().join("policies")]).unwrap();
    assert_eq!(loaded.set.applications.len(), 3);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let people = runtime.block_on(keyward::pipeline::read_people(&loaded.set)).unwrap();
    let listings = runtime.block_on(keyward::pipeline::list_accounts(&loaded.set)).unwrap();
    let accounts: usize = listings.values().map(|l| l.accounts.len()).sum();
    // Readers skip the few `deleted` rows some exports carry.
    assert!(accounts <= summary.total_rows() && accounts * 100 >= summary.total_rows() * 95);

    let at = keyward_bench::REFERENCE_DATE.parse().unwrap();
    let plan = keyward_core::plan(&loaded.set, &people, &listings, at).unwrap();
    let s = plan.summary;
    assert!(s.create > 0, "{s:?}");
    assert!(s.suspend > 0, "{s:?}");
    assert!(s.review > 0, "{s:?}");
    // Most accounts agree with the policies: changes are a small share.
    assert!(plan.changes.len() * 4 < accounts, "{s:?} of {accounts}");

    // The in-process measurement sees the same inputs.
    let f = run::run(dir.path(), run::Phase::Plan, at, false).unwrap();
    assert_eq!(f.accounts, accounts);
    assert_eq!(f.people, people.len());
    assert_eq!(f.changes, Some(plan.changes.len()));
    assert!(f.peak_rss_kib > 0);
}

#[test]
fn the_same_seed_writes_the_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    generate(a.path(), &tiny(7)).unwrap();
    generate(b.path(), &tiny(7)).unwrap();
    generate(c.path(), &tiny(8)).unwrap();
    let (fa, fb, fc) = (files(a.path()).unwrap(), files(b.path()).unwrap(), files(c.path()).unwrap());
    assert!(fa.contains_key("hr/employees.csv"));
    assert!(fa.contains_key("saas/app-03.csv"));
    assert!(fa.contains_key("policies/people.yaml"));
    // `generated.txt` names the output directory; everything else must match.
    let data = |f: &BTreeMap<String, Vec<u8>>| {
        f.iter()
            .filter(|(k, _)| k.as_str() != "generated.txt")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(data(&fa), data(&fb));
    assert_ne!(fa.get("hr/employees.csv"), fc.get("hr/employees.csv"));
}
