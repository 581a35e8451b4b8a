//! HR directories' JSON mapped to people: Google Directory users, Microsoft
//! Graph users and SmartHR crews, each by the PeopleSource of
//! `examples/vendors/` (JSON paths, labels, dates, time zones). The first
//! byte picks the source; the rest is a page or one user.
#![no_main]

use keyward_core::people::People;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((pick, rest)) = keyward_fuzz::choice(data) else { return };
    let Ok(page) = serde_json::from_slice::<Value>(rest) else { return };
    let set = keyward_fuzz::hr_apis();
    let read = match pick % 3 {
        0 => keyward_sources::google::map_users(set, 0, keyward_fuzz::users(&page, "users")).map_err(|e| e.to_string()),
        1 => keyward_sources::graph::map_users(set, 1, keyward_fuzz::users(&page, "value")).map_err(|e| e.to_string()),
        _ => {
            let src = &set.people_sources[2];
            let Some(spec) = &src.spec.smarthr else { return };
            let crews: Vec<Value> = keyward_fuzz::users(&page, "crews").into_iter().cloned().collect();
            keyward_sources::smarthr::map_crews(&set.locator(&src.origin), src, spec, 2, &crews)
                .map_err(|d| d.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        }
    };
    if let Ok((info, persons)) = read {
        for p in &persons {
            assert!(!p.id.trim().is_empty(), "a person without an employee number");
        }
        let _ = People::new(vec![info], persons);
    }
});
