//! HR CSV exports in every encoding the reader supports (`auto`, `utf-8`,
//! `shift_jis`) and a few column and separator styles: decoding, the CSV
//! reader, column mapping, labels and dates, then the snapshot's own
//! checks (duplicate numbers, rehires). The first byte picks the
//! PeopleSource; the rest is the file's bytes.
#![no_main]

use keyward_core::people::People;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((pick, bytes)) = keyward_fuzz::choice(data) else { return };
    let set = keyward_fuzz::hr_sources();
    let index = usize::from(pick) % set.people_sources.len();
    match keyward_sources::read_csv_bytes(set, index, "hr.csv", bytes.to_vec()) {
        Ok((info, persons)) => {
            if let Err(errors) = People::new(vec![info], persons) {
                for e in errors {
                    let _ = e.to_string();
                }
            }
        }
        Err(diagnostics) => {
            for d in diagnostics {
                let _ = d.to_string();
            }
        }
    }
});
