//! Day counts and the small lifecycle words built on them (`30d`, `never`,
//! `afterLastDay`, `manager`). HR facts are dates, so lifecycle timing is
//! counted in whole days; anything finer would pretend to a precision the
//! HR master does not have.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A whole number of days, written `30d` or `2w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Days(pub u32);

impl Days {
    /// `date` moved forward by this many days, saturating at the calendar's end.
    pub fn after(self, date: Date) -> Date {
        self.span().and_then(|s| date.checked_add(s).ok()).unwrap_or(Date::MAX)
    }

    /// `date` moved back by this many days, saturating at the calendar's start.
    pub fn before(self, date: Date) -> Date {
        self.span().and_then(|s| date.checked_sub(s).ok()).unwrap_or(Date::MIN)
    }

    /// The span of this many days; `None` beyond what a calendar span can
    /// hold (about 20,000 years), which no date can be moved by anyway.
    /// (`Span::days` would panic there: a policy may write any `u32`.)
    fn span(self) -> Option<jiff::Span> {
        jiff::Span::new().try_days(i64::from(self.0)).ok()
    }
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}d", self.0)
    }
}

/// Why a day count did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a day count; write a whole number followed by `d` (days) or `w` (weeks), e.g. `30d`")]
pub struct DaysParseError(pub String);

impl FromStr for Days {
    type Err = DaysParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let err = || DaysParseError(s.to_owned());
        let (num, mult) = if let Some(n) = t.strip_suffix('d') {
            (n, 1)
        } else if let Some(n) = t.strip_suffix('w') {
            (n, 7)
        } else {
            return Err(err());
        };
        let n: u32 = num.trim().parse().map_err(|_| err())?;
        n.checked_mul(mult).map(Days).ok_or_else(err)
    }
}

macro_rules! string_serde {
    ($ty:ty, $name:literal, $pattern:literal, $desc:literal) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
            fn inline_schema() -> bool {
                true
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "pattern": $pattern, "description": $desc })
            }
        }
    };
}

string_serde!(Days, "Days", "^[0-9]+[dw]$", "A whole number of days (`30d`) or weeks (`2w`).");

/// How long a leaver's suspended account is kept before it is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Retention {
    /// Never delete automatically (the default: deleting loses data for good).
    #[default]
    Never,
    /// Delete this many days after the last working day.
    After(Days),
}

impl fmt::Display for Retention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Never => f.write_str("never"),
            Self::After(d) => d.fmt(f),
        }
    }
}

impl FromStr for Retention {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim() == "never" {
            return Ok(Self::Never);
        }
        s.parse::<Days>()
            .map(Self::After)
            .map_err(|_| format!("`{s}` is not a retention; write `never` or a day count such as `90d`"))
    }
}

string_serde!(
    Retention,
    "Retention",
    "^(never|[0-9]+[dw])$",
    "`never`, or a day count after the last working day (`90d`)."
);

/// When a leaver's account is suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SuspendTiming {
    /// On the last working day itself, for apps where even the last
    /// afternoon is a risk. People lose access while still at work.
    OnLastDay,
    /// The first day after the last working day (the default).
    #[default]
    AfterLastDay,
    /// This many days after the last working day (`1d` = `afterLastDay`).
    DaysAfter(Days),
}

impl SuspendTiming {
    /// The first day on which the account should be suspended.
    pub fn first_day(self, last_working_day: Date) -> Date {
        match self {
            Self::OnLastDay => last_working_day,
            Self::AfterLastDay => Days(1).after(last_working_day),
            Self::DaysAfter(d) => d.after(last_working_day),
        }
    }
}

impl fmt::Display for SuspendTiming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OnLastDay => f.write_str("onLastDay"),
            Self::AfterLastDay => f.write_str("afterLastDay"),
            Self::DaysAfter(d) => d.fmt(f),
        }
    }
}

impl FromStr for SuspendTiming {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "onLastDay" => Ok(Self::OnLastDay),
            "afterLastDay" => Ok(Self::AfterLastDay),
            other => other.parse::<Days>().map(Self::DaysAfter).map_err(|_| {
                format!("`{s}` is not a suspend timing; write `afterLastDay`, `onLastDay` or a day count after the last working day such as `3d`")
            }),
        }
    }
}

string_serde!(
    SuspendTiming,
    "SuspendTiming",
    "^(onLastDay|afterLastDay|[0-9]+[dw])$",
    "`afterLastDay` (default), `onLastDay`, or a day count after the last working day (`3d`)."
);

/// Who receives a leaver's data before the account is deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferTo {
    /// The leaver's manager, from the HR master's manager column.
    Manager,
    /// A fixed account in the same app (an archive or team account), by
    /// e-mail, username or account id.
    Account(String),
}

impl fmt::Display for TransferTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Manager => f.write_str("manager"),
            Self::Account(a) => f.write_str(a),
        }
    }
}

impl FromStr for TransferTo {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "" => Err("transferTo is empty; write `manager` or the account that receives the data".to_owned()),
            "manager" => Ok(Self::Manager),
            other => Ok(Self::Account(other.to_owned())),
        }
    }
}

string_serde!(
    TransferTo,
    "TransferTo",
    "^.+$",
    "`manager`, or the e-mail, username or id of the account in this app that receives a leaver's data."
);

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn days_parse_days_and_weeks() {
        assert_eq!("30d".parse::<Days>().unwrap(), Days(30));
        assert_eq!("2w".parse::<Days>().unwrap(), Days(14));
        assert!("30".parse::<Days>().is_err());
        assert!("-1d".parse::<Days>().is_err());
    }

    #[test]
    fn suspend_timing_first_day() {
        let last = date(2026, 9, 30);
        assert_eq!(SuspendTiming::OnLastDay.first_day(last), last);
        assert_eq!(SuspendTiming::AfterLastDay.first_day(last), date(2026, 10, 1));
        assert_eq!(SuspendTiming::DaysAfter(Days(3)).first_day(last), date(2026, 10, 3));
    }

    #[test]
    fn retention_and_transfer_round_trip() {
        assert_eq!("never".parse::<Retention>().unwrap(), Retention::Never);
        assert_eq!("90d".parse::<Retention>().unwrap(), Retention::After(Days(90)));
        assert_eq!("manager".parse::<TransferTo>().unwrap(), TransferTo::Manager);
        assert_eq!(
            "archive@example.com".parse::<TransferTo>().unwrap(),
            TransferTo::Account("archive@example.com".into())
        );
        assert_eq!(serde_json::to_value(Retention::After(Days(7))).unwrap(), "7d");
    }
}
