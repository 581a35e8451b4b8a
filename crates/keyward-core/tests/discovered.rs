//! `keyward discover`'s summary (`present::discovered`): counts, coverage,
//! the catalogue, leavers still holding grants, `--since`, merging across
//! directories, hostile names, stubs that load, the report section and
//! explain's leaver view.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod common;

use std::collections::BTreeMap;

use common::*;
use jiff::civil::{Date, date};
use keyward_core::account::{AccountListing, Text};
use keyward_core::discovery::{AppFacts, AppUse, DirectoryScan, Evidence};
use keyward_core::people::{People, Person};
use keyward_core::present::discovered::{
    CatalogueEntry, Discovered, DiscoveredApp, HolderPhase, NAME_CHARS, SCOPES, Tally, UNKNOWN_EXAMPLES, markdown,
    markdown_in, stub, summarize, text, text_in,
};
use keyward_core::present::explain::explain;
use keyward_core::present::report::{Report, html};
use keyward_core::resources::HrStatus;
use keyward_core::{PolicySet, SourceFile};

fn org() -> PolicySet {
    policy(&format!(
        "{}{}{}",
        app("slack", ""),
        app("zoom", "  discoveredAs: [\"1234-zoom.apps.googleusercontent.com\"]"),
        app("expense", "  displayName: \"Expense-Cloud\""),
    ))
}

fn named(id: &str, email: &str, dept: &str, name: &str) -> Person {
    let mut p = person(id, email, dept);
    p.name = Some(name.into());
    p
}

fn staff() -> People {
    let mut leaver = named("E0031", "tsubasa.aoki@example.com", "開発本部/プロダクト部", "青木 翼");
    leaver.end_date = Some(date(2026, 11, 20));
    let mut on_leave = named("E0040", "mika.kondo@example.com", "Sales", "近藤 美香");
    on_leave.status = HrStatus::OnLeave;
    let mut contractor = named("E0050", "ken.ito@example.com", "Sales", "伊藤 健");
    contractor.employment_type = Some("contractor".into());
    people(vec![
        named("E0001", "ai.matsuda@example.com", "開発本部/プロダクト部", "松田 愛"),
        named("E0002", "ren.sato@example.com", "Sales", "佐藤 蓮"),
        leaver,
        on_leave,
        contractor,
    ])
}

fn facts(name: &str) -> AppFacts {
    AppFacts { name: Some(name.into()), ..AppFacts::default() }
}

fn grant(app: &str, user: &str, evidence: Evidence) -> AppUse {
    AppUse {
        app: app.into(),
        user: user.into(),
        user_id: None,
        evidence,
        scopes: vec![],
        first_seen: None,
        last_seen: None,
        grant_id: None,
    }
}

fn token(app: &str, user: &str) -> AppUse {
    let mut u = grant(app, user, Evidence::OauthToken);
    u.scopes = vec!["openid".into(), "https://www.googleapis.com/auth/userinfo.email".into()];
    u
}

fn sign_in(app: &str, user: &str, on: Date) -> AppUse {
    let mut u = grant(app, user, Evidence::SignIn);
    u.first_seen = Some(on);
    u.last_seen = Some(on);
    u
}

fn google(apps: Vec<(&str, AppFacts)>, uses: Vec<AppUse>) -> DirectoryScan {
    DirectoryScan {
        directory: "PeopleSource/google".into(),
        kind: "googleWorkspace".into(),
        source: "Google Workspace my_customer".into(),
        apps: apps.into_iter().map(|(id, f)| (Text::from(id), f)).collect(),
        uses,
        users: 5,
        notes: vec![],
        requests: 2,
    }
}

fn graph(apps: Vec<(&str, AppFacts)>, uses: Vec<AppUse>) -> DirectoryScan {
    DirectoryScan {
        directory: "PeopleSource/entra".into(),
        kind: "microsoftGraph".into(),
        source: "Microsoft Graph tenant example.onmicrosoft.com".into(),
        apps: apps.into_iter().map(|(id, f)| (Text::from(id), f)).collect(),
        uses,
        users: 5,
        notes: vec![
            "sign-in records need an Entra ID P1 or P2 licence, which the tenant does not have: first and last seen are unknown"
                .into(),
        ],
        requests: 4,
    }
}

fn catalogue() -> Vec<CatalogueEntry> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalogue");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let name = format!("catalogue/{}", p.file_name().unwrap().to_string_lossy());
            CatalogueEntry::parse(&name, &std::fs::read_to_string(p).unwrap()).unwrap()
        })
        .collect()
}

/// Two directories: Google tokens and Graph grants and sign-ins.
fn scans() -> Vec<DirectoryScan> {
    let mut miro = facts("Miro");
    miro.homepage = Some("https://miro.com/app".into());
    let mut box_ = facts("Box for Teams");
    box_.homepage = Some("https://www.box.com/".into());
    let mut notion_g = facts("Notion");
    notion_g.publisher = Some("Notion Labs, Inc.".into());
    vec![
        google(
            vec![
                ("1234-zoom.apps.googleusercontent.com", facts("Zoom Workplace")),
                ("555-notion.apps.googleusercontent.com", notion_g),
                ("777-miro.apps.googleusercontent.com", miro),
                ("888-box.apps.googleusercontent.com", box_),
            ],
            vec![
                token("1234-zoom.apps.googleusercontent.com", "ai.matsuda@example.com"),
                token("1234-zoom.apps.googleusercontent.com", "tsubasa.aoki@example.com"),
                token("555-notion.apps.googleusercontent.com", "Ai.Matsuda+notion@EXAMPLE.com"),
                token("555-notion.apps.googleusercontent.com", "ren.sato@example.com"),
                token("555-notion.apps.googleusercontent.com", "tsubasa.aoki@example.com"),
                token("555-notion.apps.googleusercontent.com", "mika.kondo@example.com"),
                token("777-miro.apps.googleusercontent.com", "ken.ito@example.com"),
                token("777-miro.apps.googleusercontent.com", "freelancer@gmail.com"),
                token("888-box.apps.googleusercontent.com", "ren.sato@example.com"),
            ],
        ),
        graph(
            vec![
                ("b1c2-notion", facts("notion")),
                ("c3d4-slack", facts("Slack")),
                ("d5e6-expense", facts("Expense Cloud")),
                ("e7f8-tenant", facts("Tenant Tool")),
            ],
            vec![
                grant("b1c2-notion", "ken.ito@example.com", Evidence::DelegatedGrant),
                sign_in("b1c2-notion", "ren.sato@example.com", date(2026, 11, 2)),
                sign_in("b1c2-notion", "ren.sato@example.com", date(2026, 9, 14)),
                grant("c3d4-slack", "ai.matsuda@example.com", Evidence::DelegatedGrant),
                sign_in("d5e6-expense", "tsubasa.aoki@example.com", date(2026, 10, 30)),
                grant("e7f8-tenant", "", Evidence::TenantConsent),
            ],
        ),
    ]
}

fn summary() -> Discovered {
    summarize(&org(), &staff(), &scans(), today(), None, &catalogue())
}

fn app_named<'d>(d: &'d Discovered, name: &str) -> &'d DiscoveredApp {
    d.apps.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("no {name} in {:#?}", d.apps))
}

fn tally(t: &[Tally]) -> Vec<(&str, usize)> {
    t.iter().map(|x| (x.name.as_str(), x.count)).collect()
}

#[test]
fn people_departments_and_employment_types_are_counted_once_per_person() {
    let d = summary();
    let notion = app_named(&d, "Notion");
    // ai.matsuda (with a +tag and capitals), ren.sato (twice), tsubasa, mika, ken.
    assert_eq!(notion.people, 5);
    assert_eq!(notion.unknown_users, 0);
    assert_eq!(tally(&notion.departments), vec![("Sales", 3), ("開発本部/プロダクト部", 2)]);
    assert_eq!(tally(&notion.employment_types), vec![("full-time", 4), ("contractor", 1)]);
    assert_eq!(notion.publisher.as_deref(), Some("Notion Labs, Inc."));
    assert_eq!(notion.evidence, vec![Evidence::OauthToken, Evidence::DelegatedGrant, Evidence::SignIn]);
    assert_eq!((notion.first_seen, notion.last_seen), (Some(date(2026, 9, 14)), Some(date(2026, 11, 2))));

    let miro = app_named(&d, "Miro");
    assert_eq!((miro.people, miro.unknown_users), (1, 1));
    assert_eq!(miro.unknown_examples, vec!["freelancer@gmail.com".to_owned()]);

    let tenant = app_named(&d, "Tenant Tool");
    assert!(tenant.tenant_consent);
    assert_eq!((tenant.people, tenant.unknown_users), (0, 0));
    assert_eq!(d.directories.iter().map(|x| (x.users, x.requests)).collect::<Vec<_>>(), vec![(5, 2), (5, 4)]);
    assert_eq!(d.version, keyward_core::discovery::DISCOVERY_FORMAT_VERSION);
}

#[test]
fn an_app_is_covered_by_discovered_as_display_name_or_name() {
    let d = summary();
    // discoveredAs lists the Google client id; the name differs.
    assert_eq!(app_named(&d, "Zoom Workplace").covered_by.as_deref(), Some("zoom"));
    // displayName `Expense-Cloud` = `Expense Cloud` without regard to punctuation.
    assert_eq!(app_named(&d, "Expense Cloud").covered_by.as_deref(), Some("expense"));
    // The resource name, without regard to case.
    assert_eq!(app_named(&d, "Slack").covered_by.as_deref(), Some("slack"));
    assert_eq!(app_named(&d, "Notion").covered_by, None);
    assert_eq!(d.undeclared(), 4);
    // Undeclared first, then by people, then name.
    let order: Vec<&str> = d.apps.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        order,
        vec!["Notion", "Box for Teams", "Miro", "Tenant Tool", "Zoom Workplace", "Expense Cloud", "Slack"]
    );
}

#[test]
fn an_undeclared_app_finds_its_catalogue_entry_by_name_or_home_page() {
    let d = summary();
    assert_eq!(app_named(&d, "Notion").catalogue.as_deref(), Some("notion"));
    // `Box for Teams` is no entry's name, but www.box.com is the site of api.box.com.
    assert_eq!(app_named(&d, "Box for Teams").catalogue.as_deref(), Some("box"));
    assert_eq!(app_named(&d, "Miro").catalogue, None);
    // A covered app is not offered a catalogue entry.
    assert_eq!(app_named(&d, "Zoom Workplace").catalogue, None);
}

#[test]
fn leavers_and_people_on_leave_holding_grants_are_listed() {
    let d = summary();
    let notion = app_named(&d, "Notion");
    let holders: Vec<(&str, HolderPhase, Option<Date>, &str, Evidence)> = notion
        .holders
        .iter()
        .map(|h| (h.person_id.as_str(), h.phase, h.last_day, h.directory.as_str(), h.evidence))
        .collect();
    assert_eq!(
        holders,
        vec![
            ("E0031", HolderPhase::Left, Some(date(2026, 11, 20)), "PeopleSource/google", Evidence::OauthToken),
            ("E0040", HolderPhase::OnLeave, None, "PeopleSource/google", Evidence::OauthToken),
        ]
    );
    assert_eq!(notion.holders[0].name.as_deref(), Some("青木 翼"));
    assert_eq!(notion.holders[0].scopes, vec!["https://www.googleapis.com/auth/userinfo.email", "openid"]);
    let expense = app_named(&d, "Expense Cloud");
    assert_eq!(expense.holders[0].last_seen, Some(date(2026, 10, 30)));
    // Before the last working day the leaver is no leaver yet.
    let before = summarize(&org(), &staff(), &scans(), date(2026, 11, 20), None, &[]);
    assert!(app_named(&before, "Notion").holders.iter().all(|h| h.person_id != "E0031"));
}

#[test]
fn since_leaves_out_uses_dated_before_it_and_keeps_undated_grants() {
    let d = summarize(&org(), &staff(), &scans(), today(), Some(date(2026, 11, 1)), &[]);
    assert_eq!(d.since, Some(date(2026, 11, 1)));
    let notion = app_named(&d, "Notion");
    assert_eq!((notion.first_seen, notion.last_seen), (Some(date(2026, 11, 2)), Some(date(2026, 11, 2))));
    assert_eq!(notion.people, 5, "undated tokens stay");
    // Expense Cloud was only seen on 2026-10-30: gone.
    assert!(d.apps.iter().all(|a| a.name != "Expense Cloud"), "{:#?}", d.apps);
}

#[test]
fn the_same_app_in_two_directories_is_one_app_with_every_id() {
    let d = summary();
    let notion = app_named(&d, "Notion");
    let ids: Vec<(&str, &str)> = notion.ids.iter().map(|i| (i.directory.as_str(), i.id.as_str())).collect();
    assert_eq!(
        ids,
        vec![("PeopleSource/entra", "b1c2-notion"), ("PeopleSource/google", "555-notion.apps.googleusercontent.com")]
    );
    assert_eq!(d.apps.iter().filter(|a| a.name.eq_ignore_ascii_case("notion")).count(), 1);
    // An app no directory names stays apart under its id.
    let s = vec![
        google(vec![], vec![token("x-1", "ai.matsuda@example.com")]),
        graph(vec![], vec![token("x-1", "ai.matsuda@example.com")]),
    ];
    let d = summarize(&org(), &staff(), &s, today(), None, &[]);
    assert_eq!(d.apps.len(), 2);
    assert!(d.apps.iter().all(|a| a.name == "x-1"));
}

/// Names a vendor's answer could carry.
fn hostile_names() -> Vec<String> {
    vec![
        "\"quoted\" 'app': {a: b}".to_owned(),
        "line\nbreak\r\n- injected: true".to_owned(),
        "\u{1b}[2J\u{1b}]0;owned\u{7}clear".to_owned(),
        "*alias &anchor !tag %dir @at `tick` | > # hash".to_owned(),
        "経費精算クラウド（ベータ）".to_owned(),
        "x".repeat(5000),
        "\u{202e}evil\u{202c} \u{85}nel \u{2028}ls \u{feff}bom".to_owned(),
        "---\n...\nkind: AccessPolicy".to_owned(),
        "<script>alert(1)</script> | [x](javascript:1)".to_owned(),
    ]
}

fn hostile_summary() -> Discovered {
    let names = hostile_names();
    let apps: Vec<(String, AppFacts)> =
        names.iter().enumerate().map(|(i, n)| (format!("id-{i}\n\u{1b}[31m"), facts(n))).collect();
    let mut uses = Vec::new();
    for (id, _) in &apps {
        let mut u = token(id, "tsubasa.aoki@example.com");
        u.scopes = (0..20).map(|i| Text::from(format!("scope-{i}-{}\u{1b}", "s".repeat(400)))).collect();
        uses.push(u);
        for i in 0..10 {
            uses.push(token(id, &format!("stranger{i}\u{1b}[1m@evil.example")));
        }
    }
    let scan = google(apps.iter().map(|(id, f)| (id.as_str(), f.clone())).collect(), uses);
    summarize(&org(), &staff(), &[scan], today(), None, &[])
}

#[test]
fn hostile_names_are_bounded_and_escaped_in_every_rendering() {
    let d = hostile_summary();
    assert_eq!(d.apps.len(), hostile_names().len());
    for a in &d.apps {
        assert!(a.name.chars().count() <= NAME_CHARS + 1, "{}", a.name.len());
        assert_eq!(a.unknown_users, 10);
        assert_eq!(a.unknown_examples.len(), UNKNOWN_EXAMPLES);
        let h = &a.holders[0];
        assert_eq!((h.scopes.len(), h.more_scopes), (SCOPES, 20 - SCOPES));
        assert!(h.scopes.iter().all(|s| s.chars().count() <= 161));
    }
    let t = text(&d);
    assert!(!t.contains('\u{1b}') && !t.contains('\r') && !t.contains('\u{202e}'), "{t}");
    assert!(t.lines().all(|l| l.chars().count() < 2500), "a line is unbounded");
    assert!(!t.lines().any(|l| l.starts_with("- injected")), "{t}");
    let md = markdown(&d);
    assert!(!md.contains("<script>") && !md.contains('\u{1b}') && !md.contains("\n- injected"), "{md}");
    // Every app row of the table is one line with its 7 cells.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ") && l.contains("undeclared")).collect();
    assert_eq!(rows.len(), d.apps.len(), "{md}");
    assert!(rows.iter().all(|r| r.matches(" | ").count() == 6), "{rows:#?}");
}

#[test]
fn an_app_under_many_ids_is_one_app_whose_ids_are_shown_bounded() {
    let ids: Vec<String> = (0..200).map(|i| format!("{i}-zz.apps.googleusercontent.com")).collect();
    let scan = google(
        ids.iter().map(|id| (id.as_str(), facts("Many Ids"))).collect(),
        ids.iter().map(|id| token(id, "ai.matsuda@example.com")).collect(),
    );
    let d = summarize(&org(), &staff(), &[scan], today(), None, &[]);
    assert_eq!((d.apps.len(), d.apps[0].ids.len(), d.apps[0].people), (1, 200, 1));
    let t = text(&d);
    assert!(t.contains(", … and 194 more\n"), "{t}");
    let s = stub(&d, 0, &[]).unwrap();
    assert!(s.len() < 4000, "{s}");
    loads(&s);
}

/// Loads a stub next to a minimal PeopleSource: every stub must load
/// without errors or warnings.
fn loads(stub: &str) {
    let text = format!("{PEOPLE_SOURCE}---\n{stub}");
    match PolicySet::load("policies", vec![SourceFile { path: "policies/stub.yaml".into(), text: text.clone() }]) {
        Ok(l) => assert!(l.warnings.is_empty(), "warnings {:?} for\n{text}", l.warnings),
        Err(d) => panic!("the stub does not load:\n{d}\n{text}"),
    }
}

#[test]
fn every_stub_loads_with_the_policy_loader_and_is_covered_once_pasted() {
    let d = summary();
    let cat = catalogue();
    for (i, a) in d.apps.iter().enumerate() {
        let s = stub(&d, i, &cat).unwrap();
        loads(&s);
        if a.undeclared() {
            // Pasted into the policies, the stub covers the app.
            let set = policy(&s);
            let again = summarize(&set, &staff(), &scans(), today(), None, &cat);
            assert!(again.apps.iter().find(|x| x.ids == a.ids).unwrap().covered_by.is_some(), "{s}");
        }
    }
    assert_eq!(stub(&d, d.apps.len(), &cat), None);
}

#[test]
fn stubs_of_hostile_names_load_and_keep_the_name() {
    let d = hostile_summary();
    for (i, a) in d.apps.iter().enumerate() {
        let s = stub(&d, i, &[]).unwrap();
        assert!(!s.contains('\u{1b}') && !s.contains('\r'), "{s}");
        loads(&s);
        let set = policy(&s);
        let app = set.applications.iter().find(|x| !["slack", "zoom", "expense"].contains(&x.name.as_str())).unwrap();
        assert_eq!(app.spec.display_name.as_deref(), Some(a.name.as_str()), "{s}");
        assert!(app.name.len() <= 63 && !app.name.is_empty());
        assert_eq!(app.spec.discovered_as[0], a.name);
    }
}

#[test]
fn the_summary_as_text() {
    insta::assert_snapshot!(text(&summary()));
}

#[test]
fn the_summary_as_markdown() {
    insta::assert_snapshot!(markdown(&summary()));
}

#[test]
fn the_summary_as_text_ja() {
    let d = summary();
    assert_eq!(text_in(&d, keyward_core::i18n::Lang::En), text(&d), "English is the English rendering");
    insta::assert_snapshot!(text_in(&d, keyward_core::i18n::Lang::Ja));
}

#[test]
fn the_summary_as_markdown_ja() {
    let d = summary();
    assert_eq!(markdown_in(&d, keyward_core::i18n::Lang::En), markdown(&d), "English is the English rendering");
    insta::assert_snapshot!(markdown_in(&d, keyward_core::i18n::Lang::Ja));
}

#[test]
fn a_stub_from_the_catalogue() {
    let d = summary();
    let i = d.apps.iter().position(|a| a.name == "Box for Teams").unwrap();
    insta::assert_snapshot!(stub(&d, i, &catalogue()).unwrap());
}

#[test]
fn a_skeleton_stub() {
    let d = summary();
    let i = d.apps.iter().position(|a| a.name == "Miro").unwrap();
    insta::assert_snapshot!(stub(&d, i, &catalogue()).unwrap());
}

/// An empty listing for every app of `set`.
fn empty_listings(set: &PolicySet) -> BTreeMap<String, AccountListing> {
    set.applications.iter().map(|a| (a.name.clone(), AccountListing::new(format!("{}.csv", a.name), vec![]))).collect()
}

fn report(discovered: Option<Discovered>) -> String {
    report_in(discovered, keyward_core::i18n::Lang::En)
}

fn report_in(discovered: Option<Discovered>, lang: keyward_core::i18n::Lang) -> String {
    let set = org();
    let people = staff();
    let listings = empty_listings(&set);
    let plan = keyward_core::plan(&set, &people, &listings, today()).unwrap();
    let mut r = Report::build(&set, &people, &listings, &plan).unwrap();
    r.discovered = discovered;
    html::page_in(&r, lang)
}

#[test]
fn the_report_section_of_discovered_apps() {
    let page = report(Some(summary()));
    let start = page.find("<section id=\"discovered\"").unwrap();
    let end = start + page[start..].find("</section>").unwrap() + "</section>".len();
    assert!(page.contains("<a href=\"#discovered\">Discovered apps</a>"));
    insta::assert_snapshot!(&page[start..end]);
}

#[test]
fn the_report_section_of_discovered_apps_ja() {
    let page = report_in(Some(summary()), keyward_core::i18n::Lang::Ja);
    let start = page.find("<section id=\"discovered\"").unwrap();
    let end = start + page[start..].find("</section>").unwrap() + "</section>".len();
    assert!(page.contains("<a href=\"#discovered\">検出したアプリ</a>"));
    insta::assert_snapshot!(&page[start..end]);
}

#[test]
fn without_discovery_the_report_has_no_such_section() {
    let page = report(None);
    assert!(!page.contains("discovered"), "the page mentions discovery");
}

#[test]
fn the_report_section_escapes_hostile_names() {
    let page = report(Some(hostile_summary()));
    let start = page.find("<section id=\"discovered\"").unwrap();
    let section = &page[start..];
    assert!(!section.contains("<script>alert"), "unescaped markup");
    assert!(section.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

fn json(d: &Discovered) -> String {
    serde_json::to_string(d).unwrap()
}

#[test]
fn the_json_document_reads_back() {
    let d = summary();
    let back: Discovered = serde_json::from_str(&json(&d)).unwrap();
    assert_eq!(back, d);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// The same scans give the same bytes, whatever the order of the uses.
    #[test]
    fn summarize_is_deterministic_and_independent_of_the_order_of_uses(seed in proptest::prelude::any::<u64>()) {
        let set = org();
        let people = staff();
        let cat = catalogue();
        let base = json(&summarize(&set, &people, &scans(), today(), None, &cat));
        proptest::prop_assert_eq!(&json(&summarize(&set, &people, &scans(), today(), None, &cat)), &base);
        let mut shuffled = scans();
        let mut state = seed | 1;
        for s in &mut shuffled {
            // Fisher–Yates with a xorshift, so the order comes from the seed.
            for i in (1..s.uses.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.uses.swap(i, (state % (i as u64 + 1)) as usize);
            }
        }
        proptest::prop_assert_eq!(json(&summarize(&set, &people, &shuffled, today(), None, &cat)), base);
    }
}

#[test]
fn a_leavers_explanation_lists_every_account_and_grant_still_open() {
    let set = org();
    let people = staff();
    let mut listings = empty_listings(&set);
    listings.insert("slack".into(), AccountListing::new("slack.csv", vec![account("tsubasa.aoki@example.com")]));
    listings.insert("zoom".into(), AccountListing::new("zoom.csv", vec![suspended("tsubasa.aoki@example.com")]));
    let e = explain(&set, &people, &listings, "E0031", today()).unwrap();
    let without = e.to_text();
    assert!(
        without.contains("Still open on 2026-11-23\n  slack: tsubasa.aoki@example.com [active] — the plan: suspend\n  third-party grants were not read (`keyward explain --discover` reads them from the directories)\n"),
        "{without}"
    );
    let e = e.with_discovery(&set, &people, &scans());
    let lines = e.still_open_lines();
    assert_eq!(
        lines,
        vec![
            "slack: tsubasa.aoki@example.com [active] — the plan: suspend",
            "Expense Cloud (covered by expense): signIn in PeopleSource/entra, last seen 2026-10-30",
            "Notion (undeclared): oauthToken in PeopleSource/google, scopes https://www.googleapis.com/auth/userinfo.email, openid",
            "Zoom Workplace (covered by zoom): oauthToken in PeopleSource/google, scopes https://www.googleapis.com/auth/userinfo.email, openid",
        ]
    );
    assert!(serde_json::to_string(&e).unwrap().contains("\"discovered\":[{\"app\":\"Expense Cloud\""));
}

#[test]
fn a_leaver_with_nothing_open_is_fully_offboarded() {
    let set = org();
    let people = staff();
    let mut listings = empty_listings(&set);
    listings.insert("slack".into(), AccountListing::new("slack.csv", vec![suspended("tsubasa.aoki@example.com")]));
    let e = explain(&set, &people, &listings, "tsubasa.aoki@example.com", today()).unwrap();
    let e = e.with_discovery(&set, &people, &[google(vec![], vec![token("other", "ai.matsuda@example.com")])]);
    assert_eq!(e.still_open_lines(), vec!["nothing left open"]);
    assert!(e.to_text().ends_with("Still open on 2026-11-23\n  nothing left open\n"), "{}", e.to_text());
    // Someone still employed gets no such section.
    let e = explain(&set, &people, &listings, "E0001", today()).unwrap().with_discovery(&set, &people, &scans());
    assert!(e.still_open_lines().is_empty());
    assert!(!e.to_text().contains("Still open"));
    // Zoom and Notion (a +tag address) in Google, Slack in Graph.
    assert_eq!(e.discovered.len(), 3, "{:#?}", e.discovered);
}

#[test]
fn every_catalogue_entry_parses_with_the_sites_of_its_urls() {
    let cat = catalogue();
    assert!(cat.len() >= 5);
    for e in &cat {
        assert!(!e.sites.is_empty(), "{}", e.file);
    }
    assert!(cat.iter().any(|e| e.name == "box" && e.sites.contains(&"box.com".to_owned())));
}
