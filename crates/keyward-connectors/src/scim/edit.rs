//! One change to a SCIM resource, sent as a PATCH operation when the
//! server supports PATCH, or applied to the resource read before a PUT.
//! Each edit can also tell whether the resource already is as wanted, which
//! makes a rerun [`crate::Outcome::AlreadyDone`] instead of a second write.

use serde_json::{Value, json};

use super::filter;
use super::map;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Edit {
    /// Set `active`.
    Active(bool),
    /// Make this the one (primary) role.
    Role(String),
    /// Set `externalId`.
    ExternalId(String),
    /// Add a member (by id) to a group.
    AddMember(String),
    /// Remove a member (by id) from a group.
    RemoveMember(String),
}

impl Edit {
    /// `true` when `resource` already is as this edit wants.
    pub(crate) fn is_done(&self, resource: &Value) -> bool {
        match self {
            Self::Active(want) => map::is_active(resource) == *want,
            // Roles compare as the plan compares them: regardless of case.
            Self::Role(r) => map::role(resource).is_some_and(|cur| cur.eq_ignore_ascii_case(r)),
            Self::ExternalId(x) => map::text(resource, "externalId") == Some(x.as_str()),
            Self::AddMember(id) => map::members(resource).any(|m| m == id),
            Self::RemoveMember(id) => !map::members(resource).any(|m| m == id),
        }
    }

    /// The PATCH operation (RFC 7644 §3.5.2).
    pub(crate) fn patch_op(&self) -> Value {
        match self {
            Self::Active(a) => json!({"op": "replace", "path": "active", "value": a}),
            Self::Role(r) => json!({"op": "replace", "path": "roles", "value": map::roles(r)}),
            Self::ExternalId(x) => json!({"op": "replace", "path": "externalId", "value": x}),
            Self::AddMember(id) => json!({"op": "add", "path": "members", "value": [{"value": id}]}),
            Self::RemoveMember(id) => {
                json!({"op": "remove", "path": format!("members[value eq {}]", filter::quote(id))})
            }
        }
    }

    /// Applies the edit to a resource read from the server, for PUT.
    pub(crate) fn apply(&self, resource: &mut Value) {
        let Some(obj) = resource.as_object_mut() else { return };
        match self {
            Self::Active(a) => {
                obj.insert("active".to_owned(), json!(a));
            }
            Self::Role(r) => {
                obj.insert("roles".to_owned(), map::roles(r));
            }
            Self::ExternalId(x) => {
                obj.insert("externalId".to_owned(), json!(x));
            }
            Self::AddMember(id) => {
                let members = obj.entry("members").or_insert_with(|| json!([]));
                if !members.is_array() {
                    *members = json!([]);
                }
                if let Some(list) = members.as_array_mut()
                    && !list.iter().any(|m| map::text(m, "value") == Some(id.as_str()))
                {
                    list.push(json!({"value": id}));
                }
            }
            Self::RemoveMember(id) => {
                if let Some(list) = obj.get_mut("members").and_then(Value::as_array_mut) {
                    list.retain(|m| map::text(m, "value") != Some(id.as_str()));
                }
            }
        }
    }
}

/// The body of a PATCH carrying `edits`.
pub(crate) fn patch_body<'a>(edits: impl IntoIterator<Item = &'a Edit>) -> Value {
    let ops: Vec<Value> = edits.into_iter().map(Edit::patch_op).collect();
    json!({"schemas": [map::PATCH_SCHEMA], "Operations": ops})
}

/// The body of a PUT: the resource as read with `edits` applied, without
/// the attributes the server owns (`meta`, a User's `groups`), which strict
/// servers refuse to be sent.
pub(crate) fn put_body<'a>(current: &Value, edits: impl IntoIterator<Item = &'a Edit>) -> Value {
    let mut body = current.clone();
    for e in edits {
        e.apply(&mut body);
    }
    if let Some(obj) = body.as_object_mut() {
        obj.remove("meta");
        let is_user =
            obj.get("schemas").and_then(Value::as_array).is_some_and(|s| s.iter().any(|x| x == map::USER_SCHEMA));
        if is_user {
            obj.remove("groups");
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_ops_follow_rfc_7644() {
        assert_eq!(
            patch_body(&[Edit::Active(false), Edit::RemoveMember(r#"u"1"#.into())]),
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [
                    {"op": "replace", "path": "active", "value": false},
                    {"op": "remove", "path": r#"members[value eq "u\"1"]"#}
                ]
            })
        );
        assert_eq!(
            Edit::AddMember("u1".into()).patch_op(),
            json!({"op": "add", "path": "members", "value": [{"value": "u1"}]})
        );
    }

    #[test]
    fn done_checks() {
        let u = json!({"active": true, "roles": [{"value": "Member", "primary": true}], "externalId": "E1"});
        assert!(Edit::Active(true).is_done(&u));
        assert!(!Edit::Active(false).is_done(&u));
        assert!(Edit::Role("member".into()).is_done(&u));
        assert!(!Edit::Role("admin".into()).is_done(&u));
        assert!(Edit::ExternalId("E1".into()).is_done(&u));
        let g = json!({"displayName": "sales", "members": [{"value": "u1"}]});
        assert!(Edit::AddMember("u1".into()).is_done(&g));
        assert!(!Edit::AddMember("u2".into()).is_done(&g));
        assert!(Edit::RemoveMember("u2".into()).is_done(&g));
        assert!(Edit::AddMember("u1".into()).is_done(&g) && !Edit::RemoveMember("u1".into()).is_done(&g));
    }

    #[test]
    fn put_bodies_keep_the_resource_and_drop_server_attributes() {
        let u = json!({
            "schemas": [map::USER_SCHEMA], "id": "1", "userName": "ann", "active": true,
            "groups": [{"value": "g1"}], "meta": {"version": "W/\"1\""}
        });
        assert_eq!(
            put_body(&u, &[Edit::Active(false)]),
            json!({"schemas": [map::USER_SCHEMA], "id": "1", "userName": "ann", "active": false})
        );
        let g = json!({"id": "g1", "displayName": "sales", "members": [{"value": "u1"}, {"value": "u2"}]});
        assert_eq!(
            put_body(
                &g,
                &[Edit::RemoveMember("u1".into()), Edit::AddMember("u3".into()), Edit::AddMember("u2".into())]
            ),
            json!({"id": "g1", "displayName": "sales", "members": [{"value": "u2"}, {"value": "u3"}]})
        );
        let empty = json!({"id": "g2", "displayName": "new"});
        assert_eq!(put_body(&empty, &[Edit::AddMember("u1".into())])["members"], json!([{"value": "u1"}]));
    }
}
