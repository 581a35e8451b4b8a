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
//!
//! E-mail addresses and case-insensitive attributes are compared ASCII-only
//! case-insensitively: Unicode case folding would let a look-alike such as
//! `ren.ishiKawa@…` written with U+212A KELVIN SIGN match `ren.ishikawa@…`.
//! An account whose e-mail has anything but ASCII before the `@` is never
//! matched by it: it is a [`Link::LookAlike`], reviewed with the people it
//! resembles.
//!
//! Links are kept small (one per account, for millions of accounts); the
//! words that explain a link are recomputed with [`explain`] only for the
//! accounts a plan or an inventory talks about.

use std::collections::HashMap;

use regex::RegexSet;
use std::hash::BuildHasher as _;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::account::Account;
use crate::compile::model::{CompiledApp, CompiledCorrelator, CompiledProtect};
use crate::hints::NameIndex;
use crate::i18n::{Lang, Msg};
use crate::identity::{Doubt, Timeline, Verdict, verdict};
use crate::people::People;

/// How one account relates to the HR data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Matched to one person.
    Person {
        /// Index into [`People::persons`].
        person: u32,
        /// Which correlator matched (index into the app's correlators).
        via: u8,
        /// An earlier correlator had a value that matched nobody: the match
        /// is a fallback and changes need a human.
        weak: bool,
        /// The account's value needed no normalisation beyond case (no
        /// `+tag`, no old domain): preferred when a person has several.
        exact: bool,
        /// The account's own evidence does not make it this person's (it
        /// predates them, or the address had an earlier holder): linked,
        /// but every change to it is a review (see [`crate::identity`]).
        doubt: Option<Doubt>,
    },
    /// Matched to several people by the deciding correlator.
    Ambiguous {
        /// Which correlator.
        via: u8,
    },
    /// Its e-mail, the deciding correlator's value, has non-ASCII
    /// characters before the `@`: possibly a look-alike of someone's
    /// address, so never a match, always a review.
    LookAlike {
        /// Which correlator.
        via: u8,
    },
    /// Matched to nobody.
    Orphan,
    /// Matched a protect rule; never touched.
    Protected {
        /// Index of the rule in the app's `protect`.
        rule: u16,
    },
    /// A bot or integration account.
    Bot,
}

impl Link {
    /// Linked to no person for sure: an orphan, an ambiguous match or a
    /// look-alike address. Reviewed, never changed.
    pub fn is_unmatched(self) -> bool {
        matches!(self, Self::Orphan | Self::Ambiguous { .. } | Self::LookAlike { .. })
    }
}

/// The words behind a link.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkDetail {
    /// The deciding correlator's description and the account's value.
    pub matched_by: Option<(String, String)>,
    /// The deciding correlator's description (`matched_by`'s first part)
    /// as a message.
    pub deciding: Option<Msg>,
    /// For fallback matches: why the earlier correlator did not decide.
    pub weak_because: Option<String>,
    /// [`Self::weak_because`] as a message.
    pub weak_message: Option<Msg>,
    /// Candidate people of an ambiguous match; for a look-alike address,
    /// the people whose address it resembles.
    pub candidates: Vec<usize>,
    /// For a look-alike address: its non-ASCII characters (`U+212A`).
    pub look_alike: Vec<String>,
    /// For orphans: each correlator tried (its description) and the
    /// account's value.
    pub tried: Vec<(Msg, String)>,
    /// For protected accounts: the rule's reason.
    pub protected_because: Option<String>,
    /// [`Self::protected_because`] as a message (a reason the policy
    /// writes is kept in its own words).
    pub protected_message: Option<Msg>,
    /// For a matched account with dates, or whose person's address had
    /// earlier holders: what its own evidence says about whose it is.
    pub verdict: Option<Verdict>,
}

/// The e-mail as the email correlator compares it without domain aliases
/// (ASCII lowercase, `+tag` removed); `None` when it is not an address.
pub(crate) fn email_key(raw: &str) -> Option<String> {
    let mut out = String::new();
    normalize_email_into(raw, &[], true, &mut out).then_some(out)
}

/// Writes the normalised e-mail (ASCII lowercase, `+tag` removed, domain
/// aliases applied) into `out`; `false` when it is not an e-mail.
fn normalize_email_into(raw: &str, aliases: &[(String, String)], strip_plus: bool, out: &mut String) -> bool {
    normalize_email_with(raw, aliases, strip_plus, out, push_lower)
}

/// [`normalize_email_into`] with the lowering given: ASCII-only to match,
/// Unicode's to find whom a look-alike resembles.
fn normalize_email_with(
    raw: &str,
    aliases: &[(String, String)],
    strip_plus: bool,
    out: &mut String,
    lower: fn(&mut String, &str),
) -> bool {
    out.clear();
    // ASCII white space only: anything else is part of the address, and
    // makes it a look-alike.
    let s = raw.trim_ascii();
    let s = s.strip_prefix("mailto:").unwrap_or(s);
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    let local = if strip_plus { local.split('+').next().unwrap_or(local) } else { local };
    if local.is_empty() || domain.is_empty() {
        return false;
    }
    lower(out, local);
    out.push('@');
    let start = out.len();
    lower(out, domain);
    if let Some((_, to)) = aliases.iter().find(|(from, _)| *from == out[start..]) {
        let to = to.clone();
        out.truncate(start);
        out.push_str(&to);
    }
    true
}

/// Appends `s` with ASCII letters lowered and nothing else changed: no
/// Unicode case folding, which maps look-alikes (U+212A KELVIN SIGN) onto
/// ASCII letters.
fn push_lower(out: &mut String, s: &str) {
    let start = out.len();
    out.push_str(s);
    out[start..].make_ascii_lowercase();
}

fn push_unicode_lower(out: &mut String, s: &str) {
    out.push_str(&s.to_lowercase());
}

/// The local part of an e-mail (before the last `@`; empty without one).
fn local_part(raw: &str) -> &str {
    raw.trim_ascii().rsplit_once('@').map_or("", |(l, _)| l)
}

/// The non-ASCII characters of an e-mail's local part (`U+212A`), or none
/// when it is ASCII or no e-mail.
fn non_ascii_local_part(raw: &str) -> Vec<String> {
    local_part(raw).chars().filter(|c| !c.is_ascii()).map(|c| format!("U+{:04X}", u32::from(c))).collect()
}

/// Writes the correlator's key for a raw value into `out`; `false` when the
/// value cannot be a key (an e-mail without `@`, blanks).
fn normalize_into(c: &CompiledCorrelator, raw: &str, out: &mut String) -> bool {
    match c {
        CompiledCorrelator::Email { aliases, strip_plus, .. } => normalize_email_into(raw, aliases, *strip_plus, out),
        CompiledCorrelator::EmployeeId { .. } => {
            out.clear();
            out.push_str(raw.trim());
            !out.is_empty()
        }
        CompiledCorrelator::Attribute { case_sensitive, .. } => {
            out.clear();
            let t = raw.trim().trim_start_matches('@');
            if *case_sensitive {
                out.push_str(t);
            } else {
                push_lower(out, t);
            }
            !out.is_empty()
        }
    }
}

/// People by key, for one kind of correlator.
///
/// Probing this table once per account per app is the hot loop of
/// planning, so it is laid out for the cache: the hash table holds only
/// 4-byte key numbers, the normalised keys sit together in one string, and
/// the rare keys shared by several people point into `shared`.
struct Index {
    table: HashTable<u32>,
    /// Key number → range of `arena`.
    bounds: Vec<(u32, u32)>,
    arena: String,
    /// Key number → person, or `SHARED | index into shared`.
    owners: Vec<u32>,
    shared: Vec<Vec<u32>>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("keys", &self.bounds.len()).finish()
    }
}

/// An owner with this bit set is an index into `shared`.
const SHARED: u32 = 1 << 31;

fn hash(key: &str) -> u64 {
    FxBuildHasher.hash_one(key)
}

impl Index {
    fn key(&self, id: u32) -> &str {
        let (a, b) = self.bounds[id as usize];
        &self.arena[a as usize..b as usize]
    }

    fn build(c: &CompiledCorrelator, people: &People) -> Self {
        let mut index = Index {
            table: HashTable::with_capacity(people.len()),
            bounds: Vec::with_capacity(people.len()),
            arena: String::new(),
            owners: Vec::with_capacity(people.len()),
            shared: Vec::new(),
        };
        let mut buf = String::new();
        for (i, p) in people.persons().iter().enumerate() {
            let i = i as u32;
            let mut push = |raw: &str, buf: &mut String| {
                if normalize_into(c, raw, buf) {
                    index.insert(buf, i);
                }
            };
            match c {
                CompiledCorrelator::Email { .. } => {
                    if let Some(e) = &p.email {
                        push(e, &mut buf);
                    }
                }
                CompiledCorrelator::EmployeeId { .. } => {
                    push(&p.id, &mut buf);
                    for old in &p.previous_ids {
                        push(old, &mut buf);
                    }
                }
                CompiledCorrelator::Attribute { attribute, .. } => {
                    if let Some(v) = p.attributes.get(attribute) {
                        push(v, &mut buf);
                    }
                }
            }
        }
        index
    }

    fn insert(&mut self, key: &str, person: u32) {
        let h = hash(key);
        let found = {
            let (bounds, arena) = (&self.bounds, &self.arena);
            self.table.find(h, |&id| {
                let (a, b) = bounds[id as usize];
                &arena[a as usize..b as usize] == key
            })
        };
        match found.copied() {
            None => {
                let id = self.bounds.len() as u32;
                let start = self.arena.len() as u32;
                self.arena.push_str(key);
                self.bounds.push((start, self.arena.len() as u32));
                self.owners.push(person);
                let bounds = &self.bounds;
                let arena = &self.arena;
                self.table.insert_unique(h, id, |&k| {
                    let (a, b) = bounds[k as usize];
                    hash(&arena[a as usize..b as usize])
                });
            }
            Some(id) => {
                let owner = &mut self.owners[id as usize];
                if *owner == person {
                } else if *owner & SHARED != 0 {
                    let list = &mut self.shared[(*owner & !SHARED) as usize];
                    if list.last() != Some(&person) {
                        list.push(person);
                    }
                } else {
                    self.shared.push(vec![*owner, person]);
                    *owner = (self.shared.len() as u32 - 1) | SHARED;
                }
            }
        }
    }

    fn get(&self, key: &str) -> &[u32] {
        let Some(&id) = self.table.find(hash(key), |&id| self.key(id) == key) else { return &[] };
        let owner = &self.owners[id as usize];
        if *owner & SHARED != 0 { &self.shared[(*owner & !SHARED) as usize] } else { std::slice::from_ref(owner) }
    }
}

/// Person indexes shared by every app whose correlators normalise the same
/// way (most apps match by e-mail): built once per plan, not once per app.
#[derive(Debug, Default)]
pub(crate) struct Indexes {
    by_signature: HashMap<String, Index>,
    timeline: Timeline,
    /// People by name, for hints about orphans: built on first use.
    names: std::sync::OnceLock<NameIndex>,
}

impl Indexes {
    /// Builds the index of every distinct correlator of these apps, in
    /// parallel.
    pub(crate) fn build<'a>(apps: impl IntoIterator<Item = &'a CompiledApp>, people: &People) -> Self {
        use rayon::prelude::*;
        let mut distinct: HashMap<String, &CompiledCorrelator> = HashMap::new();
        for app in apps {
            for c in &app.correlators {
                distinct.entry(c.signature()).or_insert(c);
            }
        }
        let (by_signature, timeline) = rayon::join(
            || distinct.into_par_iter().map(|(sig, c)| (sig, Index::build(c, people))).collect(),
            || Timeline::build(people),
        );
        Self { by_signature, timeline, names: std::sync::OnceLock::new() }
    }

    /// People by name (see [`crate::hints`]), built the first time an
    /// orphan needs it. `people` must be those the indexes were built of.
    pub(crate) fn names(&self, people: &People) -> &NameIndex {
        self.names.get_or_init(|| NameIndex::build(people))
    }

    fn index(&self, c: &CompiledCorrelator) -> Option<&Index> {
        self.by_signature.get(&c.signature())
    }
}

/// Compiled protect rules, one regex pass per field.
struct Protector<'a> {
    usernames: RegexSet,
    username_rules: Vec<usize>,
    emails: RegexSet,
    email_rules: Vec<usize>,
    ids: Vec<(&'a str, usize)>,
}

impl<'a> Protector<'a> {
    fn new(app: &'a CompiledApp) -> Self {
        let (mut u, mut ur, mut e, mut er, mut ids) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, rule) in app.protect.iter().enumerate() {
            match rule {
                CompiledProtect::Username(r, _) => {
                    u.push(r.as_str().to_owned());
                    ur.push(i);
                }
                CompiledProtect::Email(r, _) => {
                    e.push(r.as_str().to_owned());
                    er.push(i);
                }
                CompiledProtect::Id(id, _) => ids.push((id.as_str(), i)),
            }
        }
        // Every pattern compiled on its own during validation, so the set
        // compiles too; an empty set matches nothing.
        let set = |p: Vec<String>| RegexSet::new(p).unwrap_or_else(|_| RegexSet::empty());
        Self { usernames: set(u), username_rules: ur, emails: set(e), email_rules: er, ids }
    }

    fn rule(&self, a: &Account) -> Option<usize> {
        // `is_match` first: almost no account is protected, and it does
        // not allocate the per-pattern result `matches` does.
        let first = |set: &RegexSet, rules: &[usize], v: Option<&str>| {
            v.filter(|v| set.is_match(v)).and_then(|v| set.matches(v).into_iter().next()).map(|i| rules[i])
        };
        let hits = [
            first(&self.usernames, &self.username_rules, a.username.as_deref()),
            first(&self.emails, &self.email_rules, a.email.as_deref()),
            self.ids.iter().find(|(id, _)| *id == a.id).map(|(_, i)| *i),
        ];
        hits.into_iter().flatten().min()
    }
}

/// Correlates every account of one app. The result is parallel to `accounts`.
/// `indexes` must have been built with this app among its apps.
pub(crate) fn correlate(app: &CompiledApp, accounts: &[Account], indexes: &Indexes) -> Vec<Link> {
    let mut out = Vec::with_capacity(accounts.len());
    correlate_into(app, accounts, indexes, &mut out);
    out
}

/// [`correlate`] into a buffer the caller reuses from app to app.
pub(crate) fn correlate_into(app: &CompiledApp, accounts: &[Account], indexes: &Indexes, out: &mut Vec<Link>) {
    let mut c = Correlator::new(app, indexes);
    out.clear();
    out.extend(accounts.iter().map(|a| c.link(a)));
}

/// Links accounts of one app one at a time, for callers that look at each
/// account for other reasons in the same pass.
pub(crate) struct Correlator<'a> {
    app: &'a CompiledApp,
    idx: Vec<Option<&'a Index>>,
    timeline: &'a Timeline,
    protector: Protector<'a>,
    buf: String,
}

impl<'a> Correlator<'a> {
    /// `indexes` must have been built with this app among its apps.
    pub(crate) fn new(app: &'a CompiledApp, indexes: &'a Indexes) -> Self {
        let idx = app.correlators.iter().map(|c| indexes.index(c)).collect();
        Self { app, idx, timeline: &indexes.timeline, protector: Protector::new(app), buf: String::new() }
    }

    /// The account's link.
    pub(crate) fn link(&mut self, a: &Account) -> Link {
        let link = link(self.app, &self.idx, &self.protector, a, &mut self.buf);
        match link {
            Link::Person { person, via, weak, exact, .. } => {
                let doubt = self.timeline.doubt(person, a, self.app.lifecycle.provision_before);
                Link::Person { person, via, weak, exact, doubt }
            }
            other => other,
        }
    }
}

fn link(
    app: &CompiledApp,
    indexes: &[Option<&Index>],
    protector: &Protector<'_>,
    a: &Account,
    buf: &mut String,
) -> Link {
    if let Some(rule) = protector.rule(a) {
        return Link::Protected { rule: rule as u16 };
    }
    if a.bot {
        return Link::Bot;
    }
    let mut missed = false;
    for (i, c) in app.correlators.iter().enumerate() {
        let Some(raw) = a.field(c.field()) else { continue };
        if !normalize_into(c, raw, buf) {
            missed = true;
            continue;
        }
        if matches!(c, CompiledCorrelator::Email { .. }) && !local_part(raw).is_ascii() {
            return Link::LookAlike { via: i as u8 };
        }
        let found = indexes[i].map_or(&[][..], |x| x.get(buf));
        match found {
            [] => missed = true,
            [one] => {
                let exact = raw.trim().eq_ignore_ascii_case(buf);
                return Link::Person { person: *one, via: i as u8, weak: missed, exact, doubt: None };
            }
            _ if !missed => return Link::Ambiguous { via: i as u8 },
            // A fallback that is ambiguous as well: nobody for sure.
            _ => {}
        }
    }
    Link::Orphan
}

/// The people whose address `raw` becomes under Unicode case folding:
/// whom a look-alike address resembles. A linear scan, only for the few
/// look-alikes a plan reports.
fn resembled(people: &People, raw: &str, aliases: &[(String, String)], strip_plus: bool) -> Vec<usize> {
    let (mut want, mut key) = (String::new(), String::new());
    if !normalize_email_with(raw, aliases, strip_plus, &mut want, push_unicode_lower) {
        return Vec::new();
    }
    people
        .persons()
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.email.as_deref().is_some_and(|e| {
                normalize_email_with(e, aliases, strip_plus, &mut key, push_unicode_lower) && key == want
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// The words behind an account's link (recomputed; only for accounts a
/// plan or an inventory talks about).
pub(crate) fn explain(app: &CompiledApp, people: &People, a: &Account, link: Link) -> LinkDetail {
    let mut d = LinkDetail::default();
    if let Link::Protected { rule } = link {
        d.protected_message = app.protect.get(rule as usize).map(|r| {
            let (reason, default) = match r {
                CompiledProtect::Username(re, reason) => {
                    (reason, Msg::new("protect-username-matches").arg("pattern", re.as_str()))
                }
                CompiledProtect::Email(re, reason) => {
                    (reason, Msg::new("protect-email-matches").arg("pattern", re.as_str()))
                }
                CompiledProtect::Id(id, reason) => (reason, Msg::new("protect-account-id").arg("id", id)),
            };
            reason.as_ref().map_or(default, |r| Msg::new("protect-reason").arg("reason", r))
        });
        d.protected_because = d.protected_message.as_ref().map(|m| m.render(Lang::En));
        return d;
    }
    let mut buf = String::new();
    let mut first_tried = None;
    for (i, c) in app.correlators.iter().enumerate() {
        let Some(raw) = a.field(c.field()) else { continue };
        let deciding = match link {
            Link::Person { via, .. } | Link::Ambiguous { via } | Link::LookAlike { via } => via as usize == i,
            _ => false,
        };
        if deciding {
            normalize_into(c, raw, &mut buf);
            d.matched_by = Some((c.describe(), buf.clone()));
            d.deciding = Some(c.describe_message());
            if let (Link::LookAlike { .. }, CompiledCorrelator::Email { aliases, strip_plus, .. }) = (link, c) {
                d.look_alike = non_ascii_local_part(raw);
                d.candidates = resembled(people, raw, aliases, *strip_plus);
            }
            if let Link::Ambiguous { .. } = link {
                // Candidates are found again by a linear scan: this runs
                // only for the few ambiguous accounts a plan reports.
                let index = Index::build(c, people);
                d.candidates = index.get(&buf).iter().map(|&p| p as usize).collect();
            }
            break;
        }
        first_tried = first_tried.or(Some((c, raw)));
        d.tried.push((c.describe_message(), raw.to_owned()));
    }
    if let Link::Person { weak: true, .. } = link
        && let Some((c, value)) = first_tried
    {
        let m = Msg::new("correlator-weak").arg("what", c.describe_message()).arg("value", value);
        d.weak_because = Some(m.render(Lang::En));
        d.weak_message = Some(m);
    }
    if let Link::Person { person, .. } = link {
        d.verdict = verdict(people, person as usize, a, app.lifecycle.provision_before);
    }
    d
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
            role_rank: Default::default(),
            role_ids: Default::default(),
            default_role: None,
            managed_groups: BTreeSet::new(),
            lifecycle: LifecycleSpec::default(),
            connector: "csvExport",
            connector_roles: None,
            group_names: crate::compile::model::GroupNames::Any,
            identities: None,
            in_duties: false,
        }
    }

    fn email() -> CompiledCorrelator {
        let aliases = vec![("old.example.co.jp".to_owned(), "example.com".to_owned())];
        CompiledCorrelator::Email { aliases, strip_plus: true, field: "email".into() }
    }

    fn github() -> CompiledCorrelator {
        CompiledCorrelator::Attribute { attribute: "github".into(), field: "username".into(), case_sensitive: false }
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

    fn normalize_email(raw: &str, aliases: &[(String, String)], strip_plus: bool) -> Option<String> {
        let mut buf = String::new();
        normalize_email_into(raw, aliases, strip_plus, &mut buf).then_some(buf)
    }

    fn run(app: &CompiledApp, people: &People, accounts: &[Account]) -> Vec<Link> {
        correlate(app, accounts, &Indexes::build([app], people))
    }

    #[test]
    fn email_match_ignores_case_plus_tags_and_old_domains() {
        let app = app(vec![email()]);
        let links = run(
            &app,
            &people(),
            &[
                account(Some("taro.yamada+slack@EXAMPLE.com"), None),
                account(Some("TARO.YAMADA@old.example.co.jp"), None),
                account(Some("Taro.Yamada@example.com"), None),
            ],
        );
        assert!(matches!(links[0], Link::Person { person: 0, weak: false, exact: false, .. }), "{links:?}");
        assert!(matches!(links[1], Link::Person { person: 0, weak: false, exact: false, .. }), "{links:?}");
        assert!(matches!(links[2], Link::Person { person: 0, weak: false, exact: true, .. }), "{links:?}");
    }

    #[test]
    fn unmatched_accounts_are_orphans_and_protected_ones_are_left_alone() {
        let app = app(vec![email()]);
        let accounts = [account(Some("shared@example.com"), None), account(None, Some("slackbot"))];
        let links = run(&app, &people(), &accounts);
        assert_eq!(links[0], Link::Orphan);
        assert_eq!(links[1], Link::Protected { rule: 0 });
        let d = explain(&app, &people(), &accounts[0], links[0]);
        assert_eq!(d.tried, vec![(Msg::new("correlator-email"), "shared@example.com".to_owned())]);
        let d = explain(&app, &people(), &accounts[1], links[1]);
        assert_eq!(d.protected_because.as_deref(), Some("username matches `^slackbot$`"));
    }

    #[test]
    fn fallback_matches_are_weak() {
        let app = app(vec![email(), github()]);
        let accounts = [account(None, Some("hanako-gh")), account(Some("hanako@gmail.com"), Some("hanako-gh"))];
        let links = run(&app, &people(), &accounts);
        assert!(matches!(links[0], Link::Person { person: 1, weak: false, .. }), "{:?}", links[0]);
        assert!(matches!(links[1], Link::Person { person: 1, weak: true, .. }), "{:?}", links[1]);
        let d = explain(&app, &people(), &accounts[1], links[1]);
        assert_eq!(d.weak_because.as_deref(), Some("its e-mail `hanako@gmail.com` matches nobody"));
    }

    #[test]
    fn shared_attribute_values_are_ambiguous() {
        let mut a = person("E1", "a@example.com");
        a.attributes.insert("github".into(), "dup".into());
        let mut b = person("E2", "b@example.com");
        b.attributes.insert("github".into(), "DUP".into());
        let p = People::new(people().sources.clone(), vec![a, b]).unwrap();
        let app = app(vec![github()]);
        let accounts = [account(None, Some("dup"))];
        let links = run(&app, &p, &accounts);
        assert_eq!(links[0], Link::Ambiguous { via: 0 });
        assert_eq!(explain(&app, &p, &accounts[0], links[0]).candidates, vec![0, 1]);
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
        let links = run(&app, &p, &[a]);
        assert!(matches!(links[0], Link::Person { person: 0, .. }), "{:?}", links[0]);
    }

    #[test]
    fn a_look_alike_address_is_never_a_match() {
        let p = People::new(people().sources.clone(), vec![person("E1", "ren.ishikawa@example.com")]).unwrap();
        let one = app(vec![email()]);
        // U+212A KELVIN SIGN lowercases to an ASCII `k`.
        let accounts = [account(Some("ren.ishi\u{212a}awa@example.com"), None)];
        let links = run(&one, &p, &accounts);
        assert!(!matches!(links[0], Link::Person { .. }), "{links:?}");
        assert_eq!(links[0], Link::LookAlike { via: 0 });
        let d = explain(&one, &p, &accounts[0], links[0]);
        assert_eq!((d.candidates, d.look_alike), (vec![0], vec!["U+212A".to_owned()]));
        // A later correlator that would match does not decide either.
        let two = app(vec![email(), github()]);
        let mut both = accounts[0].clone();
        both.username = Some("hanako-gh".into());
        assert_eq!(run(&two, &people(), &[both])[0], Link::LookAlike { via: 0 });
    }

    proptest::proptest! {
        /// Every address that matched before still matches, whatever its
        /// ASCII case, `+tag` or domain alias.
        #[test]
        fn ascii_addresses_match_in_any_case(
            local in "[a-z0-9][a-z0-9._-]{0,11}",
            domain in "[a-z0-9-]{1,8}\\.(com|jp)",
            flips in proptest::collection::vec(proptest::bool::ANY, 32),
            tag in proptest::option::of("[a-z0-9]{1,5}"),
            old_domain in proptest::bool::ANY,
        ) {
            let canonical = format!("{local}@{domain}");
            let p = People::new(people().sources.clone(), vec![person("E1", &canonical)]).unwrap();
            let aliases = vec![("old.example.co.jp".to_owned(), domain.clone())];
            let app = app(vec![CompiledCorrelator::Email { aliases, strip_plus: true, field: "email".into() }]);
            let written = if old_domain { format!("{local}@OLD.example.co.jp") } else { canonical.clone() };
            let (l, d) = written.split_once('@').unwrap();
            let l = format!("{l}{}", tag.map(|t| format!("+{t}")).unwrap_or_default());
            let flipped: String = format!("{l}@{d}")
                .chars()
                .zip(flips.iter().cycle())
                .map(|(c, &f)| if f { c.to_ascii_uppercase() } else { c })
                .collect();
            let links = run(&app, &p, &[account(Some(&flipped), None)]);
            proptest::prop_assert!(matches!(links[0], Link::Person { person: 0, .. }), "{flipped}: {:?}", links[0]);
        }

        /// Any non-ASCII character before the `@` makes a look-alike, never
        /// a match.
        #[test]
        fn a_non_ascii_local_part_is_never_a_match(
            local in "[a-z]{2,10}",
            at in 0usize..10,
            c in proptest::char::range('\u{80}', '\u{2fff}'),
        ) {
            let p = People::new(people().sources.clone(), vec![person("E1", &format!("{local}@example.com"))]).unwrap();
            let mut chars: Vec<char> = local.chars().collect();
            chars.insert(at.min(chars.len()), c);
            let written: String = chars.into_iter().collect::<String>() + "@example.com";
            let links = run(&app(vec![email()]), &p, &[account(Some(&written), None)]);
            proptest::prop_assert_eq!(links[0], Link::LookAlike { via: 0 });
        }
    }

    #[test]
    fn normalised_emails() {
        let aliases = [("old.co.jp".to_owned(), "new.com".to_owned())];
        assert_eq!(normalize_email("mailto:A+b@Old.CO.JP", &aliases, true).as_deref(), Some("a@new.com"));
        assert_eq!(normalize_email("A+b@x.com", &aliases, false).as_deref(), Some("a+b@x.com"));
        // ASCII letters only: no Unicode case folding.
        assert_eq!(normalize_email("ＡＢ@例え.jp", &aliases, true).as_deref(), Some("ＡＢ@例え.jp"));
        assert_eq!(
            normalize_email("REN.ISHI\u{212a}AWA@X.COM", &aliases, true).as_deref(),
            Some("ren.ishi\u{212a}awa@x.com")
        );
        assert_eq!(normalize_email("no-at-sign", &aliases, true), None);
    }
}
