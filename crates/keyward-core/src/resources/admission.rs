//! Admission-time validation: the CEL rules (`x-kubernetes-validations`)
//! the Kubernetes API server evaluates at `kubectl apply`, for what a
//! structural schema cannot say — exactly one of several fields, fields
//! that exclude each other, lists that must not be empty, dates in order,
//! role names among the same resource's `roles`.
//!
//! Each function here is a schemars `transform` named by one resource type
//! (`#[schemars(transform = admission::…)]`), so the rules sit in the same
//! generated schema as the fields they check; the rules are built with
//! kube's own `Rule` and added with `kube::core::validate`, the functions
//! kube's `KubeSchema` derive expands to. (That derive itself generates a
//! shadow copy of each struct and inlines its schema, which would rewrite the
//! editor JSON Schema's shared definitions; a transform changes nothing else.)
//!
//! These rules are a first line only: `keyward validate` and the compiler
//! check far more, with file, line and column. Every rule here must accept
//! whatever the compiler accepts.
//!
//! Cost: the API server estimates each rule's worst case and multiplies it
//! by how often the rule can run (the size of every list above it); a CRD
//! whose estimate is over the budget is refused. So every rule is a few
//! `has()` tests and comparisons, the lists above a rule carry `maxItems`,
//! and a rule that walks a list (`roles`) has that list and its strings
//! bounded (`maxItems`, `maxLength`) on the field itself.

use kube::core::{Message, Reason, Rule};
use schemars::Schema;

/// Most correlators an Application may list (a CEL rule runs on each).
pub const MAX_CORRELATORS: u32 = 16;
/// Most protect rules an Application may list (a CEL rule runs on each).
pub const MAX_PROTECT: u32 = 1000;
/// Most duties a SeparationOfDuties may list (a CEL rule runs on each).
pub const MAX_DUTIES: u32 = 50;
/// Most roles an Application may list; bounds the role-name rules' cost.
pub const MAX_ROLES: u32 = 100;
/// Longest role name, in characters; bounds the role-name rules' cost.
pub const MAX_ROLE_LEN: u32 = 256;

/// Adds `rules` to the schema node of the type being generated.
fn add(schema: &mut Schema, rules: impl IntoIterator<Item = Rule>) {
    for rule in rules {
        // `validate` fails only when a Rule cannot be serialized to JSON,
        // and a Rule is plain strings and a unit enum.
        #[allow(clippy::expect_used)]
        kube::core::validate(schema, rule).expect("a kube Rule always serializes to JSON");
    }
}

/// A rule holding when exactly one of `fields` is set; the message lists
/// them so the fix is in the refusal.
fn exactly_one(what: &str, fields: &[&str]) -> Rule {
    let count: Vec<String> = fields.iter().map(|f| format!("(has(self.{f}) ? 1 : 0)")).collect();
    let listed: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
    Rule::new(format!("{} == 1", count.join(" + "))).message(Message::Message(format!(
        "set exactly one {what}: one of {}; none or several are set",
        listed.join(", ")
    )))
}

/// A rule refusing an empty list `field`; a missing one is the structural
/// schema's business (`required`).
fn not_empty(field: &str, fix: &str) -> Rule {
    Rule::new(format!("!has(self.{field}) || size(self.{field}) > 0"))
        .message(Message::Message(format!("`{field}` is empty; {fix}")))
        .field_path(format!(".{field}"))
        .reason(Reason::FieldValueRequired)
}

/// `spec.connector`: exactly one connector kind.
pub(super) fn connector(schema: &mut Schema) {
    add(schema, [exactly_one("connector kind under `connector`", &super::ConnectorSpec::KINDS)]);
}

/// `spec` of a PeopleSource: exactly one source kind.
pub(super) fn people_source(schema: &mut Schema) {
    add(schema, [exactly_one("source kind under `spec`", &super::PeopleSourceSpec::KINDS)]);
}

/// CSV columns: a post field from one column or one column per post, not both
/// (what `compile` refuses as "both `department` and `departments` are set").
pub(super) fn people_columns(schema: &mut Schema) {
    let either = |one: &str, several: &str| {
        Rule::new(format!("!has(self.{one}) || !has(self.{several}) || size(self.{several}) == 0"))
            .message(Message::Message(format!(
                "both `{one}` and `{several}` are set; keep `{one}: COLUMN` for one column or `{several}: [COLUMN1, COLUMN2]` for a column per post, not both"
            )))
            .field_path(format!(".{several}"))
    };
    add(schema, [either("department", "departments"), either("title", "titles")]);
}

/// A secret: exactly one of where it is read from.
pub(super) fn secret_ref(schema: &mut Schema) {
    add(schema, [exactly_one("place to read the secret from", &["env", "file", "secret"])]);
}

/// The http connector's authentication: exactly one scheme.
pub(super) fn http_auth(schema: &mut Schema) {
    add(schema, [exactly_one("authentication scheme", &["bearer", "apiKey", "basic", "oauth2", "jwtBearer"])]);
}

/// The http connector's paging: exactly one style.
pub(super) fn http_paging(schema: &mut Schema) {
    add(schema, [exactly_one("paging style", &["pageNumber", "offset", "cursor", "nextUrl", "linkHeader"])]);
}

/// One correlator: exactly one way to match.
pub(super) fn correlator(schema: &mut Schema) {
    add(schema, [exactly_one("way to match an account in this correlator", &["email", "employeeId", "attribute"])]);
}

/// One protect rule: exactly one way to name the accounts.
pub(super) fn protect(schema: &mut Schema) {
    add(schema, [exactly_one("way to name the protected accounts", &["username", "email", "id"])]);
}

/// An Application's `spec`: the roles it names are among its own `roles`,
/// compared without regard to case as the compiler does.
pub(super) fn application(schema: &mut Schema) {
    let among = |value: &str| format!("self.roles.exists(r, r.lowerAscii() == {value}.lowerAscii())");
    add(
        schema,
        [
            Rule::new(format!(
                "!has(self.defaultRole) || !has(self.roles) || size(self.roles) == 0 || {}",
                among("self.defaultRole")
            ))
            .message("`defaultRole` is not one of this app's `roles`; name one of them, or add it to `roles`")
            .field_path(".defaultRole"),
            Rule::new(format!(
                "!has(self.identities) || !has(self.identities.partnerMaxRole) || (has(self.roles) && {})",
                among("self.identities.partnerMaxRole")
            ))
            .message(
                "`identities.partnerMaxRole` is not one of this app's `roles`; list the roles from least to most privileged in `roles` and name one of them",
            )
            .field_path(".identities.partnerMaxRole"),
        ],
    );
}

/// An AccessPolicy's `spec`: it grants something.
pub(super) fn access_policy(schema: &mut Schema) {
    add(schema, [not_empty("grant", "list at least one app (`- app: NAME`), or delete the policy")]);
}

/// An Exception's `spec`: it grants something, and `from` is not after `until`.
pub(super) fn exception(schema: &mut Schema) {
    add(
        schema,
        [
            not_empty("grant", "list at least one app (`- app: NAME`) the person gets, or delete the exception"),
            Rule::new("!has(self.from) || self.from <= self.until")
                .message("`until` is before `from`; the last day in force must be on or after the first")
                .field_path(".until"),
        ],
    );
}

/// A SeparationOfDuties' `spec`: at least two duties to keep apart.
pub(super) fn separation_of_duties(schema: &mut Schema) {
    add(
        schema,
        [Rule::new("size(self.duties) >= 2")
            .message("`duties` needs at least two duties: one duty alone has nothing to be kept apart from")
            .field_path(".duties")
            .reason(Reason::FieldValueRequired)],
    );
}

/// One duty: at least one entitlement carries it.
pub(super) fn duty(schema: &mut Schema) {
    add(schema, [not_empty("entitlements", "list the entitlements (`- app: NAME`) that carry this duty")]);
}
