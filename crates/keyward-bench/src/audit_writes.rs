//! `keyward-bench audit-writes`: audit records per second written to a
//! PostgreSQL audit store (issue 19 item 5), by one writer and by several
//! at once on one chain (each its own connections, as controller replicas
//! and a CLI apply are), against a real PostgreSQL 15 started for the
//! purpose (keyward-testkit's `PostgresServer`: default settings, so every
//! commit waits for its WAL to reach the disk). The JSON Lines file, one
//! writer, is measured beside it for comparison.

use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use keyward_apply::audit::{Entry, Event};
use keyward_apply::state::{PgState, State};
use keyward_testkit::PostgresServer;

/// What `audit-writes` was asked to measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// Records written in each measurement, shared among the writers.
    pub records: usize,
    /// How many writers at once, one measurement each.
    pub writers: Vec<usize>,
}

/// One measurement.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Where: `postgres` or `file`.
    pub backend: &'static str,
    /// Writers at once.
    pub writers: usize,
    /// Records written.
    pub records: usize,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl Figure {
    /// Records per second.
    pub fn per_second(&self) -> f64 {
        self.records as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

fn entry(i: usize) -> Entry {
    Entry::new(Event::Applied).detail(format!("suspended account {i} of the benchmark (status: inactive)"))
}

/// Measures every writer count on a fresh chain each, then the file.
pub async fn run(opts: &Options, work: &std::path::Path) -> Result<Vec<Figure>> {
    let server = PostgresServer::start();
    let pg = PgState::parse(&server.url("postgres"), Some(PostgresServer::PASSWORD.to_owned()))?;
    let mut out = Vec::new();
    for &writers in &opts.writers {
        let writers = writers.max(1);
        let chain = format!("bench-{writers}");
        let mut stores = Vec::new();
        for _ in 0..writers {
            stores.push(State::Postgres(pg.clone()).open(&chain, None).await?);
        }
        let each = opts.records / writers;
        let start = Instant::now();
        let tasks: Vec<_> = stores
            .into_iter()
            .enumerate()
            .map(|(w, store)| {
                tokio::spawn(async move {
                    for i in 0..each {
                        store.audit.record_async(&format!("writer-{w}"), entry(i)).await?;
                    }
                    anyhow::Ok(())
                })
            })
            .collect();
        for t in tasks {
            t.await.context("a writer task failed")??;
        }
        let elapsed = start.elapsed();
        let (summary, _) =
            keyward_apply::audit::postgres::verify_export(&pg, &chain, None, &Default::default()).await?;
        anyhow::ensure!(summary.records == each * writers, "the chain holds {} records", summary.records);
        out.push(Figure { backend: "postgres", writers, records: each * writers, elapsed });
    }
    let log = keyward_apply::AuditLog::open(work.join("audit.jsonl"))?;
    let start = Instant::now();
    for i in 0..opts.records {
        log.record_async("file", entry(i)).await?;
    }
    out.push(Figure { backend: "file", writers: 1, records: opts.records, elapsed: start.elapsed() });
    Ok(out)
}

/// The figures as the BENCHMARKS.md table.
pub fn markdown(figures: &[Figure], command: &str) -> String {
    let mut s =
        format!("```sh\n{command}\n```\n\n| store | writers | records | time | records/s |\n|---|--:|--:|--:|--:|\n");
    for f in figures {
        s.push_str(&format!(
            "| {} | {} | {} | {:.2} s | {:.0} |\n",
            f.backend,
            f.writers,
            f.records,
            f.elapsed.as_secs_f64(),
            f.per_second()
        ));
    }
    s
}
