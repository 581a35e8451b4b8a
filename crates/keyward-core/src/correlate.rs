//! Matching accounts to people.
//!
//! Each account is matched by the app's correlators in order. The first
//! correlator for which the account *has a value* decides: one person is a
//! match, several are ambiguous (review), none is an orphan (review) — a
//! later correlator may still find the person, but such a fallback match is
//! *weak*: it links the account for inventories and prevents a duplicate
//! account, yet every change to it becomes a review. This keeps the
//! guarantee that removing people from the HR data can never produce a
//! deprovisioning: with fewer people, an account's deciding correlator is
//! the same and can only find fewer candidates.

use std::collections::HashMap;

use crate::account::Account;
use crate::people::People;
use crate::validate::{CompiledApp, CompiledCorrelator, CompiledProtect};

/// How one account relates to the HR data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Matched to one person.
    Person {
        /// Index into [`People::persons`].
        person: usize,
        /// Which correlator matched (index into the app's correlators).
        via: usize,
        /// The account value that matched, normalised.
        key: String,
        /// Set when an earlier correlator had a value that matched nobody:
        /// the match is a fallback and changes need a human.
        weak: Option<String>,
        /// The account's value needed no normalisation beyond case (no
        /// `+tag`, no old domain): preferred when a person has several.
        exact: bool,
    },
    /// Matched to several people by the deciding correlator.
    Ambiguous {
        /// The candidates.
        persons: Vec<usize>,
        /// Which correlator.
        via: usize,
        /// The account value.
        key: String,
    },
    /// Matched to nobody.
    Orphan {
        /// What was tried: (correlator description, account value).
        tried: Vec<(String, String)>,
    },
    /// Matched a protect rule; never touched.
    Protected {
        /// The rule's reason, or a description of the rule.
        reason: String,
    },
    /// A bot or integration account.
    Bot,
}

/// Normalises an e-mail: lowercase, `+tag` removed, domain aliases applied.
pub fn normalize_email(raw: &str, aliases: &HashMap<String, String>, strip_plus: bool) -> Option<String> {
    let s = raw.trim().trim_start_matches("mailto:").to_lowercase();
    let (local, domain) = s.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let local = if strip_plus { local.split('+').next().unwrap_or(local) } else { local };
    let domain = aliases.get(domain).map_or(domain, String::as_str);
    Some(format!("{local}@{domain}"))
}

fn normalize(c: &CompiledCorrelator, raw: &str) -> Option<String> {
    match c {
        CompiledCorrelator::Email { aliases, strip_plus, .. } => normalize_email(raw, aliases, *strip_plus),
        CompiledCorrelator::EmployeeId { .. } => Some(raw.trim().to_owned()).filter(|s| !s.is_empty()),
        CompiledCorrelator::Attribute { case_sensitive, .. } => {
            let t = raw.trim().trim_start_matches('@');
            (!t.is_empty()).then(|| if *case_sensitive { t.to_owned() } else { t.to_lowercase() })
        }
    }
}

/// Person lookup for one correlator.
struct Index {
    map: HashMap<String, Vec<usize>>,
}

impl Index {
    fn build(c: &CompiledCorrelator, people: &People) -> Self {
        let mut map: HashMap<String, Vec<usize>> = HashMap::with_capacity(people.len());
        for (i, p) in people.persons().iter().enumerate() {
            let mut push = |raw: &str| {
                if let Some(k) = normalize(c, raw) {
                    let v = map.entry(k).or_default();
                    if v.last() != Some(&i) {
                        v.push(i);
                    }
                }
            };
            match c {
                CompiledCorrelator::Email { .. } => {
                    if let Some(e) = &p.email {
                        push(e);
                    }
                }
                CompiledCorrelator::EmployeeId { .. } => {
                    push(&p.id);
                    for old in &p.previous_ids {
                        push(old);
                    }
                }
                CompiledCorrelator::Attribute { attribute, .. } => {
                    if let Some(v) = p.attributes.get(attribute) {
                        push(v);
                    }
                }
            }
        }
        Self { map }
    }
}

/// Correlates every account of one app. The result is parallel to `accounts`.
pub(crate) fn correlate(app: &CompiledApp, people: &People, accounts: &[Account]) -> Vec<Link> {
    let indexes: Vec<Index> = app.correlators.iter().map(|c| Index::build(c, people)).collect();
    accounts.iter().map(|a| link(app, &indexes, a)).collect()
}

fn protected(app: &CompiledApp, a: &Account) -> Option<String> {
    for rule in &app.protect {
        let hit = match rule {
            CompiledProtect::Username(r, reason) => a
                .username
                .as_deref()
                .is_some_and(|u| r.is_match(u))
                .then(|| reason.clone().unwrap_or_else(|| format!("username matches `{}`", r.as_str()))),
            CompiledProtect::Email(r, reason) => a
                .email
                .as_deref()
                .is_some_and(|e| r.is_match(e))
                .then(|| reason.clone().unwrap_or_else(|| format!("e-mail matches `{}`", r.as_str()))),
            CompiledProtect::Id(id, reason) => {
                (a.id == *id).then(|| reason.clone().unwrap_or_else(|| format!("account id `{id}`")))
            }
        };
        if hit.is_some() {
            return hit;
        }
    }
    None
}

fn link(app: &CompiledApp, indexes: &[Index], a: &Account) -> Link {
    if let Some(reason) = protected(app, a) {
        return Link::Protected { reason };
    }
    if a.bot {
        return Link::Bot;
    }
    let mut tried: Vec<(String, String)> = Vec::new();
    for (i, (c, idx)) in app.correlators.iter().zip(indexes).enumerate() {
        let Some(raw) = a.field(c.field()) else {
            continue;
        };
        let Some(key) = normalize(c, raw) else {
            tried.push((c.describe(), raw.to_owned()));
            continue;
        };
        match idx.map.get(&key).map(Vec::as_slice) {
            None | Some([]) => tried.push((c.describe(), raw.to_owned())),
            Some([one]) => {
                let weak = (!tried.is_empty()).then(|| {
                    let (what, value) = &tried[0];
                    format!("its {what} `{value}` matches nobody")
                });
                let exact = raw.trim().to_lowercase() == key.to_lowercase();
                return Link::Person { person: *one, via: i, key, weak, exact };
            }
            Some(many) => {
                if tried.is_empty() {
                    return Link::Ambiguous { persons: many.to_vec(), via: i, key };
                }
                // A fallback that is ambiguous as well: nobody for sure.
                tried.push((c.describe(), raw.to_owned()));
            }
        }
    }
    Link::Orphan { tried }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    use crate::people::tests::person;
    use crate::people::{FieldLabels, SourceInfo};
    use crate::resources::LifecycleSpec;

    fn app(correlators: Vec<CompiledCorrelator>) -> CompiledApp {
        CompiledApp {
            name: "slack".into(),
            correlators,
            protect: vec![CompiledProtect::Username(regex::Regex::new("^slackbot$").unwrap(), None)],
            role_rank: HashMap::new(),
            default_role: None,
            managed_groups: BTreeSet::new(),
            lifecycle: LifecycleSpec::default(),
            read_only: true,
            connector: "csvExport",
        }
    }

    fn email() -> CompiledCorrelator {
        let mut aliases = HashMap::new();
        aliases.insert("old.example.co.jp".to_owned(), "example.com".to_owned());
        CompiledCorrelator::Email { aliases, strip_plus: true, field: "email".into() }
    }

    fn people() -> People {
        let mut b = person("E2", "hanako@example.com");
        b.attributes.insert("github".into(), "Hanako-GH".into());
        People::new(
            vec![SourceInfo { name: "hr".into(), location: "hr.csv".into(), labels: FieldLabels::default() }],
            vec![person("E1", "Taro.Yamada@example.com"), b],
        )
        .unwrap()
    }

    fn account(email: Option<&str>, username: Option<&str>) -> Account {
        let mut a = Account::new(email.or(username).unwrap_or("x"));
        a.email = email.map(Into::into);
        a.username = username.map(Into::into);
        a
    }

    #[test]
    fn email_match_ignores_case_plus_tags_and_old_domains() {
        let app = app(vec![email()]);
        let links = correlate(
            &app,
            &people(),
            &[
                account(Some("taro.yamada+slack@EXAMPLE.com"), None),
                account(Some("TARO.YAMADA@old.example.co.jp"), None),
            ],
        );
        for l in links {
            assert!(matches!(l, Link::Person { person: 0, weak: None, .. }), "{l:?}");
        }
    }

    #[test]
    fn unmatched_accounts_are_orphans_and_protected_ones_are_left_alone() {
        let app = app(vec![email()]);
        let links =
            correlate(&app, &people(), &[account(Some("shared@example.com"), None), account(None, Some("slackbot"))]);
        assert!(matches!(&links[0], Link::Orphan { tried } if tried.len() == 1));
        assert!(matches!(&links[1], Link::Protected { .. }));
    }

    #[test]
    fn fallback_matches_are_weak() {
        let app = app(vec![
            email(),
            CompiledCorrelator::Attribute {
                attribute: "github".into(),
                field: "username".into(),
                case_sensitive: false,
            },
        ]);
        let links = correlate(
            &app,
            &people(),
            &[account(None, Some("hanako-gh")), account(Some("hanako@gmail.com"), Some("hanako-gh"))],
        );
        assert!(matches!(&links[0], Link::Person { person: 1, weak: None, .. }), "{:?}", links[0]);
        assert!(matches!(&links[1], Link::Person { person: 1, weak: Some(_), .. }), "{:?}", links[1]);
    }

    #[test]
    fn shared_attribute_values_are_ambiguous() {
        let mut p = people();
        let mut a = person("E1", "a@example.com");
        a.attributes.insert("github".into(), "dup".into());
        let mut b = person("E2", "b@example.com");
        b.attributes.insert("github".into(), "DUP".into());
        p = People::new(p.sources.clone(), vec![a, b]).unwrap();
        let app = app(vec![CompiledCorrelator::Attribute {
            attribute: "github".into(),
            field: "username".into(),
            case_sensitive: false,
        }]);
        let links = correlate(&app, &p, &[account(None, Some("dup"))]);
        assert!(matches!(&links[0], Link::Ambiguous { persons, .. } if persons.len() == 2));
    }

    #[test]
    fn employee_numbers_of_earlier_records_still_match() {
        let mut old = person("E0100", "sato@example.com");
        old.status = crate::resources::HrStatus::Terminated;
        old.end_date = Some(jiff::civil::date(2023, 3, 31));
        let mut new = person("E0500", "sato@example.com");
        new.start_date = Some(jiff::civil::date(2026, 4, 1));
        let p = People::new(people().sources.clone(), vec![old, new]).unwrap();
        let app = app(vec![CompiledCorrelator::EmployeeId { field: "externalId".into() }]);
        let mut a = Account::new("u1");
        a.external_id = Some("E0100".into());
        let links = correlate(&app, &p, &[a]);
        assert!(matches!(&links[0], Link::Person { person: 0, .. }), "{:?}", links[0]);
    }
}
