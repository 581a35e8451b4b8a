//! Watching the policy files: a change is sent to the main loop for every
//! write, creation, removal or rename of a policy file.

use std::path::{Path, PathBuf};

use notify::Watcher as _;
use tokio::sync::mpsc;

use crate::ControllerError;

/// Watches every policy path: directories recursively, a file through its
/// directory (editors replace files by renaming, which a watch on the file
/// itself would lose). Sends what changed for each relevant change.
pub(super) fn watch_paths(
    paths: &[PathBuf],
    tx: mpsc::UnboundedSender<&'static str>,
) -> Result<notify::RecommendedWatcher, ControllerError> {
    let files: Vec<PathBuf> = paths.iter().filter(|p| p.is_file()).map(|p| absolute(p)).collect();
    let handler = move |res: notify::Result<notify::Event>| match res {
        Ok(event) if relevant(&event, &files) => {
            let _ = tx.send("policy file");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "the policy file watcher reported an error"),
    };
    let mut watcher = notify::recommended_watcher(handler)
        .map_err(|source| ControllerError::Watch { path: PathBuf::new(), source })?;
    for p in paths {
        let (target, mode) = if p.is_dir() {
            (p.clone(), notify::RecursiveMode::Recursive)
        } else {
            let parent =
                p.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            (parent, notify::RecursiveMode::NonRecursive)
        };
        watcher.watch(&target, mode).map_err(|source| ControllerError::Watch { path: target.clone(), source })?;
    }
    Ok(watcher)
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A change to a policy file: a YAML file (not hidden) written, created,
/// removed or renamed, or one of the files named with `-f`. Reads are not
/// changes: loading the policies must not trigger another load.
fn relevant(event: &notify::Event, files: &[PathBuf]) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    let changed = match event.kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        _ => false,
    };
    changed
        && event.paths.iter().any(|p| {
            let hidden = p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            let yaml = matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml"));
            (yaml && !hidden) || files.iter().any(|f| f == p)
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, ModifyKind};
    use notify::{Event, EventKind};

    use super::*;

    fn ev(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn only_writes_to_policy_files_count_as_changes() {
        let files = vec![PathBuf::from("/p/policy.txt")];
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert!(relevant(&ev(write, "/p/apps/chat.yaml"), &files));
        assert!(relevant(&ev(EventKind::Create(CreateKind::File), "/p/new.yml"), &files));
        assert!(relevant(&ev(EventKind::Remove(notify::event::RemoveKind::File), "/p/old.yaml"), &files));
        assert!(relevant(&ev(write, "/p/policy.txt"), &files), "a file named with -f");
        assert!(!relevant(&ev(write, "/p/hr.csv"), &files), "data files are read at each reconcile anyway");
        assert!(!relevant(&ev(write, "/p/.chat.yaml.swp"), &files));
        assert!(!relevant(&ev(write, "/p/.hidden.yaml"), &files));
        assert!(!relevant(&ev(EventKind::Access(AccessKind::Open(AccessMode::Read)), "/p/chat.yaml"), &files));
        assert!(!relevant(
            &ev(EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)), "/p/chat.yaml"),
            &files
        ));
    }
}
