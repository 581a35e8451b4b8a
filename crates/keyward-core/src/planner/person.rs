//! One person's changes in one app: create, restore, update, suspend,
//! hand over and delete, from their phase on the plan's day and what the
//! policies grant them.

use jiff::civil::Date;

use crate::account::{AccountStatus, RevokeKinds, Text};
use crate::action::Action;
use crate::compile::model::CompiledCorrelator;
use crate::correlate::explain;
use crate::duration::{Retention, SuspendTiming, TransferTo};
use crate::evaluate::EntView;
use crate::i18n::{Arg, Msg};
use crate::identity::{decided_note, doubt_reason};
use crate::people::{FieldLabels, Person, Phase};
use crate::plan::{AccountRef, Change, GroupChange, Held, PersonRef, Profile, RoleChange};
use crate::resources::{OnLeave, RevokeKind, Ungranted};

use super::context::{AppCtx, Shared};

/// ` (header)` after an HR fact, naming the HR column it was read from.
pub(super) fn quote(label: Option<&String>) -> Arg {
    match label {
        Some(l) => Msg::new("reason-col").arg("column", l).into(),
        None => Arg::Text(String::new()),
    }
}

/// Why a person should have an account; turned into words only when a
/// change is planned.
#[derive(Clone, Copy)]
pub(super) enum Why {
    Granted,
    Joins(Date),
    LeftButGranted(Option<Date>),
}

/// Plans one person's accounts in one app, appending to `out`.
pub(super) struct PersonPlanner<'a, 'b> {
    pub(super) ctx: &'a AppCtx<'a>,
    pub(super) s: &'a Shared<'a>,
    pub(super) person: &'a Person,
    pub(super) pi: usize,
    pub(super) out: &'b mut Vec<Change>,
    /// Changes held back until a later day (see `held`).
    pub(super) held: &'b mut Vec<Held>,
}

impl PersonPlanner<'_, '_> {
    pub(super) fn labels(&self) -> &FieldLabels {
        self.s.people.labels(self.person)
    }

    fn profile(&self) -> Profile {
        let post = self.person.posts.first();
        let manager = self
            .person
            .manager
            .as_deref()
            .and_then(|m| self.s.people.find(m))
            .map(|mi| PersonRef::of(&self.s.people.persons()[mi]));
        Profile {
            department: post.and_then(|p| p.department.clone()),
            title: post.and_then(|p| p.title.clone()),
            employment_type: self.person.employment_type.clone(),
            manager,
        }
    }

    pub(super) fn why(&self, why: Why, ent: &EntView<'_>) -> Msg {
        let granted = ent.describe(self.s.compiled, self.person);
        match why {
            Why::Granted => granted,
            Why::Joins(start) => Msg::new("reason-joins")
                .arg("start", start)
                .arg("col", quote(self.labels().start_date.as_ref()))
                .arg("granted", granted),
            Why::LeftButGranted(Some(last)) => Msg::new("reason-left-but-granted")
                .arg("last", last)
                .arg("col", quote(self.labels().end_date.as_ref()))
                .arg("granted", granted),
            Why::LeftButGranted(None) => Msg::new("reason-left-undated-but-granted").arg("granted", granted),
        }
    }

    pub(super) fn change(
        &mut self,
        action: Action,
        account: AccountRef,
        reason: impl Into<crate::plan::Reason>,
    ) -> &mut Change {
        let mut c = Change::new(self.ctx.app.name.as_str(), action, account, reason);
        c.person = Some(PersonRef::of(self.person));
        self.out.push(c);
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// A change to an existing account, turned into a review when the
    /// account is only weakly matched.
    fn account_change(&mut self, action: Action, ai: u32, reason: Msg) -> Option<&mut Change> {
        let acct = self.ctx.account(ai);
        let r = AccountRef::of(acct);
        let has_earlier = !self.s.people.earlier_records(self.pi).is_empty();
        if self.ctx.is_weak(ai) || has_earlier {
            let d = explain(self.ctx.app, self.s.people, acct, self.ctx.links[ai as usize]);
            if let Some(v) = d.verdict.as_ref().filter(|v| v.doubt.is_some()) {
                // One review per doubted account says it all: a restore
                // and an update of it would say the same twice.
                if self.out.iter().any(|c| c.action == Action::Review && c.account == r) {
                    return None;
                }
                let c = self.change(Action::Review, r, doubt_reason(v, Some((action, reason.clone()))));
                c.proposed = Some(action);
                return None;
            }
            if !self.ctx.is_weak(ai) {
                // The evidence tied it to the current record: say which.
                let reason = match d.verdict.as_ref().and_then(decided_note) {
                    Some(note) => Msg::new("reason-with-evidence").arg("reason", reason).arg("note", note),
                    None => reason,
                };
                return Some(self.change(action, r, reason));
            }
            let weak = d.weak_message.map_or_else(|| d.weak_because.unwrap_or_default().into(), Arg::from);
            let label = self.person.label();
            let c = self.change(
                Action::Review,
                r,
                Msg::new("reason-weak-match")
                    .arg("action", action.message())
                    .arg("reason", reason)
                    .arg("person", label)
                    .arg("weak", weak),
            );
            c.proposed = Some(action);
            return None;
        }
        Some(self.change(action, r, reason))
    }

    pub(super) fn plan(&mut self, ent: Option<&EntView<'_>>, accounts: &[u32]) {
        let app = self.ctx.app;
        let today = self.s.today;
        // `suspend: onLastDay` cuts access during the last working day,
        // while the person is still (formally) employed.
        // (The app's setting is checked first: most apps do not cut access
        // on the last day, and reading the person record for every account
        // of every app is what makes planning slow.)
        if app.lifecycle.offboarding.suspend == SuspendTiming::OnLastDay
            && let Some(end) = self.person.effective_end_date()
            && today == end
            && matches!(self.s.phases[self.pi], Phase::Employed | Phase::OnLeave)
            && !ent.is_some_and(EntView::has_exception)
        {
            self.leaver(Some(end), accounts);
            return;
        }
        // `revoke: {when: onLastDay}` with a later suspension: the doors
        // close during the last working day, the account stays until then.
        if let Some(revoke) = &app.lifecycle.offboarding.revoke
            && revoke.when == Some(SuspendTiming::OnLastDay)
            && let Some(end) = self.person.effective_end_date()
            && today == end
            && matches!(self.s.phases[self.pi], Phase::Employed | Phase::OnLeave)
            && !ent.is_some_and(EntView::has_exception)
        {
            self.revoke(Some(end), accounts);
        }
        match self.s.phases[self.pi] {
            Phase::NotStarted { start } => {
                let Some(ent) = ent else { return };
                if today >= app.lifecycle.provision_before.before(start) {
                    self.ensure_active(ent, accounts, Why::Joins(start), false);
                }
            }
            Phase::Employed => match ent {
                Some(ent) => self.ensure_active(ent, accounts, Why::Granted, true),
                None => self.ungranted(accounts),
            },
            Phase::OnLeave => match ent {
                Some(ent) if app.lifecycle.on_leave == OnLeave::Suspend && !ent.has_exception() => {
                    let status = self.person.status_label.clone().unwrap_or_else(|| "on-leave".to_owned());
                    let col: Arg = match self.labels().status.as_ref() {
                        Some(l) => Msg::new("reason-in-col").arg("column", l).into(),
                        None => Arg::Text(String::new()),
                    };
                    let why =
                        Msg::new("reason-on-leave").arg("status", status).arg("col", col).arg("app", app.name.as_str());
                    self.suspend_all(accounts, &why, false);
                }
                Some(ent) => self.ensure_active(ent, accounts, Why::Granted, false),
                None => self.ungranted(accounts),
            },
            Phase::Left { last_day } => match ent {
                Some(ent) => {
                    self.ensure_active(ent, accounts, Why::LeftButGranted(last_day), false);
                    self.hold_for_exception(ent, last_day, accounts);
                }
                None => self.leaver(last_day, accounts),
            },
        }
    }

    /// `may_be_rehire`: a suspended account of someone working here again
    /// is explained as a rehire when the HR record says so.
    fn ensure_active(&mut self, ent: &EntView<'_>, accounts: &[u32], why: Why, may_be_rehire: bool) {
        let Some((&primary, rest)) = accounts.split_first() else {
            let reason = self.why(why, ent);
            let Some(email) = self.person.email.clone() else {
                let c = self.change(
                    Action::Review,
                    AccountRef::default(),
                    Msg::new("reason-no-email").arg("reason", reason),
                );
                c.proposed = Some(Action::Create);
                return;
            };
            let account = AccountRef {
                email: Some(email.into()),
                username: self.known_username().map(Text::from),
                display_name: self.person.name.as_deref().map(Text::from),
                ..Default::default()
            };
            let role = ent.role.map(|to| Box::new(RoleChange { from: None, to: to.to_owned() }));
            let groups = (!ent.groups.is_empty()).then(|| {
                Box::new(GroupChange { add: ent.groups.iter().map(|g| (*g).to_owned()).collect(), remove: vec![] })
            });
            let profile = self.profile();
            let c = self.change(Action::Create, account, reason);
            c.role = role;
            c.groups = groups;
            c.profile = Some(Box::new(profile));
            return;
        };
        if self.ctx.status(primary) == AccountStatus::Suspended {
            let reason = self.why(why, ent);
            let rehire =
                may_be_rehire && (self.person.is_rehire_on_same_record() || !self.person.previous_ids.is_empty());
            let what = if rehire {
                match self.person.start_date {
                    Some(start) => Msg::new("reason-rehired-on").arg("start", start).arg("reason", reason),
                    None => Msg::new("reason-rehired").arg("reason", reason),
                }
            } else {
                Msg::new("reason-suspended-but").arg("reason", reason)
            };
            self.account_change(Action::Restore, primary, what);
        }
        self.update(ent, primary, why);
        for &other in rest {
            if self.ctx.status(other).is_live() {
                let a = self.ctx.account(other);
                let main = self.ctx.account(primary).label().to_owned();
                let label = self.person.label();
                let c = self.change(
                    Action::Review,
                    AccountRef::of(a),
                    Msg::new("reason-second-account").arg("person", label).arg("main", main),
                );
                c.proposed = Some(Action::Suspend);
            }
        }
    }

    /// The login HR records for the account to be made: the person's value
    /// of the first correlator matching an HR attribute to the account's
    /// `username` (a GitHub login). Connectors that invite an existing user
    /// need it; the others make the username themselves and ignore it.
    fn known_username(&self) -> Option<&str> {
        self.ctx.app.correlators.iter().find_map(|c| match c {
            CompiledCorrelator::Attribute { attribute, field, .. } if field == "username" => self
                .person
                .attributes
                .get(attribute)
                .map(|v| v.trim().trim_start_matches('@'))
                .filter(|v| !v.is_empty()),
            _ => None,
        })
    }

    /// Role and group changes, with the mover grace period holding back
    /// removals and downgrades.
    fn update(&mut self, ent: &EntView<'_>, ai: u32, why: Why) {
        let app = self.ctx.app;
        let f = self.ctx.facts[ai as usize];
        let role_same = ent.role_id.is_none_or(|id| id == f.role);
        if role_same && ent.groups.is_empty() && !f.has_groups {
            return;
        }
        let acct = self.ctx.account(ai);
        let in_grace = self.grace_until().is_some();
        let mut role = None;
        let mut held_role = None;
        if let Some(to) = ent.role {
            let differs = acct.role.as_deref().is_none_or(|r| !r.eq_ignore_ascii_case(to));
            if differs {
                let rank = |r: &str| app.role_rank.get(&r.to_lowercase()).copied();
                let downgrade = match (acct.role.as_deref().and_then(rank), rank(to)) {
                    (Some(cur), Some(new)) => new < cur,
                    _ => false,
                };
                let change =
                    Some(Box::new(RoleChange { from: acct.role.as_deref().map(str::to_owned), to: to.to_owned() }));
                if downgrade && in_grace {
                    held_role = change;
                } else {
                    role = change;
                }
            }
        }
        let add: Vec<String> =
            ent.groups.iter().filter(|g| !acct.groups.iter().any(|x| x == **g)).map(|g| (*g).to_owned()).collect();
        let lost: Vec<String> = acct
            .groups
            .iter()
            .filter(|g| app.managed_groups.contains(g.as_str()) && ent.groups.binary_search(&g.as_str()).is_err())
            .map(|g| g.to_string())
            .collect();
        let (remove, held_remove) = if in_grace { (Vec::new(), lost) } else { (lost, Vec::new()) };
        if held_role.is_some() || !held_remove.is_empty() {
            self.hold_mover_update(ent, ai, why, held_role, held_remove);
        }
        if role.is_none() && add.is_empty() && remove.is_empty() {
            return;
        }
        // The change itself is in `role`/`groups`; the reason says why.
        let granted = self.why(why, ent);
        let reason = if remove.is_empty() {
            granted
        } else {
            Msg::new("reason-no-longer-granted").arg("groups", remove.clone()).arg("granted", granted)
        };
        let groups = (!add.is_empty() || !remove.is_empty()).then(|| Box::new(GroupChange { add, remove }));
        if let Some(c) = self.account_change(Action::Update, ai, reason) {
            c.role = role;
            c.groups = groups;
        }
    }

    fn ungranted(&mut self, accounts: &[u32]) {
        let app = self.ctx.app;
        let until = self.grace_until();
        for &ai in accounts {
            let a = self.ctx.account(ai);
            if !a.status.is_live() {
                continue;
            }
            let moved: Arg = match self.person.moved_on {
                Some(m) => Msg::new("reason-since-transfer")
                    .arg("moved", m)
                    .arg("col", quote(self.labels().moved_on.as_ref()))
                    .into(),
                None => Arg::Text(String::new()),
            };
            let why = Msg::new("reason-ungranted").arg("app", app.name.as_str()).arg("moved", moved);
            let (action, reason) = match app.lifecycle.ungranted {
                Ungranted::Suspend => (Action::Suspend, Msg::new("reason-ungranted-suspend").arg("why", why)),
                Ungranted::Review => (Action::Review, Msg::new("reason-ungranted-review").arg("why", why)),
            };
            if let Some(until) = until {
                self.hold_ungranted(until, action, ai, reason);
                continue;
            }
            match action {
                Action::Review => {
                    let c = self.change(Action::Review, AccountRef::of(a), reason);
                    c.proposed = Some(Action::Suspend);
                }
                _ => {
                    self.account_change(action, ai, reason);
                }
            }
        }
    }

    fn suspend_all(&mut self, accounts: &[u32], why: &Msg, leaver: bool) {
        for &ai in accounts {
            let a = self.ctx.account(ai);
            if a.status.is_live() {
                self.account_change(Action::Suspend, ai, why.clone());
                if leaver && !self.ctx.is_weak(ai) {
                    self.transfer(ai, Msg::new("reason-handover-before-lost"));
                }
            } else if leaver && a.handed_over == Some(false) && !self.ctx.is_weak(ai) {
                // Suspended already, but the app shows no hand-over: the
                // transfer failed, or the run stopped after the suspension.
                // Without this it would wait for the delete, or for ever.
                // A target that cannot be used is reviewed when the delete
                // is due; asking every day until then says nothing new.
                let usable = self
                    .ctx
                    .app
                    .lifecycle
                    .offboarding
                    .transfer_to
                    .as_ref()
                    .is_some_and(|to| self.transfer_target(to).is_ok());
                if usable {
                    self.transfer(ai, Msg::new("reason-handover-missing"));
                }
            }
        }
    }

    /// Plans a hand-over if the app has a target. Returns `false` when a
    /// target is configured but cannot be used (deletion must then wait).
    fn transfer(&mut self, ai: u32, why: Msg) -> bool {
        let Some(to) = self.ctx.app.lifecycle.offboarding.transfer_to.clone() else { return true };
        match self.transfer_target(&to) {
            Ok((target, label)) => {
                let reason = Msg::new("reason-transfer").arg("why", why).arg("target", label).arg("to", to.to_string());
                if let Some(c) = self.account_change(Action::Transfer, ai, reason) {
                    c.transfer_to = Some(Box::new(target));
                }
                true
            }
            Err(problem) => {
                let acct = AccountRef::of(self.ctx.account(ai));
                let c = self.change(Action::Review, acct, Msg::new("reason-cannot-transfer").arg("problem", problem));
                c.proposed = Some(Action::Transfer);
                false
            }
        }
    }

    fn transfer_target(&self, to: &TransferTo) -> Result<(AccountRef, Msg), Msg> {
        let app = self.ctx.app;
        match to {
            TransferTo::Manager => {
                let m = self.person.manager.as_deref().ok_or_else(|| Msg::new("transfer-no-manager"))?;
                let mi =
                    self.s.people.find(m).ok_or_else(|| Msg::new("transfer-manager-not-in-hr").arg("manager", m))?;
                let manager = &self.s.people.persons()[mi];
                if !matches!(self.s.phases[mi], Phase::Employed | Phase::OnLeave) {
                    return Err(Msg::new("transfer-manager-gone").arg("manager", manager.label()));
                }
                let ai = self
                    .ctx
                    .accounts_of(mi)
                    .iter()
                    .copied()
                    .find(|&ai| self.ctx.account(ai).status.is_live() && !self.ctx.is_weak(ai))
                    .ok_or_else(|| {
                        Msg::new("transfer-manager-no-account")
                            .arg("manager", manager.label())
                            .arg("app", app.name.as_str())
                    })?;
                let label = Msg::new("transfer-target-manager").arg("manager", manager.label());
                Ok((AccountRef::of(self.ctx.account(ai)), label))
            }
            TransferTo::Account(key) => {
                let a = self.ctx.fixed_target.map(|i| self.ctx.account(i)).ok_or_else(|| {
                    Msg::new("transfer-account-missing").arg("key", key.to_string()).arg("app", app.name.as_str())
                })?;
                if !a.status.is_live() {
                    return Err(Msg::new("transfer-account-suspended")
                        .arg("key", key.to_string())
                        .arg("app", app.name.as_str()));
                }
                Ok((AccountRef::of(a), Msg::new("transfer-target-account").arg("key", key.to_string())))
            }
        }
    }

    fn leaver(&mut self, last_day: Option<Date>, accounts: &[u32]) {
        self.revoke(last_day, accounts);
        let off = &self.ctx.app.lifecycle.offboarding;
        let today = self.s.today;
        let Some(last) = last_day else {
            let status = self.person.status_label.clone().unwrap_or_else(|| "terminated".to_owned());
            let why = Msg::new("reason-marked-undated")
                .arg("status", status)
                .arg("col", quote(self.labels().status.as_ref()));
            self.suspend_all(accounts, &why, true);
            return;
        };
        let first = off.suspend.first_day(last);
        if today < first {
            return;
        }
        let left = Msg::new("reason-last-day").arg("last", last).arg("col", quote(self.labels().end_date.as_ref()));
        let delete_on = match off.delete_after {
            Retention::Never => None,
            Retention::After(d) => Some(d.after(last).max(first)),
        };
        match delete_on {
            Some(on) if today >= on => {
                let retention = off.delete_after;
                for &ai in accounts {
                    let live = self.ctx.account(ai).status.is_live();
                    if live {
                        self.account_change(Action::Suspend, ai, left.clone());
                    }
                    if self.ctx.is_weak(ai) {
                        if !live {
                            self.account_change(Action::Delete, ai, left.clone());
                        }
                        continue;
                    }
                    if self.transfer(ai, Msg::new("reason-handover-before-delete")) {
                        let why = Msg::new("reason-retention-ended")
                            .arg("left", left.clone())
                            .arg("retention", retention.to_string())
                            .arg("on", on);
                        self.account_change(Action::Delete, ai, why);
                    }
                }
            }
            _ => {
                let timing = match off.suspend {
                    SuspendTiming::OnLastDay => Some("onLastDay".to_owned()),
                    SuspendTiming::AfterLastDay => None,
                    SuspendTiming::DaysAfter(d) => Some(format!("{d} after")),
                };
                let why = match timing {
                    Some(timing) => Msg::new("reason-last-day-timed")
                        .arg("last", last)
                        .arg("col", quote(self.labels().end_date.as_ref()))
                        .arg("timing", timing),
                    None => left,
                };
                self.suspend_all(accounts, &why, true);
            }
        }
    }

    /// The revocations `lifecycle.offboarding.revoke` asks for. A live
    /// account's are planned once due (with the suspension by default; the
    /// applier makes them first, while the app still shows the tokens). A
    /// suspended account's only when the app shows something still open,
    /// so a second run plans none and a failed one is planned again.
    fn revoke(&mut self, last_day: Option<Date>, accounts: &[u32]) {
        let off = &self.ctx.app.lifecycle.offboarding;
        let Some(spec) = &off.revoke else { return };
        let today = self.s.today;
        let timing = spec.when.unwrap_or(off.suspend);
        let due = last_day.map_or(today, |last| timing.first_day(last));
        if today < due {
            return;
        }
        let kinds = RevokeKinds::of(&spec.what);
        let sessions_asked = kinds.is_empty() || kinds.contains(RevokeKind::Sessions);
        let left = match last_day {
            Some(last) => {
                Msg::new("reason-last-day").arg("last", last).arg("col", quote(self.labels().end_date.as_ref()))
            }
            None => Msg::new("reason-marked-no-last-day")
                .arg("status", self.person.status_label.as_deref().unwrap_or("terminated"))
                .arg("col", quote(self.labels().status.as_ref())),
        };
        let when: Arg = match spec.when {
            Some(w) => Msg::new("reason-revoke-when").arg("when", w.to_string()).into(),
            None => Arg::Text(String::new()),
        };
        for &ai in accounts {
            let a = self.ctx.account(ai);
            let sessions_open = sessions_asked && a.sessions_valid_from.is_some_and(|d| d < due);
            let reason = if a.status.is_live() {
                let done = a.open_grants == Some(0) && a.sessions_valid_from.is_some_and(|d| d >= due);
                if done {
                    continue;
                }
                Msg::new("reason-revoke-live").arg("left", left.clone()).arg("when", when.clone())
            } else if let Some(n) = a.open_grants.filter(|n| *n > 0) {
                Msg::new("reason-revoke-grants")
                    .arg("left", left.clone())
                    .arg("app", self.ctx.app.name.as_str())
                    .arg("count", n)
                    .arg("n", n.to_string())
            } else if sessions_open {
                let since = a.sessions_valid_from.map(|d| d.to_string()).unwrap_or_default();
                Msg::new("reason-revoke-sessions").arg("left", left.clone()).arg("since", since)
            } else {
                continue;
            };
            if let Some(c) = self.account_change(Action::Revoke, ai, reason) {
                c.revoke = Some(kinds);
            }
        }
    }
}
