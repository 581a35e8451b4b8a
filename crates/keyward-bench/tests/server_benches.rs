//! The benchmarks that reconcile against real SCIM servers, run small:
//! BENCHMARKS.md quotes their figures, so a change elsewhere (a new guard,
//! a connector's requests) must not leave them unable to run.

use keyward_bench::{REFERENCE_DATE, leaver_latency, scim_requests};

/// The documented command's organisation: one of its apps gets more new
/// accounts than the mass-create guard's default allows (this bench once
/// stopped at that guard).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scim_request_count_runs_its_documented_organisation() {
    let work = tempfile::tempdir().unwrap();
    let at = REFERENCE_DATE.parse().unwrap();
    let opts = scim_requests::Options { people: 500, page_size: 100, at };
    let figures = scim_requests::run(opts, work.path()).await.unwrap();
    let opened = ["create", "restore"].iter().filter_map(|a| figures.actions.get(a)).sum::<usize>();
    assert!(opened > 50, "more than the mass-create guard's default: {:?}", figures.actions);
    assert!(figures.apply.changes > 0 && figures.apply.total >= figures.apply.minimum(), "{:?}", figures.apply);
    assert_eq!(figures.steady.changes, 0, "the next reconcile has nothing left to do: {:?}", figures.steady);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leaver_latency_bench_suspends_each_leaver() {
    let work = tempfile::tempdir().unwrap();
    let at = REFERENCE_DATE.parse().unwrap();
    let opts =
        leaver_latency::Options { apps: 2, people: 4, delay: std::time::Duration::ZERO, runs: 1, resyncs: 1, at };
    let figures = leaver_latency::run(opts, work.path()).await.unwrap();
    assert_eq!(figures.latencies.len(), 1, "{figures:?}");
    assert!(figures.requests_per_app > 0, "{figures:?}");
}
