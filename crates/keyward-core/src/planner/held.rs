//! Changes one person's planning holds back until a later day: what
//! `moverGrace` keeps after a transfer (a lost group, a downgraded role, an
//! account no policy grants any more) and the suspension of a leaver's
//! account a hand-over Exception keeps open. They are recorded as
//! [`Held`] — the change as it will be planned, and the day — so the plan
//! and `explain` say "held until DATE" instead of saying nothing.
//! Nothing counts, guards or applies them.

use jiff::civil::Date;

use super::person::{PersonPlanner, Why, quote};
use crate::action::Action;
use crate::duration::Days;
use crate::evaluate::{EntView, Src};
use crate::plan::{AccountRef, Change, GroupChange, Held, PersonRef, RoleChange};

impl PersonPlanner<'_, '_> {
    /// The day the app's `moverGrace` ends, while the person is within it.
    pub(super) fn grace_until(&self) -> Option<Date> {
        let grace = self.ctx.app.lifecycle.mover_grace;
        let moved = self.person.moved_on.filter(|_| grace.0 > 0)?;
        let until = grace.after(moved);
        (self.s.today < until).then_some(until)
    }

    /// "held by moverGrace 14d after the transfer on … (異動日)".
    fn grace_reason(&self) -> String {
        let moved = self
            .person
            .moved_on
            .map(|m| format!(" after the transfer on {m}{}", quote(self.labels().moved_on.as_ref())))
            .unwrap_or_default();
        format!("held by moverGrace {}{moved}", self.ctx.app.lifecycle.mover_grace)
    }

    fn hold(&mut self, until: Date, action: Action, ai: u32, reason: String) -> &mut Change {
        let mut change = Change::new(self.ctx.app.name.as_str(), action, AccountRef::of(self.ctx.account(ai)), reason);
        change.person = Some(PersonRef::of(self.person));
        self.held.push(Held { until, change });
        let last = self.held.len() - 1;
        &mut self.held[last].change
    }

    /// A downgrade and lost groups the grace keeps, as one held update.
    pub(super) fn hold_mover_update(
        &mut self,
        ent: &EntView<'_>,
        ai: u32,
        why: Why,
        role: Option<Box<RoleChange>>,
        remove: Vec<String>,
    ) {
        let Some(until) = self.grace_until() else { return };
        let mut what = Vec::new();
        if let Some(r) = &role {
            what.push(format!("role {} lowered to {}", r.from.as_deref().unwrap_or("none"), r.to));
        }
        if !remove.is_empty() {
            what.push(format!("{} no longer granted", remove.join(", ")));
        }
        let reason = format!("{}; {}; {}", what.join(", "), self.why(why, ent), self.grace_reason());
        let c = self.hold(until, Action::Update, ai, reason);
        c.role = role;
        c.groups = (!remove.is_empty()).then(|| Box::new(GroupChange { add: Vec::new(), remove }));
    }

    /// The suspension or review of an account no policy grants any more,
    /// kept by the grace.
    pub(super) fn hold_ungranted(&mut self, until: Date, action: Action, ai: u32, reason: String) {
        let reason = format!("{reason}; {}", self.grace_reason());
        let c = self.hold(until, action, ai, reason);
        if action == Action::Review {
            c.proposed = Some(Action::Suspend);
        }
    }

    /// A leaver whose account an Exception keeps (a hand-over): the
    /// suspension waits for the day after the last Exception ends (or the
    /// app's own suspension day, if later).
    pub(super) fn hold_for_exception(&mut self, ent: &EntView<'_>, last_day: Option<Date>, accounts: &[u32]) {
        let Some(&primary) = accounts.first() else { return };
        let compiled = self.s.compiled;
        let kept_by = ent
            .sources
            .iter()
            .filter_map(|s| match s {
                Src::Exception(i) => compiled.exceptions.get(*i as usize),
                Src::Policy(_) => None,
            })
            .max_by_key(|e| e.until);
        let Some(ex) = kept_by else { return };
        let mut until = Days(1).after(ex.until);
        let left = match last_day {
            Some(last) => {
                until = until.max(self.ctx.app.lifecycle.offboarding.suspend.first_day(last));
                format!("left {last}{}", quote(self.labels().end_date.as_ref()))
            }
            None => "left".to_owned(),
        };
        let reason = format!(
            "{left}; held by Exception {} until {} ({}), then the app's offboarding suspends the account",
            ex.name, ex.until, ex.reason
        );
        self.hold(until, Action::Suspend, primary, reason);
    }
}
