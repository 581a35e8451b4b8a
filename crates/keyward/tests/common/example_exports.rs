//! The example's csv exports carry no date column, so their age comes from
//! the files' modification times, which a checkout sets to whenever it ran.
//! Tests that compare the example's plan byte for byte pin them to the day
//! its story has them exported, 2026-11-20, three days before the plan's
//! date (noon UTC: the same day on every calendar from UTC-11 to UTC+11).

use std::path::Path;

/// Sets every `examples/saas/*.csv` under `repo` to have been modified on
/// 2026-11-20. Idempotent, so tests running at once may all call it.
pub fn pin_export_times(repo: &Path) {
    let noon: jiff::Timestamp = "2026-11-20T12:00:00Z".parse().expect("a timestamp");
    let dir = repo.join("examples/saas");
    for entry in std::fs::read_dir(&dir).expect("examples/saas") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "csv") {
            let file = std::fs::File::options().write(true).open(&path).expect("open an example export");
            file.set_modified(noon.into()).expect("set an example export's modification time");
        }
    }
}
