//! The duration words of a policy: day counts (`30d`, `2w`), retentions
//! (`never`), suspend timings (`onLastDay`) and hand-over targets. Each
//! parsed value prints as text that parses back to it, and dates moved by
//! a day count stay on the calendar.
#![no_main]

use jiff::civil::date;
use keyward_core::duration::{Days, Retention, SuspendTiming, TransferTo};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(d) = s.parse::<Days>() {
        assert_eq!(d.to_string().parse::<Days>(), Ok(d));
        let day = date(2026, 11, 23);
        assert!(d.after(day) >= day && d.before(day) <= day);
    }
    if let Ok(r) = s.parse::<Retention>() {
        assert_eq!(r.to_string().parse::<Retention>(), Ok(r));
    }
    if let Ok(t) = s.parse::<SuspendTiming>() {
        assert_eq!(t.to_string().parse::<SuspendTiming>(), Ok(t));
        let _ = t.first_day(date(2026, 11, 23));
    }
    if let Ok(t) = s.parse::<TransferTo>() {
        assert_eq!(t.to_string().parse::<TransferTo>(), Ok(t));
    }
});
