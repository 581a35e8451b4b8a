#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `spec.identities`: partners (people whose work e-mail is on a partner
//! domain) get at most `partnerMaxRole` whatever the policies grant, and an
//! account matched to a person but on a domain that is neither the
//! company's nor a partner's is put up for review.

mod common;

use common::*;
use keyward_core::Action;
use keyward_core::grants::grants_of;

const CHAT: &str = "  roles: [guest, member, admin]
  defaultRole: member
  correlate:
    - employeeId: {accountField: externalId}
    - email: {}
  identities:
    internalDomains: [example.com]
    partnerDomains: [design-studio.jp]
    partnerMaxRole: guest";

fn set() -> keyward_core::PolicySet {
    policy(&format!("{}{}", app("chat", CHAT), access("everyone", "{}", "[{app: chat, role: member}]")))
}

#[test]
fn a_partner_gets_at_most_the_partner_role_whatever_the_policies_grant() {
    let set = set();
    let staff = person("E1", "staff@example.com", "開発本部");
    let partner = person("E2", "ryo@design-studio.jp", "開発本部");
    let mut hired = person("E3", "kana@design-studio.jp", "開発本部");
    hired.email = Some("kana@design-studio.jp".into());
    let ppl = people(vec![staff, partner, hired]);
    // E3 already has an account as a member: it is lowered to guest.
    let mut existing = account("kana@design-studio.jp");
    existing.role = Some("member".into());
    let plan = plan_on(&set, &ppl, vec![("chat", vec![existing])], today());

    let create_staff = find(&plan, Action::Create, "staff@example.com");
    assert!(!create_staff.reason.contains("lowered"), "{}", create_staff.reason);
    let partner_create = find(&plan, Action::Create, "ryo@design-studio.jp");
    assert!(
        partner_create.reason.contains("member lowered to guest for a partner's address"),
        "{}",
        partner_create.reason
    );
    assert_eq!(partner_create.role.as_ref().map(|r| r.to.as_str()), Some("guest"));
    let update = find(&plan, Action::Update, "kana@design-studio.jp");
    let role = update.role.as_ref().expect("a role change");
    assert_eq!((role.from.as_deref(), role.to.as_str()), (Some("member"), "guest"));

    // explain and keyward test see the same role.
    let i = ppl.find("E2").unwrap();
    assert_eq!(grants_of(&set, &ppl, i, today()).unwrap().grant("chat").unwrap().role.as_deref(), Some("guest"));
    let i = ppl.find("E1").unwrap();
    assert_eq!(grants_of(&set, &ppl, i, today()).unwrap().grant("chat").unwrap().role.as_deref(), Some("member"));
}

#[test]
fn an_account_on_a_private_domain_is_reviewed_once() {
    let set = set();
    let ppl = people(vec![person("E1", "staff@example.com", "開発本部")]);
    // Matched by employee number, but the account's address is private.
    let mut private = account("staff.private@gmail.com");
    private.external_id = Some("E1".into());
    let plan = plan_on(&set, &ppl, vec![("chat", vec![private])], today());
    let reviews: Vec<_> = plan.changes.iter().filter(|c| c.action == Action::Review).collect();
    assert_eq!(reviews.len(), 1, "{:?}", actions(&plan));
    assert!(
        reviews[0].reason.contains("`gmail.com` is neither the company's nor a partner's"),
        "{}",
        reviews[0].reason
    );
    assert_eq!(reviews[0].person.as_ref().map(|p| p.id.to_string()), Some("E1".to_owned()));

    // Internal and partner domains are not flagged.
    let ppl = people(vec![person("E1", "staff@example.com", "開発本部")]);
    let plan = plan_on(&set, &ppl, vec![("chat", vec![account("staff@example.com")])], today());
    assert!(plan.changes.iter().all(|c| c.action != Action::Review), "{:?}", actions(&plan));
}

#[test]
fn a_partner_role_outside_the_roles_or_a_domain_in_both_lists_is_refused() {
    let bad = CHAT
        .replace("partnerMaxRole: guest", "partnerMaxRole: visitor")
        .replace("partnerDomains: [design-studio.jp]", "partnerDomains: [design-studio.jp, example.com]");
    let text = format!("{}{}", app("chat", &bad), access("everyone", "{}", "[{app: chat}]"));
    let Err(err) = keyward_core::PolicySet::load(
        "policies",
        vec![keyward_core::SourceFile {
            path: "policies/p.yaml".into(),
            text: format!("{}---\n{text}", common::PEOPLE_SOURCE),
        }],
    ) else {
        panic!("the policy is refused")
    };
    let all: Vec<String> = err.0.iter().map(ToString::to_string).collect();
    assert!(all.iter().any(|d| d.contains("`visitor` is not one of the app's roles")), "{all:?}");
    assert!(
        all.iter().any(|d| d.contains("`example.com` is listed as both an internal and a partner domain")),
        "{all:?}"
    );
}
