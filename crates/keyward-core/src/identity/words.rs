//! The words for a verdict on whose account it is: each message in one
//! function from typed arguments, so the message catalogue can take them
//! over in one place.

use jiff::civil::Date;

use super::{Clue, Doubt, Record, Verdict, Which};

/// `E0100 山田 太郎 (terminated, 2015-04-01 – 2025-03-31)`.
fn record(r: &Record) -> String {
    let name = r.name.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
    let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "?".to_owned());
    let dates = match (r.start, r.end) {
        (None, None) => String::new(),
        (Some(s), None) => format!(", from {s}"),
        (s, e) => format!(", {} – {}", day(s), day(e)),
    };
    format!("{}{name} ({}{dates})", r.id, r.status.as_str())
}

fn earlier(v: &Verdict, i: usize) -> &str {
    v.earlier.get(i).map_or("an earlier record", |r| r.id.as_str())
}

/// The evidence in words: `created 2026-04-01, after E0500 started on
/// 2026-04-01`.
pub fn clue_words(v: &Verdict) -> String {
    let cur = &v.current.id;
    let start = v.current.start.map(|d| d.to_string()).unwrap_or_else(|| "?".to_owned());
    let lead = if v.lead.0 > 0 { format!(" (less provisionBefore {})", v.lead) } else { String::new() };
    match v.clue {
        Clue::EmployeeId(Which::Current) => format!("its employee id is {cur}, the current record's"),
        Clue::EmployeeId(Which::Earlier(i)) => format!("its employee id is {}, an earlier record's", earlier(v, i)),
        Clue::ActiveSinceStart(d) => format!("last active {d}, after {cur} started on {start}"),
        Clue::CreatedForCurrent(c) if v.current.start.is_some_and(|s| c >= s) => {
            format!("created {c}, after {cur} started on {start}")
        }
        Clue::CreatedForCurrent(c) => format!("created {c}, within provisionBefore of {cur}'s start on {start}"),
        Clue::CreatedDuring(c, i) => {
            let r = v.earlier.get(i);
            let until = r.and_then(|r| r.end).map(|e| format!(" until {e}")).unwrap_or_default();
            format!("created {c}, while {} worked here{until}, before {cur} started on {start}", earlier(v, i))
        }
        Clue::CreatedBefore(c) => format!("created {c}, before {cur} started on {start}{lead}"),
        Clue::ActiveBefore(d) => format!("last active {d}, before {cur} started on {start}{lead}"),
        Clue::Nothing => {
            "it carries no employee id, creation date or last sign-in that tells the records apart".to_owned()
        }
    }
}

/// Why a doubted account is reviewed rather than attributed; `would`
/// names the change the person's planning proposed (`restore (rehired …)`).
pub(crate) fn doubt_reason(v: &Verdict, would: Option<(&str, &str)>) -> String {
    let clue = clue_words(v);
    let cur = &v.current.id;
    let would = would.map(|(action, why)| format!("would {action} ({why}), but ")).unwrap_or_default();
    match v.doubt {
        Some(Doubt::PreStart) | None => format!(
            "{would}the account is older than {}: {clue}; keyward does not attribute it to them — find out whose it was (an earlier holder of the address?) and confirm it or hand its data over",
            record(&v.current)
        ),
        Some(doubt) => {
            let mut all = vec![record(&v.current)];
            all.extend(v.earlier.iter().rev().map(record));
            let conclusion = match doubt {
                Doubt::EarlierRecord => format!("probably not {cur}'s but an earlier holder's"),
                _ => "it could be any of theirs".to_owned(),
            };
            let start = v.current.start.map(|d| format!(" on or after {d}")).unwrap_or_default();
            format!(
                "{would}its address belongs to several HR records: {}; {clue}, so {conclusion}; keyward does not attribute it — a rehire keeps the account (confirm it for {cur}), a recycled address does not (keep it from {cur} and hand its data over); an employee id, a creation date or a sign-in{start} on the account would decide",
                all.join(" and ")
            )
        }
    }
}

/// For an account the evidence tied to the current record although the
/// address had earlier holders: `the address was also E0100's; created …`.
pub(crate) fn decided_note(v: &Verdict) -> Option<String> {
    if v.doubt.is_some() || v.earlier.is_empty() {
        return None;
    }
    let ids: Vec<&str> = v.earlier.iter().map(|r| r.id.as_str()).collect();
    Some(format!("the address was also {}'s; {}", ids.join(", "), clue_words(v)))
}
