//! The guards: mass-deprovisioning and mass-creation limits, per app and in
//! total, the HR-shrink guard, and what a refusal leaves behind.

use super::*;

fn suspends(app: &str, n: usize) -> Vec<Change> {
    (0..n).map(|i| change(app, Action::Suspend, &format!("{app}{i}"))).collect()
}

#[test]
fn guard_refuses_more_than_the_count_limit_with_the_numbers() {
    let set = policy(&[app_doc("slack", "{}")]);
    let p = plan(1000, &[app("slack", 1000)], suspends("slack", 30));
    let r = guard::check(&p, &set, &GuardOptions::default(), None);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].app.as_deref(), Some("slack"));
    assert_eq!(
        r[0].message,
        "slack: the plan suspends or deletes 30 of 1000 accounts (3%); the limit is 25 accounts or 10% (the default of --max-deprovision and --max-deprovision-percent; set Application slack spec.apply.guard to change it for this app). Check the HR export, then rerun with --allow-mass-deprovision if this is intended."
    );
    let allow = GuardOptions { allow_mass_deprovision: true, ..GuardOptions::default() };
    assert!(guard::check(&p, &set, &allow, None).is_empty());
}

#[test]
fn guard_defaults_come_from_the_command_line_unless_the_app_sets_its_own() {
    let set = policy(&[app_doc("loose", "{}"), app_doc("strict", "{guard: {maxDeprovision: 2}}")]);
    let mut changes = suspends("loose", 30);
    changes.extend(suspends("strict", 3));
    let p = plan(1000, &[app("loose", 1000), app("strict", 1000)], changes);
    let opts = GuardOptions { default_max_deprovision: 50, ..GuardOptions::default() };
    let r = guard::check(&p, &set, &opts, None);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].app.as_deref(), Some("strict"), "the app's own limit wins over the global default");
    let tight = GuardOptions { default_max_deprovision: 10, ..GuardOptions::default() };
    let apps: Vec<_> = guard::check(&p, &set, &tight, None).into_iter().filter_map(|r| r.app).collect();
    assert_eq!(apps, ["loose", "strict"]);
}

#[test]
fn guard_share_rule_applies_only_above_five_accounts() {
    let set = policy(&[app_doc("tiny", "{guard: {maxDeprovisionPercent: 10}}")]);
    let five = plan(20, &[app("tiny", 20)], suspends("tiny", 5));
    assert!(guard::check(&five, &set, &GuardOptions::default(), None).is_empty(), "5 of 20 is allowed");
    let six = plan(20, &[app("tiny", 20)], suspends("tiny", 6));
    let r = guard::check(&six, &set, &GuardOptions::default(), None);
    assert_eq!(r.len(), 1);
    assert!(
        r[0].message.starts_with("tiny: the plan suspends or deletes 6 of 20 accounts (30%); the limit is 25 accounts or 10% (Application tiny spec.apply.guard)."),
        "{}",
        r[0].message
    );
}

#[test]
fn guard_counts_an_account_with_suspend_and_delete_once() {
    let set = policy(&[app_doc("crm", "{guard: {maxDeprovision: 3, maxDeprovisionPercent: 100}}")]);
    let mut changes = Vec::new();
    for who in ["a", "b", "c"] {
        changes.push(change("crm", Action::Suspend, who));
        changes.push(change("crm", Action::Transfer, who));
        changes.push(change("crm", Action::Delete, who));
    }
    let p = plan(100, &[app("crm", 10)], changes.clone());
    assert!(guard::check(&p, &set, &GuardOptions::default(), None).is_empty(), "3 accounts, not 6 changes");
    changes.push(change("crm", Action::Delete, "d"));
    let p = plan(100, &[app("crm", 10)], changes);
    let r = guard::check(&p, &set, &GuardOptions::default(), None);
    assert!(r[0].message.contains("4 of 10 accounts (40%); the limit is 3 accounts or 100%"), "{}", r[0].message);
}

#[test]
fn guard_total_over_all_apps() {
    let set = policy(&[app_doc("a", "{}"), app_doc("b", "{}")]);
    let mut changes = suspends("a", 4);
    changes.extend(suspends("b", 4));
    let p = plan(1000, &[app("a", 1000), app("b", 1000)], changes);
    let opts = GuardOptions { max_deprovision_total: Some(5), ..GuardOptions::default() };
    let r = guard::check(&p, &set, &opts, None);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].app, None);
    assert!(
        r[0].message
            .starts_with("the plan suspends or deletes 8 accounts over all applications; the limit for one apply is 5")
    );
    let allow = GuardOptions { allow_mass_deprovision: true, ..opts };
    assert!(guard::check(&p, &set, &allow, None).is_empty());
}

#[tokio::test]
async fn a_refused_plan_changes_nothing_and_is_audited() {
    let env = Env::new();
    let set = policy(&[app_doc("slack", "{}")]);
    let plan = plan(1000, &[app("slack", 120)], suspends("slack", 40));
    let (fake, seen) = Fake::new("slack");
    let c = connectors(vec![fake]);
    let report = env.apply(&plan, &c, &set, &env.opts("r1")).await;
    assert!(report.is_refused());
    assert!(report.items.is_empty());
    assert!(seen.calls().is_empty());
    assert!(report.refusals[0].message.contains("40 of 120 accounts (33%)"), "{}", report.refusals[0].message);
    let text = report.render_text(keyward_core::i18n::Lang::En);
    assert!(text.starts_with("refused: slack: the plan suspends") && text.contains("Nothing was changed"), "{text}");
    let events: Vec<Event> = audit::read(env.log_path()).unwrap().iter().map(|r| r.event).collect();
    assert_eq!(events, vec![Event::RunStarted, Event::Refused, Event::RunFinished]);

    let mut opts = env.opts("r2");
    opts.guard.allow_mass_deprovision = true;
    let report = env.apply(&plan, &c, &set, &opts).await;
    assert_eq!(report.applied(), 40);
}

#[tokio::test]
async fn a_refused_app_is_held_back_in_a_run_of_its_own_and_the_others_go_ahead() {
    let env = Env::new();
    let set = policy(&[app_doc("slack", "{}"), app_doc("wiki", "{}")]);
    let mut changes = suspends("slack", 40);
    changes.push(change("wiki", Action::Suspend, "w1"));
    let plan = plan(1000, &[app("slack", 120), app("wiki", 100)], changes);
    let (slack, seen_slack) = Fake::new("slack");
    let (wiki, seen_wiki) = Fake::new("wiki");
    let c = connectors(vec![slack, wiki]);
    let applier = Applier::new(
        AuditLog::open(env.log_path()).unwrap(),
        env.dir.path().join("checklists"),
        GuardOptions::default(),
    );
    let prepared = applier.prepare(plan, &set, &c, Scope::EveryApp).await;
    assert_eq!(prepared.app_refusals().keys().copied().collect::<Vec<_>>(), ["slack"]);
    assert_eq!(prepared.plan_refusals().count(), 0);
    let mut runs = prepared.hold_back_refused_apps().into_iter();
    let held = applier.apply(runs.next().unwrap(), "r1").await;
    assert!(held.is_refused() && held.items.is_empty());
    let rest = applier.apply(runs.next().unwrap(), "r2").await;
    assert!(runs.next().is_none());
    assert!(!rest.is_refused());
    assert_eq!(rest.applied(), 1);
    assert!(seen_slack.calls().is_empty());
    assert_eq!(seen_wiki.calls().len(), 1);
    let events: Vec<(String, Event)> =
        audit::read(env.log_path()).unwrap().into_iter().map(|r| (r.run, r.event)).collect();
    let want = [
        ("r1", Event::RunStarted),
        ("r1", Event::Refused),
        ("r1", Event::RunFinished),
        ("r2", Event::RunStarted),
        ("r2", Event::Attempted),
        ("r2", Event::Applied),
        ("r2", Event::RunFinished),
    ];
    assert_eq!(events, want.map(|(r, e)| (r.to_owned(), e)));
}

#[tokio::test]
async fn only_enforced_apps_are_changed_when_the_caller_asks_so() {
    let env = Env::new();
    let enforced = "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: crm}\nspec:\n  mode: enforce\n  connector:\n    csvExport: {path: crm.csv, columns: {email: email}}\n---\n";
    let set = policy(&[enforced.to_owned(), app_doc("wiki", "{}")]);
    let changes = vec![change("crm", Action::Create, "c1"), change("wiki", Action::Create, "w1")];
    let plan = plan(10, &[app("crm", 10), app("wiki", 10)], changes);
    let (crm, seen_crm) = Fake::new("crm");
    let (wiki, seen_wiki) = Fake::new("wiki");
    let c = connectors(vec![crm, wiki]);
    let applier = Applier::new(
        AuditLog::open(env.log_path()).unwrap(),
        env.dir.path().join("checklists"),
        GuardOptions::default(),
    );
    let prepared = applier.prepare(plan, &set, &c, Scope::EnforcedApps).await;
    assert_eq!(prepared.strategy("wiki"), Some(keyward_apply::Strategy::Observe));
    assert_eq!(prepared.executable(), 1);
    let report = applier.apply(prepared, "r1").await;
    assert_eq!(report.applied(), 1);
    assert_eq!(seen_crm.calls().len(), 1);
    assert!(seen_wiki.calls().is_empty(), "observe mode: planned, never changed");
    let started = &audit::read(env.log_path()).unwrap()[0];
    assert_eq!(started.changes, Some(1), "the run holds the enforced app's change only");
}

#[tokio::test]
async fn hr_shrink_is_refused_until_allowed_and_a_refusal_does_not_move_the_baseline() {
    let env = Env::new();
    let set = policy(&[app_doc("slack", "{}")]);
    let c = connectors(vec![Fake::new("slack").0]);
    let full = plan(800, &[app("slack", 800)], vec![change("slack", Action::Create, "new")]);
    let cut = plan(600, &[app("slack", 800)], vec![change("slack", Action::Create, "new")]);

    assert!(!env.apply(&full, &c, &set, &env.opts("r1")).await.is_refused(), "nothing to compare with yet");
    let r = env.apply(&cut, &c, &set, &env.opts("r2")).await;
    assert_eq!(r.refusals.len(), 1);
    let m = &r.refusals[0].message;
    assert!(m.starts_with("the HR snapshot has 600 people, 25% fewer than the 800 at the last apply"), "{m}");
    assert!(m.contains("--allow-hr-shrink"), "{m}");
    assert!(env.apply(&cut, &c, &set, &env.opts("r3")).await.is_refused(), "running again does not get past it");

    let mut allow = env.opts("r4");
    allow.guard.allow_hr_shrink = true;
    assert!(!env.apply(&cut, &c, &set, &allow).await.is_refused());
    assert!(!env.apply(&cut, &c, &set, &env.opts("r5")).await.is_refused(), "the accepted 600 is the new baseline");
    assert_eq!(AuditLog::open(env.log_path()).unwrap().last_people_total(), Some(600));
}
