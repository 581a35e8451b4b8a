#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! `spec.connector.http` as a policy: a bad definition is refused at the
//! file, line and column of the field, with how to fix it, before anything
//! is sent to the app; a good one tells the plan what the app can change.

mod common;

use common::*;
use keyward_core::PolicySet;

/// The connector starts on line 6 of the file.
fn app(http: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: tool}}\nspec:\n  connector:\n    http:\n{http}{extra_spec}---\n"
    )
}

fn load(app: &str) -> Result<PolicySet, String> {
    load_file("policies/tool.yaml", format!("{app}{PEOPLE_SOURCE}"))
}

fn refused(app: &str) -> String {
    match load(app) {
        Ok(_) => panic!("loaded:\n{app}"),
        Err(e) => e,
    }
}

const BASE: &str = "      baseUrl: https://api.example.com/v1\n      auth: {bearer: {token: {env: TOOL_TOKEN}}}\n";

const LISTING: &str = "      accounts:\n        request: {path: /users}\n        records: $.users\n        fields: {id: $.id, email: $.email}\n";

#[test]
fn a_read_only_definition_loads() {
    let set = load(&app(&format!("{BASE}{LISTING}"), "")).unwrap();
    let h = set.applications[0].spec.connector.http.as_ref().unwrap();
    assert_eq!(h.accounts.records, "$.users");
}

#[test]
fn a_query_that_is_not_jsonpath_is_refused_at_its_place() {
    let listing = "      accounts:\n        request: {path: /users}\n        records: users[\n        fields: {id: $.id, email: '$..['}\n";
    let e = refused(&app(&format!("{BASE}{listing}"), ""));
    assert!(e.contains("policies/tool.yaml:11:18: error: `users[` is not a JSONPath query (RFC 9535)"), "{e}");
    assert!(e.contains("write a query from the root `$`"), "{e}");
    assert!(e.contains("policies/tool.yaml:12:35:"), "{e}");
}

#[test]
fn unknown_placeholders_and_bodies_that_are_not_json_are_refused() {
    let changes = "      changes:\n        suspend:\n          path: /users/{{account.idd}}\n          body: '{\"active\": false,}'\n        restore:\n          path: /users/{{account.id}}\n          body: '{\"active\": \"{{cursor}}\"}'\n        create:\n          path: /users\n          body: '{\"email\": \"{{person.email}}\"}'\n          id: $.id\n          conflict: {find: {path: /users, query: {email: \"{{person.email}}\"}}}\n";
    let e = refused(&app(&format!("{BASE}{LISTING}{changes}"), ""));
    assert!(
        e.contains("policies/tool.yaml:15:17: error: `{{account.idd}}` is not a placeholder this request can fill"),
        "{e}"
    );
    assert!(e.contains("did you mean `account.id`?"), "{e}");
    assert!(e.contains("policies/tool.yaml:16:17: error: the body is not valid JSON"), "{e}");
    assert!(e.contains("`{{cursor}}` is not a placeholder this request can fill"), "{e}");
}

#[test]
fn a_missing_write_the_lifecycle_needs_is_refused_unless_left_to_a_human() {
    let changes = "      changes:\n        create:\n          path: /users\n          body: '{\"email\": \"{{person.email}}\"}'\n          id: $.id\n          conflict: {find: {path: /users, query: {email: \"{{person.email}}\"}}}\n        suspend: {path: '/users/{{account.id}}', body: '{\"active\": false}'}\n        restore: {path: '/users/{{account.id}}', body: '{\"active\": true}'}\n";
    let e = refused(&app(&format!("{BASE}{LISTING}{changes}"), "  lifecycle: {offboarding: {deleteAfter: 30d}}\n"));
    assert!(e.contains("policies/tool.yaml:14:9:"), "{e}");
    assert!(e.contains("describes changes but no `delete`"), "{e}");
    assert!(e.contains("list `delete` under `changes.manual`"), "{e}");
    let manual = format!("{changes}        manual: [delete]\n");
    load(&app(&format!("{BASE}{LISTING}{manual}"), "  lifecycle: {offboarding: {deleteAfter: 30d}}\n")).unwrap();
}

#[test]
fn a_create_without_conflict_handling_is_refused() {
    let changes = "      changes:\n        create: {path: /users, body: '{\"email\": \"{{person.email}}\"}', id: $.id}\n        manual: [suspend]\n";
    let e = refused(&app(&format!("{BASE}{LISTING}{changes}"), ""));
    assert!(e.contains("a retry would make a second account"), "{e}");
}

#[test]
fn credentials_in_headers_two_auths_and_bad_paging_are_refused() {
    let base = "      baseUrl: http://api.example.com\n      auth: {bearer: {token: {env: T}}, basic: {username: u, password: {env: P}}}\n      headers: {X-Api-Key: abc}\n";
    let listing = "      accounts:\n        request: {path: users}\n        records: $.users\n        paging: {cursor: {from: $.next}}\n        fields: {id: $.id, email: $.email}\n";
    let e = refused(&app(&format!("{base}{listing}"), ""));
    assert!(e.contains("policies/tool.yaml:7:"), "{e}");
    assert!(e.contains("set exactly one way to authenticate"), "{e}");
    assert!(e.contains("`X-Api-Key` looks like a credential"), "{e}");
    assert!(e.contains("`users` is not a path under `baseUrl`"), "{e}");
    assert!(e.contains("say how the cursor is sent back"), "{e}");
}

#[test]
fn a_misspelled_field_of_the_create_request_is_not_said_to_allow_nothing() {
    // `create` shares its request fields with every other request (serde's
    // `flatten`), whose unknown-field message lists no names: the help said
    // "nothing may be set here", which is wrong.
    let changes = "      changes:\n        create:\n          path: /users\n          acept: [201]\n          id: $.id\n          conflict: {find: {path: /users}}\n        manual: [suspend]\n";
    let e = refused(&app(&format!("{BASE}{LISTING}{changes}"), ""));
    assert!(e.contains("unknown field `acept`"), "{e}");
    assert!(!e.contains("nothing may be set here"), "{e}");
    assert!(e.contains("keyward schema"), "{e}");
}

#[test]
fn a_lookup_must_send_the_address_and_fill_nothing_else() {
    let listing = "      accounts:\n        request: {path: /users}\n        records: $.users\n        lookup: {path: '/users/{{person.email}}'}\n        fields: {id: $.id, email: $.email}\n";
    let e = refused(&app(&format!("{BASE}{listing}"), ""));
    assert!(e.contains("`{{person.email}}` is not a placeholder this request can fill"), "{e}");
    assert!(e.contains("the lookup does not send the e-mail"), "{e}");
}

#[test]
fn a_header_value_no_request_can_carry_is_refused_at_its_place() {
    // Before, it loaded and the connector failed when built, with an
    // "internal error" quoting the value and naming no file.
    let base = format!("{BASE}      headers: {{Api-Version: \"2024\\n-01\"}}\n");
    let e = refused(&app(&format!("{base}{LISTING}"), ""));
    assert!(e.contains("policies/tool.yaml:9:30:"), "{e}");
    assert!(e.contains("the value of header `Api-Version` cannot be sent"), "{e}");
}
