//! What planning reads: the inputs every app and person shares, and one
//! app's accounts correlated and grouped by person.

use jiff::civil::Date;

use crate::account::{Account, AccountListing, AccountStatus};
use crate::compile::PolicySet;
use crate::compile::model::{Compiled, CompiledApp};
use crate::correlate::{Correlator, Indexes, Link};
use crate::duration::TransferTo;
use crate::evaluate::Selections;
use crate::people::{People, Phase};

/// What every app's and person's planning reads.
pub(super) struct Shared<'a> {
    pub(super) set: &'a PolicySet,
    pub(super) compiled: &'a Compiled,
    pub(super) people: &'a People,
    pub(super) phases: &'a [Phase],
    pub(super) selections: &'a Selections,
    pub(super) indexes: &'a Indexes,
    pub(super) today: Date,
    /// Only these people (sorted), for a person-scoped plan.
    pub(super) scope: Option<&'a [usize]>,
}

/// Buffers reused from one app to the next on the same thread: fresh
/// memory is slow to fault in, and every app needs the same sizes.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    links: Vec<Link>,
    facts: Vec<Facts>,
    offsets: Vec<u32>,
    fill: Vec<u32>,
    accts: Vec<u32>,
}

/// What the per-person loop needs of an account, packed: reading the
/// account itself (a few hundred bytes, anywhere in memory) for every
/// person of every app is what made planning slow.
#[derive(Debug, Clone, Copy)]
pub(super) struct Facts {
    pub(super) status: AccountStatus,
    pub(super) has_groups: bool,
    /// Number of the account's role in the app's `role_ids`; [`NO_ROLE`] or
    /// [`OTHER_ROLE`] otherwise.
    pub(super) role: u32,
}

pub(super) const NO_ROLE: u32 = u32::MAX;
pub(super) const OTHER_ROLE: u32 = u32::MAX - 1;

/// Everything known about one app during planning.
pub(super) struct AppCtx<'a> {
    pub(super) app: &'a CompiledApp,
    pub(super) listing: &'a AccountListing,
    pub(super) links: &'a [Link],
    pub(super) facts: &'a [Facts],
    /// `accts[offsets[p]..offsets[p + 1]]` are person `p`'s accounts, the
    /// one keyward manages first (strong match, live, exact, by id).
    offsets: &'a [u32],
    accts: &'a [u32],
    /// The account named by `transferTo: <account>`, found once.
    pub(super) fixed_target: Option<u32>,
}

impl<'a> AppCtx<'a> {
    /// Correlates the app's accounts and groups them by person.
    pub(super) fn new(
        app: &'a CompiledApp,
        listing: &'a AccountListing,
        people: &People,
        indexes: &Indexes,
        scratch: &'a mut Scratch,
    ) -> Self {
        let Scratch { links, facts, offsets, fill, accts } = scratch;
        let mut correlator = Correlator::new(app, indexes);
        let mut lower = String::new();
        links.clear();
        facts.clear();
        // One pass over the accounts: each is read once, in memory order.
        for a in &listing.accounts {
            links.push(correlator.link(a));
            facts.push(Facts {
                status: a.status,
                has_groups: !a.groups.is_empty(),
                role: match a.role.as_deref() {
                    None => NO_ROLE,
                    Some(r) => {
                        lower.clear();
                        if r.is_ascii() {
                            lower.push_str(r);
                            lower.make_ascii_lowercase();
                        } else {
                            lower.push_str(&r.to_lowercase());
                        }
                        app.role_ids.get(lower.as_str()).copied().unwrap_or(OTHER_ROLE)
                    }
                },
            });
        }
        // Group accounts by person with a counting sort (linear); only the
        // rare people with several accounts need ordering.
        offsets.clear();
        offsets.resize(people.len() + 1, 0);
        for l in links.iter() {
            if let Link::Person { person, .. } = l {
                offsets[*person as usize + 1] += 1;
            }
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        fill.clear();
        fill.extend_from_slice(offsets);
        accts.clear();
        accts.resize(offsets[people.len()] as usize, 0);
        for (ai, l) in links.iter().enumerate() {
            if let Link::Person { person, .. } = l {
                let slot = &mut fill[*person as usize];
                accts[*slot as usize] = ai as u32;
                *slot += 1;
            }
        }
        let pref = |ai: u32| {
            let a = &listing.accounts[ai as usize];
            let (weak, exact) = match links[ai as usize] {
                Link::Person { weak, exact, doubt, .. } => (weak || doubt.is_some(), exact),
                _ => (true, false),
            };
            (weak, !a.status.is_live(), !exact, a.status, a.id.as_str())
        };
        for p in 0..people.len() {
            let group = &mut accts[offsets[p] as usize..offsets[p + 1] as usize];
            if group.len() > 1 {
                group.sort_by(|x, y| pref(*x).cmp(&pref(*y)));
            }
        }
        let fixed_target = match &app.lifecycle.offboarding.transfer_to {
            Some(TransferTo::Account(key)) => {
                // ASCII case only: a look-alike (U+212A KELVIN SIGN for `k`)
                // must never receive a leaver's data.
                let same = |v: Option<&str>| v.is_some_and(|v| v.eq_ignore_ascii_case(key));
                listing
                    .accounts
                    .iter()
                    .position(|a| a.id == *key || same(a.email.as_deref()) || same(a.username.as_deref()))
                    .map(|i| i as u32)
            }
            _ => None,
        };
        Self { app, listing, links, facts, offsets, accts, fixed_target }
    }

    pub(super) fn account(&self, i: u32) -> &Account {
        &self.listing.accounts[i as usize]
    }

    pub(super) fn status(&self, i: u32) -> AccountStatus {
        self.facts[i as usize].status
    }

    pub(super) fn accounts_of(&self, person: usize) -> &[u32] {
        &self.accts[self.offsets[person] as usize..self.offsets[person + 1] as usize]
    }

    /// Weakly matched (by a fallback) or in doubt (see `identity`): every
    /// change to it needs a human, and it never receives a hand-over.
    pub(super) fn is_weak(&self, i: u32) -> bool {
        matches!(self.links[i as usize], Link::Person { weak: true, .. } | Link::Person { doubt: Some(_), .. })
    }

    pub(super) fn count(&self, f: impl Fn(&Link) -> bool) -> usize {
        self.links.iter().filter(|l| f(l)).count()
    }
}
