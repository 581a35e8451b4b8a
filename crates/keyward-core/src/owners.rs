//! Every listed account with its owner, as the audit log records it
//! ([`crate::history`]): the same correlation the plan makes, reduced to
//! the employee number of a sure match.

use std::collections::BTreeMap;

use crate::account::AccountListing;
use crate::compile::PolicySet;
use crate::correlate::{Indexes, Link, correlate};
use crate::history::ListedAccount;
use crate::people::People;

/// Per app of `set` that `listings` has, its accounts with the owner each
/// was matched to (an ambiguous, look-alike or unmatched account has none),
/// sorted by id.
pub fn listed_accounts(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
) -> BTreeMap<String, Vec<ListedAccount>> {
    let indexes = Indexes::build(&set.compiled.apps, people);
    let mut out = BTreeMap::new();
    for app in &set.compiled.apps {
        let Some(listing) = listings.get(&app.name) else { continue };
        let links = correlate(app, &listing.accounts, &indexes);
        let mut rows: Vec<ListedAccount> = listing
            .accounts
            .iter()
            .zip(links)
            .map(|(a, link)| ListedAccount {
                id: a.id.to_string(),
                handle: a.label().to_owned(),
                owner: match link {
                    Link::Person { person, .. } => people.get(person as usize).map(|p| p.id.clone()),
                    _ => None,
                },
                role: a.role.as_ref().map(ToString::to_string),
                groups: a.groups.iter().map(ToString::to_string).collect(),
                status: a.status,
            })
            .collect();
        rows.sort_by(|x, y| x.id.cmp(&y.id));
        out.insert(app.name.clone(), rows);
    }
    out
}
