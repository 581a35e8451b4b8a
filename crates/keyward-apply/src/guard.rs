//! Guards: refuse a plan that takes away, or opens, too much at once.
//!
//! A truncated HR export, a wrong selector or a renamed department all look
//! exactly like a wave of leavers; a duplicated export, a selector that
//! matches too much or a wrong HR status look like a wave of joiners (or
//! of leavers coming back). The plan cannot tell them apart, so before
//! anything is applied these checks compare the plan with limits and with
//! the HR head count of the last apply. A checklist made from an export
//! older than its `maxAge` is refused too: it asks again for what was done
//! since and misses accounts made since. Each refusal names the numbers,
//! the limit and the flag that overrides it.

use std::collections::BTreeSet;
use std::fmt;

use keyward_core::action::Action;
use keyward_core::compile::PolicySet;
use keyward_core::i18n::{Arg, Lang, Msg};
use keyward_core::plan::{AccountRef, AppSummary, Plan};
use serde::Serialize;

/// Accounts an app may lose in one apply when its Application does not say.
pub const DEFAULT_MAX_DEPROVISION: u32 = 25;
/// Share of an app's accounts, in percent, it may lose when not configured.
pub const DEFAULT_MAX_DEPROVISION_PERCENT: u32 = 10;
/// The share rule only applies above this many accounts, so a small app
/// can still lose its one leaver.
pub const PERCENT_RULE_ABOVE: usize = 5;
/// Largest drop of the HR head count, in percent, accepted without a flag.
pub const DEFAULT_MAX_HR_SHRINK_PERCENT: u32 = 10;
/// Accounts an app may gain (created or restored) in one apply when its
/// Application does not say.
pub const DEFAULT_MAX_CREATE: u32 = 50;

/// What the operator allowed on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardOptions {
    /// `--allow-mass-deprovision`: lift the per-app and total limits.
    pub allow_mass_deprovision: bool,
    /// `--allow-hr-shrink`: accept an HR snapshot much smaller than the last.
    pub allow_hr_shrink: bool,
    /// Most accounts one apply may suspend or delete over all apps.
    pub max_deprovision_total: Option<u32>,
    /// `--max-deprovision`: the per-app count limit for Applications that
    /// do not set `spec.apply.guard.maxDeprovision`.
    pub default_max_deprovision: u32,
    /// `--max-deprovision-percent`: the per-app share limit for
    /// Applications that do not set `spec.apply.guard.maxDeprovisionPercent`.
    pub default_max_deprovision_percent: u32,
    /// Largest accepted drop of the HR head count since the last apply.
    pub max_hr_shrink_percent: u32,
    /// `--allow-mass-create`: lift the per-app limit on accounts opened.
    pub allow_mass_create: bool,
    /// `--max-create`: the per-app limit on accounts created or restored,
    /// for Applications that do not set `spec.apply.guard.maxCreate`.
    pub default_max_create: u32,
    /// `--allow-stale-exports`: apply apps whose export is older than
    /// their `maxAge`.
    pub allow_stale_exports: bool,
}

impl Default for GuardOptions {
    fn default() -> Self {
        Self {
            allow_mass_deprovision: false,
            allow_hr_shrink: false,
            max_deprovision_total: None,
            default_max_deprovision: DEFAULT_MAX_DEPROVISION,
            default_max_deprovision_percent: DEFAULT_MAX_DEPROVISION_PERCENT,
            max_hr_shrink_percent: DEFAULT_MAX_HR_SHRINK_PERCENT,
            allow_mass_create: false,
            default_max_create: DEFAULT_MAX_CREATE,
            allow_stale_exports: false,
        }
    }
}

/// Why the plan must not be applied as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The application, when the refusal is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// The whole explanation: numbers, limits and the override, in English
    /// (the audit log and the controller's status keep this one).
    pub message: String,
    /// The same explanation as a message, to show it in the reader's
    /// language; `None` for a refusal made from bare text.
    #[serde(skip)]
    pub msg: Option<Msg>,
}

impl Refusal {
    /// A refusal worded by the message `msg` (its English kept in `message`).
    pub fn new(app: Option<String>, msg: Msg) -> Self {
        Self { app, message: msg.render(Lang::En), msg: Some(msg) }
    }

    /// The explanation in `lang`.
    pub fn message_in(&self, lang: Lang) -> String {
        self.msg.as_ref().map_or_else(|| self.message.clone(), |m| m.render(lang))
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Checks a plan against the guards. Empty when it may be applied.
///
/// `previous_people_total` is the HR head count of the last apply (see
/// [`AuditLog::last_people_total`](crate::audit::AuditLog::last_people_total));
/// `None` on the first apply, when there is nothing to compare with.
///
/// Guards count read-only apps too: a checklist that tells a human to
/// suspend half the company is as wrong as doing it.
pub fn check(plan: &Plan, set: &PolicySet, opts: &GuardOptions, previous_people_total: Option<usize>) -> Vec<Refusal> {
    let mut out = Vec::new();
    if let Some(r) = hr_shrink(plan.people.total, previous_people_total, opts) {
        out.push(r);
    }
    if let Some(r) = mass_vanish(plan, opts) {
        out.push(r);
    }
    let mut total = 0usize;
    for app in &plan.apps {
        if let Some(r) = stale_export(opts, app) {
            out.push(r);
        }
        if let Some(r) = mass_create(plan, set, opts, app) {
            out.push(r);
        }
        let count = deprovisioned(plan, &app.name);
        total += count;
        if opts.allow_mass_deprovision || count == 0 {
            continue;
        }
        let spec = set.application(&app.name).map(|a| &a.spec.apply.guard);
        let max = spec.and_then(|g| g.max_deprovision).unwrap_or(opts.default_max_deprovision);
        let percent = spec.and_then(|g| g.max_deprovision_percent).unwrap_or(opts.default_max_deprovision_percent);
        let over_count = count > max as usize;
        let over_share = count > PERCENT_RULE_ABOVE && count * 100 > percent as usize * app.accounts;
        if !(over_count || over_share) {
            continue;
        }
        let configured = spec.is_some_and(|g| g.max_deprovision.is_some() || g.max_deprovision_percent.is_some());
        let source = if configured {
            Msg::new("guard-source-app").arg("app", &app.name)
        } else {
            Msg::new("guard-source-default").arg("app", &app.name)
        };
        let share = match app.accounts {
            0 => Arg::Text(String::new()),
            n => Msg::new("guard-share").arg("share", share(count, n, percent)).into(),
        };
        let msg = Msg::new("guard-mass-deprovision")
            .arg("app", &app.name)
            .arg("count", Arg::digits(count))
            .arg("accounts", Arg::digits(app.accounts))
            .arg("share", share)
            .arg("max", Arg::digits(max))
            .arg("percent", Arg::digits(percent))
            .arg("source", source);
        out.push(Refusal::new(Some(app.name.clone()), msg));
    }
    if let Some(max) = opts.max_deprovision_total
        && !opts.allow_mass_deprovision
        && total > max as usize
    {
        let msg =
            Msg::new("guard-mass-deprovision-total").arg("total", Arg::digits(total)).arg("max", Arg::digits(max));
        out.push(Refusal::new(None, msg));
    }
    out
}

/// An export older than its app's `maxAge`: whatever the plan asks of the
/// app was worked out from accounts as they were then.
fn stale_export(opts: &GuardOptions, app: &AppSummary) -> Option<Refusal> {
    let e = app.export.as_ref().filter(|e| e.is_stale() && !opts.allow_stale_exports)?;
    let finding = e.finding_message(&app.source)?;
    let msg = Msg::new("guard-stale-export").arg("app", &app.name).arg("finding", finding);
    Some(Refusal::new(Some(app.name.clone()), msg))
}

/// More accounts created or restored in one app than its limit.
fn mass_create(plan: &Plan, set: &PolicySet, opts: &GuardOptions, app: &AppSummary) -> Option<Refusal> {
    if opts.allow_mass_create {
        return None;
    }
    let count = opened(plan, &app.name);
    let own = set.application(&app.name).and_then(|a| a.spec.apply.guard.max_create);
    let max = own.unwrap_or(opts.default_max_create);
    if count <= max as usize {
        return None;
    }
    let source = match own {
        Some(_) => Msg::new("guard-create-source-app").arg("app", &app.name),
        None => Msg::new("guard-create-source-default").arg("app", &app.name),
    };
    let msg = Msg::new("guard-mass-create")
        .arg("app", &app.name)
        .arg("count", Arg::digits(count))
        .arg("accounts", Arg::digits(app.accounts))
        .arg("max", Arg::digits(max))
        .arg("source", source);
    Some(Refusal::new(Some(app.name.clone()), msg))
}

/// Accounts of `app` that the plan creates or restores, each counted once.
pub fn opened(plan: &Plan, app: &str) -> usize {
    counted_once(plan, app, |a| matches!(a, Action::Create | Action::Restore))
}

fn hr_shrink(now: usize, previous: Option<usize>, opts: &GuardOptions) -> Option<Refusal> {
    let prev = previous?;
    if opts.allow_hr_shrink || now >= prev {
        return None;
    }
    let drop = prev - now;
    let limit = opts.max_hr_shrink_percent;
    if drop * 100 <= limit as usize * prev {
        return None;
    }
    let msg = Msg::new("guard-hr-shrink")
        .arg("now", Arg::digits(now))
        .arg("share", share(drop, prev, limit))
        .arg("prev", Arg::digits(prev))
        .arg("limit", Arg::digits(limit));
    Some(Refusal::new(None, msg))
}

/// Many people the roster remembers missing from the HR read at once (see
/// `keyward_core::roster`): the same story as a shrinking head count, told
/// by names rather than by the number at the last apply.
fn mass_vanish(plan: &Plan, opts: &GuardOptions) -> Option<Refusal> {
    let p = &plan.people;
    if opts.allow_hr_shrink || !p.mass_vanish() {
        return None;
    }
    let share = share(p.vanished, p.known, keyward_core::roster::MASS_VANISH_PERCENT as u32);
    let msg = Msg::new("guard-mass-vanish")
        .arg("vanished", Arg::digits(p.vanished))
        .arg("known", Arg::digits(p.known))
        .arg("share", share);
    Some(Refusal::new(None, msg))
}

/// Accounts of `app` that the plan suspends or deletes, each counted once
/// (a leaver past retention has both a suspend and a delete).
pub fn deprovisioned(plan: &Plan, app: &str) -> usize {
    counted_once(plan, app, |a| matches!(a, Action::Suspend | Action::Delete))
}

/// Accounts of `app` with a change whose action is `counted`, each once.
fn counted_once(plan: &Plan, app: &str, counted: impl Fn(Action) -> bool) -> usize {
    let mut seen = BTreeSet::new();
    let mut unnamed = 0;
    for c in plan.changes_for(app) {
        if !counted(c.action) {
            continue;
        }
        match identity(&c.account) {
            Some(key) => {
                seen.insert(key);
            }
            None => unnamed += 1,
        }
    }
    seen.len() + unnamed
}

/// How two changes are known to be about the same account: the app's id,
/// else the e-mail (case-insensitive), else the username.
pub(crate) fn identity(a: &AccountRef) -> Option<String> {
    if let Some(id) = a.id.as_deref() {
        return Some(format!("id:{id}"));
    }
    if let Some(e) = a.email.as_deref() {
        return Some(format!("email:{}", e.to_lowercase()));
    }
    a.username.as_deref().map(|u| format!("username:{u}"))
}

/// `part` as a share of `whole`, in whole percent, unless rounding would
/// make a share just over `limit` read as the limit itself.
fn share(part: usize, whole: usize, limit: u32) -> String {
    let tenths = part * 1000 / whole.max(1);
    let rounded = (tenths + 5) / 10;
    if tenths.is_multiple_of(10) || rounded > limit as usize {
        format!("{rounded}%")
    } else {
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A policy set with the csv-export Application `crm` and its `apply`.
    fn crm(apply: &str) -> PolicySet {
        let text = format!(
            "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {{name: hr}}\nspec:\n  csv: {{path: hr.csv, columns: {{id: id}}}}\n---\napiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: crm}}\nspec:\n  connector:\n    csvExport: {{path: crm.csv, columns: {{email: email}}}}\n  apply: {apply}\n"
        );
        let files = vec![keyward_core::SourceFile { path: "p.yaml".into(), text }];
        keyward_core::PolicySet::load("policies", files).unwrap().set
    }

    /// A plan for `crm` (with `accounts` accounts) holding `creates`
    /// creates and `restores` restores.
    fn opening(accounts: usize, creates: usize, restores: usize) -> Plan {
        let counts = serde_json::json!({"create": 0, "restore": 0, "update": 0, "suspend": 0, "transfer": 0, "delete": 0, "review": 0});
        let change = |action: &str, i: usize| serde_json::json!({"app": "crm", "action": action, "account": {"email": format!("p{i}@example.com")}, "reason": "test"});
        let changes: Vec<_> = (0..creates)
            .map(|i| change("create", i))
            .chain((creates..creates + restores).map(|i| change("restore", i)))
            .collect();
        let doc = serde_json::json!({
            "apiVersion": "keyward.io/v1alpha1", "kind": "Plan", "formatVersion": 1, "date": "2026-11-23",
            "people": {"total": 1000, "employed": 1000, "onLeave": 0, "notStarted": 0, "left": 0},
            "apps": [{"name": "crm", "displayName": "CRM", "connector": "csvExport", "source": "crm.csv", "readOnly": true,
                      "accounts": accounts, "matched": accounts, "orphans": 0, "protected": 0, "bots": 0, "changes": counts}],
            "summary": counts, "changes": changes, "warnings": []
        });
        Plan::from_json(&doc.to_string()).unwrap()
    }

    #[test]
    fn mass_create_is_refused_per_app_with_the_numbers_until_allowed() {
        let set = crm("{}");
        let opts = GuardOptions::default();
        assert!(check(&opening(10, 50, 0), &set, &opts, None).is_empty(), "exactly the limit is allowed");
        let r = check(&opening(10, 49, 2), &set, &opts, None);
        assert_eq!(r.len(), 1, "restores open accounts too: {r:?}");
        assert_eq!(r[0].app.as_deref(), Some("crm"));
        assert_eq!(
            r[0].message,
            "crm: the plan creates or restores 51 accounts (the app has 10); the limit is 50 (the default of --max-create; set Application crm spec.apply.guard.maxCreate to change it for this app). A duplicated HR export, a selector that matches too much or a wrong HR status looks exactly like this. Check them, then rerun with --allow-mass-create if this is intended."
        );
        let deprovision = GuardOptions { allow_mass_deprovision: true, ..GuardOptions::default() };
        assert_eq!(check(&opening(10, 51, 0), &set, &deprovision, None).len(), 1, "a separate override");
        let allow = GuardOptions { allow_mass_create: true, ..GuardOptions::default() };
        assert!(check(&opening(10, 51, 0), &set, &allow, None).is_empty());
        let wider = GuardOptions { default_max_create: 60, ..GuardOptions::default() };
        assert!(check(&opening(10, 51, 0), &set, &wider, None).is_empty());
    }

    #[test]
    fn a_stale_export_is_refused_for_its_app_until_allowed() {
        let set = crm("{}");
        let mut plan = opening(10, 0, 0);
        let exported = |date| keyward_core::account::ExportDate {
            date,
            from: keyward_core::account::ExportDateFrom::Column { column: "出力日時".into() },
        };
        let day = jiff::civil::date(2026, 11, 23);
        let age = |d| keyward_core::plan::ExportAge::on(exported(d), keyward_core::duration::Days(30), day);
        plan.apps[0].export = Some(age(jiff::civil::date(2026, 10, 24)));
        assert!(check(&plan, &set, &GuardOptions::default(), None).is_empty(), "30 days is within the limit");
        plan.apps[0].export = Some(age(jiff::civil::date(2026, 12, 24)));
        assert!(check(&plan, &set, &GuardOptions::default(), None).is_empty(), "a future date only warns");
        plan.apps[0].export = Some(age(jiff::civil::date(2026, 10, 23)));
        let r = check(&plan, &set, &GuardOptions::default(), None);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].app.as_deref(), Some("crm"));
        assert_eq!(
            r[0].message,
            "crm: the export crm.csv is 31 days old (exported 2026-10-23, from the column `出力日時`); the limit is 30d (spec.connector.csvExport.maxAge): export the accounts again, or raise maxAge, and plan anew. A checklist from it asks again for changes made since and misses accounts made since; rerun with --allow-stale-exports if the export is still right."
        );
        let allow = GuardOptions { allow_stale_exports: true, ..GuardOptions::default() };
        assert!(check(&plan, &set, &allow, None).is_empty());
    }

    #[test]
    fn an_apps_own_create_limit_wins_over_the_default() {
        let r = check(&opening(10, 3, 0), &crm("{guard: {maxCreate: 2}}"), &GuardOptions::default(), None);
        assert_eq!(r.len(), 1);
        assert!(
            r[0].message.contains("the limit is 2 (Application crm spec.apply.guard.maxCreate)"),
            "{}",
            r[0].message
        );
        assert!(
            check(&opening(10, 80, 0), &crm("{guard: {maxCreate: 100}}"), &GuardOptions::default(), None).is_empty()
        );
    }

    #[test]
    fn share_never_reads_as_the_limit_when_over_it() {
        assert_eq!(share(40, 120, 10), "33%");
        assert_eq!(share(101, 1000, 10), "10.1%");
        assert_eq!(share(25, 100, 10), "25%");
        assert_eq!(share(1, 3, 50), "33.3%");
    }

    #[test]
    fn many_people_vanished_at_once_is_refused_until_allowed() {
        let (set, mut plan) = (crm("{}"), opening(100, 0, 0));
        (plan.people.vanished, plan.people.known) = (5, 20);
        assert!(check(&plan, &set, &GuardOptions::default(), None).is_empty(), "five is within the bound");
        plan.people.vanished = 6;
        let refusals = check(&plan, &set, &GuardOptions::default(), None);
        assert_eq!(refusals.len(), 1, "{refusals:#?}");
        assert!(refusals[0].message.starts_with("6 of the 20 people keyward saw before are missing"), "{refusals:#?}");
        let allowed = GuardOptions { allow_hr_shrink: true, ..GuardOptions::default() };
        assert!(check(&plan, &set, &allowed, None).is_empty());
    }

    #[test]
    fn a_refusal_reads_in_japanese_and_keeps_its_english_for_the_audit_log() {
        let (set, mut plan) = (crm("{}"), opening(100, 0, 0));
        (plan.people.vanished, plan.people.known) = (6, 20);
        let refusals = check(&plan, &set, &GuardOptions::default(), None);
        assert_eq!(refusals[0].message_in(Lang::En), refusals[0].message);
        assert_eq!(
            refusals[0].message_in(Lang::Ja),
            "以前に確認した従業員 20名のうち 6名が、人事マスタのスナップショットから一度に消えています（30%）。途中で切れた、または絞り込まれた読み込みはちょうどこのように見えます。読み込み元を確認し、本当にいなくなったのなら --allow-hr-shrink を付けて再実行してください。"
        );
        let bare = Refusal { app: None, message: "no".into(), msg: None };
        assert_eq!(bare.message_in(Lang::Ja), "no", "bare text shows as it is");
    }

    #[test]
    fn hr_shrink_within_limit_passes_and_beyond_refuses() {
        let opts = GuardOptions::default();
        assert!(hr_shrink(720, Some(800), &opts).is_none(), "exactly 10% is allowed");
        assert!(hr_shrink(900, Some(800), &opts).is_none());
        assert!(hr_shrink(600, None, &opts).is_none());
        let r = hr_shrink(600, Some(800), &opts).map(|r| r.message).unwrap_or_default();
        assert!(r.contains("600 people, 25% fewer than the 800"), "{r}");
        assert!(r.contains("--allow-hr-shrink"), "{r}");
        let allow = GuardOptions { allow_hr_shrink: true, ..GuardOptions::default() };
        assert!(hr_shrink(600, Some(800), &allow).is_none());
        assert!(hr_shrink(0, Some(800), &opts).is_some(), "an empty export is the worst case");
    }

    #[test]
    fn identity_prefers_id_then_email() {
        let mut a = AccountRef { email: Some("A@X.com".into()), ..AccountRef::default() };
        assert_eq!(identity(&a).as_deref(), Some("email:a@x.com"));
        a.id = Some("U1".into());
        assert_eq!(identity(&a).as_deref(), Some("id:U1"));
        assert_eq!(identity(&AccountRef::default()), None);
    }
}
