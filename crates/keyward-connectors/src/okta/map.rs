//! What the Okta connector makes of Okta's JSON: a user as an account, a
//! group's kind, Okta's error body, and the search expressions it sends.

use keyward_core::account::{Account, AccountStatus, Text};
use serde_json::Value;

/// An Okta user as an account, with the names of the groups it is in.
/// `None` without an `id`. Okta's status is kept as `oktaStatus`, so
/// correlators and reports can tell SUSPENDED from DEPROVISIONED.
pub(crate) fn user_account(user: &Value, groups: Vec<Text>) -> Option<Account> {
    let mut a = Account::new(text(user, "id")?);
    let profile = user.get("profile").unwrap_or(&Value::Null);
    a.username = text(profile, "login").map(Text::from);
    a.email = text(profile, "email").map(Text::from);
    a.display_name = text(profile, "displayName").map(Text::from).or_else(|| {
        let parts: Vec<&str> = ["firstName", "lastName"].iter().filter_map(|k| text(profile, k)).collect();
        (!parts.is_empty()).then(|| Text::from(parts.join(" ").as_str()))
    });
    a.external_id = text(profile, "employeeNumber").map(Text::from);
    let status = text(user, "status").unwrap_or("");
    a.status = status_of(status);
    if !status.is_empty() {
        a.attributes.insert("oktaStatus".to_owned(), status.to_owned());
    }
    a.last_active = text(user, "lastLogin").and_then(utc_day);
    a.created = text(user, "created").and_then(utc_day);
    a.groups = groups;
    a.groups.sort();
    a.groups.dedup();
    Some(a)
}

/// The UTC day of an RFC 3339 time (`2026-04-01T09:00:00Z`).
fn utc_day(t: &str) -> Option<jiff::civil::Date> {
    t.parse::<jiff::Timestamp>().ok().map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// Okta's user status as keyward's. An unknown status counts as active:
/// an account that may still sign in must not look shut.
pub(crate) fn status_of(status: &str) -> AccountStatus {
    match status {
        "STAGED" | "PROVISIONED" => AccountStatus::Invited,
        "SUSPENDED" | "DEPROVISIONED" => AccountStatus::Suspended,
        _ => AccountStatus::Active,
    }
}

/// A group's id, name (`profile.name`) and type (`OKTA_GROUP`,
/// `APP_GROUP`, `BUILT_IN`).
pub(crate) fn group(g: &Value) -> Option<(String, String, String)> {
    let name = g.get("profile").and_then(|p| text(p, "name"))?;
    Some((text(g, "id")?.to_owned(), name.to_owned(), text(g, "type").unwrap_or("OKTA_GROUP").to_owned()))
}

/// `value` as an Okta expression string literal: quoted, with `\` and
/// `"` escaped, so an address cannot end the literal and add a clause.
pub(crate) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

/// The search for the users whose login or e-mail is one of `addresses`.
pub(crate) fn search_by_address(addresses: &[&str]) -> String {
    addresses
        .iter()
        .map(|a| format!("profile.login eq {q} or profile.email eq {q}", q = quoted(a)))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Okta's error body (`errorCode`, `errorSummary`, and each
/// `errorCauses[].errorSummary`) as one line, `None` when the body is
/// not Okta's.
pub(crate) fn error_text(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let summary = text(&v, "errorSummary")?;
    let mut out = match text(&v, "errorCode") {
        Some(code) => format!("Okta error {code}: {summary}"),
        None => format!("Okta error: {summary}"),
    };
    let causes: Vec<&str> = v
        .get("errorCauses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| text(c, "errorSummary"))
        .collect();
    if !causes.is_empty() {
        out.push_str(&format!(" ({})", causes.join("; ")));
    }
    Some(out)
}

/// Whether an error body says the login is taken: Okta's 400 E0000001
/// ("Api validation failed: login") with a cause about `login`.
pub(crate) fn login_taken(body: &[u8]) -> bool {
    let Ok(v) = serde_json::from_slice::<Value>(body) else { return false };
    text(&v, "errorCode") == Some("E0000001")
        && v.get("errorCauses").and_then(Value::as_array).into_iter().flatten().any(|c| {
            text(c, "errorSummary").is_some_and(|s| {
                let s = s.to_ascii_lowercase();
                s.contains("login") && s.contains("already exists")
            })
        })
}

/// A string field, `None` when absent or blank.
pub(crate) fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    #[test]
    fn a_user_becomes_an_account_with_okta_status_kept() {
        let u = json!({
            "id": "00u1", "status": "DEPROVISIONED", "lastLogin": "2026-02-27T23:30:00.000Z",
            "created": "2019-04-01T00:12:00.000Z",
            "profile": {"login": "hanako@example.com", "email": "hanako@example.com", "firstName": "花子",
                        "lastName": "山田", "employeeNumber": "E042"}
        });
        let a = user_account(&u, vec!["b".into(), "a".into()]).unwrap();
        assert_eq!(a.status, AccountStatus::Suspended);
        assert_eq!(a.attributes["oktaStatus"], "DEPROVISIONED");
        assert_eq!(a.display_name.as_deref(), Some("花子 山田"));
        assert_eq!(a.external_id.as_deref(), Some("E042"));
        assert_eq!(a.last_active.unwrap().to_string(), "2026-02-27");
        assert_eq!(a.created.unwrap().to_string(), "2019-04-01", "Okta's `created`");
        assert_eq!(a.groups, vec!["a", "b"]);
        assert!(user_account(&json!({"profile": {}}), vec![]).is_none());
        for (s, want) in [
            ("ACTIVE", AccountStatus::Active),
            ("PASSWORD_EXPIRED", AccountStatus::Active),
            ("LOCKED_OUT", AccountStatus::Active),
            ("RECOVERY", AccountStatus::Active),
            ("STAGED", AccountStatus::Invited),
            ("PROVISIONED", AccountStatus::Invited),
            ("SUSPENDED", AccountStatus::Suspended),
        ] {
            assert_eq!(status_of(s), want, "{s}");
        }
    }

    #[test]
    fn search_literals_cannot_be_escaped() {
        assert_eq!(quoted(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(
            search_by_address(&["x@example.com"]),
            r#"profile.login eq "x@example.com" or profile.email eq "x@example.com""#
        );
    }

    #[test]
    fn okta_error_bodies_are_read() {
        let body = br#"{"errorCode":"E0000001","errorSummary":"Api validation failed: login","errorLink":"E0000001","errorId":"oae1","errorCauses":[{"errorSummary":"login: An object with this field already exists in the current organization"}]}"#;
        assert_eq!(
            error_text(body).unwrap(),
            "Okta error E0000001: Api validation failed: login (login: An object with this field already exists in the current organization)"
        );
        assert!(login_taken(body));
        assert!(!login_taken(
            br#"{"errorCode":"E0000001","errorCauses":[{"errorSummary":"email: Does not match required pattern"}]}"#
        ));
        assert_eq!(error_text(b"<html>"), None);
    }
}
