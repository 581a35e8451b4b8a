//! Joiners, movers, leave, leavers, rehires, orphans and exceptions: each
//! lifecycle rule users rely on, as a plan assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;
use jiff::civil::date;
use keyward_core::action::Action;

fn slack(extra: &str) -> String {
    app("slack", extra)
}

fn everyone_gets_slack() -> String {
    access("everyone", "{}", "[{app: slack, role: member}]")
}

// ------------------------------------------------------------------ joiners

#[test]
fn joiner_is_created_within_provision_before_and_not_earlier() {
    let set = policy(&format!("{}{}", slack("  lifecycle: {provisionBefore: 3d}"), everyone_gets_slack()));
    let mut p = person("E1", "new@example.com", "営業本部");
    p.start_date = Some(date(2026, 11, 26));
    let ppl = people(vec![p]);

    let early = plan_on(&set, &ppl, vec![], date(2026, 11, 22));
    assert!(early.changes.is_empty(), "{:#?}", actions(&early));

    let on_time = plan_on(&set, &ppl, vec![], date(2026, 11, 23));
    let c = find(&on_time, Action::Create, "new@example.com");
    assert_eq!(c.role.as_ref().map(|r| r.to.as_str()), Some("member"));
    assert!(c.reason.starts_with("joins 2026-11-26 (入社年月日); granted by AccessPolicy everyone"), "{}", c.reason);
}

#[test]
fn joiner_without_email_is_a_review_not_a_guess() {
    let set = policy(&format!("{}{}", slack(""), everyone_gets_slack()));
    let mut p = person("E1", "x@example.com", "営業本部");
    p.email = None;
    let plan = plan_on(&set, &people(vec![p]), vec![], today());
    assert_eq!(plan.changes.len(), 1);
    assert_eq!(plan.changes[0].action, Action::Review);
    assert_eq!(plan.changes[0].proposed, Some(Action::Create));
}

// ------------------------------------------------------------------ leavers

#[test]
fn last_working_day_is_still_a_working_day() {
    let set = policy(&format!("{}{}", slack(""), everyone_gets_slack()));
    let mut p = person("E1", "leaver@example.com", "営業本部");
    p.end_date = Some(date(2026, 11, 23));
    let ppl = people(vec![p]);
    let accts = || vec![("slack", vec![account("leaver@example.com")])];

    assert!(plan_on(&set, &ppl, accts(), date(2026, 11, 23)).changes.is_empty());
    let next_day = plan_on(&set, &ppl, accts(), date(2026, 11, 24));
    let c = find(&next_day, Action::Suspend, "leaver@example.com");
    assert_eq!(c.reason, "last working day 2026-11-23 (退職年月日)");
}

#[test]
fn suspend_timing_on_last_day_and_days_after() {
    let mut p = person("E1", "leaver@example.com", "営業本部");
    p.end_date = Some(date(2026, 11, 23));
    let ppl = people(vec![p]);
    let accts = || vec![("slack", vec![account("leaver@example.com")])];

    let on_last =
        policy(&format!("{}{}", slack("  lifecycle: {offboarding: {suspend: onLastDay}}"), everyone_gets_slack()));
    assert_eq!(
        actions(&plan_on(&on_last, &ppl, accts(), date(2026, 11, 23))),
        vec![(Action::Suspend, "leaver@example.com".into())]
    );

    let after3 = policy(&format!("{}{}", slack("  lifecycle: {offboarding: {suspend: 3d}}"), everyone_gets_slack()));
    assert!(plan_on(&after3, &ppl, accts(), date(2026, 11, 25)).changes.is_empty());
    assert_eq!(plan_on(&after3, &ppl, accts(), date(2026, 11, 26)).changes.len(), 1);
}

#[test]
fn leaver_is_suspended_and_data_handed_to_the_manager() {
    let set =
        policy(&format!("{}{}", slack("  lifecycle: {offboarding: {transferTo: manager}}"), everyone_gets_slack()));
    let boss = person("E1", "boss@example.com", "営業本部");
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2026, 11, 20));
    leaver.manager = Some("E1".into());
    let plan = plan_on(
        &set,
        &people(vec![boss, leaver]),
        vec![("slack", vec![account("boss@example.com"), account("leaver@example.com")])],
        today(),
    );
    assert_eq!(
        actions(&plan),
        vec![(Action::Suspend, "leaver@example.com".into()), (Action::Transfer, "leaver@example.com".into())]
    );
    let t = find(&plan, Action::Transfer, "leaver@example.com");
    assert_eq!(t.transfer_to.as_ref().map(|a| a.label()), Some("boss@example.com"));
}

#[test]
fn a_suspended_leaver_whose_app_shows_no_hand_over_gets_it_requested_again() {
    let set =
        policy(&format!("{}{}", slack("  lifecycle: {offboarding: {transferTo: manager}}"), everyone_gets_slack()));
    let boss = person("E1", "boss@example.com", "営業本部");
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2026, 11, 20));
    leaver.manager = Some("E1".into());
    let ppl = people(vec![boss, leaver]);
    let with = |handed_over: Option<bool>| {
        let mut a = suspended("leaver@example.com");
        a.handed_over = handed_over;
        vec![("slack", vec![account("boss@example.com"), a])]
    };

    // The suspension went through, the hand-over did not.
    let plan = plan_on(&set, &ppl, with(Some(false)), today());
    assert_eq!(actions(&plan), vec![(Action::Transfer, "leaver@example.com".into())]);
    let t = find(&plan, Action::Transfer, "leaver@example.com");
    assert_eq!(t.transfer_to.as_ref().map(|a| a.label()), Some("boss@example.com"));
    assert!(t.reason.contains("no hand-over since the suspension"), "{}", t.reason);

    // Handed over, or an app that cannot tell: nothing until the delete.
    assert!(plan_on(&set, &ppl, with(Some(true)), today()).changes.is_empty());
    assert!(plan_on(&set, &ppl, with(None), today()).changes.is_empty());

    // Without a transferTo nothing is owed.
    let none = policy(&format!("{}{}", slack(""), everyone_gets_slack()));
    assert!(plan_on(&none, &ppl, with(Some(false)), today()).changes.is_empty());

    // The manager has no account: the review waits for the delete, as
    // without the retry, instead of coming back every day.
    let accts = vec![("slack", {
        let mut a = suspended("leaver@example.com");
        a.handed_over = Some(false);
        vec![a]
    })];
    let plan = plan_on(&set, &ppl, accts, today());
    assert!(plan.changes.iter().all(|c| c.account.label() != "leaver@example.com"), "{:#?}", actions(&plan));
}

#[test]
fn deletion_waits_for_retention_and_for_a_handover_target() {
    let set = policy(&format!(
        "{}{}",
        slack("  lifecycle: {offboarding: {transferTo: manager, deleteAfter: 90d}}"),
        everyone_gets_slack()
    ));
    let boss = person("E1", "boss@example.com", "営業本部");
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2026, 6, 30));
    leaver.manager = Some("E1".into());

    // Within retention: already suspended, nothing to do.
    let ppl = people(vec![boss.clone(), leaver.clone()]);
    let accts = || vec![("slack", vec![account("boss@example.com"), suspended("leaver@example.com")])];
    assert!(plan_on(&set, &ppl, accts(), date(2026, 9, 27)).changes.is_empty());

    // Retention over: hand over, then delete.
    let plan = plan_on(&set, &ppl, accts(), date(2026, 9, 28));
    assert_eq!(
        actions(&plan),
        vec![(Action::Transfer, "leaver@example.com".into()), (Action::Delete, "leaver@example.com".into())]
    );
    assert!(find(&plan, Action::Delete, "leaver@example.com").reason.contains("retention (90d) ended 2026-09-28"));

    // The manager has no account: deletion is held and a human is asked.
    let plan = plan_on(&set, &ppl, vec![("slack", vec![suspended("leaver@example.com")])], today());
    let leaver: Vec<_> = plan.changes.iter().filter(|c| c.account.label() == "leaver@example.com").collect();
    assert_eq!(leaver.len(), 1, "{:#?}", actions(&plan));
    assert_eq!((leaver[0].action, leaver[0].proposed), (Action::Review, Some(Action::Transfer)));
    assert!(leaver[0].reason.contains("deletion is held"), "{}", leaver[0].reason);
}

#[test]
fn never_delete_by_default() {
    let set = policy(&format!("{}{}", slack(""), everyone_gets_slack()));
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2020, 6, 30));
    let plan = plan_on(&set, &people(vec![leaver]), vec![("slack", vec![suspended("leaver@example.com")])], today());
    assert!(plan.changes.is_empty());
}

#[test]
fn terminated_without_a_date_is_suspended_but_never_deleted() {
    let set = policy(&format!("{}{}", slack("  lifecycle: {offboarding: {deleteAfter: 1d}}"), everyone_gets_slack()));
    let mut p = person("E1", "gone@example.com", "営業本部");
    p.status = keyward_core::resources::HrStatus::Terminated;
    p.status_label = Some("退職済み".into());
    let ppl = people(vec![p]);
    let plan = plan_on(&set, &ppl, vec![("slack", vec![account("gone@example.com")])], today());
    assert_eq!(actions(&plan), vec![(Action::Suspend, "gone@example.com".into())]);
    assert!(plan.changes[0].reason.contains("without a last working day"));
    assert!(plan_on(&set, &ppl, vec![("slack", vec![suspended("gone@example.com")])], today()).changes.is_empty());
}

#[test]
fn terminated_status_with_a_future_last_day_keeps_working() {
    let set = policy(&format!("{}{}", slack(""), everyone_gets_slack()));
    let mut p = person("E1", "leaving@example.com", "営業本部");
    p.status = keyward_core::resources::HrStatus::Terminated;
    p.end_date = Some(date(2026, 12, 31));
    let plan = plan_on(&set, &people(vec![p]), vec![("slack", vec![account("leaving@example.com")])], today());
    assert!(plan.changes.is_empty(), "{:#?}", actions(&plan));
}

#[test]
fn every_account_of_a_leaver_is_found_including_old_domains_and_plus_tags() {
    let set = policy(&format!(
        "{}{}",
        slack("  correlate: [{email: {domainAliases: {example.co.jp: example.com}}}]"),
        everyone_gets_slack()
    ));
    let mut p = person("E1", "Taro.Yamada@example.com", "営業本部");
    p.end_date = Some(date(2026, 11, 1));
    let plan = plan_on(
        &set,
        &people(vec![p]),
        vec![("slack", vec![account("taro.yamada+slack@example.com"), account("TARO.YAMADA@example.co.jp")])],
        today(),
    );
    let suspends: Vec<_> = plan.changes.iter().filter(|c| c.action == Action::Suspend).collect();
    assert_eq!(suspends.len(), 2, "{:#?}", actions(&plan));
}

// ------------------------------------------------------------------ leave of absence

#[test]
fn leave_keeps_accounts_by_default_and_suspends_where_the_app_says() {
    let mut p = person("E1", "leave@example.com", "営業本部");
    p.status = keyward_core::resources::HrStatus::OnLeave;
    p.status_label = Some("休職中".into());
    let ppl = people(vec![p]);
    let accts = || vec![("slack", vec![account("leave@example.com")])];

    let keep = policy(&format!("{}{}", slack(""), everyone_gets_slack()));
    assert!(plan_on(&keep, &ppl, accts(), today()).changes.is_empty());

    let suspend = policy(&format!("{}{}", slack("  lifecycle: {onLeave: suspend}"), everyone_gets_slack()));
    let plan = plan_on(&suspend, &ppl, accts(), today());
    let c = find(&plan, Action::Suspend, "leave@example.com");
    assert!(c.reason.starts_with("on leave (休職中 in 在籍状況)"), "{}", c.reason);
    // No hand-over for a leave: the person comes back.
    assert_eq!(plan.changes.len(), 1);
}

#[test]
fn return_from_leave_restores_the_account() {
    let set = policy(&format!("{}{}", slack("  lifecycle: {onLeave: suspend}"), everyone_gets_slack()));
    let ppl = people(vec![person("E1", "back@example.com", "営業本部")]);
    let plan = plan_on(&set, &ppl, vec![("slack", vec![suspended("back@example.com")])], today());
    assert_eq!(actions(&plan), vec![(Action::Restore, "back@example.com".into())]);
}

// ------------------------------------------------------------------ rehires

#[test]
fn rehire_with_a_new_number_gets_the_old_account_restored_not_a_second_one() {
    let set = policy(&format!("{}{}", slack(""), everyone_gets_slack()));
    let mut old = person("E0100", "sato@example.com", "営業本部");
    old.status = keyward_core::resources::HrStatus::Terminated;
    old.start_date = Some(date(2018, 4, 1));
    old.end_date = Some(date(2024, 3, 31));
    let mut new = person("E0900", "sato@example.com", "営業本部");
    new.start_date = Some(date(2026, 11, 1));
    let ppl = people(vec![old, new]);
    // The account says it is the new record's (its employee number): the
    // rehire gets it back.
    let mut theirs = suspended("sato@example.com");
    theirs.external_id = Some("E0900".into());
    let plan = plan_on(&set, &ppl, vec![("slack", vec![theirs])], today());
    assert_eq!(actions(&plan), vec![(Action::Restore, "sato@example.com".into())]);
    assert!(plan.changes[0].reason.starts_with("rehired 2026-11-01"), "{}", plan.changes[0].reason);
    assert!(
        plan.changes[0].reason.contains("its employee id is E0900, the current record's"),
        "{}",
        plan.changes[0].reason
    );
    // Issue 17: nothing on the account tells a rehire from a new hire given
    // a leaver's address, so restoring it is a human's decision (before,
    // it was restored as a rehire).
    let plan = plan_on(&set, &ppl, vec![("slack", vec![suspended("sato@example.com")])], today());
    assert_eq!(actions(&plan), vec![(Action::Review, "sato@example.com".into())]);
    assert_eq!(plan.changes[0].proposed, Some(Action::Restore));
    assert!(plan.changes[0].reason.starts_with("would restore (rehired 2026-11-01"), "{}", plan.changes[0].reason);
}

// ------------------------------------------------------------------ movers

#[test]
fn grants_are_the_union_over_concurrent_posts() {
    let set = policy(&format!(
        "{}{}{}{}",
        slack("  roles: [member, admin]"),
        access("sales", "{department: ['営業本部/**']}", "[{app: slack, role: member, groups: [sales]}]"),
        access("planning", "{department: [経営企画室]}", "[{app: slack, role: admin, groups: [planning]}]"),
        access("nobody", "{department: [存在しない部]}", "[{app: slack, groups: [ghost]}]"),
    ));
    let mut p = person("E1", "multi@example.com", "営業本部/第一営業部");
    p.posts.push(keyward_core::Post { department: Some("経営企画室".into()), title: None });
    let plan = plan_on(&set, &people(vec![p]), vec![], today());
    let c = find(&plan, Action::Create, "multi@example.com");
    assert_eq!(c.role.as_ref().map(|r| r.to.as_str()), Some("admin"), "the most privileged role wins");
    assert_eq!(c.groups.as_ref().map(|g| g.add.clone()), Some(vec!["planning".to_string(), "sales".to_string()]));
}

#[test]
fn lost_groups_end_after_the_mover_grace_and_unmanaged_groups_stay() {
    let set = policy(&format!(
        "{}{}{}",
        slack("  lifecycle: {moverGrace: 14d}"),
        access("sales", "{department: ['営業本部/**']}", "[{app: slack, groups: [sales]}]"),
        access("eng", "{department: ['開発本部/**']}", "[{app: slack, groups: [eng]}]"),
    ));
    let mut mover = person("E1", "mover@example.com", "開発本部/プラットフォーム部");
    mover.moved_on = Some(date(2026, 11, 16));
    let ppl = people(vec![mover]);
    let mut a = account("mover@example.com");
    a.groups = vec!["random".into(), "sales".into()];
    let accts = || vec![("slack", vec![a.clone()])];

    let in_grace = plan_on(&set, &ppl, accts(), today());
    let c = find(&in_grace, Action::Update, "mover@example.com");
    let g = c.groups.as_ref().unwrap();
    assert_eq!((g.add.clone(), g.remove.clone()), (vec!["eng".to_string()], vec![]), "sales kept during the grace");

    let after = plan_on(&set, &ppl, accts(), date(2026, 11, 30));
    let g = find(&after, Action::Update, "mover@example.com").groups.clone().unwrap();
    assert_eq!(g.remove, vec!["sales".to_string()], "`random` is not managed by any grant and stays");
}

#[test]
fn role_downgrade_waits_for_the_grace_but_upgrades_do_not() {
    let set = policy(&format!(
        "{}{}{}",
        slack("  roles: [member, admin]\n  lifecycle: {moverGrace: 7d}"),
        access("all", "{}", "[{app: slack, role: member}]"),
        access("ops", "{department: [運用部]}", "[{app: slack, role: admin}]"),
    ));
    let mut demoted = person("E1", "demoted@example.com", "営業本部");
    demoted.moved_on = Some(date(2026, 11, 20));
    let promoted = {
        let mut p = person("E2", "promoted@example.com", "運用部");
        p.moved_on = Some(date(2026, 11, 20));
        p
    };
    let mut a1 = account("demoted@example.com");
    a1.role = Some("admin".into());
    let mut a2 = account("promoted@example.com");
    a2.role = Some("member".into());
    let plan = plan_on(&set, &people(vec![demoted, promoted]), vec![("slack", vec![a1, a2])], today());
    assert_eq!(actions(&plan), vec![(Action::Update, "promoted@example.com".into())]);
}

#[test]
fn ungranted_accounts_are_reviewed_or_suspended_as_the_app_says() {
    let ppl = people(vec![person("E1", "dev@example.com", "開発本部")]);
    let accts = || vec![("slack", vec![account("dev@example.com")])];
    let sales_only = access("sales", "{department: ['営業本部/**']}", "[{app: slack}]");

    let review = policy(&format!("{}{}", slack(""), sales_only));
    let plan = plan_on(&review, &ppl, accts(), today());
    assert_eq!(actions(&plan), vec![(Action::Review, "dev@example.com".into())]);
    assert_eq!(plan.changes[0].proposed, Some(Action::Suspend));

    let suspend = policy(&format!("{}{}", slack("  lifecycle: {ungranted: suspend}"), sales_only));
    assert_eq!(actions(&plan_on(&suspend, &ppl, accts(), today())), vec![(Action::Suspend, "dev@example.com".into())]);
}

// ------------------------------------------------------------------ orphans and protection

#[test]
fn orphans_are_reviewed_never_changed_and_protected_accounts_never_appear() {
    let set = policy(&format!(
        "{}{}",
        slack("  protect: [{email: '^admin-breakglass@'}, {username: '^slackbot$'}]"),
        everyone_gets_slack()
    ));
    let mut bot = account("slackbot-id");
    bot.email = None;
    bot.username = Some("slackbot".into());
    let mut real_bot = account("jira-bot");
    real_bot.email = None;
    real_bot.bot = true;
    let plan = plan_on(
        &set,
        &people(vec![]),
        vec![(
            "slack",
            vec![
                account("admin-breakglass@example.com"),
                bot,
                real_bot,
                account("info@example.com"),
                suspended("old@example.com"),
            ],
        )],
        today(),
    );
    assert_eq!(actions(&plan), vec![(Action::Review, "info@example.com".into())]);
    assert!(plan.changes[0].reason.starts_with("matches nobody in the HR data"));
    assert_eq!((plan.apps[0].protected, plan.apps[0].bots), (2, 1));
}

#[test]
fn a_person_missing_from_the_hr_data_is_never_deprovisioned() {
    let set = policy(&format!(
        "{}{}",
        slack("  lifecycle: {ungranted: suspend, offboarding: {deleteAfter: 1d}}"),
        everyone_gets_slack()
    ));
    // The HR export lost everybody (a truncated file): nothing but reviews.
    let plan = plan_on(
        &set,
        &people(vec![]),
        vec![("slack", vec![account("a@example.com"), account("b@example.com")])],
        today(),
    );
    assert!(plan.changes.iter().all(|c| c.action == Action::Review), "{:#?}", actions(&plan));
}

#[test]
fn a_second_account_of_a_person_is_reviewed() {
    let set = policy(&format!("{}{}", slack(""), everyone_gets_slack()));
    let mut second = account("second-id");
    second.email = Some("taro+old@example.com".into());
    let mut main = account("taro@example.com");
    main.role = Some("member".into());
    let plan = plan_on(
        &set,
        &people(vec![person("E1", "taro@example.com", "x")]),
        vec![("slack", vec![main, second])],
        today(),
    );
    assert_eq!(actions(&plan), vec![(Action::Review, "taro+old@example.com".into())]);
}

#[test]
fn fallback_matches_turn_changes_into_reviews() {
    let set = policy(&format!(
        "{}{}",
        app("github", "  correlate: [{email: {}}, {attribute: {attribute: github, accountField: username}}]"),
        access("everyone", "{}", "[{app: github}]")
    ));
    let mut p = person("E1", "dev@example.com", "開発本部");
    p.end_date = Some(date(2026, 11, 1));
    p.attributes.insert("github".into(), "dev-gh".into());
    let mut a = account("gh-1");
    a.email = Some("dev@personal.example".into());
    a.username = Some("Dev-GH".into());
    let plan = plan_on(&set, &people(vec![p]), vec![("github", vec![a])], today());
    assert_eq!(actions(&plan), vec![(Action::Review, "dev@personal.example".into())]);
    assert_eq!(plan.changes[0].proposed, Some(Action::Suspend));
}

#[test]
fn accounts_matching_several_people_are_reviewed() {
    let set = policy(&format!(
        "{}{}",
        app("github", "  correlate: [{attribute: {attribute: github, accountField: username}}]"),
        access("everyone", "{}", "[{app: github}]")
    ));
    let mut a = person("E1", "a@example.com", "x");
    a.attributes.insert("github".into(), "shared".into());
    let mut b = person("E2", "b@example.com", "x");
    b.attributes.insert("github".into(), "shared".into());
    let mut acct = account("gh-1");
    acct.email = None;
    acct.username = Some("shared".into());
    let plan = plan_on(&set, &people(vec![a, b]), vec![("github", vec![acct])], today());
    let reviews: Vec<_> = plan.changes.iter().filter(|c| c.action == Action::Review).collect();
    assert_eq!(reviews.len(), 1, "{:#?}", actions(&plan));
    assert!(reviews[0].reason.contains("matches several people"), "{}", reviews[0].reason);
    assert!(reviews[0].person.is_none());
}

// ------------------------------------------------------------------ exceptions

#[test]
fn exceptions_grant_until_their_last_day_even_to_leavers_and_then_vanish() {
    let set = policy(&format!(
        "{}{}apiVersion: keyward.io/v1alpha1\nkind: Exception\nmetadata: {{name: handover}}\nspec:\n  person: E1\n  grant: [{{app: slack}}]\n  until: 2026-12-15\n  reason: handover of key accounts\n  approver: cfo@example.com\n",
        slack(""),
        access("sales", "{department: ['営業本部/**']}", "[{app: slack}]"),
    ));
    let mut p = person("E1", "leaver@example.com", "営業本部");
    p.end_date = Some(date(2026, 11, 20));
    let ppl = people(vec![p]);
    let accts = || vec![("slack", vec![account("leaver@example.com")])];
    assert!(plan_on(&set, &ppl, accts(), today()).changes.is_empty());
    let after = plan_on(&set, &ppl, accts(), date(2026, 12, 16));
    assert_eq!(actions(&after), vec![(Action::Suspend, "leaver@example.com".into())]);
    assert!(after.warnings.iter().any(|w| w.contains("expired on 2026-12-15")), "{:?}", after.warnings);
}

#[test]
fn an_exception_for_someone_unknown_is_a_warning() {
    let set = policy(&format!(
        "{}apiVersion: keyward.io/v1alpha1\nkind: Exception\nmetadata: {{name: ghost}}\nspec:\n  person: nobody@example.com\n  grant: [{{app: slack}}]\n  until: 2027-01-01\n  reason: test\n  approver: a@example.com\n",
        slack("")
    ));
    let plan = plan_on(&set, &people(vec![]), vec![], today());
    assert_eq!(plan.warnings.len(), 1);
    assert!(plan.warnings[0].contains("not in the HR data"));
}

// ------------------------------------------------------------------ selectors

#[test]
fn selectors_check_department_and_title_on_the_same_post() {
    let set = policy(&format!(
        "{}{}",
        slack(""),
        access("sales-managers", "{department: ['営業本部/**'], title: '部長'}", "[{app: slack}]")
    ));
    let mut p = person("E1", "two-posts@example.com", "営業本部");
    p.posts = vec![
        keyward_core::Post { department: Some("営業本部".into()), title: Some("担当".into()) },
        keyward_core::Post { department: Some("開発本部".into()), title: Some("部長".into()) },
    ];
    let mut q = person("E2", "boss@example.com", "x");
    q.posts = vec![keyward_core::Post {
        department: Some("営業本部/第二営業部".into()), title: Some("部長".into())
    }];
    let plan = plan_on(&set, &people(vec![p, q]), vec![], today());
    assert_eq!(actions(&plan), vec![(Action::Create, "boss@example.com".into())]);
}

#[test]
fn a_trailing_double_star_also_matches_the_department_itself_even_with_braces() {
    // Regression: `{A,B}/**` matched departments below A and B but not A.
    let set = policy(&format!(
        "{}{}",
        slack(""),
        access("both", "{department: ['{営業本部,開発本部}/**']}", "[{app: slack}]")
    ));
    let ppl = people(vec![
        person("E1", "top@example.com", "営業本部"),
        person("E2", "below@example.com", "開発本部/基盤"),
        person("E3", "other@example.com", "管理本部"),
    ]);
    let plan = plan_on(&set, &ppl, vec![], today());
    assert_eq!(
        actions(&plan),
        vec![(Action::Create, "top@example.com".into()), (Action::Create, "below@example.com".into())]
    );
}

#[test]
fn employment_types_and_attributes_select() {
    let set = policy(&format!(
        "{}{}",
        app("github", ""),
        access("devs", "{employmentType: [contractor], attributes: {github: '.+'}}", "[{app: github}]")
    ));
    let mut c = person("E1", "c@freelance.example", "開発本部");
    c.employment_type = Some("contractor".into());
    c.attributes.insert("github".into(), "c-gh".into());
    let mut no_login = c.clone();
    no_login.id = "E2".into();
    no_login.email = Some("d@freelance.example".into());
    no_login.attributes.clear();
    let full_time = {
        let mut p = person("E3", "f@example.com", "開発本部");
        p.attributes.insert("github".into(), "f-gh".into());
        p
    };
    let plan = plan_on(&set, &people(vec![c, no_login, full_time]), vec![], today());
    assert_eq!(actions(&plan), vec![(Action::Create, "c@freelance.example".into())]);
}

#[test]
fn a_look_alike_of_the_hand_over_account_never_receives_the_data() {
    let set = policy(&format!(
        "{}{}",
        slack("  lifecycle: {offboarding: {transferTo: backup@example.com}}"),
        everyone_gets_slack()
    ));
    let mut leaver = person("E2", "leaver@example.com", "営業本部");
    leaver.end_date = Some(date(2026, 11, 20));
    // U+212A KELVIN SIGN, listed before the real hand-over account.
    let accounts =
        vec![account("bac\u{212a}up@example.com"), account("BACKUP@example.com"), account("leaver@example.com")];
    let plan = plan_on(&set, &people(vec![leaver]), vec![("slack", accounts)], today());
    let t = find(&plan, Action::Transfer, "leaver@example.com");
    assert_eq!(t.transfer_to.as_ref().map(|a| a.label()), Some("BACKUP@example.com"));
}
