//! GitHub's REST objects (as in github/rest-api-description) and the
//! accounts keyward makes of them.

use keyward_core::account::{Account, AccountStatus, Text};
use serde::Deserialize;

/// Prefix of the account id of a pending invitation, so apply can tell
/// it from a member (whose id is GitHub's numeric user id).
pub(crate) const INVITATION: &str = "invitation:";

/// `simple-user`: what member and team listings return per person.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct User {
    pub login: String,
    /// Stays the same when the user renames the account.
    pub id: u64,
    /// `User`, `Bot` or `Organization`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Only when the user made it public.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl User {
    fn is_bot(&self) -> bool {
        self.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("bot"))
    }
}

/// `organization-invitation`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Invitation {
    pub id: u64,
    /// `null` when the invitee has no GitHub account yet.
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// `direct_member`, `admin`, `billing_manager`, `hiring_manager` or
    /// `reinstate`.
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub team_count: u64,
}

impl Invitation {
    /// The organisation role accepting it gives, in the words the members
    /// listing uses; `None` for invitations that make no member (a billing
    /// manager is not one, and the members listing leaves them out too).
    pub(crate) fn member_role(&self) -> Option<&'static str> {
        match self.role.as_deref().unwrap_or("direct_member") {
            "admin" => Some("admin"),
            "direct_member" | "reinstate" => Some("member"),
            _ => None,
        }
    }
}

/// `team`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Team {
    pub id: u64,
    pub slug: String,
}

/// `org-membership`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Membership {
    /// `active` or `pending` (invited, not yet accepted).
    pub state: String,
    /// `admin`, `member` or `billing_manager`.
    pub role: String,
    pub user: Option<User>,
}

/// A member as an account: `role` is `admin` or `member`, `teams` the
/// slugs of the teams listing them.
pub(crate) fn member(user: &User, role: &str, teams: Vec<Text>) -> Account {
    let mut a = Account::new(user.id.to_string());
    a.username = Some(Text::from(user.login.as_str()));
    a.email = user.email.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(Text::from);
    a.display_name = user.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(Text::from);
    a.role = Some(Text::from(role));
    a.bot = user.is_bot();
    a.groups = sorted(teams);
    a
}

/// A pending invitation as an account, `None` for one that makes no
/// member.
pub(crate) fn invitation(inv: &Invitation, teams: Vec<Text>) -> Option<Account> {
    let role = inv.member_role()?;
    let mut a = Account::new(format!("{INVITATION}{}", inv.id));
    a.username = inv.login.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(Text::from);
    a.email = inv.email.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(Text::from);
    a.status = AccountStatus::Invited;
    a.role = Some(Text::from(role));
    a.groups = sorted(teams);
    Some(a)
}

fn sorted(mut v: Vec<Text>) -> Vec<Text> {
    v.sort();
    v.dedup();
    v
}

/// The invitation role to send for a policy role.
pub(crate) fn invitation_role(role: Option<&str>) -> Option<&'static str> {
    match role.map(str::trim) {
        None => Some("direct_member"),
        Some(r) if r.eq_ignore_ascii_case("member") => Some("direct_member"),
        Some(r) if r.eq_ignore_ascii_case("admin") => Some("admin"),
        Some(_) => None,
    }
}

/// The membership role to send for a policy role.
pub(crate) fn membership_role(role: &str) -> Option<&'static str> {
    let r = role.trim();
    if r.eq_ignore_ascii_case("member") {
        Some("member")
    } else if r.eq_ignore_ascii_case("admin") {
        Some("admin")
    } else {
        None
    }
}

/// An HR value that can be a GitHub login (`@` and surrounding blanks
/// dropped, as correlation does); other HR attributes are not asked about.
/// `_` is allowed for Enterprise Managed Users (`ann_example`).
pub(crate) fn as_login(value: &str) -> Option<&str> {
    let v = value.trim().trim_start_matches('@');
    let ok = !v.is_empty()
        && v.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        && !v.starts_with('-')
        && !v.ends_with('-');
    ok.then_some(v)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn invitations_that_make_no_member_are_no_account() {
        let inv = |role: &str| -> Invitation {
            serde_json::from_value(json!({"id": 7, "login": null, "email": "a@x.io", "role": role, "team_count": 0}))
                .unwrap()
        };
        assert_eq!(invitation(&inv("admin"), vec![]).unwrap().role.as_deref(), Some("admin"));
        assert_eq!(invitation(&inv("reinstate"), vec![]).unwrap().role.as_deref(), Some("member"));
        let a = invitation(&inv("direct_member"), vec![]).unwrap();
        assert_eq!((a.id.as_str(), a.status, a.username.clone()), ("invitation:7", AccountStatus::Invited, None));
        assert!(invitation(&inv("billing_manager"), vec![]).is_none());
    }

    #[test]
    fn only_what_can_be_a_login_is_looked_up() {
        assert_eq!(as_login(" @Ann-Lee "), Some("Ann-Lee"));
        assert_eq!(as_login("ann_example"), Some("ann_example"));
        for v in ["開発本部", "a b", "-x", "x-", "", "a@b.io"] {
            assert_eq!(as_login(v), None, "{v}");
        }
    }
}
