//! What `keyward explain QUERY` is asked about: a person by employee number
//! (any case), work e-mail or an old-domain address of it; an account by
//! its id, username or e-mail, in one app (`--app`) or across all; or a
//! person by name, in kanji, kana or romaji.
//!
//! The order is the one a person typing a query expects: an exact key of
//! a person first (their accounts are all in their explanation), then
//! accounts, then names. Several answers are never guessed between: they
//! come back as candidates to choose from.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::account::{Account, AccountListing};
use crate::compile::PolicySet;
use crate::compile::model::CompiledCorrelator;
use crate::correlate::email_key;
use crate::hints::people_named;
use crate::i18n::Msg;
use crate::people::People;

/// At most this many candidates are named when a query is ambiguous.
const MAX_CANDIDATES: usize = 10;

/// A query for `keyward explain`.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// What was typed.
    pub text: &'a str,
    /// Only accounts of this app (`--app`).
    pub app: Option<&'a str>,
}

/// How the subject of an explanation was found from the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "by")]
pub enum FoundBy {
    /// The employee number (current or earlier, any case) or work e-mail.
    Key,
    /// An address under an old domain an app's `domainAliases` maps to the
    /// person's.
    #[serde(rename_all = "camelCase")]
    OldDomain {
        /// The address as the aliases read it.
        address: String,
        /// The app whose aliases say so.
        app: String,
    },
    /// One of the person's accounts.
    #[serde(rename_all = "camelCase")]
    Account {
        /// The account's app.
        app: String,
        /// Its id in the app.
        account_id: String,
        /// Its e-mail, username or id.
        account: String,
    },
    /// Their name.
    Name,
}

impl FoundBy {
    /// The line said above the explanation, or `None` when the query was
    /// the person's own key and needs no comment.
    pub fn message(&self, query: &str) -> Option<Msg> {
        match self {
            Self::Key => None,
            Self::OldDomain { address, app } => {
                Some(Msg::new("explain-found-old-domain").arg("query", query).arg("address", address).arg("app", app))
            }
            Self::Account { app, account_id, account } => {
                Some(Msg::new("explain-found-account").arg("app", app).arg("account", account).arg("id", account_id))
            }
            Self::Name => Some(Msg::new("explain-found-name").arg("query", query)),
        }
    }
}

/// What a query found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// A person (index into [`People::persons`]).
    Person { index: usize, by: FoundBy },
    /// An account, whoever it belongs to: (app, index into its listing).
    Account { app: String, index: usize },
}

/// Why a query found nothing to explain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Missed {
    /// Nothing matches.
    Nothing,
    /// `--app` names no Application.
    NoSuchApp { known: Vec<String> },
    /// Several people have that name.
    People(Vec<usize>),
    /// Several accounts (of different people, or nobody's) match.
    Accounts(Vec<(String, usize)>),
}

/// Finds what `query` names. `owner` tells whose an account is (a person's
/// index), as the plan's correlation decided it.
pub(crate) fn find(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    query: Query<'_>,
    owner: impl Fn(&str, usize) -> Option<usize>,
) -> Result<Found, Missed> {
    let text = query.text.trim();
    if let Some(app) = query.app
        && !set.applications.iter().any(|a| a.name == app)
    {
        return Err(Missed::NoSuchApp { known: set.applications.iter().map(|a| a.name.clone()).collect() });
    }
    if query.app.is_none() {
        if let Some(index) = people.find_typed(text) {
            return Ok(Found::Person { index, by: FoundBy::Key });
        }
        if let Some((index, by)) = old_domain(set, people, text) {
            return Ok(Found::Person { index, by });
        }
    }

    let hits = accounts_matching(listings, text, query.app);
    if let Some(&(ref app, index)) = hits.first() {
        let owners: Vec<Option<usize>> = hits.iter().map(|(app, i)| owner(app, *i)).collect();
        if hits.len() == 1 || owners.iter().all(|o| o.is_some() && *o == owners[0]) {
            return Ok(match owners[0] {
                Some(person) => {
                    let a = &listings[app].accounts[index];
                    let by = FoundBy::Account {
                        app: app.clone(),
                        account_id: a.id.to_string(),
                        account: a.label().to_owned(),
                    };
                    Found::Person { index: person, by }
                }
                None => Found::Account { app: app.clone(), index },
            });
        }
        return Err(Missed::Accounts(hits.into_iter().take(MAX_CANDIDATES).collect()));
    }

    // An address is not a name: `taro.yamada@gmail.com` is not looked
    // up as Taro Yamada (its accounts were, above).
    if query.app.is_none() && !text.contains('@') {
        let named = people_named(people, text);
        match named.as_slice() {
            [] => {}
            [one] => return Ok(Found::Person { index: *one, by: FoundBy::Name }),
            _ => return Err(Missed::People(named.into_iter().take(MAX_CANDIDATES).collect())),
        }
    }
    Err(Missed::Nothing)
}

/// The person an old-domain address stands for: the first app whose
/// `domainAliases` map the address's domain to a domain where a person
/// has that address.
fn old_domain(set: &PolicySet, people: &People, text: &str) -> Option<(usize, FoundBy)> {
    let key = email_key(text)?;
    let (local, domain) = key.rsplit_once('@')?;
    set.compiled.apps.iter().find_map(|app| {
        app.correlators.iter().find_map(|c| {
            let CompiledCorrelator::Email { aliases, .. } = c else { return None };
            let (_, to) = aliases.iter().find(|(from, _)| from == domain)?;
            let address = format!("{local}@{to}");
            let index = people.find(&address)?;
            Some((index, FoundBy::OldDomain { address, app: app.name.clone() }))
        })
    })
}

/// Accounts whose id is `text`, or whose username or e-mail is `text`
/// (case aside; an e-mail's `+tag` aside), in `app` or in every app.
fn accounts_matching(
    listings: &BTreeMap<String, AccountListing>,
    text: &str,
    app: Option<&str>,
) -> Vec<(String, usize)> {
    let wanted_email = email_key(text);
    let is = |a: &Account| {
        a.id.as_str() == text
            || a.username.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(text))
            || (wanted_email.is_some() && a.email.as_deref().and_then(email_key) == wanted_email)
    };
    listings
        .iter()
        .filter(|(name, _)| app.is_none_or(|a| a == name.as_str()))
        .flat_map(|(name, l)| l.accounts.iter().enumerate().filter(|(_, a)| is(a)).map(|(i, _)| (name.clone(), i)))
        .collect()
}
