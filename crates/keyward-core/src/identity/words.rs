//! The words for a verdict on whose account it is, as catalogue messages
//! (`reasons.ftl`, `id-…`) built from typed arguments.

use jiff::civil::Date;

use super::{Clue, Doubt, Record, Verdict, Which};
use crate::action::Action;
use crate::i18n::{Arg, Msg};

/// `E0100 山田 太郎 (terminated, 2015-04-01 – 2025-03-31)`.
fn record(r: &Record) -> Msg {
    let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "?".to_owned());
    let dates = match (r.start, r.end) {
        (None, None) => Arg::Text(String::new()),
        (Some(s), None) => Msg::new("id-dates-from").arg("start", s).into(),
        (s, e) => Msg::new("id-dates-range").arg("start", day(s)).arg("end", day(e)).into(),
    };
    let m = match r.name.as_deref() {
        Some(name) => Msg::new("id-record-named").arg("name", name),
        None => Msg::new("id-record"),
    };
    m.arg("id", &r.id).arg("status", r.status.as_str()).arg("dates", dates)
}

fn earlier(v: &Verdict, i: usize) -> Arg {
    v.earlier.get(i).map_or_else(|| Msg::new("id-an-earlier-record").into(), |r| Arg::from(&r.id))
}

/// `a and b and c`, in the reader's language.
fn and(items: Vec<Msg>) -> Arg {
    let mut rev = items.into_iter().rev();
    let Some(last) = rev.next() else { return Arg::Text(String::new()) };
    rev.fold(last, |rest, first| Msg::new("id-and").arg("first", first).arg("rest", rest)).into()
}

/// The evidence: `created 2026-04-01, after E0500 started on 2026-04-01`.
pub fn clue_message(v: &Verdict) -> Msg {
    let cur = v.current.id.as_str();
    let start = v.current.start.map(|d| d.to_string()).unwrap_or_else(|| "?".to_owned());
    let lead: Arg = if v.lead.0 > 0 {
        Msg::new("id-lead").arg("days", v.lead.to_string()).into()
    } else {
        Arg::Text(String::new())
    };
    let with_start = |m: Msg| m.arg("current", cur).arg("start", start.as_str());
    match v.clue {
        Clue::EmployeeId(Which::Current) => Msg::new("id-clue-id-current").arg("current", cur),
        Clue::EmployeeId(Which::Earlier(i)) => Msg::new("id-clue-id-earlier").arg("earlier", earlier(v, i)),
        Clue::ActiveSinceStart(d) => with_start(Msg::new("id-clue-active-since").arg("date", d)),
        Clue::CreatedForCurrent(c) if v.current.start.is_some_and(|s| c >= s) => {
            with_start(Msg::new("id-clue-created-after").arg("date", c))
        }
        Clue::CreatedForCurrent(c) => with_start(Msg::new("id-clue-created-within").arg("date", c)),
        Clue::CreatedDuring(c, i) => {
            let until: Arg = v
                .earlier
                .get(i)
                .and_then(|r| r.end)
                .map_or(Arg::Text(String::new()), |e| Msg::new("id-until").arg("date", e).into());
            with_start(
                Msg::new("id-clue-created-during").arg("date", c).arg("earlier", earlier(v, i)).arg("until", until),
            )
        }
        Clue::CreatedBefore(c) => with_start(Msg::new("id-clue-created-before").arg("date", c).arg("lead", lead)),
        Clue::ActiveBefore(d) => with_start(Msg::new("id-clue-active-before").arg("date", d).arg("lead", lead)),
        Clue::Nothing => Msg::new("id-clue-nothing"),
    }
}

/// Why a doubted account is reviewed rather than attributed; `would`
/// names the change the person's planning proposed and its reason.
pub(crate) fn doubt_reason(v: &Verdict, would: Option<(Action, Msg)>) -> Msg {
    let cur = v.current.id.as_str();
    let shared = match v.doubt {
        Some(Doubt::PreStart) | None => None,
        Some(doubt) => Some(doubt),
    };
    let m = match (shared.is_some(), would) {
        (false, None) => Msg::new("id-doubt-prestart"),
        (true, None) => Msg::new("id-doubt-shared"),
        (false, Some((action, why))) => {
            Msg::new("id-doubt-prestart-would").arg("action", action.message()).arg("why", why)
        }
        (true, Some((action, why))) => {
            Msg::new("id-doubt-shared-would").arg("action", action.message()).arg("why", why)
        }
    };
    let m = match shared {
        None => m.arg("record", record(&v.current)),
        Some(doubt) => {
            let mut all = vec![record(&v.current)];
            all.extend(v.earlier.iter().rev().map(record));
            let conclusion = match doubt {
                Doubt::EarlierRecord => Msg::new("id-conclusion-earlier").arg("current", cur),
                _ => Msg::new("id-conclusion-any"),
            };
            let start: Arg =
                v.current.start.map_or(Arg::Text(String::new()), |d| Msg::new("id-on-or-after").arg("date", d).into());
            m.arg("records", and(all)).arg("conclusion", conclusion).arg("current", cur).arg("start", start)
        }
    };
    m.arg("clue", clue_message(v))
}

/// For an account the evidence tied to the current record although the
/// address had earlier holders: `the address was also E0100's; created …`.
pub(crate) fn decided_note(v: &Verdict) -> Option<Msg> {
    if v.doubt.is_some() || v.earlier.is_empty() {
        return None;
    }
    let ids: Vec<&str> = v.earlier.iter().map(|r| r.id.as_str()).collect();
    Some(Msg::new("id-decided").arg("ids", ids).arg("clue", clue_message(v)))
}
