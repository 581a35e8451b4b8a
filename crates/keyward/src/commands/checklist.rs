//! `keyward checklist done APP ITEM…` and `keyward checklist import
//! FILE…`: record in the audit log that a human made the changes of a
//! read-only app's checklist items, so the next plan stops asking for
//! them. Items are looked up in the checklist last written for the app
//! (`<app>.items.json` beside `<app>.md`); nothing is recorded unless
//! every item named is on it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use keyward_apply::audit::{AuditKey, Entry};
use keyward_apply::checklist::{self, Item, Items};
use keyward_apply::completions;
use keyward_core::i18n::{Arg, Lang, Msg};
use keyward_core::present::render;
use keyward_core::t;

use crate::output::write_text;
use crate::problems::said;

/// `keyward checklist`.
#[derive(Debug, clap::Args)]
pub struct ChecklistArgs {
    #[command(subcommand)]
    pub command: ChecklistCommand,
    /// Who did the work, as the audit log should name them. Without it,
    /// the login name of this session (`USER`, `USERNAME`).
    #[arg(long, global = true, value_name = "NAME", env = "KEYWARD_BY")]
    pub by: Option<String>,
    /// The audit log the completions are recorded in.
    #[arg(long, global = true, value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
    pub audit_log: PathBuf,
    /// The audit log in PostgreSQL instead of --audit-log.
    #[command(flatten)]
    pub state: crate::args::StateArgs,
    /// Where `keyward apply` wrote the checklists.
    #[arg(long, global = true, value_name = "DIR", default_value = ".keyward/checklists")]
    pub checklist_dir: PathBuf,
}

/// What to record.
#[derive(Debug, clap::Subcommand)]
pub enum ChecklistCommand {
    /// Record that these items of APP's checklist are done. ITEM is an
    /// item id (`K-3f2a9c01`) or the account as the app shows it (its
    /// login, e-mail or id: every item of that account).
    Done {
        /// The application.
        #[arg(value_name = "APP")]
        app: String,
        /// Item ids or accounts.
        #[arg(value_name = "ITEM", required = true)]
        items: Vec<String>,
    },
    /// Record the items ticked (`- [x]`) in checklist files.
    Import {
        /// Checklist Markdown files, as keyward wrote them and a human ticked them.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
}

/// Records the completions; fails, recording nothing, when an item is not
/// on its app's checklist.
pub async fn run(args: ChecklistArgs) -> Result<ExitCode> {
    let lang = crate::language::current();
    let by = match args.by.clone().or_else(|| std::env::var("USER").ok()).or_else(|| std::env::var("USERNAME").ok()) {
        Some(by) if !by.trim().is_empty() => by.trim().to_owned(),
        _ => bail!(t!(lang, "checklist-who")),
    };
    let asked: Vec<(String, Vec<String>)> = match &args.command {
        ChecklistCommand::Done { app, items } => vec![(app.clone(), items.clone())],
        ChecklistCommand::Import { files } => files.iter().map(|f| ticked(f, lang)).collect::<Result<_>>()?,
    };
    let state = args.state.state(&args.audit_log, None)?;
    let shown = state.shown();
    let cannot = || said(Msg::new("cli-cannot-use-audit-log").arg("path", shown.clone()));
    let store = state.open(&args.state.chain, AuditKey::from_env()?).await.with_context(cannot)?;
    let audit = store.audit.with_actor(keyward_apply::audit::actor::from_env().as_deref());
    let records = audit.read_all().await.with_context(cannot)?;
    // Every item is looked up before anything is recorded.
    let mut todo: Vec<(String, Vec<Item>)> = Vec::new();
    for (app, keys) in &asked {
        let items = read_items(&args.checklist_dir, app, lang)?;
        let open = completions::open(&items, &records);
        let mut chosen: Vec<Item> = Vec::new();
        let mut unknown = Vec::new();
        for key in keys {
            let found = items.find(key);
            if found.is_empty() {
                unknown.push(key.as_str());
            }
            for item in found {
                let is_open = open.iter().any(|(i, o)| *o && i.id == item.id);
                if is_open && !chosen.iter().any(|c| c.id == item.id) {
                    chosen.push(item.clone());
                } else if !is_open {
                    write_text(&format!("{}\n", t!(lang, "checklist-already-done", id = item.id.as_str())))?;
                }
            }
        }
        if !unknown.is_empty() {
            let mut msg = t!(lang, "checklist-unknown", app = app.as_str(), items = unknown.join(", "));
            let still: Vec<&Item> = open.iter().filter(|(_, o)| *o).map(|(i, _)| *i).collect();
            if still.is_empty() {
                msg.push_str(&format!("\n  {}", t!(lang, "checklist-none-open")));
            }
            for i in still {
                msg.push_str(&format!("\n  {}", describe(i, lang)));
            }
            msg.push_str(&format!("\n{}", t!(lang, "checklist-nothing-recorded")));
            bail!(msg);
        }
        todo.push((app.clone(), chosen));
    }
    let run = keyward_apply::new_run_id();
    for (app, items) in todo {
        for item in &items {
            audit.record_async(&run, Entry::checklist_done(&item.change, &by)).await.with_context(cannot)?;
        }
        let line =
            t!(lang, "checklist-recorded", app = app.as_str(), count = Arg::digits(items.len()), by = by.as_str());
        let mut out = format!("{line}\n");
        for i in &items {
            out.push_str(&format!("  {}\n", describe(i, lang)));
        }
        write_text(&out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `K-… action account` as the checklist showed it.
fn describe(i: &Item, lang: Lang) -> String {
    format!("{} {} {}", i.id, render::action_name(i.change.action, lang), i.shown_as)
}

/// The items of the checklist last written for `app`.
fn read_items(dir: &Path, app: &str, lang: Lang) -> Result<Items> {
    let path = dir.join(checklist::items::file_name(app));
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!(t!(lang, "checklist-none-for-app", app = app, path = path.display().to_string()))
        }
        Err(e) => return Err(e).with_context(|| path.display().to_string()),
    };
    serde_json::from_str(&text)
        .with_context(|| t!(lang, "checklist-items-unreadable", path = path.display().to_string()))
}

/// The app a checklist file is for and the ids ticked in it.
fn ticked(file: &Path, lang: Lang) -> Result<(String, Vec<String>)> {
    let bytes = std::fs::read(file)
        .with_context(|| t!(lang, "checklist-file-unreadable", path = file.display().to_string()))?;
    let ticks = checklist::ticks::parse(&bytes).map_err(|bad| {
        anyhow::anyhow!(t!(
            lang,
            "checklist-file-malformed",
            path = file.display().to_string(),
            line = Arg::Text(bad.line.to_string()),
            column = Arg::Text(bad.column.to_string()),
            problem = bad.problem.message()
        ))
    })?;
    let Some(app) = ticks.app.clone() else {
        bail!(t!(lang, "checklist-file-no-app", path = file.display().to_string()));
    };
    Ok((app, ticks.ticked().map(str::to_owned).collect()))
}
