//! `keyward audit verify`: check the hash chain of the audit log — with
//! `KEYWARD_AUDIT_HMAC_KEY`, each record's HMAC too; with what was kept
//! elsewhere (`--expect-records`, `--expect-hash`), that its tail was not
//! cut and it was not rewritten — and say what it holds. `keyward audit
//! export`: the verified log in its JSON Lines form (from PostgreSQL, what
//! the file verifier accepts byte for byte). The chain itself is
//! keyward-apply's.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use keyward_apply::audit::{AuditKey, Expect, VerifySummary};
use keyward_core::i18n::Msg;

use crate::args::StateArgs;
use crate::output::write_stdout;
use crate::problems::said;

/// `keyward audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// What to do with the audit log.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check that no line of the audit log was altered, removed or
    /// reordered (each line carries the hash of the one before); with
    /// KEYWARD_AUDIT_HMAC_KEY (or KEYWARD_AUDIT_HMAC_KEY_FILE) set, each
    /// record's HMAC too; with the figures kept elsewhere, that no record
    /// was cut from its end and it was not rewritten.
    Verify {
        /// The audit log.
        #[arg(value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
        path: PathBuf,
        /// The hash of a record, kept elsewhere (the last hash `keyward
        /// apply` printed, a CI variable, the controller's
        /// keyward_audit_last_hash_info): the log must still hold that
        /// record.
        #[arg(long, value_name = "HEX", value_parser = parse_hash)]
        expect_hash: Option<String>,
        /// How many records the log held when the figures were kept: it
        /// must hold at least that many, and with --expect-hash record N
        /// must have that hash.
        #[arg(long, value_name = "N")]
        expect_records: Option<u64>,
        #[command(flatten)]
        state: StateArgs,
    },
    /// Write the audit log as JSON Lines, verified first: from PostgreSQL
    /// (--state) byte for byte what a file log holds, so `keyward audit
    /// verify FILE` accepts it.
    Export {
        /// The audit log (without --state).
        #[arg(value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
        path: PathBuf,
        /// Where to write it (replaced); default: standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        state: StateArgs,
    },
}

fn parse_hash(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(t.to_ascii_lowercase())
    } else {
        Err("expected the 64 hexadecimal characters of a record's hash".to_owned())
    }
}

/// Verifies the log; fails when the chain is broken, an HMAC does not
/// match, or the log lacks what was expected. Exports it, verified.
pub async fn run(args: AuditArgs) -> Result<ExitCode> {
    let key = AuditKey::from_env()?;
    match args.command {
        AuditCommand::Verify { path, expect_hash, expect_records, state } => {
            let expect = Expect { hash: expect_hash, records: expect_records };
            let (shown, summary, _) = verified(&path, &state, key.as_ref(), &expect, false).await?;
            write_stdout(&describe(&shown, &summary, key.is_some(), &expect))?;
        }
        AuditCommand::Export { path, out, state } => {
            let (_, _, bytes) = verified(&path, &state, key.as_ref(), &Expect::default(), true).await?;
            match out {
                Some(out) => std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?,
                None => {
                    use std::io::Write as _;
                    let mut stdout = std::io::stdout().lock();
                    stdout
                        .write_all(&bytes)
                        .and_then(|()| stdout.flush())
                        .context("cannot write to standard output")?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The log of `--state`, else the file at `path`, verified: where it is,
/// what it holds, and (with `bytes`) its JSON Lines.
async fn verified(
    path: &std::path::Path,
    state: &StateArgs,
    key: Option<&AuditKey>,
    expect: &Expect,
    bytes: bool,
) -> Result<(PathBuf, VerifySummary, Vec<u8>)> {
    let fails = |shown: String| said(Msg::new("cli-audit-does-not-verify").arg("path", shown));
    if let Some(pg) = state.postgres()? {
        let shown = PathBuf::from(format!("{}#{}", pg.shown(), state.chain));
        let (summary, lines) = keyward_apply::audit::postgres::verify_export(&pg, &state.chain, key, expect)
            .await
            .with_context(|| fails(shown.display().to_string()))?;
        return Ok((shown, summary, lines));
    }
    let summary =
        keyward_apply::audit::verify_with(path, key, expect).with_context(|| fails(path.display().to_string()))?;
    let lines = if bytes {
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
    } else {
        Vec::new()
    };
    Ok((path.to_owned(), summary, lines))
}

fn describe(path: &std::path::Path, s: &VerifySummary, keyed: bool, expect: &Expect) -> String {
    let mut out = format!(
        "OK: {} verifies: {} record(s) from {} run(s); last hash {}.\n",
        path.display(),
        s.records,
        s.runs,
        s.last_hash
    );
    match (s.anchor, expect.hash.is_some()) {
        (Some(n), true) => out.push_str(&format!(
            "  record {n} has the expected hash; {} record(s) were appended since.\n",
            s.records as u64 - n.min(s.records as u64)
        )),
        (Some(n), false) => out.push_str(&format!("  it holds the {n} record(s) expected.\n")),
        (None, _) => out.push_str(
            "  Keep the record count and last hash elsewhere and pass them as --expect-records and --expect-hash: anyone who can rewrite the whole file can rebuild a chain.\n",
        ),
    }
    out.push_str(&match (keyed, s.keyed) {
        (true, 0) => "  No record carries an HMAC: they were written before the key was set (or stripped, which --expect-hash shows).\n".to_owned(),
        (true, n) => format!("  {n} of {} record(s) carry an HMAC: HMAC checked with the key.\n", s.records),
        (false, 0) => String::new(),
        (false, n) => format!(
            "  {n} record(s) carry an HMAC, not checked: set {} (or {}) to check them.\n",
            AuditKey::ENV,
            AuditKey::FILE_ENV
        ),
    });
    out
}
