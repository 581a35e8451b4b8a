//! The embedded backend: the log as a JSON Lines file, locked while open.
//! Every record is one `write_all` of the whole line followed by
//! `sync_data`; see the parent module for the format, which this backend
//! writes byte for byte as every earlier keyward did.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::{AuditError, AuditKey, Baseline, Entry, Record, scan};

#[derive(Debug)]
struct Inner {
    file: File,
    seq: u64,
    last_hash: String,
    baseline: Baseline,
    broken: Option<String>,
    /// Signs every record written, when the log is keyed.
    key: Option<AuditKey>,
}

/// An open JSON Lines log. Clones share the file; records from concurrent
/// tasks are serialized.
#[derive(Debug, Clone)]
pub(super) struct FileLog {
    path: Arc<PathBuf>,
    inner: Arc<Mutex<Inner>>,
}

impl FileLog {
    /// Opens (creating it and its directory if missing), locks and
    /// verifies the log at `path`.
    pub(super) fn open(path: &Path, key: Option<AuditKey>) -> Result<Self, AuditError> {
        let path = path.to_owned();
        let io = |what: &'static str| {
            let path = path.clone();
            move |source| AuditError::Io { path, what, source }
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(io("create the directory of"))?;
        }
        let existed = path.exists();
        let mut file = OpenOptions::new().read(true).append(true).create(true).open(&path).map_err(io("open"))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => return Err(AuditError::Locked { path }),
            Err(fs::TryLockError::Error(e)) => return Err(io("lock")(e)),
        }
        if !existed {
            sync_dir(&path);
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io("read"))?;
        let chain = scan(&path, &bytes, key.as_ref(), |_| {})?;
        if let (None, Some(line)) = (&key, chain.first_keyed) {
            return Err(AuditError::KeyNeeded { path, line });
        }
        let inner =
            Inner { file, seq: chain.seq, last_hash: chain.last_hash, baseline: chain.baseline, broken: None, key };
        Ok(Self { path: Arc::new(path), inner: Arc::new(Mutex::new(inner)) })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The file is locked, so what this process saw is the whole log.
    pub(super) fn last_people_total(&self) -> Option<usize> {
        self.inner.lock().ok().and_then(|i| i.baseline.last)
    }

    pub(super) fn last_hash(&self) -> String {
        self.inner.lock().map(|i| i.last_hash.clone()).unwrap_or_default()
    }

    pub(super) fn records(&self) -> u64 {
        self.inner.lock().map(|i| i.seq).unwrap_or_default()
    }

    /// Appends one record and waits until it is on disk.
    pub(super) fn record(&self, run: &str, entry: Entry) -> Result<Record, AuditError> {
        let mut inner = self.inner.lock().map_err(|_| AuditError::Broken {
            path: self.path.to_path_buf(),
            why: "an earlier write panicked".to_owned(),
        })?;
        if let Some(why) = &inner.broken {
            return Err(AuditError::Broken { path: self.path.to_path_buf(), why: why.clone() });
        }
        let (rec, mut line) = Record::next(inner.seq + 1, inner.last_hash.clone(), run, entry, inner.key.as_ref())?;
        line.push('\n');
        // One write of the whole line, then wait for the disk: a crash can
        // lose the line or leave it torn (which `open` detects), but never
        // interleave it with another.
        let written = inner.file.write_all(line.as_bytes()).and_then(|()| inner.file.sync_data());
        if let Err(source) = written {
            // A partial write may be on disk; appending after it would hide
            // the damage inside a line that looks complete.
            inner.broken = Some(format!("writing record {} failed: {source}", rec.seq));
            return Err(AuditError::Io { path: self.path.to_path_buf(), what: "append to", source });
        }
        inner.seq = rec.seq;
        inner.last_hash.clone_from(&rec.hash);
        inner.baseline.observe(&rec);
        Ok(rec)
    }

    /// Puts the log in the state a failed write leaves it in.
    #[cfg(test)]
    pub(super) fn break_for_test(&self, why: &str) {
        if let Ok(mut i) = self.inner.lock() {
            i.broken = Some(why.to_owned());
        }
    }
}

/// Makes a new file's directory entry durable, so a crash right after the
/// first record cannot lose the whole file. Best effort: not every
/// platform or file system can sync a directory.
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
