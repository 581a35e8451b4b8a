//! A PeopleSource's status after a reconcile read it, could not read it,
//! or read it but could not use it. Pure.

use jiff::Timestamp;
use keyward_core::resources::PeopleSourceStatus;

use super::conditions::{READY, SOURCE_ERROR, rfc3339, set_condition};
use super::outcome::Problem;

/// What became of one PeopleSource in a reconcile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRead {
    /// Read: this many people.
    Read(u32),
    /// The source itself could not be read or has invalid data.
    Failed(Problem),
    /// The source was fine but another one failed, so the snapshot was not
    /// used: keyward never plans from part of the HR data.
    Blocked(Problem),
}

/// A PeopleSource's status after a reconcile. The people count and
/// `lastSync` keep their last known values while the source fails.
pub fn people_source_status(
    prev: Option<&PeopleSourceStatus>,
    read: &SourceRead,
    now: Timestamp,
) -> PeopleSourceStatus {
    let mut s = prev.cloned().unwrap_or_default();
    let c = &mut s.conditions;
    match read {
        SourceRead::Read(people) => {
            let msg = if *people == 1 { "1 person read".to_owned() } else { format!("{people} people read") };
            s.last_sync = Some(rfc3339(now));
            s.people = *people;
            set_condition(c, SOURCE_ERROR, "False", "Read", &msg, now);
            set_condition(c, READY, "True", "Read", &msg, now);
        }
        SourceRead::Failed(p) => {
            set_condition(c, SOURCE_ERROR, "True", &p.reason, &p.message, now);
            set_condition(c, READY, "False", &p.reason, &p.message, now);
        }
        SourceRead::Blocked(p) => {
            set_condition(c, SOURCE_ERROR, "False", "Read", "the source itself was read", now);
            set_condition(c, READY, "False", &p.reason, &p.message, now);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::status::conditions::condition;
    use crate::status::t;

    #[test]
    fn people_sources_report_people_or_the_problem() {
        let s = people_source_status(None, &SourceRead::Read(6), t(0));
        assert_eq!(s.people, 6);
        assert_eq!(condition(&s.conditions, READY).unwrap().message, "6 people read");
        assert_eq!(condition(&s.conditions, READY).unwrap().status, "True");
        assert_eq!(condition(&s.conditions, SOURCE_ERROR).unwrap().status, "False");
        let p = Problem::new("ReadFailed", "cannot read hr.csv");
        let s = people_source_status(Some(&s), &SourceRead::Failed(p.clone()), t(10));
        assert_eq!(s.people, 6, "kept from the last read");
        assert_eq!(condition(&s.conditions, SOURCE_ERROR).unwrap().reason, "ReadFailed");
        assert_eq!(condition(&s.conditions, READY).unwrap().status, "False");
        let s = people_source_status(Some(&s), &SourceRead::Blocked(Problem::new("SnapshotIncomplete", "x")), t(20));
        assert_eq!(condition(&s.conditions, SOURCE_ERROR).unwrap().status, "False");
        assert_eq!(condition(&s.conditions, READY).unwrap().reason, "SnapshotIncomplete");
    }
}
