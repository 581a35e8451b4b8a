#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The Markdown plan a pull-request comment shows: data cannot break it,
//! it never exceeds the comment's size limit, and what it leaves out when
//! it must is the least important and said so.

use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change, GroupChange, PersonRef, Plan, RoleChange};
use keyward_core::present::render::{self, TextOptions};
use proptest::prelude::*;
use serde_json::{Value, json};

fn counts(changes: &[Change]) -> Value {
    let mut m = serde_json::Map::new();
    for a in Action::ALL {
        m.insert(a.as_str().into(), json!(changes.iter().filter(|c| c.action == a).count()));
    }
    Value::Object(m)
}

/// A plan document as `keyward plan --format json` writes it, read back.
fn plan_of(apps: Vec<(String, Vec<Change>)>, warnings: &[&str]) -> Plan {
    let all: Vec<Change> = apps.iter().flat_map(|(_, c)| c.clone()).collect();
    let doc = json!({
        "apiVersion": "keyward.io/v1alpha1",
        "kind": "Plan",
        "formatVersion": keyward_core::plan::PLAN_FORMAT_VERSION,
        "date": "2026-11-23",
        "people": {"total": 10, "employed": 8, "onLeave": 0, "notStarted": 1, "left": 1},
        "apps": apps.iter().map(|(name, c)| json!({
            "name": name, "displayName": name, "connector": "csvExport", "source": "users.csv",
            "readOnly": false, "accounts": c.len(), "matched": c.len(), "orphans": 0, "protected": 0,
            "bots": 0, "changes": counts(c),
        })).collect::<Vec<_>>(),
        "summary": counts(&all),
        "changes": all,
        "warnings": warnings,
    });
    Plan::from_json(&doc.to_string()).unwrap()
}

fn change(app: &str, action: Action, email: &str, name: &str, id: &str, reason: &str) -> Change {
    let account = AccountRef { email: Some(email.into()), ..AccountRef::default() };
    let mut c = Change::new(app, action, account, reason);
    c.person = Some(PersonRef { id: id.into(), email: Some(email.into()), name: Some(name.into()) });
    c
}

/// `apps` apps; app `i` has `per_app * (i + 1)` changes; every third app
/// only creates and updates, the others also take access away.
fn generated(apps: usize, per_app: usize) -> Plan {
    let mut out = Vec::new();
    for i in 0..apps {
        let app = format!("app-{i:02}");
        let actions: &[Action] = if i % 3 == 0 {
            &[Action::Create, Action::Update, Action::Review]
        } else {
            &[Action::Create, Action::Suspend, Action::Transfer, Action::Delete, Action::Review]
        };
        let changes = (0..per_app * (i + 1))
            .map(|k| {
                let a = actions[k % actions.len()];
                let mut c = change(
                    &app,
                    a,
                    &format!("user{k:05}@example.com"),
                    &format!("社員 {k}"),
                    &format!("E{k:05}"),
                    &format!("last working day 2026-11-{:02} (退職年月日)", 1 + k % 28),
                );
                if a == Action::Update {
                    c.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
                }
                if a == Action::Review {
                    c.proposed = Some(Action::Suspend);
                }
                c
            })
            .collect();
        out.push((app, changes));
    }
    plan_of(out, &["Exception old-handover expired on 2026-10-31; it grants nothing any more and can be removed"])
}

fn sections(md: &str) -> usize {
    md.matches("<details").count()
}

/// The `K of N` of the closing line, when the comment was shortened.
fn left_out(md: &str) -> Option<(usize, usize)> {
    let rest = md.split("bytes: ").nth(1)?;
    let mut words = rest.split_whitespace();
    let k = words.next()?.parse().ok()?;
    assert_eq!(words.next(), Some("of"), "{rest}");
    let n = words.next()?.parse().ok()?;
    Some((k, n))
}

#[test]
fn a_plan_that_fits_is_printed_whole() {
    let plan = generated(3, 4);
    let full = render::markdown(&plan);
    assert_eq!(render::markdown_within(&plan, full.len()), full);
    assert_eq!(render::markdown_within(&plan, render::DEFAULT_MAX_BYTES), full);
    assert_eq!(sections(&full), 3);
    assert!(!full.contains("Shortened"), "{full}");
}

#[test]
fn a_large_plan_keeps_the_counts_of_every_app_and_says_how_many_sections_it_left_out() {
    let plan = generated(12, 40); // 3,120 changes
    let full = render::markdown(&plan);
    assert!(full.len() > render::DEFAULT_MAX_BYTES, "{}", full.len());
    let md = render::markdown_within(&plan, render::DEFAULT_MAX_BYTES);
    assert!(md.len() <= render::DEFAULT_MAX_BYTES);
    for i in 0..12 {
        assert!(md.contains(&format!("\n| app-{i:02} | ")), "counts row of app-{i:02} missing");
    }
    let kept = sections(&md);
    assert!(kept > 0 && kept < 12, "{kept}");
    assert_eq!(left_out(&md), Some((12 - kept, 12)));
    assert_eq!(md.matches("</details>").count(), kept, "a section was cut in the middle");
    assert!(md.trim_end().ends_with("and in the output of `keyward plan`._"), "{}", &md[md.len() - 300..]);
    assert!(md.contains("the full plan is in the JSON artifact"));
}

#[test]
fn the_largest_deprovisioning_section_is_kept_first() {
    let plan = generated(6, 10);
    let full = render::markdown(&plan);
    // app-05 takes the most access away: 60 changes, 3 of 5 actions.
    let biggest = full.find("<details open><summary><b>app-05</b>").unwrap();
    let end = biggest + full[biggest..].find("</details>").unwrap() + "</details>\n".len();
    let section_len = end - biggest + 1; // with the blank line before it
    let head_and_table = full.find("\n<details").unwrap();
    // Room for the head, the table, that section and the closing line only.
    let limit = head_and_table + section_len + 250;
    let md = render::markdown_within(&plan, limit);
    assert!(md.len() <= limit);
    assert!(md.contains("<details open><summary><b>app-05</b>"), "{md}");
    assert!(!md.contains("<b>app-04</b>"), "{md}");
    // Sections that fit in what is left are still shown.
    assert_eq!(left_out(&md).map(|(_, n)| n), Some(6));
}

#[test]
fn deprovisioning_apps_come_first_and_open_the_others_closed() {
    let plan = generated(3, 3);
    let md = render::markdown(&plan);
    let order: Vec<&str> = md.match_indices("<summary><b>").map(|(i, _)| &md[i + 12..i + 18]).collect::<Vec<_>>();
    // app-01 and app-02 take access away (3 and 6 changes), the larger
    // first; app-00 only creates and updates.
    assert_eq!(order, ["app-02", "app-01", "app-00"]);
    assert!(md.contains("<details open><summary><b>app-02</b>"));
    assert!(
        md.contains("<details><summary><b>app-00</b> — 3 changes (1 create, 1 update, 1 review)</summary>"),
        "{md}"
    );
    assert!(
        md.contains("| ⛔ **delete** |") && md.contains("| ⏸️ **suspend** |") && md.contains("| 📤 **transfer** |")
    );
    let callout = &md[md.find("> **Deprovisioning**").unwrap()..md.find("\n\n| app |").unwrap()];
    assert!(
        callout.contains(
            "> - **app-02**: ⏸️ 2 to suspend · 📤 2 to hand over · ⛔ 2 to delete\n> - **app-01**: ⏸️ 1 to suspend"
        ),
        "{callout}"
    );
    assert!(!callout.contains("app-00"), "{callout}");
}

#[test]
fn reviews_are_a_subsection_of_their_own() {
    let plan = generated(2, 3);
    let md = render::markdown(&plan);
    let app1 = &md[md.find("<b>app-01</b>").unwrap()..];
    let reviews = app1.find("**To review (1)**").unwrap();
    assert!(app1[..reviews].contains("| ⏸️ **suspend** |"));
    assert!(app1[reviews..].contains("| account | person | proposed | reason |"));
    assert!(app1[reviews..].contains("| suspend | last working day"), "{}", &app1[reviews..]);
}

#[test]
fn a_tiny_limit_leaves_a_too_large_line() {
    let plan = generated(12, 40);
    let md = render::markdown_within(&plan, 600);
    assert!(md.len() <= 600, "{}", md.len());
    assert!(!md.contains("| app |"), "{md}");
    assert!(md.contains("**Plan: "), "{md}");
    assert!(md.contains("Too large for a 600-byte comment"), "{md}");
    let smaller = render::markdown_within(&plan, 200);
    assert!(smaller.starts_with("_Too large for a 200-byte comment") && smaller.len() <= 200, "{smaller}");
    assert_eq!(render::markdown_within(&plan, 40), "_Plan too large for this comment._\n");
    assert_eq!(render::markdown_within(&plan, 10), "");
    assert_eq!(render::markdown_within(&plan, 0), "");
}

#[test]
fn the_limit_holds_for_every_limit_of_a_sweep() {
    let plan = generated(12, 40);
    let full_len = render::markdown(&plan).len();
    let mut shortened = 0;
    for limit in (0..full_len + 2000).step_by(1777).chain([65_000, 65_536, 1_000_000]) {
        let md = render::markdown_within(&plan, limit);
        assert!(md.len() <= limit, "limit {limit}: {} bytes", md.len());
        if let Some((k, n)) = left_out(&md) {
            shortened += 1;
            assert_eq!(k, n - sections(&md), "limit {limit}");
        }
    }
    assert!(shortened > 10, "the sweep should cross the shortened range");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn output_never_exceeds_the_limit_and_is_deterministic(apps in 1usize..8, per_app in 1usize..60, limit in 0usize..40_000) {
        let plan = generated(apps, per_app);
        let md = render::markdown_within(&plan, limit);
        prop_assert!(md.len() <= limit, "{} > {limit}", md.len());
        prop_assert_eq!(&md, &render::markdown_within(&plan, limit));
        prop_assert_eq!(md.matches("<details").count(), md.matches("</details>").count());
        let full = render::markdown(&plan);
        if full.len() <= limit {
            prop_assert_eq!(md, full);
        }
    }
}

/// Values from HR data and app listings that would break a careless table.
fn hostile() -> Plan {
    let mut c = change(
        "app|x",
        Action::Suspend,
        "evil|`@example.com",
        "Bobby | <script>alert(1)</script>\n| injected | row |",
        "E`1`",
        "left\n\n## heading <img src=x onerror=alert(1)> **bold** [link](https://evil.example)",
    );
    c.transfer_to = None;
    let mut u = change("app|x", Action::Update, "plain@example.com", "A_B*C", "E2", "moved");
    u.role = Some(Box::new(RoleChange { from: Some("mem|ber".into()), to: "<admin>".into() }));
    u.groups = Some(Box::new(GroupChange { add: vec!["eng`x".into()], remove: vec!["a\nb".into()] }));
    plan_of(vec![("app|x".into(), vec![u, c])], &["- warning\nstarting like a list"])
}

/// The unescaped pipes of a table row: cells + 1.
fn pipes(row: &str) -> usize {
    let mut n = 0;
    let mut chars = row.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                chars.next();
            }
            '|' => n += 1,
            _ => {}
        }
    }
    n
}

#[test]
fn data_cannot_break_a_table_or_inject_html() {
    let md = render::markdown(&hostile());
    // Every table row has its header's number of cells, and the two
    // changes are two rows.
    let mut tables: Vec<Vec<&str>> = Vec::new();
    let mut in_table = false;
    for line in md.lines() {
        match (line.starts_with('|'), in_table) {
            (true, true) => tables.last_mut().unwrap().push(line),
            (true, false) => tables.push(vec![line]),
            _ => {}
        }
        in_table = line.starts_with('|');
    }
    for table in &tables {
        for row in table {
            assert_eq!(pipes(row), pipes(table[0]), "row with a wrong number of cells: {row}\n{md}");
        }
    }
    let rows_per_table: Vec<usize> = tables.iter().map(Vec::len).collect();
    // Counts: header, delimiter, one app. Changes: header, delimiter, two.
    assert_eq!(rows_per_table, [3, 4], "{md}");
    // No HTML from the data: every `<` is one of ours.
    let mut rest = md.as_str();
    while let Some(i) = rest.find('<') {
        let tag = &rest[i..];
        assert!(
            ["<details", "<summary>", "</summary>", "<b>", "</b>", "</details>"].iter().any(|t| tag.starts_with(t)),
            "raw HTML from data: {}",
            &tag[..tag.len().min(40)]
        );
        rest = &rest[i + 1..];
    }
    assert!(
        md.contains("Bobby &#124; &lt;script&gt;alert(1)&lt;/script&gt; &#124; injected &#124; row &#124;"),
        "{md}"
    );
    assert!(md.contains("<b>app|x</b>"), "the summary is HTML: a pipe is harmless there\n{md}");
    assert!(md.contains("| app&#124;x | 2 |"), "{md}");
    // A backtick in an account cannot close a code span: it is plain text.
    assert!(md.contains("| evil&#124;\\`@example.com |"), "{md}");
    assert!(md.contains("E\\`1\\`"), "{md}");
    assert!(md.contains("\\*\\*bold\\*\\* \\[link\\](https://evil.example)"), "{md}");
    assert!(md.contains("role: mem&#124;ber → &lt;admin&gt;; groups: +eng\\`x −a b"), "{md}");
    assert!(md.contains("A\\_B\\*C"), "{md}");
    assert!(md.contains("\n- ⚠️ - warning starting like a list\n"), "{md}");
}

#[test]
fn text_and_markdown_show_role_and_group_diffs() {
    let mut u = change("github", Action::Update, "dev@example.com", "開発 太郎", "E7", "moved to platform");
    u.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
    u.groups = Some(Box::new(GroupChange {
        add: vec!["eng-platform".into(), "all-eng".into()],
        remove: vec!["eng-sales".into()],
    }));
    let plan = plan_of(vec![("github".into(), vec![u])], &[]);
    let text = render::text(&plan, TextOptions::default());
    assert!(
        text.contains("\n              role: member → admin · groups: +all-eng +eng-platform −eng-sales\n"),
        "{text}"
    );
    let md = render::markdown(&plan);
    assert!(md.contains("| update | `dev@example.com` | 開発 太郎 (E7) | role: member → admin; groups: +all-eng +eng-platform −eng-sales | moved to platform |"), "{md}");
    // The JSON contract is untouched: the change still carries add/remove.
    let json = render::json(&plan);
    assert!(json.contains("\"add\": [\n") && json.contains("\"remove\": [\n"), "{json}");
}
