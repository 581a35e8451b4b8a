//! `keyward review export|import`: the files of an access review.
//!
//! Export writes, per reviewer, a CSV to fill in and a Markdown checklist
//! to read, plus an index. Import reads filled-in CSVs back and writes the
//! Exceptions for a pull request; it never changes an app. Which accounts
//! a sheet lists and what a decision means are keyward-core's `review`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use jiff::civil::Date;
use keyward_core::i18n::Msg;
use keyward_core::present::review::{self, ReviewBy, ReviewRow, ReviewSheet};
use keyward_core::resources::{Exception, TextEncoding};
use keyward_core::tabular;

use crate::args::Input;
use crate::output::write_text;
use crate::pipeline::Snapshot;
use crate::problems::said;

/// `keyward review`.
#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    #[command(subcommand)]
    pub command: ReviewCommand,
}

/// The two halves of an access review.
#[derive(Debug, clap::Subcommand)]
pub enum ReviewCommand {
    /// Write one CSV (to fill in) and one Markdown checklist per reviewer,
    /// and an index, into a new directory.
    Export {
        #[command(flatten)]
        input: Input,
        /// Who reviews: each person's manager, or each app's owner.
        #[arg(long, value_enum, default_value_t = ReviewByArg::Manager)]
        by: ReviewByArg,
        /// Review as of this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        at: Option<Date>,
        /// Directory to write into (must not hold a review already).
        #[arg(long, value_name = "DIR")]
        out_dir: PathBuf,
    },
    /// Read filled-in sheets: kept accounts no policy grants become
    /// Exceptions in a new YAML file for a pull request; removals and
    /// decisions that need a policy change are listed.
    Import {
        /// The filled-in CSV sheets.
        #[arg(value_name = "CSV", required = true)]
        sheets: Vec<PathBuf>,
        /// Last day the Exceptions for kept accounts are in force.
        #[arg(long, value_name = "DATE")]
        until: Date,
        /// The Exceptions file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// Who reviews (`--by`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReviewByArg {
    Manager,
    App,
}

impl From<ReviewByArg> for ReviewBy {
    fn from(by: ReviewByArg) -> Self {
        match by {
            ReviewByArg::Manager => Self::Manager,
            ReviewByArg::App => Self::App,
        }
    }
}

/// Exports the sheets, or imports filled-in ones.
pub async fn run(args: ReviewArgs) -> Result<ExitCode> {
    match args.command {
        ReviewCommand::Export { input, by, at, out_dir } => {
            let today = at.unwrap_or_else(super::today);
            let by = ReviewBy::from(by);
            let snapshot = Snapshot::read(&input).await?;
            let sheets = review::sheets(snapshot.set(), &snapshot.people, &snapshot.listings, today, by)?;
            let written = export(&sheets, &out_dir, today, by)?;
            let accounts: usize = sheets.iter().map(|s| s.rows.len()).sum();
            write_text(&format!(
                "Wrote {} sheet(s) for {} reviewer(s), {accounts} account(s), into {} (start with README.md).\n",
                (written.len() - 1) / 2,
                sheets.len(),
                out_dir.display()
            ))?;
        }
        ReviewCommand::Import { sheets, until, out } => {
            write_text(&import(&sheets, until, &out, super::today())?)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes one CSV and one Markdown file per sheet, and `README.md`, into
/// `dir` (created). Refuses a directory that already holds review files,
/// so a filled-in review is never overwritten.
pub fn export(sheets: &[ReviewSheet], dir: &Path, today: Date, by: ReviewBy) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .with_context(|| said(Msg::new("cli-cannot-create").arg("path", dir.display().to_string())))?;
    let index = dir.join("README.md");
    if index.exists() {
        bail!(said(
            Msg::new("cli-review-exists")
                .arg("dir", dir.display().to_string())
                .arg("index", index.display().to_string())
        ));
    }
    let mut written = Vec::new();
    let mut summary = format!(
        "# Access review {today}\n\nOne sheet per {}. Fill in `decision` (`keep`/継続, `remove`/削除 or `check`/要確認) and `comment` in each CSV (Excel may save it as CSV or CSV UTF-8), then run\n`keyward review import {}/*.csv --until YYYY-MM-DD --out policies/exceptions/review-{today}.yaml`.\n\n| reviewer | as | accounts | leavers' accounts | not granted | unmatched |\n|---|---|---|---|---|---|\n",
        match by {
            ReviewBy::Manager => "manager (accounts without a manager go to the app owner)",
            ReviewBy::App => "app owner",
        },
        dir.display()
    );
    for sheet in sheets {
        let stem = file_stem(&sheet.reviewer);
        let csv_path = dir.join(format!("{stem}.csv"));
        let md_path = dir.join(format!("{stem}.md"));
        std::fs::write(&csv_path, review::to_csv_in(sheet, crate::language::current()))
            .with_context(|| said(Msg::new("cli-cannot-write").arg("path", csv_path.display().to_string())))?;
        std::fs::write(&md_path, review::to_markdown_in(sheet, today, crate::language::current()))
            .with_context(|| said(Msg::new("cli-cannot-write").arg("path", md_path.display().to_string())))?;
        let count = |f: &dyn Fn(&ReviewRow) -> bool| sheet.rows.iter().filter(|r| f(r)).count();
        summary.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            sheet.reviewer.replace('|', "\\|"),
            sheet.role,
            sheet.rows.len(),
            count(&|r| r.person_status.starts_with("left")),
            count(&|r| r.granted_by == review::NOT_GRANTED),
            count(&|r| r.person_id.is_empty()),
        ));
        written.push(csv_path);
        written.push(md_path);
    }
    std::fs::write(&index, summary)
        .with_context(|| said(Msg::new("cli-cannot-write").arg("path", index.display().to_string())))?;
    written.push(index);
    Ok(written)
}

/// A file name for a reviewer: the e-mail or name with anything but
/// letters, digits, `.`, `-`, `_` and `@` replaced.
fn file_stem(reviewer: &str) -> String {
    let s: String = reviewer
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') { c } else { '_' })
        .collect();
    if s.is_empty() { "unnamed".to_owned() } else { s }
}

/// Reads filled-in sheets. Errors name the file and line.
pub fn read_sheets(paths: &[PathBuf]) -> Result<Vec<ReviewRow>> {
    let mut rows = Vec::new();
    for path in paths {
        let bytes = std::fs::read(path)
            .with_context(|| said(Msg::new("cli-cannot-read").arg("path", path.display().to_string())))?;
        let file = path.display().to_string();
        // Excel on Japanese Windows saves "CSV" as Shift_JIS (CP932);
        // "CSV UTF-8" with a BOM; other tools UTF-8 without one.
        let shown = |d: keyward_core::Diagnostic| anyhow::anyhow!("{}", d.render(crate::language::current()));
        let text = tabular::decode(&file, bytes, TextEncoding::Auto).map_err(shown)?.text;
        rows.extend(review::read_csv(&file, &text).map_err(shown)?);
    }
    let duplicates = review::duplicate_rows(&rows);
    if !duplicates.is_empty() {
        let shown: Vec<String> = duplicates.iter().map(|d| d.render(crate::language::current())).collect();
        bail!("{}", shown.join("\n"));
    }
    Ok(rows)
}

/// Reads the sheets, decides, writes the Exceptions to `out` (refusing to
/// overwrite) and returns a report for the terminal.
pub fn import(paths: &[PathBuf], until: Date, out: &Path, today: Date) -> Result<String> {
    if until < today {
        bail!(said(Msg::new("cli-review-until-past").arg("until", until).arg("today", today)));
    }
    let rows = read_sheets(paths)?;
    let decided = review::decide(&rows, until).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        said(Msg::new("cli-review-bad-decisions").arg("problems", lines.join("; ")))
    })?;
    let mut report = String::new();
    if !decided.exceptions.is_empty() {
        if out.exists() {
            bail!(said(Msg::new("cli-file-exists").arg("path", out.display().to_string())));
        }
        let mut yaml = format!(
            "# Accounts kept in the access review of {today} that no AccessPolicy grants.\n# Written by `keyward review import`; review it in the pull request like any policy.\n"
        );
        for (name, spec) in &decided.exceptions {
            let doc = serde_yaml::to_string(&Exception::new(name, spec.clone()))
                .context(said(Msg::new("cli-cannot-render-exception")))?;
            yaml.push_str("---\n");
            yaml.push_str(&doc);
        }
        std::fs::write(out, yaml)
            .with_context(|| said(Msg::new("cli-cannot-write").arg("path", out.display().to_string())))?;
        report.push_str(&format!("Wrote {} Exception(s) to {}.\n", decided.exceptions.len(), out.display()));
    }
    if !decided.removals.is_empty() {
        report.push_str(&format!("\n{} account(s) to remove (no policy grants them):\n", decided.removals.len()));
        for r in &decided.removals {
            report.push_str(&format!(
                "- [ ] {}: {} ({}) — reviewer {}{}\n",
                r.app,
                r.account,
                if r.person_name.is_empty() { r.matched_by.as_str() } else { r.person_name.as_str() },
                r.reviewer,
                if r.comment.trim().is_empty() { String::new() } else { format!(": {}", r.comment.trim()) }
            ));
        }
        report.push_str("Apps with `lifecycle.ungranted: suspend` remove them at the next apply; for the others, the plan lists them as reviews.\n");
    }
    if !decided.conflicts.is_empty() {
        report.push_str(&format!("\n{} decision(s) a review cannot carry out:\n", decided.conflicts.len()));
        for (r, why) in &decided.conflicts {
            report.push_str(&format!("- {}: {} — {why}\n", r.app, r.account));
        }
    }
    if !decided.to_check.is_empty() {
        report.push_str(&format!("\n{} account(s) marked to check (要確認):\n", decided.to_check.len()));
        for r in &decided.to_check {
            report.push_str(&format!(
                "- [ ] {}: {} — reviewer {}{}\n",
                r.app,
                r.account,
                r.reviewer,
                if r.comment.trim().is_empty() { String::new() } else { format!(": {}", r.comment.trim()) }
            ));
        }
    }
    if decided.undecided > 0 {
        report.push_str(&format!("\n{} row(s) have no decision yet.\n", decided.undecided));
    }
    if report.is_empty() {
        report.push_str("Every account was kept as granted; nothing to change.\n");
    }
    Ok(report)
}
