//! Account exports of the csv-export connector in every encoding it
//! supports (`auto`, `utf-8`, `shift_jis`): decoding, the CSV reader,
//! status and role values, lists, dates, the export-date column and the
//! duplicate-id check. The
//! first byte picks the Application; the rest is the file's bytes.
#![no_main]

use keyward_connectors::csv_export::CsvExport;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((pick, bytes)) = keyward_fuzz::choice(data) else { return };
    let set = keyward_fuzz::account_exports();
    let app = &set.applications[usize::from(pick) % set.applications.len()];
    let Some(spec) = &app.spec.connector.csv_export else { return };
    let export = CsvExport::new(&set.locator(&app.origin), app, spec);
    match export.parse(bytes.to_vec(), Some(jiff::civil::date(2026, 11, 30))) {
        Ok(listing) => assert!(listing.accounts.iter().all(|a| !a.id.trim().is_empty()), "an account without an id"),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
