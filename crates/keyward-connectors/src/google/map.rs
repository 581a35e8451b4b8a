//! Directory API users as keyward accounts, and the parts of a new user
//! keyward makes up (the name split, the initial password).

use keyward_core::account::{Account, AccountStatus, Text};
use keyward_core::resources::NameOrder;
use serde_json::Value;

use crate::ConnectorError;
use crate::http::Secret;

/// A string field, `None` when absent or blank.
pub(crate) fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

pub(crate) fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The employee number: the `externalIds` entry of type `organization`,
/// where the Admin console's "Employee ID" lives.
pub(super) fn employee_id(user: &Value) -> Option<&str> {
    user.get("externalIds")
        .and_then(Value::as_array)?
        .iter()
        .find(|x| text(x, "type").is_some_and(|t| t.eq_ignore_ascii_case("organization")))
        .and_then(|x| text(x, "value"))
}

/// The primary organization (or the first one): department and title.
fn organization(user: &Value) -> Option<&Value> {
    let orgs = user.get("organizations").and_then(Value::as_array)?;
    orgs.iter().find(|o| flag(o, "primary")).or_else(|| orgs.first())
}

/// `lastLoginTime`; `None` for never, which Google writes as the epoch.
pub(super) fn last_sign_in(user: &Value) -> Option<jiff::Timestamp> {
    let t: jiff::Timestamp = text(user, "lastLoginTime")?.parse().ok()?;
    (t.as_second() > 0).then_some(t)
}

/// The day of the last sign-in.
fn last_login(user: &Value) -> Option<jiff::civil::Date> {
    last_sign_in(user).map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// One user as an account. Suspended and archived users are both
/// suspended accounts: neither can sign in, and an archived user keeps
/// its data on a cheaper licence, exactly what suspending is for.
pub(crate) fn account(user: &Value, role: Option<String>, groups: Vec<Text>) -> Option<Account> {
    let mut a = Account::new(text(user, "id")?);
    let email = text(user, "primaryEmail")?;
    a.email = Some(Text::from(email));
    a.username = Some(Text::from(email));
    a.display_name = user.pointer("/name/fullName").and_then(Value::as_str).map(str::trim).map(Text::from);
    a.external_id = employee_id(user).map(Text::from);
    a.status = if flag(user, "suspended") || flag(user, "archived") {
        AccountStatus::Suspended
    } else {
        AccountStatus::Active
    };
    a.role = role.map(Text::from);
    a.groups = groups;
    a.groups.sort();
    a.groups.dedup();
    a.last_active = last_login(user);
    a.created = text(user, "creationTime")
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date());
    if let Some(org) = organization(user) {
        for key in ["department", "title"] {
            if let Some(v) = text(org, key) {
                a.attributes.insert(key.to_owned(), v.to_owned());
            }
        }
    }
    if let Some(ou) = text(user, "orgUnitPath") {
        a.attributes.insert("orgUnitPath".to_owned(), ou.to_owned());
    }
    if flag(user, "isAdmin") {
        a.attributes.insert("isAdmin".to_owned(), "true".to_owned());
    }
    Some(a)
}

/// Google's `givenName` and `familyName` from a full name; both are
/// required and at most 60 characters. A single word fills both, since
/// Google refuses an empty one.
pub(crate) fn split_name(full: &str, order: NameOrder) -> (String, String) {
    let words: Vec<&str> = full.split_whitespace().collect();
    let (given, family) = match (words.as_slice(), order) {
        ([], _) => (String::new(), String::new()),
        ([one], _) => ((*one).to_owned(), (*one).to_owned()),
        ([rest @ .., last], NameOrder::GivenFirst) => (rest.join(" "), (*last).to_owned()),
        ([first, rest @ ..], NameOrder::FamilyFirst) => (rest.join(" "), (*first).to_owned()),
    };
    let cut = |s: String| s.chars().take(60).collect::<String>();
    (cut(given), cut(family))
}

/// A random initial password the user must change at first sign-in: 24
/// characters from 64 (144 bits), within Google's 8 to 100 ASCII
/// characters. Nobody ever sees it; the user gets in through a reset by
/// an admin or single sign-on.
pub(super) fn initial_password() -> Result<Secret, ConnectorError> {
    const ALL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-!";
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| {
        ConnectorError::Internal(format!("the operating system gave no random bytes for a password: {e}"))
    })?;
    Ok(Secret::new(bytes.iter().map(|b| ALL[usize::from(*b & 63)] as char).collect::<String>()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    #[test]
    fn names_split_in_the_order_the_hr_master_writes_them() {
        assert_eq!(split_name("Hanako Yamada", NameOrder::GivenFirst), ("Hanako".into(), "Yamada".into()));
        assert_eq!(split_name("Mary Ann  Smith", NameOrder::GivenFirst), ("Mary Ann".into(), "Smith".into()));
        // SmartHR joins family and given name with a (full-width) space.
        assert_eq!(split_name("山田\u{3000}花子", NameOrder::FamilyFirst), ("花子".into(), "山田".into()));
        assert_eq!(split_name("Cher", NameOrder::GivenFirst), ("Cher".into(), "Cher".into()));
    }

    #[test]
    fn archived_users_are_suspended_and_admins_are_marked() {
        let u = json!({
            "id": "1", "primaryEmail": "a@example.com", "archived": true, "isAdmin": true,
            "externalIds": [{"type": "custom", "customType": "x", "value": "no"}, {"type": "organization", "value": "E1"}],
            "organizations": [{"department": "Old"}, {"department": "Sales", "title": "Lead", "primary": true}],
            "lastLoginTime": "1970-01-01T00:00:00.000Z", "creationTime": "2021-04-01T00:30:00.000Z"
        });
        let a = account(&u, None, vec![]).unwrap();
        assert_eq!(a.status, AccountStatus::Suspended);
        assert_eq!(a.external_id.as_deref(), Some("E1"));
        assert_eq!(a.attributes.get("department").map(String::as_str), Some("Sales"));
        assert_eq!(a.attributes.get("isAdmin").map(String::as_str), Some("true"));
        assert_eq!(a.last_active, None, "the epoch means never signed in");
        assert_eq!(a.created.map(|d| d.to_string()).as_deref(), Some("2021-04-01"), "creationTime");
    }

    #[test]
    fn passwords_differ_and_fit_googles_rules() {
        let a = initial_password().unwrap();
        let b = initial_password().unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 24);
        assert!(a.expose().is_ascii());
    }
}
