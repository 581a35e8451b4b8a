//! People who vanished from the HR source: the roster remembers them, this
//! read no longer has them. Their accounts would otherwise match nobody;
//! here they are matched with each app's own correlators against what the
//! roster remembers (employee number, e-mail), and the orphan review of
//! each such account says whose it was and since when. Nothing else is
//! planned for them: absence alone never deprovisions.
//!
//! When so many vanish at once that the read looks truncated
//! ([`Roster::is_mass_vanish`]), nobody is matched and the plan carries one
//! loud warning instead of a review per account; apply's guard refuses it.

use std::collections::HashSet;

use crate::compile::model::Compiled;
use crate::correlate::{Correlator, Indexes, Link};
use crate::i18n::{Arg, Lang, Msg};
use crate::people::People;
use crate::plan::{AccountRef, Change, PersonRef, Vanished, VanishedAccount};
use crate::roster::{MASS_VANISH_ABOVE, MASS_VANISH_PERCENT, Roster, Seen};

use super::context::AppCtx;

/// The vanished people of one plan, indexed for correlation.
pub(super) struct Vanish<'a> {
    /// As the roster remembers them, in employee-number order.
    seen: Vec<&'a Seen>,
    /// The same people as [`People`] (sorted the same way), for the index.
    ghosts: People,
    indexes: Indexes,
}

/// What the roster says about this read: the vanished (unless too many
/// vanished at once), how many, and of how many known.
pub(super) struct RosterView<'a> {
    pub(super) vanish: Option<Vanish<'a>>,
    pub(super) vanished: usize,
    pub(super) known: usize,
}

impl<'a> RosterView<'a> {
    pub(super) fn new(compiled: &Compiled, roster: &'a Roster, people: &People) -> Self {
        let seen = roster.vanished(people);
        let (vanished, known) = (seen.len(), roster.people.len());
        if seen.is_empty() || Roster::is_mass_vanish(vanished, known) {
            return Self { vanish: None, vanished, known };
        }
        // Two remembered people with one address would be refused as a
        // conflict: the first keeps it, so neither is matched by a guess.
        let mut emails = HashSet::new();
        let ghosts = seen
            .iter()
            .map(|s| {
                let mut p = s.as_person();
                p.email = p.email.filter(|e| emails.insert(e.to_ascii_lowercase()));
                p
            })
            .collect();
        let ghosts = People::new(Vec::new(), ghosts).unwrap_or_default();
        let indexes = Indexes::build(&compiled.apps, &ghosts);
        Self { vanish: Some(Vanish { seen, ghosts, indexes }), vanished, known }
    }

    /// The plan's warning when too many vanished at once.
    pub(super) fn warning(&self) -> Option<Msg> {
        Roster::is_mass_vanish(self.vanished, self.known).then(|| mass_vanish_warning(self.vanished, self.known))
    }
}

impl Vanish<'_> {
    /// Finds the vanished people's accounts among the app's accounts that
    /// match nobody, and rewrites those accounts' reviews in `out` to say
    /// whose they were. Returns each account with its person's index in
    /// [`Self::seen`].
    pub(super) fn mark(&self, ctx: &AppCtx<'_>, out: &mut [Change]) -> Vec<(usize, VanishedAccount)> {
        let mut correlator = Correlator::new(ctx.app, &self.indexes);
        let mut found = Vec::new();
        for (ai, link) in ctx.links.iter().enumerate() {
            if *link != Link::Orphan {
                continue;
            }
            let a = &ctx.listing.accounts[ai];
            let Link::Person { person, .. } = correlator.link(a) else { continue };
            let Some(ghost) = self.ghosts.get(person as usize) else { continue };
            let Some(si) = self.seen.iter().position(|s| s.id == ghost.id) else { continue };
            let account = AccountRef::of(a);
            if let Some(c) = out.iter_mut().find(|c| c.person.is_none() && c.account == account) {
                let m = vanished_reason(self.seen[si]);
                c.reason = m.render(Lang::En);
                c.message = Some(Box::new(m));
                c.person = Some(PersonRef::of(ghost));
            }
            found.push((si, VanishedAccount { app: ctx.app.name.as_str().into(), account }));
        }
        found
    }

    /// The plan's list: every vanished person with the accounts the apps
    /// found, in employee-number order, accounts in app order.
    pub(super) fn list(&self, mut found: Vec<(usize, VanishedAccount)>) -> Vec<Vanished> {
        let mut out: Vec<Vanished> = (self.seen.iter())
            .map(|s| Vanished {
                person: PersonRef::of(&s.as_person()),
                last_seen: s.last_seen,
                source: s.source.clone(),
                accounts: Vec::new(),
            })
            .collect();
        // A stable sort keeps the apps' order within a person.
        found.sort_by_key(|(si, _)| *si);
        for (si, a) in found {
            out[si].accounts.push(a);
        }
        out
    }
}

/// The review reason of a vanished person's account.
pub(crate) fn vanished_reason(seen: &Seen) -> Msg {
    Msg::new("reason-vanished").arg("who", seen.label()).arg("date", seen.last_seen)
}

/// The plan's warning when a large share of the roster vanished at once.
fn mass_vanish_warning(vanished: usize, known: usize) -> Msg {
    Msg::new("warning-mass-vanish")
        .arg("vanished", Arg::digits(vanished))
        .arg("known", Arg::digits(known))
        .arg("percent", Arg::digits(MASS_VANISH_PERCENT))
        .arg("above", Arg::digits(MASS_VANISH_ABOVE))
}
