//! Reading the organisation: members, roles, teams and invitations across `Link` pages,
//! a listing that fails or does not add up refused, and finding one person.

use crate::support::{
    ORG, TOKEN, assert_no_token, bot, by_id, gh_error, invitation, members_path, ok, paged, setup, setup_with,
    small_org, team, user,
};
use keyward_connectors::{Connector, ConnectorError, PersonKeys};
use keyward_core::account::AccountStatus;
use serde_json::json;

#[tokio::test]
async fn members_roles_teams_and_invitations_are_listed_across_pages() {
    let s = setup().await;
    let members = members_path();
    s.first_page(&members, &[("role", "admin"), ("per_page", "100")], ok(json!([user(1, "octo-owner")]))).await;
    // GitHub's next links point at the organisation by id, not by login.
    let org_by_id = "/organizations/9/members";
    let next = s.link(&[
        (&format!("{org_by_id}?role=member&per_page=100&page=2"), "next"),
        (&format!("{org_by_id}?role=member&per_page=100&page=2"), "last"),
    ]);
    s.first_page(
        &members,
        &[("role", "member"), ("per_page", "100")],
        paged(json!([user(11, "ann-lee"), bot(12, "deploy-bot")]), next),
    )
    .await;
    let prev = s.link(&[(&format!("{org_by_id}?role=member&per_page=100&page=1"), "prev")]);
    s.page(org_by_id, 2, &[("role", "member"), ("per_page", "100")], paged(json!([user(13, "bob")]), prev)).await;

    let invitations = format!("/orgs/{ORG}/invitations");
    let next = s.link(&[
        (&format!("{invitations}?per_page=100&page=2"), "next"),
        (&format!("{invitations}?per_page=100&page=2"), "last"),
    ]);
    s.first_page(
        &invitations,
        &[("per_page", "100")],
        paged(json!([invitation(501, Some("carol"), None, "admin", 0)]), next),
    )
    .await;
    s.page(
        &invitations,
        2,
        &[("per_page", "100")],
        ok(json!([
            invitation(502, None, Some("dave@example.com"), "direct_member", 1),
            invitation(503, None, Some("billing@example.com"), "billing_manager", 0),
        ])),
    )
    .await;
    s.stub("GET", &format!("{invitations}/502/teams"), ok(json!([team(71, "platform")]))).await;

    let teams = format!("/orgs/{ORG}/teams");
    s.first_page(&teams, &[("per_page", "100")], ok(json!([team(71, "platform"), team(72, "sre")]))).await;
    let platform = format!("/orgs/{ORG}/teams/platform/members");
    let next = s.link(&[
        (&format!("{platform}?per_page=100&page=2"), "next"),
        (&format!("{platform}?per_page=100&page=2"), "last"),
    ]);
    s.first_page(&platform, &[("per_page", "100")], paged(json!([user(11, "ann-lee")]), next)).await;
    s.page(&platform, 2, &[("per_page", "100")], ok(json!([user(13, "bob"), user(1, "octo-owner")]))).await;
    s.first_page(&format!("/orgs/{ORG}/teams/sre/members"), &[("per_page", "100")], ok(json!([user(11, "ann-lee")])))
        .await;

    let listing = s.gh.list().await.unwrap();
    let a = &listing.accounts;
    let ids: Vec<&str> = a.iter().map(|x| x.id.as_str()).collect();
    // Every member once, both invitations to membership, no billing manager.
    assert_eq!(ids, ["1", "11", "12", "13", "invitation:501", "invitation:502"]);

    let owner = by_id(a, "1");
    assert_eq!((owner.username.as_deref(), owner.role.as_deref()), (Some("octo-owner"), Some("admin")));
    assert_eq!(owner.groups, vec!["platform"]);
    let ann = by_id(a, "11");
    assert_eq!((ann.role.as_deref(), ann.status, ann.bot), (Some("member"), AccountStatus::Active, false));
    assert_eq!(ann.groups, vec!["platform", "sre"]);
    assert!(by_id(a, "12").bot);
    assert_eq!(by_id(a, "13").username.as_deref(), Some("bob"));

    let carol = by_id(a, "invitation:501");
    assert_eq!(
        (carol.status, carol.username.as_deref(), carol.role.as_deref()),
        (AccountStatus::Invited, Some("carol"), Some("admin"))
    );
    let dave = by_id(a, "invitation:502");
    assert_eq!((dave.username.as_deref(), dave.email.as_deref()), (None, Some("dave@example.com")));
    assert_eq!(dave.groups, vec!["platform"]);

    let caps = listing.capabilities;
    assert!(caps.create && caps.update && caps.suspend && caps.restore && caps.delete && caps.groups);
    assert!(!caps.transfer);

    // Every request carries what GitHub asks for, and each page was read once.
    let all = s.requests().await;
    assert_eq!(all.len(), 10, "{:#?}", all.iter().map(|r| r.url.to_string()).collect::<Vec<_>>());
    for r in &all {
        let h = |n: &str| r.headers.get(n).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert_eq!(h("authorization"), format!("Bearer {TOKEN}"), "{}", r.url);
        assert_eq!(h("accept"), "application/vnd.github+json", "{}", r.url);
        assert_eq!(h("x-github-api-version"), "2022-11-28", "{}", r.url);
        assert!(h("user-agent").starts_with("keyward/"), "{}", r.url);
        assert_eq!(
            r.url.query_pairs().find(|(k, _)| k == "per_page").map(|(_, v)| v.into_owned()).as_deref(),
            Some("100"),
            "{}",
            r.url
        );
    }
}

#[tokio::test]
async fn with_teams_off_no_team_is_read_and_groups_are_not_a_capability() {
    let s = setup_with(", teams: false").await;
    s.first_page(&members_path(), &[("role", "admin")], ok(json!([]))).await;
    s.first_page(&members_path(), &[("role", "member")], ok(json!([user(11, "ann-lee")]))).await;
    s.stub(
        "GET",
        &format!("/orgs/{ORG}/invitations"),
        ok(json!([invitation(5, None, Some("x@example.com"), "direct_member", 2)])),
    )
    .await;

    let listing = s.gh.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 2);
    assert!(!listing.capabilities.groups);
    assert!(s.requests().await.iter().all(|r| !r.url.path().contains("teams")));
}

#[tokio::test]
async fn a_failing_page_2_is_an_error_not_a_short_list() {
    let s = setup().await;
    let members = members_path();
    let next = s.link(&[(&format!("{members}?role=admin&per_page=100&page=2"), "next")]);
    s.first_page(&members, &[("role", "admin")], paged(json!([user(1, "octo-owner")]), next)).await;
    s.page(&members, 2, &[("role", "admin")], gh_error(502, "Server Error")).await;
    small_org(&s, vec![], vec![]).await;

    let e = s.gh.list().await.unwrap_err();
    match &e {
        ConnectorError::Http { call, status, problem, .. } => {
            assert_eq!(*status, Some(502));
            assert!(call.starts_with("GET ") && call.contains("page=2"), "{call}");
            assert!(problem.contains("Server Error"), "{problem}");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert_no_token(&e);
    // Retried as the shared policy says, then given up.
    let tries = s.requests().await.into_iter().filter(|r| r.url.query().is_some_and(|q| q.contains("page=2"))).count();
    assert_eq!(tries, 3);
}

#[tokio::test]
async fn a_next_link_pointing_back_is_partial() {
    let s = setup().await;
    let members = members_path();
    let first = format!("{members}?role=member&per_page=100");
    s.first_page(
        &members,
        &[("role", "member")],
        paged(json!([user(11, "ann")]), s.link(&[(&format!("{first}&page=2"), "next")])),
    )
    .await;
    s.page(
        &members,
        2,
        &[("role", "member")],
        paged(json!([user(12, "bob")]), s.link(&[(&format!("{first}&page=1"), "next")])),
    )
    .await;
    small_org(&s, vec![], vec![]).await;

    let e = s.gh.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("already read")), "{e}");
}

#[tokio::test]
async fn a_page_count_that_does_not_add_up_is_read_again_then_partial() {
    let s = setup().await;
    let members = members_path();
    let base = format!("{members}?role=member&per_page=100");
    let link = s.link(&[(&format!("{base}&page=2"), "next"), (&format!("{base}&page=3"), "last")]);
    s.first_page(&members, &[("role", "member")], paged(json!([user(11, "ann")]), link)).await;
    // Page 2 ends the listing although page 1 announced three pages.
    s.page(&members, 2, &[("role", "member")], ok(json!([user(12, "bob")]))).await;
    small_org(&s, vec![], vec![]).await;

    let e = s.gh.list().await.unwrap_err();
    let ConnectorError::Partial { why, .. } = &e else { panic!("expected Partial, got {e:?}") };
    assert!(why.contains("announced 3 pages") && why.contains("read again"), "{why}");
    let firsts = s
        .requests()
        .await
        .into_iter()
        .filter(|r| {
            r.url.path() == members
                && r.url.query_pairs().any(|(k, v)| k == "role" && v == "member")
                && !r.url.query_pairs().any(|(k, _)| k == "page")
        })
        .count();
    assert_eq!(firsts, 2, "the listing is read a second time before giving up");
}

#[tokio::test]
async fn someone_listed_as_owner_and_member_is_read_again_then_partial() {
    let s = setup().await;
    small_org(&s, vec![user(11, "ann")], vec![user(11, "ann")]).await;
    let e = s.gh.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("ann is listed both")), "{e}");
}

#[tokio::test]
async fn find_asks_for_each_login_and_matches_invitations_by_email() {
    let s = setup().await;
    s.stub(
        "GET",
        &format!("/orgs/{ORG}/memberships/annlee"),
        ok(json!({"state": "active", "role": "admin", "user": user(42, "AnnLee")})),
    )
    .await;
    s.stub("GET", &format!("/orgs/{ORG}/memberships/e0001"), gh_error(404, "Not Found")).await;
    s.stub(
        "GET",
        &format!("/orgs/{ORG}/invitations"),
        ok(json!([
            invitation(601, None, Some("Ann.Lee@example.com"), "direct_member", 0),
            invitation(602, None, Some("someone@example.com"), "direct_member", 0),
        ])),
    )
    .await;
    let keys = PersonKeys {
        ids: vec!["E0001".into()],
        emails: vec!["ann.lee@example.com".into()],
        user_names: vec!["@AnnLee".into(), "E0001".into(), "開発本部".into()],
    };
    let listing = s.gh.find(&keys).await.unwrap();
    let ids: Vec<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["42", "invitation:601"]);
    assert_eq!(listing.accounts[0].role.as_deref(), Some("admin"));
    // No member listing was read for one person.
    assert!(s.calls("GET", &members_path()).await.is_empty());
}
