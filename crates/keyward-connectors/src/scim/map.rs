//! SCIM resources (RFC 7643) to and from keyward's accounts.

use std::collections::BTreeMap;

use keyward_core::account::{Account, AccountStatus, Text};
use serde_json::{Map, Value, json};

pub(crate) const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub(crate) const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub(crate) const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// A string attribute, `None` when absent or blank.
pub(crate) fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// The resource's `id`, as sent (some servers send numbers).
pub(crate) fn id(v: &Value) -> Option<String> {
    match v.get("id")? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `active`, which RFC 7643 makes optional (absent means active, as far as
/// keyward can tell). Some servers send it as a string.
pub(crate) fn is_active(v: &Value) -> bool {
    match v.get("active") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.trim().eq_ignore_ascii_case("false"),
        _ => true,
    }
}

/// The primary value of a multi-valued attribute, else the first.
fn primary_value<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    let items = v.get(key)?.as_array()?;
    let primary = items.iter().find(|i| i.get("primary").is_some_and(|p| p == &Value::Bool(true) || p == "true"));
    primary.into_iter().chain(items.iter()).find_map(|i| text(i, "value"))
}

/// The role keyward compares with the policy: the primary role, else the first.
pub(crate) fn role(v: &Value) -> Option<&str> {
    primary_value(v, "roles")
}

/// The version to send back in `If-Match`: `meta.version`, else the
/// response's `ETag` header.
pub(crate) fn etag<'a>(resource: &'a Value, header: Option<&'a str>) -> Option<&'a str> {
    resource.get("meta").and_then(|m| text(m, "version")).or(header.map(str::trim).filter(|h| !h.is_empty()))
}

/// A SCIM User as an account; `groups` are the display names of the
/// groups listing it as a member. `None` without an id.
pub(crate) fn account(user: &Value, groups: Vec<Text>) -> Option<Account> {
    let mut a = Account::new(id(user)?);
    let user_name = text(user, "userName");
    a.username = user_name.map(Text::from);
    a.email = primary_value(user, "emails").or(user_name.filter(|u| u.contains('@'))).map(Text::from);
    let name = user.get("name").unwrap_or(&Value::Null);
    a.display_name = text(user, "displayName")
        .map(str::to_owned)
        .or_else(|| text(name, "formatted").map(str::to_owned))
        .or_else(|| {
            let parts: Vec<&str> = [text(name, "givenName"), text(name, "familyName")].into_iter().flatten().collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })
        .map(Text::from);
    a.external_id = text(user, "externalId").map(Text::from);
    a.status = if is_active(user) { AccountStatus::Active } else { AccountStatus::Suspended };
    a.role = role(user).map(Text::from);
    // RFC 7643 §3.1 `meta.created`, as its UTC day.
    a.created = user
        .get("meta")
        .and_then(|m| text(m, "created"))
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date());
    a.groups = groups;
    a.groups.sort();
    a.groups.dedup();
    if let Some(ext) = user.get(ENTERPRISE_SCHEMA) {
        let mut attributes = BTreeMap::new();
        for key in ["employeeNumber", "department"] {
            if let Some(v) = text(ext, key) {
                attributes.insert(key.to_owned(), v.to_owned());
            }
        }
        a.attributes = attributes;
    }
    Some(a)
}

/// The display names of the groups a User resource says it is in, for
/// servers without a `/Groups` endpoint.
pub(crate) fn own_groups(user: &Value) -> Vec<Text> {
    user.get("groups")
        .and_then(Value::as_array)
        .map(|gs| gs.iter().filter_map(|g| text(g, "display")).map(Text::from).collect())
        .unwrap_or_default()
}

/// The ids of a Group's members.
pub(crate) fn members(group: &Value) -> impl Iterator<Item = &str> {
    group.get("members").and_then(Value::as_array).into_iter().flatten().filter_map(|m| text(m, "value"))
}

/// What a new account is made of.
#[derive(Debug, Default)]
pub(crate) struct NewUser<'a> {
    pub user_name: &'a str,
    pub external_id: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub role: Option<&'a str>,
    /// Enterprise extension attributes, already chosen by the policy.
    pub enterprise: Map<String, Value>,
}

/// The body of `POST /Users`.
pub(crate) fn create_body(u: &NewUser<'_>) -> Value {
    let mut schemas = vec![json!(USER_SCHEMA)];
    let mut body = Map::new();
    body.insert("userName".to_owned(), json!(u.user_name));
    if let Some(x) = u.external_id {
        body.insert("externalId".to_owned(), json!(x));
    }
    if let Some(n) = u.display_name {
        body.insert("displayName".to_owned(), json!(n));
        body.insert("name".to_owned(), json!({ "formatted": n }));
    }
    if let Some(e) = u.email {
        body.insert("emails".to_owned(), json!([{ "value": e, "type": "work", "primary": true }]));
    }
    body.insert("active".to_owned(), json!(true));
    if let Some(r) = u.role {
        body.insert("roles".to_owned(), roles(r));
    }
    if !u.enterprise.is_empty() {
        schemas.push(json!(ENTERPRISE_SCHEMA));
        body.insert(ENTERPRISE_SCHEMA.to_owned(), Value::Object(u.enterprise.clone()));
    }
    body.insert("schemas".to_owned(), Value::Array(schemas));
    Value::Object(body)
}

/// `roles` holding one primary role.
pub(crate) fn roles(role: &str) -> Value {
    json!([{ "value": role, "primary": true }])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn maps_the_rfc_user() {
        let u = json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
            "id": "2819c223-7f76-453a-919d-413861904646",
            "externalId": "701984",
            "userName": "bjensen",
            "name": {"formatted": "Ms. Barbara J Jensen, III", "familyName": "Jensen", "givenName": "Barbara"},
            "emails": [
                {"value": "bjensen@home.example.com", "type": "home"},
                {"value": "bjensen@example.com", "type": "work", "primary": true}
            ],
            "active": false,
            "roles": [{"value": "member"}, {"value": "admin", "primary": true}],
            ENTERPRISE_SCHEMA: {"employeeNumber": "701984", "department": "Tour Operations", "costCenter": "4130"},
            "meta": {"version": "W/\"3694e05e9dff591\"", "created": "2010-01-23T04:56:22Z"}
        });
        let a = account(&u, vec!["b".into(), "a".into(), "b".into()]).unwrap();
        assert_eq!(a.id, "2819c223-7f76-453a-919d-413861904646");
        assert_eq!(a.username.as_deref(), Some("bjensen"));
        assert_eq!(a.email.as_deref(), Some("bjensen@example.com"));
        assert_eq!(a.display_name.as_deref(), Some("Ms. Barbara J Jensen, III"));
        assert_eq!(a.external_id.as_deref(), Some("701984"));
        assert_eq!(a.status, AccountStatus::Suspended);
        assert_eq!(a.role.as_deref(), Some("admin"));
        assert_eq!(a.groups, vec!["a", "b"]);
        assert_eq!(a.created.map(|d| d.to_string()).as_deref(), Some("2010-01-23"), "meta.created");
        assert_eq!(a.attributes.get("employeeNumber").map(String::as_str), Some("701984"));
        assert_eq!(a.attributes.get("department").map(String::as_str), Some("Tour Operations"));
        assert!(!a.attributes.contains_key("costCenter"));
        assert_eq!(etag(&u, Some("W/\"other\"")), Some("W/\"3694e05e9dff591\""));
    }

    #[test]
    fn falls_back_for_sparse_users() {
        let a = account(
            &json!({"id": "1", "userName": "ann@example.com", "name": {"givenName": "Ann", "familyName": "Lee"}}),
            vec![],
        )
        .unwrap();
        assert_eq!(a.email.as_deref(), Some("ann@example.com"));
        assert_eq!(a.display_name.as_deref(), Some("Ann Lee"));
        assert_eq!(a.status, AccountStatus::Active);
        assert_eq!(a.role, None);
        let b = account(&json!({"id": "2", "userName": "bob", "emails": [{"value": "b@x.io"}], "roles": [{"value": "guest"}], "active": "False"}), vec![]).unwrap();
        assert_eq!(b.email.as_deref(), Some("b@x.io"));
        assert_eq!(b.role.as_deref(), Some("guest"));
        assert_eq!(b.status, AccountStatus::Suspended);
        assert_eq!(account(&json!({"id": "3", "userName": "carol"}), vec![]).unwrap().email, None);
        assert!(account(&json!({"userName": "no-id"}), vec![]).is_none());
    }

    #[test]
    fn etag_from_header_when_meta_has_none() {
        assert_eq!(etag(&json!({"id": "1"}), Some("W/\"7\"")), Some("W/\"7\""));
        assert_eq!(etag(&json!({"id": "1"}), None), None);
    }

    #[test]
    fn create_body_shape() {
        let mut enterprise = Map::new();
        enterprise.insert("employeeNumber".into(), json!("E1"));
        let b = create_body(&NewUser {
            user_name: "ann@example.com",
            external_id: Some("E1"),
            display_name: Some("Ann Lee"),
            email: Some("ann@example.com"),
            role: Some("member"),
            enterprise,
        });
        assert_eq!(
            b,
            json!({
                "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
                "userName": "ann@example.com",
                "externalId": "E1",
                "displayName": "Ann Lee",
                "name": {"formatted": "Ann Lee"},
                "emails": [{"value": "ann@example.com", "type": "work", "primary": true}],
                "active": true,
                "roles": [{"value": "member", "primary": true}],
                ENTERPRISE_SCHEMA: {"employeeNumber": "E1"}
            })
        );
    }
}
