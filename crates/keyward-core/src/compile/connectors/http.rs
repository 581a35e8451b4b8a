//! Checks of the `http` connector: the base URL and authentication, every
//! JSONPath query, every request template (placeholders the request can
//! fill, bodies that are JSON), and that the changes the app's lifecycle
//! needs are described or left to a human on purpose. Nothing is sent to
//! an app before its definition passes these.

use std::collections::BTreeMap;

use serde_json_path::JsonPath;

use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::duration::Retention;
use crate::load::Origin;
use crate::resources::{
    ApplicationSpec, HttpChanges, HttpConnector, HttpListing, HttpPaging, HttpRequest, ManualChange, OnLeave,
};
use crate::template::{JsonTemplate, Template, TemplateError};

const P: &str = "spec.connector.http";

/// Placeholders every change request may use.
const ACCOUNT: &[&str] =
    &["account.id", "account.email", "account.username", "account.displayName", "account.externalId"];

/// Placeholders of the person a change is for.
const PERSON: &[&str] = &[
    "person.id",
    "person.email",
    "person.name",
    "person.givenName",
    "person.familyName",
    "person.department",
    "person.title",
    "person.employmentType",
];

/// What a request may fill, by what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// The first page of the listing: nothing.
    Listing,
    /// A next page's own request: the cursor.
    NextPage,
    /// The one-person lookup: the e-mail.
    Lookup,
    /// A create and the request that finds an existing account.
    Create,
    /// A role change.
    Role,
    /// One group membership.
    Group,
    /// Suspend, restore, delete.
    Account,
}

impl Context {
    fn allows(self, name: &str) -> bool {
        let role = ["role", "roleName"].contains(&name);
        match self {
            Self::Listing => false,
            Self::NextPage => name == "cursor",
            Self::Lookup => name == "email",
            Self::Create => {
                PERSON.contains(&name)
                    || ACCOUNT.contains(&name)
                    || role
                    || ["groups", "initialPassword"].contains(&name)
            }
            Self::Role => ACCOUNT.contains(&name) || PERSON[..3].contains(&name) || role,
            Self::Group => ACCOUNT.contains(&name) || PERSON[..3].contains(&name) || name == "group",
            Self::Account => ACCOUNT.contains(&name) || PERSON[..3].contains(&name),
        }
    }

    fn allowed(self) -> Vec<&'static str> {
        let all = ACCOUNT.iter().chain(PERSON).chain(&[
            "role",
            "roleName",
            "group",
            "groups",
            "initialPassword",
            "cursor",
            "email",
        ]);
        all.copied().filter(|n| self.allows(n)).collect()
    }
}

/// Checks the connector of the Application `app`; the names of its
/// attribute fields become account fields correlators may use.
pub(super) fn check(
    c: &mut Checker<'_>,
    o: &Origin,
    app: &ApplicationSpec,
    h: &HttpConnector,
    fields: &mut Vec<String>,
) {
    check_api_url(
        c,
        o,
        &format!("{P}.baseUrl"),
        &h.base_url,
        "write the API's base URL, like `https://api.example.com/v2`",
    );
    check_auth(c, o, h);
    for (name, value) in &h.headers {
        let lower = name.to_ascii_lowercase();
        // RFC 9110 field values: visible ASCII, spaces and tabs (and
        // bytes above, which keyward does not send); no line breaks.
        if value.bytes().any(|b| b == b'\r' || b == b'\n' || (b < 0x20 && b != b'\t') || b == 0x7f) {
            c.error(
                o,
                &format!("{P}.headers.{name}"),
                format!("the value of header `{name}` cannot be sent: it holds a line break or control character"),
                "write the value on one line, as the API documents it",
            );
        }
        if !is_header_name(name) {
            c.error(
                o,
                &format!("{P}.headers.{name}"),
                format!("`{name}` is not an HTTP header name"),
                "use letters, digits and `-`",
            );
        } else if ["authorization", "cookie", "proxy-authorization"].contains(&lower.as_str())
            || lower.contains("token")
            || lower.contains("key")
        {
            c.error(
                o,
                &format!("{P}.headers.{name}"),
                format!("`{name}` looks like a credential, and `headers` are written in the policy in clear"),
                "send credentials with `auth` (`bearer`, `apiKey` with the header's name, `basic`, `oauth2` or `jwtBearer`), read from a secret",
            );
        }
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), h.timeout_seconds, "call");
    if let Some(t) = &h.throttle {
        for (i, s) in t.statuses.iter().enumerate() {
            if !(400..=599).contains(s) {
                c.error(
                    o,
                    &format!("{P}.throttle.statuses[{i}]"),
                    format!("{s} is not an error status"),
                    "list 4xx or 5xx statuses the API throttles with, like 403",
                );
            }
        }
        if let Some(name) = &t.reset_header
            && !is_header_name(name)
        {
            c.error(
                o,
                &format!("{P}.throttle.resetHeader"),
                format!("`{name}` is not an HTTP header name"),
                "write the header's name, like `X-RateLimit-Reset`",
            );
        }
    }
    check_listing(c, o, &h.accounts);
    fields.extend(h.accounts.fields.attributes.keys().cloned());
    check_changes(c, o, h);
    check_needs(c, o, app, &h.changes);
}

fn check_auth(c: &mut Checker<'_>, o: &Origin, h: &HttpConnector) {
    let Some(a) = &h.auth else { return };
    let set = [a.bearer.is_some(), a.api_key.is_some(), a.basic.is_some(), a.oauth2.is_some(), a.jwt_bearer.is_some()];
    if set.iter().filter(|s| **s).count() != 1 {
        c.error(
            o,
            &format!("{P}.auth"),
            "set exactly one way to authenticate",
            "keep one of `bearer`, `apiKey`, `basic`, `oauth2` and `jwtBearer`, or leave `auth` out for an API without authentication",
        );
    }
    let examples = |field: &str| {
        format!(
            "write `{field}: {{env: APP_TOKEN}}`, `{field}: {{file: /var/run/secrets/app-token}}` or, for the controller in Kubernetes, `{field}: {{secret: {{name: keyward-credentials, key: app-token}}}}`"
        )
    };
    if let Some(b) = &a.bearer {
        check_secret_ref(c, o, &format!("{P}.auth.bearer.token"), &b.token, examples("token"));
    }
    if let Some(k) = &a.api_key {
        check_secret_ref(c, o, &format!("{P}.auth.apiKey.key"), &k.key, examples("key"));
        if !is_header_name(&k.header) {
            c.error(
                o,
                &format!("{P}.auth.apiKey.header"),
                format!("`{}` is not an HTTP header name", k.header),
                "write the header the API reads the key from, like `X-Cybozu-API-Token`",
            );
        }
    }
    if let Some(b) = &a.basic {
        check_secret_ref(c, o, &format!("{P}.auth.basic.password"), &b.password, examples("password"));
        if b.username.contains(':') || b.username.trim().is_empty() {
            c.error(
                o,
                &format!("{P}.auth.basic.username"),
                "a basic-authentication user name must be non-empty and without `:`",
                "write the API user's name",
            );
        }
    }
    if let Some(j) = &a.jwt_bearer {
        check_jwt(c, o, j, &examples);
    }
    if let Some(t) = &a.oauth2 {
        check_secret_ref(c, o, &format!("{P}.auth.oauth2.clientSecret"), &t.client_secret, examples("clientSecret"));
        check_api_url(
            c,
            o,
            &format!("{P}.auth.oauth2.tokenUrl"),
            &t.token_url,
            "write the API's token endpoint, like `https://api.example.com/oauth/token`",
        );
        if t.client_id.trim().is_empty() {
            c.error(
                o,
                &format!("{P}.auth.oauth2.clientId"),
                "the client id is empty",
                "write the app registration's client id",
            );
        }
        if let Some(r) = &t.refresh_token {
            check_secret_ref(c, o, &format!("{P}.auth.oauth2.refreshToken"), r, examples("refreshToken"));
        }
        for key in t.params.keys() {
            if ["client_secret", "client_id", "grant_type", "scope", "refresh_token"].contains(&key.as_str()) {
                c.error(
                    o,
                    &format!("{P}.auth.oauth2.params.{key}"),
                    format!("`{key}` is set by keyward from the other fields"),
                    "remove it from `params`",
                );
            }
        }
    }
}

fn check_jwt(
    c: &mut Checker<'_>,
    o: &Origin,
    j: &crate::resources::HttpJwtBearerAuth,
    examples: &dyn Fn(&str) -> String,
) {
    let at = format!("{P}.auth.jwtBearer");
    check_secret_ref(c, o, &format!("{at}.privateKey"), &j.private_key, examples("privateKey"));
    check_api_url(
        c,
        o,
        &format!("{at}.tokenUrl"),
        &j.token_url,
        "write the API's token endpoint, like `https://auth.worksmobile.com/oauth2/v2.0/token`",
    );
    if j.issuer.trim().is_empty() {
        c.error(
            o,
            &format!("{at}.issuer"),
            "the assertion's issuer is empty",
            "write what the API expects as `iss` (often the client id)",
        );
    }
    match (&j.client_id, &j.client_secret) {
        (Some(_), Some(secret)) => {
            check_secret_ref(c, o, &format!("{at}.clientSecret"), secret, examples("clientSecret"))
        }
        (None, None) => {}
        _ => c.error(
            o,
            &at,
            "`clientId` and `clientSecret` go together",
            "set both, or neither when the API takes the assertion alone",
        ),
    }
}

fn check_listing(c: &mut Checker<'_>, o: &Origin, l: &HttpListing) {
    let at = format!("{P}.accounts");
    check_request(c, o, &format!("{at}.request"), &l.request, Context::Listing, "GET");
    for (i, r) in l.more_requests.iter().enumerate() {
        check_request(c, o, &format!("{at}.moreRequests[{i}]"), r, Context::Listing, "GET");
    }
    query(c, o, &format!("{at}.records"), &l.records);
    if let Some(t) = &l.total {
        query(c, o, &format!("{at}.total"), t);
    }
    if let Some(r) = &l.lookup {
        check_request(c, o, &format!("{at}.lookup"), r, Context::Lookup, "GET");
        if !mentions(r, "email") {
            c.error(
                o,
                &format!("{at}.lookup"),
                "the lookup does not send the e-mail",
                "put `{{email}}` in its path or query, where the API takes the address",
            );
        }
    }
    if let Some(q) = &l.lookup_records {
        query(c, o, &format!("{at}.lookupRecords"), q);
    }
    let f = &l.fields;
    query(c, o, &format!("{at}.fields.id"), &f.id);
    let optional = [
        ("email", &f.email),
        ("username", &f.username),
        ("displayName", &f.display_name),
        ("externalId", &f.external_id),
        ("status", &f.status),
        ("role", &f.role),
        ("groups", &f.groups),
        ("lastActive", &f.last_active),
        ("bot", &f.bot),
        ("suspended", &f.suspended),
        ("invited", &f.invited),
        ("deleted", &f.deleted),
    ];
    for (name, q) in optional {
        if let Some(q) = q {
            query(c, o, &format!("{at}.fields.{name}"), q);
        }
    }
    for (i, q) in f.display_name_parts.iter().enumerate() {
        query(c, o, &format!("{at}.fields.displayNameParts[{i}]"), q);
    }
    for (name, q) in &f.attributes {
        query(c, o, &format!("{at}.fields.attributes.{name}"), q);
    }
    if f.email.is_none() && f.username.is_none() && f.external_id.is_none() && f.attributes.is_empty() {
        c.error(
            o,
            &format!("{at}.fields"),
            "no field identifies a person: accounts could only ever match nobody",
            "map `email`, `username` or `externalId` (or an attribute a correlator names)",
        );
    }
    if let Some(sv) = &l.status_values {
        super::status_values(c, o, &format!("{at}.statusValues"), sv);
        if f.status.is_none() {
            c.warn(
                o,
                &format!("{at}.statusValues"),
                "statusValues are set but no status field is mapped",
                "map `fields.status` or remove `statusValues`",
            );
        }
    }
    let mut reverse: BTreeMap<&str, &str> = BTreeMap::new();
    for (value, role) in &l.role_values {
        if let Some(prev) = reverse.insert(role.as_str(), value.as_str()) {
            c.error(
                o,
                &format!("{at}.roleValues.{value}"),
                format!("the app's values `{prev}` and `{value}` both mean role `{role}`, so keyward cannot tell which to send"),
                "map one value per role; a value the app has but keyward never sets can stay unmapped",
            );
        }
    }
    if l.max_pages == Some(0) {
        c.error(
            o,
            &format!("{at}.maxPages"),
            "a listing of 0 pages reads nothing",
            "leave it out (10000) or use 1 or more",
        );
    }
    if let Some(p) = &l.paging {
        check_paging(c, o, &format!("{at}.paging"), p);
    }
}

fn check_paging(c: &mut Checker<'_>, o: &Origin, at: &str, p: &HttpPaging) {
    let set = [
        p.page_number.is_some(),
        p.offset.is_some(),
        p.cursor.is_some(),
        p.next_url.is_some(),
        p.link_header.is_some(),
    ];
    if set.iter().filter(|s| **s).count() != 1 {
        c.error(
            o,
            at,
            "set exactly one paging style",
            "keep one of `pageNumber`, `offset`, `cursor`, `nextUrl` and `linkHeader`",
        );
    }
    if let Some(n) = &p.page_number
        && n.size == 0
    {
        c.error(
            o,
            &format!("{at}.pageNumber.size"),
            "a page size of 0 reads nothing",
            "ask for the API's largest page size",
        );
    }
    if let Some(n) = &p.offset
        && n.limit == 0
    {
        c.error(o, &format!("{at}.offset.limit"), "a limit of 0 reads nothing", "ask for the API's largest page size");
    }
    if let Some(cur) = &p.cursor {
        query(c, o, &format!("{at}.cursor.from"), &cur.from);
        if let Some(h) = &cur.has_more {
            query(c, o, &format!("{at}.cursor.hasMore"), h);
        }
        match (&cur.param, &cur.request) {
            (Some(_), None) => {}
            (None, Some(r)) => {
                check_request(c, o, &format!("{at}.cursor.request"), r, Context::NextPage, "GET");
                if !mentions(r, "cursor") {
                    c.error(
                        o,
                        &format!("{at}.cursor.request"),
                        "the next-page request does not send `{{cursor}}`",
                        "put `{{cursor}}` in its query or body, where the API expects the cursor",
                    );
                }
            }
            _ => c.error(
                o,
                &format!("{at}.cursor"),
                "say how the cursor is sent back",
                "set `param` (a query parameter) or `request` (a request of its own with `{{cursor}}`), not both",
            ),
        }
    }
    if let Some(n) = &p.next_url {
        query(c, o, &format!("{at}.nextUrl.from"), &n.from);
    }
}

fn check_changes(c: &mut Checker<'_>, o: &Origin, h: &HttpConnector) {
    let ch = &h.changes;
    let at = format!("{P}.changes");
    if let Some(create) = &ch.create {
        check_request(c, o, &format!("{at}.create"), &create.request, Context::Create, "POST");
        if let Some(id) = &create.id {
            query(c, o, &format!("{at}.create.id"), id);
        }
        match &create.conflict {
            Some(conflict) => {
                check_request(c, o, &format!("{at}.create.conflict.find"), &conflict.find, Context::Create, "GET");
                if let Some(r) = &conflict.records {
                    query(c, o, &format!("{at}.create.conflict.records"), r);
                }
                if let Some(m) = &conflict.when {
                    query(c, o, &format!("{at}.create.conflict.when.path"), &m.path);
                }
            }
            None => c.error(
                o,
                &format!("{at}.create"),
                "the create has no `conflict`: when an earlier attempt reached the app but its answer was lost, a retry would make a second account",
                "add `conflict: {find: {path: …, query: {email: \"{{person.email}}\"}}}`, the request that finds an existing account, and the statuses that mean it exists (default 409)",
            ),
        }
        if create.id.is_none() && create.conflict.is_none() {
            c.error(
                o,
                &format!("{at}.create.id"),
                "keyward cannot learn the new account's id",
                "set `id` to where the answer holds it (`$.id`)",
            );
        }
    }
    let others = [
        ("updateRole", &ch.update_role, Context::Role),
        ("addGroup", &ch.add_group, Context::Group),
        ("removeGroup", &ch.remove_group, Context::Group),
        ("suspend", &ch.suspend, Context::Account),
        ("restore", &ch.restore, Context::Account),
        ("delete", &ch.delete, Context::Account),
    ];
    for (name, r, ctx) in others {
        if let Some(r) = r {
            let method = if name == "delete" { "DELETE" } else { "PATCH" };
            check_request(c, o, &format!("{at}.{name}"), r, ctx, method);
        }
    }
    if let Some(r) = &ch.update_role
        && !mentions(r, "role")
    {
        c.error(
            o,
            &format!("{at}.updateRole"),
            "the role change does not send the role",
            "put `{{role}}` (the app's value) or `{{roleName}}` in its path, query or body",
        );
    }
    for (name, r) in [("addGroup", &ch.add_group), ("removeGroup", &ch.remove_group)] {
        if let Some(r) = r
            && !mentions(r, "group")
        {
            c.error(
                o,
                &format!("{at}.{name}"),
                "the membership change does not name the group",
                "put `{{group}}` in its path, query or body",
            );
        }
    }
    if ch.add_group.is_some() != ch.remove_group.is_some() {
        c.error(
            o,
            &at,
            "`addGroup` and `removeGroup` come together",
            "describe both, or neither and list `groups` under `manual`",
        );
    }
}

/// `true` when `r` fills `{{name}}` somewhere.
fn mentions(r: &HttpRequest, name: &str) -> bool {
    let texts = r.query.values().chain(r.query_all.values().flatten()).map(String::as_str).chain([r.path.as_str()]);
    let in_text = texts.filter_map(|t| Template::parse(t).ok()).any(|t| t.placeholders().any(|p| p == name));
    in_text
        || r.body
            .as_deref()
            .and_then(|b| JsonTemplate::parse(b).ok())
            .is_some_and(|b| b.placeholders().iter().any(|p| p == name))
}

/// Checks one request template at `at`; `default` is its method when the
/// policy names none.
fn check_request(c: &mut Checker<'_>, o: &Origin, at: &str, r: &HttpRequest, ctx: Context, default: &str) {
    let method = r.method.as_deref().unwrap_or(default);
    if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method) {
        c.error(
            o,
            &format!("{at}.method"),
            format!("`{method}` is not a method keyward sends"),
            "use GET, POST, PUT, PATCH or DELETE, in capitals",
        );
    }
    if !r.path.starts_with('/') || r.path.contains("://") || r.path.contains('?') || r.path.contains('#') {
        c.error(
            o,
            &format!("{at}.path"),
            format!("`{}` is not a path under `baseUrl`", crate::excerpt::value(&r.path, 80)),
            "write the path from `/`, like `/users/{{account.id}}`, and query parameters under `query`",
        );
    }
    text_template(c, o, &format!("{at}.path"), &r.path, ctx);
    for (k, v) in &r.query {
        text_template(c, o, &format!("{at}.query.{k}"), v, ctx);
    }
    for (k, vs) in &r.query_all {
        for (i, v) in vs.iter().enumerate() {
            text_template(c, o, &format!("{at}.queryAll.{k}[{i}]"), v, ctx);
        }
    }
    if let Some(body) = &r.body {
        if method == "GET" {
            c.error(
                o,
                &format!("{at}.body"),
                "a GET request carries no body",
                "remove `body`, or use the method the API documents for this request",
            );
        }
        match JsonTemplate::parse(body) {
            Ok(t) => {
                for name in t.placeholders() {
                    placeholder(c, o, &format!("{at}.body"), &name, ctx);
                }
            }
            Err(e) => template_error(c, o, &format!("{at}.body"), &e),
        }
    }
    for (field, statuses) in [("accept", &r.accept), ("alreadyDone", &r.already_done)] {
        for (i, s) in statuses.iter().enumerate() {
            if !(100..=599).contains(s) {
                c.error(
                    o,
                    &format!("{at}.{field}[{i}]"),
                    format!("{s} is not an HTTP status"),
                    "list statuses between 100 and 599",
                );
            }
        }
    }
    if let Some(m) = &r.already_done_when {
        query(c, o, &format!("{at}.alreadyDoneWhen.path"), &m.path);
        if r.already_done.is_empty() {
            c.error(
                o,
                &format!("{at}.alreadyDoneWhen"),
                "`alreadyDoneWhen` without `alreadyDone` statuses is never used",
                "list the statuses under `alreadyDone`",
            );
        }
    }
    if let Some(s) = r.already_done.iter().find(|s| r.accept.contains(s)) {
        c.error(
            o,
            &format!("{at}.alreadyDone"),
            format!("{s} is listed both as success and as already done"),
            "list it under one of `accept` and `alreadyDone`",
        );
    }
}

fn text_template(c: &mut Checker<'_>, o: &Origin, at: &str, text: &str, ctx: Context) {
    match Template::parse(text) {
        Ok(t) => {
            for name in t.placeholders() {
                placeholder(c, o, at, name, ctx);
            }
        }
        Err(e) => template_error(c, o, at, &e),
    }
}

fn placeholder(c: &mut Checker<'_>, o: &Origin, at: &str, name: &str, ctx: Context) {
    if ctx.allows(name) {
        return;
    }
    let allowed = ctx.allowed();
    let help = if allowed.is_empty() {
        "the first page's request fills no placeholder: write the values themselves".to_owned()
    } else {
        let names: Vec<String> = allowed.iter().map(|n| format!("`{{{{{n}}}}}`")).collect();
        let close = crate::diag::suggest(name, &allowed);
        match close {
            Some(s) => format!("{s} This request can fill {}", names.join(", ")),
            None => format!("this request can fill {}", names.join(", ")),
        }
    };
    c.error(
        o,
        at,
        format!("`{{{{{}}}}}` is not a placeholder this request can fill", crate::excerpt::value(name, 64)),
        help,
    );
}

fn template_error(c: &mut Checker<'_>, o: &Origin, at: &str, e: &TemplateError) {
    let help = match e {
        TemplateError::Json { .. } => {
            "write the body as JSON text with placeholders inside strings: `{\"email\": \"{{person.email}}\"}`"
        }
        TemplateError::Syntax { .. } => "write placeholders as `{{name}}`, like `{{account.id}}`",
        TemplateError::TooMany => "a request template holds at most 64 placeholders",
        TemplateError::Number(_) => "write the number as a string (`\"…\"`), as most APIs accept ids",
    };
    c.error(o, at, e.to_string(), help);
}

/// A JSONPath query at `at`.
fn query(c: &mut Checker<'_>, o: &Origin, at: &str, q: &str) {
    if let Err(e) = JsonPath::parse(q) {
        c.error(
            o,
            at,
            format!(
                "`{}` is not a JSONPath query (RFC 9535): {} at character {}",
                crate::excerpt::value(q, 80),
                e.message(),
                e.position() + 1
            ),
            "write a query from the root `$`, like `$.email`, `$.profile.email` or `$.groups[*].name`",
        );
    }
}

/// The changes the app's lifecycle needs must be described or listed as
/// `manual`, unless the app is read only (no change described at all).
fn check_needs(c: &mut Checker<'_>, o: &Origin, app: &ApplicationSpec, ch: &HttpChanges) {
    if ch.is_empty() {
        return;
    }
    let manual = |m: ManualChange| ch.manual.contains(&m);
    let mut needs: Vec<(&str, bool, ManualChange, String)> = vec![
        ("create", ch.create.is_some(), ManualChange::Create, "joiners get accounts".to_owned()),
        ("suspend", ch.suspend.is_some(), ManualChange::Suspend, "leavers' accounts are closed".to_owned()),
    ];
    if ch.suspend.is_some() || app.lifecycle.on_leave == OnLeave::Suspend {
        needs.push((
            "restore",
            ch.restore.is_some(),
            ManualChange::Restore,
            "suspended accounts come back for rehires and returns from leave".to_owned(),
        ));
    }
    if let Retention::After(d) = app.lifecycle.offboarding.delete_after {
        needs.push((
            "delete",
            ch.delete.is_some(),
            ManualChange::Delete,
            format!("`lifecycle.offboarding.deleteAfter: {d}` deletes leavers' accounts"),
        ));
    }
    if app.roles.len() > 1 || app.default_role.is_some() {
        needs.push((
            "updateRole",
            ch.update_role.is_some(),
            ManualChange::UpdateRole,
            "the app's roles follow the grants".to_owned(),
        ));
    }
    for (name, described, m, why) in needs {
        if !described && !manual(m) {
            c.error(
                o,
                &format!("{P}.changes"),
                format!("the connector describes changes but no `{name}`, and {why}"),
                format!("add `changes.{name}` with the API's request, or list `{}` under `changes.manual` to leave it to a human as a checklist item", manual_name(m)),
            );
        }
    }
}

fn manual_name(m: ManualChange) -> &'static str {
    match m {
        ManualChange::Create => "create",
        ManualChange::Suspend => "suspend",
        ManualChange::Restore => "restore",
        ManualChange::Delete => "delete",
        ManualChange::UpdateRole => "updateRole",
        ManualChange::Groups => "groups",
    }
}

fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b))
}
