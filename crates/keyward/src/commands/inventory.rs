//! `keyward inventory`: who has which account in which app, matched to
//! people, as a table or CSV (keyward-core's inventory).

use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;
use keyward_core::i18n::Msg;

use crate::args::Input;
use crate::output::{write_stdout, write_text};
use crate::pipeline::{self, Snapshot};
use crate::problems::said;

/// `keyward inventory`.
#[derive(Debug, clap::Args)]
pub struct InventoryArgs {
    #[command(flatten)]
    pub input: Input,
    /// Person statuses as of this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub at: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
    pub format: InventoryFormat,
    /// Only this application (repeatable).
    #[arg(long = "app", value_name = "NAME")]
    pub apps: Vec<String>,
    /// With `--format csv`: start with a UTF-8 byte order mark, so Excel
    /// opens the file as UTF-8 (without it, Excel on Japanese Windows reads
    /// it as Shift_JIS and garbles every name), with headers and words in
    /// the `--lang` language. Leave it out for tools: their CSV keeps the
    /// column keys and English words.
    #[arg(long)]
    pub bom: bool,
}

/// How the inventory is printed (`--format`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum InventoryFormat {
    Table,
    Csv,
}

/// Lists the accounts. `--app` names are checked against the policies
/// before any HR master or app is read.
pub async fn run(args: InventoryArgs) -> Result<ExitCode> {
    let InventoryArgs { input, at, format, apps, bom } = args;
    let today = at.unwrap_or_else(super::today);
    let loaded = pipeline::load_policies(&input.paths)?;
    for a in &apps {
        if loaded.set.application(a).is_none() {
            let names: Vec<&str> = loaded.set.applications.iter().map(|x| x.name.as_str()).collect();
            anyhow::bail!(said(Msg::new("cli-no-such-app").arg("app", a).arg("names", names)));
        }
    }
    let snapshot = Snapshot::read_for(loaded, &input.hr_limits()).await?;
    let mut inv =
        keyward_core::present::inventory::inventory(snapshot.set(), &snapshot.people, &snapshot.listings, today)?;
    if !apps.is_empty() {
        inv.rows.retain(|r| apps.contains(&r.app));
    }
    let lang = crate::language::current();
    match format {
        InventoryFormat::Table => write_text(&inv.to_table_in(lang))?,
        // A CSV for Excel is read by people: headers and words in their
        // language. Without `--bom` it is for tools: column keys and
        // English words whatever `--lang` says, so scripts keep working.
        InventoryFormat::Csv if bom => write_stdout(&keyward_core::tabular::for_excel(&inv.to_csv_in(lang)))?,
        InventoryFormat::Csv => write_stdout(&inv.to_csv())?,
    }
    Ok(ExitCode::SUCCESS)
}
