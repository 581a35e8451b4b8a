//! The discovery summary `keyward report --discovery FILE` reads back
//! (`keyward discover -o` wrote it, someone may have edited it): arbitrary
//! bytes as a `Discovered`, and when they parse, the summary as text,
//! Markdown, each app's Application stub and the report's "Discovered
//! apps" section, none of which may hold a raw control character.
#![no_main]

use keyward_core::present::discovered::{Discovered, markdown, stub, text};
use keyward_core::present::report::html;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(found) = serde_json::from_slice::<Discovered>(data) else { return };
    keyward_fuzz::check_printable("text", &text(&found));
    keyward_fuzz::check_printable("Markdown", &markdown(&found));
    for i in 0..found.apps.len().min(4) {
        if let Some(s) = stub(&found, i, &[]) {
            keyward_fuzz::check_printable("stub", &s);
        }
    }
    let mut report = keyward_fuzz::empty_report().clone();
    report.discovered = Some(found);
    let page = html::page(&report);
    let start = page.find("<section id=\"discovered\"").expect("the page has the section");
    let end = start + page[start..].find("</section>").expect("the section ends");
    keyward_fuzz::check_printable("report section", &page[start..end]);
});
