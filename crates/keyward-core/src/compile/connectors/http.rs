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
use crate::i18n::{Arg, Msg};
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
    check_api_url(c, o, &format!("{P}.baseUrl"), &h.base_url, Msg::new("http-base-url-help"));
    check_auth(c, o, h);
    for (name, value) in &h.headers {
        let lower = name.to_ascii_lowercase();
        // RFC 9110 field values: visible ASCII, spaces and tabs (and
        // bytes above, which keyward does not send); no line breaks.
        if value.bytes().any(|b| b == b'\r' || b == b'\n' || (b < 0x20 && b != b'\t') || b == 0x7f) {
            c.error(
                o,
                &format!("{P}.headers.{name}"),
                Msg::new("http-header-control").arg("name", name),
                Msg::new("http-header-control-help"),
            );
        }
        if !is_header_name(name) {
            c.error(
                o,
                &format!("{P}.headers.{name}"),
                Msg::new("http-not-header-name").arg("name", name),
                Msg::new("http-header-name-help"),
            );
        } else if ["authorization", "cookie", "proxy-authorization"].contains(&lower.as_str())
            || lower.contains("token")
            || lower.contains("key")
        {
            c.error(
                o,
                &format!("{P}.headers.{name}"),
                Msg::new("http-header-credential").arg("name", name),
                Msg::new("http-header-credential-help"),
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
                    Msg::new("http-not-error-status").arg("status", Arg::digits(s)),
                    Msg::new("http-not-error-status-help"),
                );
            }
        }
        if let Some(name) = &t.reset_header
            && !is_header_name(name)
        {
            c.error(
                o,
                &format!("{P}.throttle.resetHeader"),
                Msg::new("http-not-header-name").arg("name", name),
                Msg::new("http-reset-header-help"),
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
        c.error(o, &format!("{P}.auth"), Msg::new("http-auth-one"), Msg::new("http-auth-one-help"));
    }
    let examples = |field: &str| super::secret_help(field, "APP_TOKEN", "/var/run/secrets/app-token", "app-token");
    if let Some(b) = &a.bearer {
        check_secret_ref(c, o, &format!("{P}.auth.bearer.token"), &b.token, examples("token"));
    }
    if let Some(k) = &a.api_key {
        check_secret_ref(c, o, &format!("{P}.auth.apiKey.key"), &k.key, examples("key"));
        if !is_header_name(&k.header) {
            c.error(
                o,
                &format!("{P}.auth.apiKey.header"),
                Msg::new("http-not-header-name").arg("name", &k.header),
                Msg::new("http-api-key-header-help"),
            );
        }
    }
    if let Some(b) = &a.basic {
        check_secret_ref(c, o, &format!("{P}.auth.basic.password"), &b.password, examples("password"));
        if b.username.contains(':') || b.username.trim().is_empty() {
            c.error(
                o,
                &format!("{P}.auth.basic.username"),
                Msg::new("http-basic-username"),
                Msg::new("http-basic-username-help"),
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
            Msg::new("http-token-url-help").arg("example", "https://api.example.com/oauth/token"),
        );
        if t.client_id.trim().is_empty() {
            c.error(
                o,
                &format!("{P}.auth.oauth2.clientId"),
                Msg::new("http-client-id-empty"),
                Msg::new("http-client-id-empty-help"),
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
                    Msg::new("http-param-reserved").arg("key", key),
                    Msg::new("http-param-reserved-help"),
                );
            }
        }
    }
}

fn check_jwt(c: &mut Checker<'_>, o: &Origin, j: &crate::resources::HttpJwtBearerAuth, examples: &dyn Fn(&str) -> Msg) {
    let at = format!("{P}.auth.jwtBearer");
    check_secret_ref(c, o, &format!("{at}.privateKey"), &j.private_key, examples("privateKey"));
    check_api_url(
        c,
        o,
        &format!("{at}.tokenUrl"),
        &j.token_url,
        Msg::new("http-token-url-help").arg("example", "https://auth.worksmobile.com/oauth2/v2.0/token"),
    );
    if j.issuer.trim().is_empty() {
        c.error(o, &format!("{at}.issuer"), Msg::new("http-jwt-issuer-empty"), Msg::new("http-jwt-issuer-empty-help"));
    }
    match (&j.client_id, &j.client_secret) {
        (Some(_), Some(secret)) => {
            check_secret_ref(c, o, &format!("{at}.clientSecret"), secret, examples("clientSecret"))
        }
        (None, None) => {}
        _ => c.error(o, &at, Msg::new("http-jwt-client-pair"), Msg::new("http-jwt-client-pair-help")),
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
                Msg::new("http-lookup-no-email"),
                Msg::new("http-lookup-no-email-help"),
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
            Msg::new("http-no-identifying-field"),
            Msg::new("http-no-identifying-field-help"),
        );
    }
    if let Some(sv) = &l.status_values {
        super::status_values(c, o, &format!("{at}.statusValues"), sv);
        if f.status.is_none() {
            c.warn(
                o,
                &format!("{at}.statusValues"),
                Msg::new("http-status-values-unused"),
                Msg::new("http-status-values-unused-help"),
            );
        }
    }
    let mut reverse: BTreeMap<&str, &str> = BTreeMap::new();
    for (value, role) in &l.role_values {
        if let Some(prev) = reverse.insert(role.as_str(), value.as_str()) {
            c.error(
                o,
                &format!("{at}.roleValues.{value}"),
                Msg::new("http-role-values-twice").arg("prev", prev).arg("value", value).arg("role", role),
                Msg::new("http-role-values-twice-help"),
            );
        }
    }
    if l.max_pages == Some(0) {
        c.error(o, &format!("{at}.maxPages"), Msg::new("http-max-pages-zero"), Msg::new("http-max-pages-zero-help"));
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
        c.error(o, at, Msg::new("http-paging-one"), Msg::new("http-paging-one-help"));
    }
    if let Some(n) = &p.page_number
        && n.size == 0
    {
        c.error(
            o,
            &format!("{at}.pageNumber.size"),
            Msg::new("connectors-page-size-zero"),
            Msg::new("http-largest-page-help"),
        );
    }
    if let Some(n) = &p.offset
        && n.limit == 0
    {
        c.error(o, &format!("{at}.offset.limit"), Msg::new("http-limit-zero"), Msg::new("http-largest-page-help"));
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
                        Msg::new("http-cursor-not-sent"),
                        Msg::new("http-cursor-not-sent-help"),
                    );
                }
            }
            _ => c.error(o, &format!("{at}.cursor"), Msg::new("http-cursor-how"), Msg::new("http-cursor-how-help")),
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
                Msg::new("http-create-no-conflict"),
                Msg::new("http-create-no-conflict-help"),
            ),
        }
        if create.id.is_none() && create.conflict.is_none() {
            c.error(o, &format!("{at}.create.id"), Msg::new("http-create-no-id"), Msg::new("http-create-no-id-help"));
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
        c.error(o, &format!("{at}.updateRole"), Msg::new("http-role-not-sent"), Msg::new("http-role-not-sent-help"));
    }
    for (name, r) in [("addGroup", &ch.add_group), ("removeGroup", &ch.remove_group)] {
        if let Some(r) = r
            && !mentions(r, "group")
        {
            c.error(
                o,
                &format!("{at}.{name}"),
                Msg::new("http-group-not-named"),
                Msg::new("http-group-not-named-help"),
            );
        }
    }
    if ch.add_group.is_some() != ch.remove_group.is_some() {
        c.error(o, &at, Msg::new("http-groups-together"), Msg::new("http-groups-together-help"));
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
            Msg::new("http-bad-method").arg("method", method),
            Msg::new("http-bad-method-help"),
        );
    }
    if !r.path.starts_with('/') || r.path.contains("://") || r.path.contains('?') || r.path.contains('#') {
        c.error(
            o,
            &format!("{at}.path"),
            Msg::new("http-bad-path").arg("path", crate::excerpt::value(&r.path, 80)),
            Msg::new("http-bad-path-help"),
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
            c.error(o, &format!("{at}.body"), Msg::new("http-get-body"), Msg::new("http-get-body-help"));
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
                    Msg::new("http-not-status").arg("status", Arg::digits(s)),
                    Msg::new("http-not-status-help"),
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
                Msg::new("http-already-done-when-unused"),
                Msg::new("http-already-done-when-unused-help"),
            );
        }
    }
    if let Some(s) = r.already_done.iter().find(|s| r.accept.contains(s)) {
        c.error(
            o,
            &format!("{at}.alreadyDone"),
            Msg::new("http-status-twice").arg("status", Arg::digits(s)),
            Msg::new("http-status-twice-help"),
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
        Msg::new("http-placeholder-first-page-help")
    } else {
        let names: Vec<String> = allowed.iter().map(|n| format!("`{{{{{n}}}}}`")).collect();
        match crate::diag::suggestion(name, &allowed) {
            Some(s) => Msg::new("http-placeholder-close-help").arg("suggestion", s).arg("names", names),
            None => Msg::new("http-placeholder-help").arg("names", names),
        }
    };
    c.error(o, at, Msg::new("http-bad-placeholder").arg("name", crate::excerpt::value(name, 64)), help);
}

fn template_error(c: &mut Checker<'_>, o: &Origin, at: &str, e: &TemplateError) {
    let help = match e {
        TemplateError::Json { .. } => Msg::new("http-template-json-help"),
        TemplateError::Syntax { .. } => Msg::new("http-template-syntax-help"),
        TemplateError::TooMany => Msg::new("http-template-too-many-help"),
        TemplateError::Number(_) => Msg::new("http-template-number-help"),
    };
    c.error(o, at, e.message(), help);
}

/// A JSONPath query at `at`.
fn query(c: &mut Checker<'_>, o: &Origin, at: &str, q: &str) {
    if let Err(e) = JsonPath::parse(q) {
        c.error(
            o,
            at,
            Msg::new("http-bad-json-path")
                .arg("query", crate::excerpt::value(q, 80))
                .arg("why", e.message())
                .arg("position", Arg::digits(e.position() + 1)),
            Msg::new("http-bad-json-path-help"),
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
    let mut needs: Vec<(&str, bool, ManualChange, Msg)> = vec![
        ("create", ch.create.is_some(), ManualChange::Create, Msg::new("http-need-create")),
        ("suspend", ch.suspend.is_some(), ManualChange::Suspend, Msg::new("http-need-suspend")),
    ];
    if ch.suspend.is_some() || app.lifecycle.on_leave == OnLeave::Suspend {
        needs.push(("restore", ch.restore.is_some(), ManualChange::Restore, Msg::new("http-need-restore")));
    }
    if let Retention::After(d) = app.lifecycle.offboarding.delete_after {
        needs.push((
            "delete",
            ch.delete.is_some(),
            ManualChange::Delete,
            Msg::new("http-need-delete").arg("after", d.to_string()),
        ));
    }
    if app.roles.len() > 1 || app.default_role.is_some() {
        needs.push((
            "updateRole",
            ch.update_role.is_some(),
            ManualChange::UpdateRole,
            Msg::new("http-need-update-role"),
        ));
    }
    for (name, described, m, why) in needs {
        if !described && !manual(m) {
            c.error(
                o,
                &format!("{P}.changes"),
                Msg::new("http-need-missing").arg("change", name).arg("why", why),
                Msg::new("http-need-missing-help").arg("change", name).arg("manual", manual_name(m)),
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
