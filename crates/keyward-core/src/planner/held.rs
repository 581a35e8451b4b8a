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
use crate::i18n::{Arg, Msg};
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
    fn grace_reason(&self) -> Msg {
        let moved: Arg = match self.person.moved_on {
            Some(m) => Msg::new("reason-after-transfer")
                .arg("moved", m)
                .arg("col", quote(self.labels().moved_on.as_ref()))
                .into(),
            None => Arg::Text(String::new()),
        };
        Msg::new("reason-mover-grace").arg("grace", self.ctx.app.lifecycle.mover_grace.to_string()).arg("moved", moved)
    }

    fn hold(&mut self, until: Date, action: Action, ai: u32, reason: Msg) -> &mut Change {
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
        let mut what: Vec<Msg> = Vec::new();
        if let Some(r) = &role {
            let from: Arg = match r.from.as_deref() {
                Some(f) => f.into(),
                None => Msg::new("reason-no-role").into(),
            };
            what.push(Msg::new("reason-role-lowered").arg("from", from).arg("to", r.to.as_str()));
        }
        if !remove.is_empty() {
            what.push(Msg::new("reason-groups-no-longer-granted").arg("groups", remove.clone()));
        }
        let reason = Msg::new("reason-mover-held")
            .arg("what", what)
            .arg("granted", self.why(why, ent))
            .arg("grace", self.grace_reason());
        let c = self.hold(until, Action::Update, ai, reason);
        c.role = role;
        c.groups = (!remove.is_empty()).then(|| Box::new(GroupChange { add: Vec::new(), remove }));
    }

    /// The suspension or review of an account no policy grants any more,
    /// kept by the grace.
    pub(super) fn hold_ungranted(&mut self, until: Date, action: Action, ai: u32, reason: Msg) {
        let reason = Msg::new("reason-clauses").arg("first", reason).arg("then", self.grace_reason());
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
                Msg::new("reason-left-on").arg("last", last).arg("col", quote(self.labels().end_date.as_ref()))
            }
            None => Msg::new("reason-left"),
        };
        let reason = Msg::new("reason-exception-hold")
            .arg("left", left)
            .arg("name", ex.name.as_str())
            .arg("until", ex.until)
            .arg("why", ex.reason.as_str());
        self.hold(until, Action::Suspend, primary, reason);
    }
}
