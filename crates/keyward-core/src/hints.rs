//! Probable people for an account that matches nobody: its display name
//! and e-mail local part compared with every person's name, in kanji as HR
//! writes it, in kana (the reading) and in Hepburn romaji from the reading
//! (see [`crate::names`]), family and given name in either order.
//!
//! A hint is for the human reviewing the account: it is named in the
//! review, in `explain`, in the review sheets and in the report, and it
//! NEVER links an account — a name is not an identity (two 山田 太郎 work
//! in many companies).
//!
//! People are indexed once per plan by their name keys, so an account
//! costs a few hash probes whatever the size of the organisation.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::account::Account;
use crate::i18n::Msg;
use crate::names::{key, parts};
use crate::people::{People, Person, Phase};

/// At most this many parts of an account are compared (pairs grow with
/// the square): a name has two or three.
const MAX_PARTS: usize = 8;
/// At most this many people are suggested for one account.
pub const MAX_HINTS: usize = 5;

const SEP: char = '\u{1f}';

/// People by name keys.
#[derive(Debug, Default)]
pub struct NameIndex {
    /// `family SEP given` and `given SEP family` → people.
    pairs: HashMap<String, Vec<u32>>,
    /// The two written together (`taroyamada`, `山田太郎`) → people.
    whole: HashMap<String, Vec<u32>>,
}

/// A person's names as (family, given) keys: from the name HR writes with
/// a space between the two, and from the reading.
fn name_pairs(p: &Person) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(name) = &p.name {
        let ps: Vec<&str> = parts(name).collect();
        if let [f, g] = ps.as_slice()
            && let (Some(f), Some(g)) = (key(f), key(g))
        {
            out.push((f, g));
        }
    }
    if let Some(r) = &p.reading
        && let (Some(f), Some(g)) = (key(&r.family), key(&r.given))
    {
        out.push((f, g));
    }
    out
}

impl NameIndex {
    /// Indexes everybody.
    pub fn build(people: &People) -> Self {
        let mut index = Self::default();
        for (i, p) in people.persons().iter().enumerate() {
            let i = i as u32;
            let add = |map: &mut HashMap<String, Vec<u32>>, k: String| {
                let list = map.entry(k).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            };
            for (f, g) in name_pairs(p) {
                add(&mut index.pairs, format!("{f}{SEP}{g}"));
                add(&mut index.pairs, format!("{g}{SEP}{f}"));
                add(&mut index.whole, format!("{f}{g}"));
                add(&mut index.whole, format!("{g}{f}"));
            }
            if let Some(whole) = p.name.as_deref().and_then(key) {
                add(&mut index.whole, whole);
            }
        }
        index
    }

    /// How big the index is: distinct keys, and person entries under them
    /// (for the benchmark).
    pub fn size(&self) -> (usize, usize) {
        let entries = self.pairs.values().chain(self.whole.values()).map(Vec::len).sum();
        (self.pairs.len() + self.whole.len(), entries)
    }

    /// The people whose names the account's display name or e-mail local
    /// part (or username) spells, by employee number; at most
    /// [`MAX_HINTS`].
    pub fn probable(&self, a: &Account) -> Vec<usize> {
        let mut keys: Vec<String> = Vec::new();
        let local = |e: &str| e.rsplit_once('@').map_or(e, |(l, _)| l).to_owned();
        let texts = [
            a.display_name.as_deref().map(str::to_owned),
            a.email.as_deref().map(local),
            a.username.as_deref().map(local),
        ];
        let mut wholes: Vec<String> = Vec::new();
        for t in texts.iter().flatten() {
            if let Some(w) = key(t) {
                wholes.push(w);
            }
            for p in parts(t) {
                if keys.len() >= MAX_PARTS {
                    break;
                }
                if let Some(k) = key(p)
                    && !keys.contains(&k)
                {
                    keys.push(k);
                }
            }
        }
        let mut found: Vec<u32> = Vec::new();
        let mut probe = String::new();
        for (i, x) in keys.iter().enumerate() {
            for (j, y) in keys.iter().enumerate() {
                if i == j {
                    continue;
                }
                probe.clear();
                probe.push_str(x);
                probe.push(SEP);
                probe.push_str(y);
                found.extend(self.pairs.get(&probe).into_iter().flatten());
            }
        }
        for w in keys.iter().chain(&wholes) {
            found.extend(self.whole.get(w).into_iter().flatten());
        }
        found.sort_unstable();
        found.dedup();
        found.into_iter().take(MAX_HINTS).map(|i| i as usize).collect()
    }
}

/// The people a name typed by a person names (`keyward explain 山田`,
/// `taro yamada`, `ヤマダ タロウ`): every part of the query is one of the
/// person's name parts, family or given, in kanji, kana or romaji — or the
/// query written together is their whole name (`山田太郎`). By index, in
/// the HR data's order. One query, so a scan: nothing is indexed.
pub fn people_named(people: &People, query: &str) -> Vec<usize> {
    let wanted: Vec<String> = parts(query).filter_map(key).take(MAX_PARTS).collect();
    let whole = key(query);
    if wanted.is_empty() && whole.is_none() {
        return Vec::new();
    }
    people
        .persons()
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let pairs = name_pairs(p);
            let has_part = |k: &String| pairs.iter().any(|(f, g)| f == k || g == k);
            let is_whole = |w: &String| {
                p.name.as_deref().and_then(key).as_ref() == Some(w)
                    || pairs
                        .iter()
                        .any(|(f, g)| w.strip_prefix(f.as_str()) == Some(g) || w.strip_prefix(g.as_str()) == Some(f))
            };
            (!wanted.is_empty() && wanted.iter().all(has_part)) || whole.as_ref().is_some_and(is_whole)
        })
        .map(|(i, _)| i)
        .collect()
}

/// `E0100 山田 太郎 (left 2025-03-31)`: a candidate with their status, as a
/// message (the status words are translated).
pub fn hint_message(people: &People, idx: usize, today: Date) -> Option<Msg> {
    let p = people.get(idx)?;
    let status = match p.phase(today) {
        Phase::Left { last_day: Some(d) } => Msg::new("hint-left-on").arg("date", d),
        Phase::Left { last_day: None } => Msg::new("hint-left"),
        Phase::NotStarted { start } => Msg::new("hint-joins").arg("date", start),
        Phase::OnLeave => Msg::new("hint-on-leave"),
        Phase::Employed => Msg::new("hint-current"),
    };
    Some(match p.name.as_deref() {
        Some(name) => Msg::new("hint-person-named").arg("id", &p.id).arg("name", name).arg("status", status),
        None => Msg::new("hint-person").arg("id", &p.id).arg("status", status),
    })
}

/// The candidates as one message: `A or B or C`.
pub fn candidates_message(people: &People, hints: &[usize], today: Date) -> Option<Msg> {
    let mut names = hints.iter().filter_map(|&i| hint_message(people, i, today)).rev();
    let last = names.next()?;
    Some(names.fold(last, |rest, first| Msg::new("hint-or").arg("first", first).arg("rest", rest)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a panic is the failure report

    use super::*;
    use crate::people::NameReading;

    fn named(id: &str, name: &str, reading: Option<(&str, &str)>) -> Person {
        let mut p = crate::people::tests::person(id, &format!("{}@example.com", id.to_lowercase()));
        p.name = Some(name.to_owned());
        p.reading = reading.map(|(f, g)| NameReading { family: f.to_owned(), given: g.to_owned() });
        p
    }

    fn org() -> People {
        People::new(
            Vec::new(),
            vec![
                named("E1", "山田 太郎", Some(("ヤマダ", "タロウ"))),
                named("E2", "山田 花子", Some(("ヤマダ", "ハナコ"))),
                named("E3", "大野 優希", Some(("オオノ", "ユウキ"))),
                named("E4", "Smith John", None),
            ],
        )
        .unwrap()
    }

    fn ids(people: &People, query: &str) -> Vec<String> {
        people_named(people, query).into_iter().map(|i| people.get(i).unwrap().id.clone()).collect()
    }

    #[test]
    fn a_typed_name_finds_people_by_any_part_in_any_script_and_order() {
        let people = org();
        assert_eq!(ids(&people, "山田"), ["E1", "E2"]);
        assert_eq!(ids(&people, "やまだ"), ["E1", "E2"], "hiragana for the katakana reading");
        assert_eq!(ids(&people, "Yamada Hanako"), ["E2"]);
        assert_eq!(ids(&people, "hanako yamada"), ["E2"]);
        assert_eq!(ids(&people, "山田花子"), ["E2"], "written together");
        assert_eq!(ids(&people, "Ohno"), ["E3"], "a long vowel written as oh");
        assert_eq!(ids(&people, "Ōno Yūki"), ["E3"], "macrons");
        assert_eq!(ids(&people, "JOHN"), ["E4"]);
    }

    #[test]
    fn a_name_part_that_nobody_has_finds_nobody() {
        let people = org();
        assert!(ids(&people, "山田 次郎").is_empty(), "every part must be theirs");
        assert!(ids(&people, "").is_empty());
        assert!(ids(&people, "   ").is_empty());
        assert!(ids(&people, &"山".repeat(100)).is_empty(), "longer than any name part");
    }
}
