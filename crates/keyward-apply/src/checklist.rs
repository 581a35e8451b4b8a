//! Checklists for apps keyward can only read: `<app>.md` for the human,
//! in their language, with `<app>.items.json` beside it for `keyward
//! checklist done`/`import`.
//!
//! Writing one keeps what a human did to the last one: the ticks of items
//! still on it stay ticked. A previous file that cannot be read back (not
//! keyward's, edited out of shape, or from before item ids) is never
//! overwritten: it is renamed aside and the report says where.
//!
//! - `render` — the Markdown: the changes in the app's own words, and its
//!   reviews.
//! - [`ticks`] — reading a checklist back.
//! - [`items`] — the JSON of the items beside it.

use std::path::{Path, PathBuf};

use keyward_core::i18n::{Lang, Msg};

use crate::report::Reason;

pub mod items;
mod render;
pub mod ticks;

pub use items::{Item, Items};
pub(crate) use render::Sheet;
pub use ticks::{Malformed, Problem, Ticks};

/// `<app>.md`, with anything that could leave the directory replaced.
pub fn file_name(app: &str) -> String {
    let safe: String =
        app.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    // A leading dot would hide the file, and `..` would climb out.
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() { "_.md".to_owned() } else { format!("{safe}.md") }
}

/// A checklist written.
#[derive(Debug, Clone)]
pub(crate) struct Written {
    /// The Markdown file.
    pub(crate) path: PathBuf,
    /// The previous file could not be read back and was kept aside: why
    /// and where.
    pub(crate) set_aside: Option<Reason>,
}

/// Writes `sheet`, the checklist of an app for the apply run named in it,
/// into `dir`, keeping the ticks of the file there.
///
/// # Errors
/// When the directory or a file cannot be written (or the old file read
/// or renamed): the caller fails the items with the reason.
pub(crate) async fn write(dir: &Path, sheet: &Sheet<'_>, lang: Lang) -> std::io::Result<Written> {
    let Sheet { app, vendor, when: (date, run), changes, .. } = *sheet;
    tokio::fs::create_dir_all(dir).await?;
    let path = dir.join(file_name(&app.name));
    let (ticks, set_aside) = match tokio::fs::read(&path).await {
        Ok(old) => match ticks::parse(&old) {
            Ok(ticks) => (ticks, None),
            Err(bad) => {
                let mut kept = path.clone().into_os_string();
                kept.push(format!(".unreadable-{}", file_name(run).trim_end_matches(".md")));
                let kept = PathBuf::from(kept);
                tokio::fs::rename(&path, &kept).await?;
                let why = Msg::new("apply-checklist-set-aside")
                    .arg("path", path.display().to_string())
                    .arg("problem", bad.message())
                    .arg("kept", kept.display().to_string());
                tracing::warn!(path = %path.display(), kept = %kept.display(), problem = %bad, "previous checklist kept aside");
                (Ticks::default(), Some(Reason::new(why)))
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Ticks::default(), None),
        Err(e) => return Err(e),
    };
    let text = render::render(sheet, &ticks, lang);
    let listed = Items {
        app: app.name.clone(),
        run: run.to_owned(),
        date,
        items: changes
            .iter()
            .map(|c| Item {
                id: c.item_id(),
                shown_as: render::shown_as(&c.account, vendor).to_owned(),
                change: (*c).clone(),
            })
            .collect(),
    };
    let json = serde_json::to_string_pretty(&listed).map_err(std::io::Error::other)?;
    replace(&dir.join(items::file_name(&app.name)), json).await?;
    replace(&path, text).await?;
    Ok(Written { path, set_aside })
}

/// Written aside and renamed, so a crash never leaves half a file where a
/// complete one was.
async fn replace(path: &Path, text: String) -> std::io::Result<()> {
    let mut tmp = path.to_path_buf().into_os_string();
    tmp.push(".tmp");
    tokio::fs::write(&tmp, text).await?;
    tokio::fs::rename(&tmp, path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_in_the_directory() {
        assert_eq!(file_name("slack"), "slack.md");
        assert_eq!(file_name("../etc/passwd"), "_etc_passwd.md");
        assert_eq!(file_name(".."), "_.md");
        assert_eq!(file_name("google.workspace"), "google.workspace.md");
    }
}
