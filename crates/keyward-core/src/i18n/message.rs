//! A message kept as data: its id and named arguments.
//!
//! The planner decides a reason once; the plan stores it as a [`Msg`] beside
//! its English text, so `apply` reading a saved plan, or a report made from
//! it, can show the reason in the reader's language. Arguments are plain
//! values or further messages (a reason inside a reason), rendered in the
//! same language.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Lang;
use super::catalogue;

/// A message id with its arguments, ready to render in any language.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Msg {
    /// The catalogue id (`reason-leaver-suspend`).
    pub id: String,
    /// Named arguments, sorted by name so the JSON is byte-stable.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

/// One argument of a [`Msg`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    /// A count or amount: selects plural forms, printed with thousands separators.
    Num(i64),
    /// Text printed as it is (a name, an e-mail, a date).
    Text(String),
    /// Items printed as a list in the language's way (`a, b` / `a、b`).
    List(Vec<Arg>),
    /// A message rendered in the same language.
    Msg(Box<Msg>),
}

impl Msg {
    /// A message without arguments.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), args: BTreeMap::new() }
    }

    /// Adds (or replaces) an argument.
    #[must_use]
    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Self {
        self.args.insert(name.to_owned(), value.into());
        self
    }

    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        catalogue::render_pairs(lang, &self.id, self.args.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

impl Arg {
    /// A count printed as bare digits (`65000`, `12345`), never grouped:
    /// for numbers a reader pastes back into a flag (`--expect-records`,
    /// a guard's limit) and for the English renderings, which always
    /// printed them so. Plural selection is not needed for these.
    pub fn digits(n: impl ToString) -> Arg {
        Arg::Text(n.to_string())
    }

    /// The argument as text in `lang` (numbers with separators, lists joined,
    /// messages rendered).
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Arg::Num(n) => catalogue::group_digits(*n),
            Arg::Text(s) => s.clone(),
            Arg::List(items) => {
                let sep = match lang {
                    Lang::En => ", ",
                    Lang::Ja => "、",
                };
                items.iter().map(|a| a.render(lang)).collect::<Vec<_>>().join(sep)
            }
            Arg::Msg(m) => m.render(lang),
        }
    }
}

impl From<Msg> for Arg {
    fn from(m: Msg) -> Self {
        Arg::Msg(Box::new(m))
    }
}
impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}
impl From<jiff::civil::Date> for Arg {
    fn from(d: jiff::civil::Date) -> Self {
        Arg::Text(d.to_string())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}
impl From<i32> for Arg {
    fn from(n: i32) -> Self {
        Arg::Num(i64::from(n))
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Num(i64::from(n))
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl<T: Into<Arg>> From<Vec<T>> for Arg {
    fn from(items: Vec<T>) -> Self {
        Arg::List(items.into_iter().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_message_reads_back_the_same_and_its_json_is_stable() {
        let m = Msg::new("lang-name").arg("z", 2u32).arg("a", Msg::new("lang-name")).arg("l", vec!["x", "y"]);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"id":"lang-name","args":{"a":{"id":"lang-name"},"l":["x","y"],"z":2}}"#);
        assert_eq!(serde_json::from_str::<Msg>(&json).unwrap(), m);
    }

    #[test]
    fn lists_are_joined_the_way_each_language_writes_them() {
        let l = Arg::from(vec!["Slack", "GitHub"]);
        assert_eq!(l.render(Lang::En), "Slack, GitHub");
        assert_eq!(l.render(Lang::Ja), "Slack、GitHub");
        assert_eq!(Arg::from(51_800u32).render(Lang::Ja), "51,800");
    }
}
