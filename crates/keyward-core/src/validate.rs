//! Checks that need more than one field or one resource (references, regex
//! syntax, exactly-one-of rules, role rankings), and compilation of
//! selectors and correlators into the fast forms planning uses.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;
use rustc_hash::FxHashMap;

use crate::account::BUILTIN_FIELDS;
use crate::diag::{Diagnostic, suggest};
use crate::policy::{Named, Origin, PolicySet};
use crate::resources::{ApplicationSpec, Grant, LifecycleSpec, SelectStatus};
use crate::vocab;

/// A compiled department selector.
#[derive(Debug, Clone)]
pub(crate) struct DeptMatcher {
    /// A pattern `X/**` is compiled twice, as itself and as `X`, because it
    /// also matches the department `X` itself.
    set: GlobSet,
}

impl DeptMatcher {
    /// `true` when some pattern matches `dept`.
    pub(crate) fn matches(&self, dept: &str) -> bool {
        self.set.is_match(dept)
    }
}

/// A compiled selector.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledSelector {
    pub(crate) department: Option<DeptMatcher>,
    pub(crate) title: Option<Regex>,
    pub(crate) employment_types: Vec<String>,
    pub(crate) active: bool,
    pub(crate) on_leave: bool,
    pub(crate) attributes: Vec<(String, Regex)>,
}

/// A grant with its application resolved and its role ranked.
#[derive(Debug, Clone)]
pub(crate) struct CompiledGrant {
    /// Index into `Compiled::apps`.
    pub(crate) app: usize,
    /// The role, the app's default role when the grant names none.
    pub(crate) role: Option<String>,
    /// Privilege of the role in the app's `roles` (0 when unranked).
    pub(crate) rank: usize,
    /// The role's number in the app's `role_ids`.
    pub(crate) role_id: Option<u32>,
    /// Groups, sorted and without duplicates.
    pub(crate) groups: Vec<String>,
}

/// A compiled access policy.
#[derive(Debug, Clone)]
pub(crate) struct CompiledPolicy {
    pub(crate) name: String,
    pub(crate) selector: CompiledSelector,
    pub(crate) grants: Vec<CompiledGrant>,
}

/// A compiled exception.
#[derive(Debug, Clone)]
pub(crate) struct CompiledException {
    pub(crate) name: String,
    pub(crate) person: String,
    pub(crate) from: Option<jiff::civil::Date>,
    pub(crate) until: jiff::civil::Date,
    pub(crate) reason: String,
    pub(crate) approver: String,
    pub(crate) grants: Vec<CompiledGrant>,
}

/// One way to match accounts to people.
#[derive(Debug, Clone)]
pub(crate) enum CompiledCorrelator {
    /// `aliases` are (old domain, domain), lowercase, sorted: a handful at
    /// most, so a scan beats hashing for every account.
    Email {
        aliases: Vec<(String, String)>,
        strip_plus: bool,
        field: String,
    },
    EmployeeId {
        field: String,
    },
    Attribute {
        attribute: String,
        field: String,
        case_sensitive: bool,
    },
}

impl CompiledCorrelator {
    pub(crate) fn field(&self) -> &str {
        match self {
            Self::Email { field, .. } | Self::EmployeeId { field } | Self::Attribute { field, .. } => field,
        }
    }

    /// Identifies how the correlator normalises keys: correlators with the
    /// same signature can share one person index.
    pub(crate) fn signature(&self) -> String {
        match self {
            Self::Email { aliases, strip_plus, .. } => {
                format!("email:{strip_plus}:{aliases:?}")
            }
            Self::EmployeeId { .. } => "employeeId".to_owned(),
            Self::Attribute { attribute, case_sensitive, .. } => format!("attribute:{case_sensitive}:{attribute}"),
        }
    }

    /// Short description for reasons (`email`, `employee number`, `github`).
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Email { .. } => "e-mail".to_owned(),
            Self::EmployeeId { .. } => "employee number".to_owned(),
            Self::Attribute { attribute, .. } => format!("HR attribute `{attribute}`"),
        }
    }
}

/// A protect rule.
#[derive(Debug, Clone)]
pub(crate) enum CompiledProtect {
    Username(Regex, Option<String>),
    Email(Regex, Option<String>),
    Id(String, Option<String>),
}

/// A compiled application.
#[derive(Debug, Clone)]
pub(crate) struct CompiledApp {
    pub(crate) name: String,
    pub(crate) correlators: Vec<CompiledCorrelator>,
    pub(crate) protect: Vec<CompiledProtect>,
    /// lowercase role → rank (higher is more privileged)
    pub(crate) role_rank: FxHashMap<String, usize>,
    /// lowercase role → number, for every role the app's roles, default
    /// role and grants name: planning compares numbers, not strings.
    pub(crate) role_ids: FxHashMap<String, u32>,
    pub(crate) default_role: Option<String>,
    /// Groups some grant names; only these are added or removed.
    pub(crate) managed_groups: BTreeSet<String>,
    pub(crate) lifecycle: LifecycleSpec,
    pub(crate) connector: &'static str,
    /// The only roles the connector can set, when it has a fixed set.
    pub(crate) connector_roles: Option<&'static [&'static str]>,
    /// What the connector accepts as group names in grants.
    pub(crate) group_names: GroupNames,
    /// `spec.identities`, domains lower-case.
    pub(crate) identities: Option<CompiledIdentities>,
    /// Some SeparationOfDuties entitlement names this app: planning keeps
    /// what its accounts hold.
    pub(crate) in_duties: bool,
}

/// What an app's connector accepts as the groups of a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupNames {
    /// Any name the app may have.
    Any,
    /// None: the connector reads and changes no groups (the path says
    /// which setting turned them off).
    Unmanaged(&'static str),
    /// GitHub team slugs, as in the team's URL.
    TeamSlugs,
    /// None: the connector cannot change groups as configured (the text
    /// says why and what would).
    NotSupported(&'static str),
}

/// The roles of Slack members, as the Slack connector reads them.
const SLACK_ROLES: &[&str] = &["member", "admin", "owner", "multi-channel-guest", "single-channel-guest"];

/// The roles a GitHub organisation member can have.
const GITHUB_ROLES: &[&str] = &["member", "admin"];

/// Internal and partner domains of an app, lower-case.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledIdentities {
    pub(crate) internal: Vec<String>,
    pub(crate) partner: Vec<String>,
    /// The cap for partners: (role as written, its id, its rank).
    pub(crate) partner_max_role: Option<(String, Option<u32>, usize)>,
}

impl CompiledIdentities {
    /// The domain of `email`, lower-case, if it is an e-mail.
    pub(crate) fn domain(email: &str) -> Option<String> {
        let (_, d) = email.trim().rsplit_once('@')?;
        (!d.is_empty()).then(|| d.to_lowercase())
    }

    pub(crate) fn is_partner(&self, email: Option<&str>) -> bool {
        email.and_then(Self::domain).is_some_and(|d| self.partner.contains(&d))
    }

    /// `true` when internal domains are declared and `domain` is on
    /// neither list.
    pub(crate) fn is_foreign(&self, domain: &str) -> bool {
        !self.internal.is_empty()
            && !self.internal.iter().any(|x| x == domain)
            && !self.partner.iter().any(|x| x == domain)
    }
}

/// Everything planning needs in compiled form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Compiled {
    pub(crate) apps: Vec<CompiledApp>,
    pub(crate) app_index: HashMap<String, usize>,
    pub(crate) policies: Vec<CompiledPolicy>,
    pub(crate) exceptions: Vec<CompiledException>,
    /// SeparationOfDuties rules, in name order.
    pub(crate) duties: Vec<CompiledSod>,
}

/// A compiled SeparationOfDuties rule.
#[derive(Debug, Clone)]
pub(crate) struct CompiledSod {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) owner: Option<String>,
    pub(crate) duties: Vec<CompiledDuty>,
}

/// One duty of a rule.
#[derive(Debug, Clone)]
pub(crate) struct CompiledDuty {
    pub(crate) name: String,
    pub(crate) ents: Vec<CompiledDutyEnt>,
}

/// An entitlement that carries a duty.
#[derive(Debug, Clone)]
pub(crate) struct CompiledDutyEnt {
    /// Index into `Compiled::apps`.
    pub(crate) app: usize,
    /// Lower-case role, when only that role carries the duty.
    pub(crate) role: Option<String>,
    pub(crate) group: Option<String>,
}

struct Checker<'a> {
    set: &'a PolicySet,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, origin: &Origin, path: &str, message: impl Into<String>, help: impl Into<String>) {
        let d = self.set.error_at(origin, path, message).with_help(help);
        self.diags.push(d);
    }

    fn warn(&mut self, origin: &Origin, path: &str, message: impl Into<String>, help: impl Into<String>) {
        let d = self.set.warning_at(origin, path, message).with_help(help);
        self.diags.push(d);
    }

    fn regex(&mut self, origin: &Origin, path: &str, pattern: &str) -> Option<Regex> {
        match Regex::new(pattern) {
            Ok(r) => Some(r),
            Err(e) => {
                let detail = e.to_string();
                let last =
                    detail.lines().rfind(|l| l.starts_with("error:")).unwrap_or("").trim_start_matches("error: ");
                self.error(
                    origin,
                    path,
                    format!("`{pattern}` is not a valid regular expression: {last}"),
                    "fix the pattern (Rust regex syntax); escape literal `.`, `+`, `(` with `\\`",
                );
                None
            }
        }
    }

    fn delimiter(&mut self, origin: &Origin, path: &str, delim: Option<&String>) {
        if let Some(d) = delim
            && (d.chars().count() != 1 || !d.is_ascii())
        {
            self.error(
                origin,
                path,
                format!("delimiter `{d}` must be one ASCII character"),
                "use `,`, `;`, `|` or a tab",
            );
        }
    }

    fn duplicates<T>(&mut self, kind: &str, items: &[Named<T>]) {
        let mut seen: HashMap<&str, &Origin> = HashMap::new();
        for item in items {
            if let Some(first) = seen.get(item.name.as_str()) {
                let first_at = self.set.origin_label(first);
                let first_line = self.set.locate(first, "metadata.name", false).map(|l| l.line).unwrap_or(0);
                self.error(
                    &item.origin,
                    "metadata.name",
                    format!("{kind} `{}` is defined twice (first in {first_at}:{first_line})", item.name),
                    "rename one of them or merge the two",
                );
            } else {
                seen.insert(&item.name, &item.origin);
            }
        }
    }
}

/// Runs every cross-field check and compiles the set. Errors and warnings
/// come back as diagnostics; the compiled form is only meaningful when
/// there are no errors.
pub(crate) fn check(set: &PolicySet, root: &str) -> (Compiled, Vec<Diagnostic>) {
    let mut c = Checker { set, diags: Vec::new() };
    if set.people_sources.is_empty() {
        c.diags.push(
            Diagnostic::error(root, None, "no PeopleSource found: keyward needs the HR master to know who works here")
                .with_help("add a PeopleSource resource, e.g. `kind: PeopleSource` with `spec.csv.path` and `spec.csv.columns.id`"),
        );
    }
    c.duplicates("PeopleSource", &set.people_sources);
    c.duplicates("Application", &set.applications);
    c.duplicates("AccessPolicy", &set.policies);
    c.duplicates("Exception", &set.exceptions);
    c.duplicates("SeparationOfDuties", &set.duties);

    let people_attributes = set.people_attributes();
    let mut employment_types: BTreeSet<String> =
        vocab::WELL_KNOWN_EMPLOYMENT_TYPES.iter().map(|s| (*s).to_owned()).collect();
    let mut has_manager_column = false;
    let mut has_moved_on_column = false;
    for src in &set.people_sources {
        check_people_source(&mut c, src, &mut employment_types);
        has_manager_column |= src.spec.has_manager();
        has_moved_on_column |= src.spec.has_moved_on();
    }

    let mut compiled = Compiled::default();
    for (i, app) in set.applications.iter().enumerate() {
        let ca = compile_app(&mut c, app, &people_attributes, has_manager_column, has_moved_on_column);
        compiled.app_index.insert(app.name.clone(), i);
        compiled.apps.push(ca);
    }

    // Roles granted per app, to require a ranking when there are several.
    let mut granted_roles: BTreeMap<usize, BTreeMap<String, (Origin, String)>> = BTreeMap::new();
    for pol in &set.policies {
        let selector = compile_selector(&mut c, pol, &people_attributes, &employment_types);
        if pol.spec.grant.is_empty() {
            c.error(
                &pol.origin,
                "spec.grant",
                "the policy grants nothing",
                "list at least one `- app: <name>` under `grant:`",
            );
        }
        let grants = compile_grants(&mut c, &pol.origin, &pol.spec.grant, &compiled, &mut granted_roles);
        compiled.policies.push(CompiledPolicy { name: pol.name.clone(), selector, grants });
    }
    for ex in &set.exceptions {
        let s = &ex.spec;
        if s.person.trim().is_empty() {
            c.error(
                &ex.origin,
                "spec.person",
                "`person` is empty",
                "write the person's employee number or work e-mail",
            );
        }
        if s.reason.trim().is_empty() {
            c.error(&ex.origin, "spec.reason", "`reason` is empty", "say why the exception is needed, for reviewers");
        }
        if s.approver.trim().is_empty() {
            c.error(&ex.origin, "spec.approver", "`approver` is empty", "name who approved the exception (an e-mail)");
        }
        if let Some(from) = s.from
            && from > s.until
        {
            c.error(
                &ex.origin,
                "spec.until",
                format!("`until` ({}) is before `from` ({from})", s.until),
                "swap the dates or fix the typo",
            );
        }
        if s.grant.is_empty() {
            c.error(
                &ex.origin,
                "spec.grant",
                "the exception grants nothing",
                "list at least one `- app: <name>` under `grant:`",
            );
        }
        let grants = compile_grants(&mut c, &ex.origin, &s.grant, &compiled, &mut granted_roles);
        compiled.exceptions.push(CompiledException {
            name: ex.name.clone(),
            person: s.person.trim().to_owned(),
            from: s.from,
            until: s.until,
            reason: s.reason.clone(),
            approver: s.approver.clone(),
            grants,
        });
    }
    for (app_idx, roles) in &granted_roles {
        let app = &set.applications[*app_idx];
        if roles.len() > 1 && app.spec.roles.is_empty() {
            let names: Vec<&str> = roles.keys().map(String::as_str).collect();
            let (origin, path) = roles
                .values()
                .nth(1)
                .map(|(o, p)| (o.clone(), p.clone()))
                .unwrap_or((app.origin.clone(), String::new()));
            c.error(
                &origin,
                &path,
                format!(
                    "application `{}` is granted several roles ({}) but does not rank them",
                    app.name,
                    names.join(", ")
                ),
                format!(
                    "add `roles: [{}]` to Application `{}`, least privileged first, so keyward knows which role wins",
                    names.join(", "),
                    app.name
                ),
            );
        }
    }
    // Role numbers: every role a grant names gets one in its app.
    for grants in
        compiled.policies.iter_mut().map(|p| &mut p.grants).chain(compiled.exceptions.iter_mut().map(|e| &mut e.grants))
    {
        for g in grants.iter_mut() {
            if let (Some(role), Some(app)) = (&g.role, compiled.apps.get_mut(g.app)) {
                let key = role.to_lowercase();
                let next = app.role_ids.len() as u32;
                g.role_id = Some(*app.role_ids.entry(key).or_insert(next));
            }
        }
    }
    compile_duties(&mut c, &mut compiled);
    // Managed groups: every group some grant names.
    for pol in compiled.policies.iter().map(|p| &p.grants).chain(compiled.exceptions.iter().map(|e| &e.grants)) {
        for g in pol {
            if let Some(app) = compiled.apps.get_mut(g.app) {
                app.managed_groups.extend(g.groups.iter().cloned());
            }
        }
    }
    (compiled, c.diags)
}

mod hr_apis;

fn check_people_source(
    c: &mut Checker<'_>,
    src: &Named<crate::resources::PeopleSourceSpec>,
    types: &mut BTreeSet<String>,
) {
    let kinds = src.spec.kinds_set();
    if kinds.len() > 1 {
        let listed: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).collect();
        c.error(
            &src.origin,
            "spec",
            format!("the PeopleSource sets {}", listed.join(" and ")),
            format!(
                "keep exactly one of {}; declare a second PeopleSource for the other",
                crate::resources::PeopleSourceSpec::KINDS.map(|k| format!("`{k}`")).join(", ")
            ),
        );
        return;
    }
    let spec = &src.spec;
    let csv = match (&spec.csv, &spec.smarthr, &spec.google_workspace, &spec.microsoft_graph) {
        (Some(csv), ..) => csv,
        (_, Some(smarthr), ..) => {
            check_smarthr(c, &src.origin, smarthr, types);
            return;
        }
        (_, _, Some(google), _) => {
            hr_apis::check_google(c, &src.origin, google, types);
            return;
        }
        (_, _, _, Some(graph)) => {
            hr_apis::check_graph_source(c, &src.origin, graph, types);
            return;
        }
        (None, None, None, None) => {
            c.error(
                &src.origin,
                "spec",
                "the PeopleSource has no source",
                "set `csv:` with the path and columns of the HR export, `smarthr:` with the tenant's URL and token, `googleWorkspace:` or `microsoftGraph:`",
            );
            return;
        }
    };
    c.delimiter(&src.origin, "spec.csv.delimiter", csv.delimiter.as_ref());
    if csv.path.trim().is_empty() {
        c.error(
            &src.origin,
            "spec.csv.path",
            "`path` is empty",
            "write the path of the CSV file, relative to this policy file",
        );
    }
    if csv.columns.id.trim().is_empty() {
        c.error(
            &src.origin,
            "spec.csv.columns.id",
            "the id column is empty",
            "name the header of the employee number column (社員番号)",
        );
    }
    for (i, f) in csv.date_formats.iter().enumerate() {
        let probe = jiff::civil::date(2026, 11, 23);
        let ok = jiff::fmt::strtime::format(f.as_str(), probe)
            .ok()
            .and_then(|s| jiff::civil::Date::strptime(f.as_str(), &s).ok())
            == Some(probe);
        if !ok {
            c.error(
                &src.origin,
                &format!("spec.csv.dateFormats[{i}]"),
                format!("`{f}` is not a usable date format"),
                "use strftime fields for a full date, e.g. `%Y/%m/%d` or `%Y年%m月%d日`",
            );
        }
    }
    for sep in [("listSeparator", &csv.list_separator), ("departmentSeparator", &csv.department_separator)] {
        if sep.1.as_deref().is_some_and(str::is_empty) {
            c.error(
                &src.origin,
                &format!("spec.csv.{}", sep.0),
                format!("`{}` is empty", sep.0),
                "write the separator character, e.g. `;` or `/`",
            );
        }
    }
    check_value_maps(c, &src.origin, "spec.csv.values", &csv.values, types);
    check_attribute_names(c, &src.origin, "spec.csv.columns.attributes", &csv.columns.attributes);
}

fn check_smarthr(
    c: &mut Checker<'_>,
    o: &Origin,
    s: &crate::resources::SmartHrPeopleSource,
    types: &mut BTreeSet<String>,
) {
    check_api_url(
        c,
        o,
        "spec.smarthr.url",
        &s.url,
        "write the tenant's address, for example `https://example.smarthr.jp`",
    );
    check_secret_ref(
        c,
        o,
        "spec.smarthr.token",
        &s.token,
        "write `token: {env: SMARTHR_TOKEN}`, `token: {file: /var/run/secrets/smarthr-token}` or, for the controller in Kubernetes, `token: {secret: {name: keyward-credentials, key: smarthr-token}}`",
    );
    match s.per_page {
        Some(0) => {
            c.error(o, "spec.smarthr.perPage", "a page size of 0 reads nothing", "leave it out or use 1 to 100");
        }
        Some(n) if n > 100 => c.error(
            o,
            "spec.smarthr.perPage",
            format!("SmartHR returns at most 100 crews per page, not {n}"),
            "leave it out (100) or use 1 to 100",
        ),
        _ => {}
    }
    if s.timeout_seconds == Some(0) {
        c.error(
            o,
            "spec.smarthr.timeoutSeconds",
            "a timeout of 0 seconds fails every call",
            "leave it out or use 1 or more",
        );
    }
    for (field, name) in [("manager", &s.fields.manager), ("movedOn", &s.fields.moved_on)] {
        if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            c.error(
                o,
                &format!("spec.smarthr.fields.{field}"),
                format!("`{field}` names no custom field"),
                "write the custom field's name as SmartHR shows it, or leave the line out",
            );
        }
    }
    check_value_maps(c, o, "spec.smarthr.values", &s.values, types);
    check_attribute_names(c, o, "spec.smarthr.customFields", &s.custom_fields);
}

fn check_value_maps(
    c: &mut Checker<'_>,
    o: &Origin,
    path: &str,
    values: &crate::resources::PeopleValueMaps,
    types: &mut BTreeSet<String>,
) {
    for (label, ty) in &values.employment_type {
        if !vocab::is_type_word(ty) {
            c.error(
                o,
                &format!("{path}.employmentType.{label}"),
                format!("`{ty}` is not an employment type name"),
                "use lowercase words joined by `-`, such as `full-time`, `contractor` or `intern`",
            );
        } else {
            types.insert(ty.clone());
        }
    }
}

fn check_attribute_names(c: &mut Checker<'_>, o: &Origin, path: &str, attributes: &BTreeMap<String, String>) {
    for name in attributes.keys() {
        if name.is_empty() || name.contains(['.', ' ']) {
            c.error(
                o,
                &format!("{path}.{name}"),
                format!("`{name}` is not a usable attribute name"),
                "use letters, digits, `-` or `_`",
            );
        }
    }
}

fn compile_app(
    c: &mut Checker<'_>,
    app: &Named<ApplicationSpec>,
    people_attributes: &BTreeMap<String, String>,
    has_manager_column: bool,
    has_moved_on_column: bool,
) -> CompiledApp {
    let o = &app.origin;
    let s = &app.spec;
    let mut account_fields: Vec<String> = BUILTIN_FIELDS.iter().map(|f| (*f).to_owned()).collect();
    if s.connector.kinds_set().len() > 1 {
        let kinds: Vec<String> = crate::resources::ConnectorSpec::KINDS.iter().map(|k| format!("`{k}`")).collect();
        c.error(
            o,
            "spec.connector",
            "the application sets more than one connector",
            format!("keep exactly one of {}", kinds.join(", ")),
        );
    }
    let mut connector_roles = None;
    let mut group_names = GroupNames::Any;
    let connector = match (&s.connector.csv_export, &s.connector.scim, &s.connector.github, &s.connector.ldap) {
        (None, None, None, Some(ldap)) => {
            check_ldap(c, o, s, ldap);
            "ldap"
        }
        (None, Some(scim), _, _) => {
            check_scim(c, o, scim);
            "scim"
        }
        (None, None, Some(github), _) => {
            check_github(c, o, github);
            connector_roles = Some(GITHUB_ROLES);
            group_names = if github.teams() {
                GroupNames::TeamSlugs
            } else {
                GroupNames::Unmanaged("spec.connector.github.teams")
            };
            "github"
        }
        (Some(csv), _, _, _) => {
            c.delimiter(o, "spec.connector.csvExport.delimiter", csv.delimiter.as_ref());
            let cols = &csv.columns;
            if cols.id.is_none() && cols.email.is_none() && cols.username.is_none() {
                c.error(
                    o,
                    "spec.connector.csvExport.columns",
                    "the export has no id, email or username column",
                    "map at least one of `id`, `email` or `username` to a header of the export",
                );
            }
            if let Some(sv) = &csv.status_values {
                let mut seen: HashMap<String, &str> = HashMap::new();
                for (meaning, values) in [
                    ("active", &sv.active),
                    ("suspended", &sv.suspended),
                    ("invited", &sv.invited),
                    ("bot", &sv.bot),
                    ("deleted", &sv.deleted),
                ] {
                    for v in values {
                        if let Some(prev) = seen.insert(vocab::label_key(v), meaning) {
                            c.error(
                                o,
                                &format!("spec.connector.csvExport.statusValues.{meaning}"),
                                format!("status value `{v}` is listed as both {prev} and {meaning}"),
                                "list each value under one meaning only",
                            );
                        }
                    }
                }
                if csv.columns.status.is_none() {
                    c.warn(
                        o,
                        "spec.connector.csvExport.statusValues",
                        "statusValues are set but no status column is mapped",
                        "map `columns.status` or remove `statusValues`",
                    );
                }
            }
            account_fields.extend(cols.attributes.keys().cloned());
            "csvExport"
        }
        (None, None, None, None) if s.connector.microsoft_graph.is_some() => "microsoftGraph",
        (None, None, None, None) if s.connector.google_workspace.is_some() => "googleWorkspace",
        (None, None, None, None) if s.connector.slack.is_some() => "slack",
        (None, None, None, None) if s.connector.atlassian.is_some() => "atlassian",
        (None, None, None, None) => {
            c.error(
                o,
                "spec.connector",
                "the application has no connector",
                "set `scim:` with the app's SCIM URL and token, `github:` with the organisation and token, `ldap:` with the directory's URL, bind DN and base DN, `microsoftGraph:` with the Entra tenant and app registration, `googleWorkspace:` with the service account key and the admin it acts as, `slack:` with the Slack tokens, `atlassian:` with the organisation id and API key, or `csvExport:` with the path and columns of the app's user export",
            );
            "none"
        }
    };
    if connector == "scim" {
        // What the SCIM connector stores beside the built-in fields.
        account_fields.extend(["employeeNumber", "department"].map(str::to_owned));
    }
    if connector == "ldap" {
        // The entry's DN, kept beside the uid that is the account's id.
        account_fields.push("dn".to_owned());
    }
    if let Some(slack) = &s.connector.slack {
        check_slack(c, o, slack);
        connector_roles = Some(SLACK_ROLES);
        if slack.scim_token.is_none() {
            group_names = GroupNames::NotSupported(
                "Slack's user groups are changed through SCIM, and `spec.connector.slack.scimToken` is not set",
            );
        }
    }
    if let Some(atlassian) = &s.connector.atlassian {
        check_atlassian(c, o, s, atlassian);
    }
    if let Some(graph) = &s.connector.microsoft_graph {
        check_graph(c, o, graph);
        // What the Graph connector stores beside the built-in fields.
        account_fields.extend(["department", "jobTitle", "employeeType"].map(str::to_owned));
    }
    if let Some(gw) = &s.connector.google_workspace {
        check_google_workspace(c, o, s, gw);
        // What the Google Workspace connector stores beside the built-in fields.
        account_fields.extend(["department", "title", "orgUnitPath", "isAdmin"].map(str::to_owned));
    }

    let mut correlators = Vec::new();
    let specs = if s.correlate.is_empty() { vec![Default::default()] } else { s.correlate.clone() };
    let implicit = s.correlate.is_empty();
    for (i, cs) in specs.iter().enumerate() {
        let path = format!("spec.correlate[{i}]");
        let set_count =
            [cs.email.is_some(), cs.employee_id.is_some(), cs.attribute.is_some()].iter().filter(|b| **b).count();
        if !implicit && set_count != 1 {
            c.error(
                o,
                &path,
                format!(
                    "a correlator must set exactly one of email, employeeId, attribute (this one sets {set_count})"
                ),
                "split it into one list entry per correlator",
            );
            continue;
        }
        let check_field = |c: &mut Checker<'_>, field: &str, sub: &str| {
            if !account_fields.iter().any(|f| f == field) {
                let cands: Vec<&str> = account_fields.iter().map(String::as_str).collect();
                c.error(
                    o,
                    &format!("{path}.{sub}.accountField"),
                    format!("unknown account field `{field}`"),
                    suggest(field, &cands).unwrap_or_else(|| {
                        format!(
                            "use one of {}, or declare it under the connector's `columns.attributes`",
                            cands.join(", ")
                        )
                    }),
                );
            }
        };
        if let Some(e) = &cs.email {
            let field = e.account_field.clone().unwrap_or_else(|| "email".to_owned());
            check_field(c, &field, "email");
            let mut aliases = Vec::new();
            for (from, to) in &e.domain_aliases {
                if !from.contains('.') || !to.contains('.') || from.contains('@') || to.contains('@') {
                    c.error(
                        o,
                        &format!("{path}.email.domainAliases.{from}"),
                        format!("`{from}: {to}` is not a domain alias"),
                        "write `old-domain.example: current-domain.example`, without `@`",
                    );
                }
                aliases.push((from.to_lowercase(), to.to_lowercase()));
            }
            aliases.sort();
            correlators.push(CompiledCorrelator::Email { aliases, strip_plus: !e.keep_plus_tag, field });
        } else if let Some(e) = &cs.employee_id {
            let field = e.account_field.clone().unwrap_or_else(|| "externalId".to_owned());
            check_field(c, &field, "employeeId");
            correlators.push(CompiledCorrelator::EmployeeId { field });
        } else if let Some(a) = &cs.attribute {
            let field = a.account_field.clone().unwrap_or_else(|| "username".to_owned());
            check_field(c, &field, "attribute");
            if !people_attributes.contains_key(&a.attribute) {
                let cands: Vec<&str> = people_attributes.keys().map(String::as_str).collect();
                c.error(
                    o,
                    &format!("{path}.attribute.attribute"),
                    format!("no people source declares the attribute `{}`", a.attribute),
                    suggest(&a.attribute, &cands).unwrap_or_else(|| {
                        "declare it under the PeopleSource's `columns.attributes` (e.g. `github: GitHubアカウント`)"
                            .to_owned()
                    }),
                );
            }
            correlators.push(CompiledCorrelator::Attribute {
                attribute: a.attribute.clone(),
                field,
                case_sensitive: a.case_sensitive,
            });
        } else {
            correlators.push(CompiledCorrelator::Email {
                aliases: Vec::new(),
                strip_plus: true,
                field: "email".to_owned(),
            });
        }
    }

    let mut protect = Vec::new();
    for (i, p) in s.protect.iter().enumerate() {
        let path = format!("spec.protect[{i}]");
        let n = [p.username.is_some(), p.email.is_some(), p.id.is_some()].iter().filter(|b| **b).count();
        if n != 1 {
            c.error(
                o,
                &path,
                format!("a protect rule must set exactly one of username, email, id (this one sets {n})"),
                "write one rule per list entry",
            );
            continue;
        }
        if let Some(u) = &p.username {
            if let Some(r) = c.regex(o, &format!("{path}.username"), u) {
                protect.push(CompiledProtect::Username(r, p.reason.clone()));
            }
        } else if let Some(e) = &p.email {
            if let Some(r) = c.regex(o, &format!("{path}.email"), e) {
                protect.push(CompiledProtect::Email(r, p.reason.clone()));
            }
        } else if let Some(id) = &p.id {
            protect.push(CompiledProtect::Id(id.clone(), p.reason.clone()));
        }
    }

    let mut role_rank = FxHashMap::default();
    for (i, r) in s.roles.iter().enumerate() {
        if role_rank.insert(r.to_lowercase(), i).is_some() {
            c.error(
                o,
                &format!("spec.roles[{i}]"),
                format!("role `{r}` is listed twice"),
                "list each role once, least privileged first",
            );
        }
    }
    if let Some(known) = connector_roles {
        let named = s.roles.iter().enumerate().map(|(i, r)| (format!("spec.roles[{i}]"), r));
        for (path, r) in named.chain(s.default_role.iter().map(|d| ("spec.defaultRole".to_owned(), d))) {
            if !known.iter().any(|k| k.eq_ignore_ascii_case(r)) {
                c.error(o, &path, connector_role_problem(connector, r), format!("use {}", known.join(" or ")));
            }
        }
    }
    if let Some(d) = &s.default_role
        && !s.roles.is_empty()
        && !role_rank.contains_key(&d.to_lowercase())
    {
        c.error(
            o,
            "spec.defaultRole",
            format!("default role `{d}` is not one of the app's roles"),
            format!("use one of {}", s.roles.join(", ")),
        );
    }
    let identities = s.identities.as_ref().map(|ids| {
        let mut out = CompiledIdentities::default();
        for (field, list, into) in [
            ("internalDomains", &ids.internal_domains, &mut out.internal),
            ("partnerDomains", &ids.partner_domains, &mut out.partner),
        ] {
            for (i, d) in list.iter().enumerate() {
                let d = d.trim().trim_start_matches('@').to_lowercase();
                if d.is_empty() || d.contains(char::is_whitespace) || !d.contains('.') || d.contains('@') {
                    c.error(
                        o,
                        &format!("spec.identities.{field}[{i}]"),
                        format!("`{}` is not an e-mail domain", list[i]),
                        "write the part after the @, for example `example.com`",
                    );
                }
                into.push(d);
            }
        }
        if let Some(d) = out.internal.iter().find(|d| out.partner.contains(d)) {
            c.error(
                o,
                "spec.identities.partnerDomains",
                format!("`{d}` is listed as both an internal and a partner domain"),
                "keep it in one list",
            );
        }
        if let Some(r) = &ids.partner_max_role {
            match role_rank.get(&r.to_lowercase()) {
                Some(&rank) => out.partner_max_role = Some((r.clone(), None, rank)),
                None => c.error(
                    o,
                    "spec.identities.partnerMaxRole",
                    format!("`{r}` is not one of the app's roles"),
                    if s.roles.is_empty() {
                        "list the app's roles in `spec.roles`, least privileged first".to_owned()
                    } else {
                        format!("use one of {}", s.roles.join(", "))
                    },
                ),
            }
        }
        out
    });
    let lc = &s.lifecycle;
    if matches!(lc.offboarding.transfer_to, Some(crate::duration::TransferTo::Manager)) && !has_manager_column {
        c.error(
            o,
            "spec.lifecycle.offboarding.transferTo",
            "`transferTo: manager` needs to know managers, but no people source maps a manager column",
            "add `columns.manager` (上長) to the PeopleSource, or name an account to receive the data",
        );
    }
    if lc.mover_grace.0 > 0 && !has_moved_on_column {
        c.warn(o, "spec.lifecycle.moverGrace", "`moverGrace` needs the date of transfers, but no people source maps a `movedOn` column; access ends at once", "add `columns.movedOn` (異動日) to the PeopleSource");
    }
    let role_ids: FxHashMap<String, u32> = role_rank
        .keys()
        .chain(s.default_role.as_ref().map(|d| d.to_lowercase()).as_ref())
        .enumerate()
        .map(|(i, r)| (r.clone(), i as u32))
        .collect();
    let identities = identities.map(|mut ids| {
        if let Some((role, id, _)) = &mut ids.partner_max_role {
            *id = role_ids.get(&role.to_lowercase()).copied();
        }
        ids
    });
    CompiledApp {
        name: app.name.clone(),
        correlators,
        protect,
        role_ids,
        role_rank,
        identities,
        default_role: s.default_role.clone(),
        managed_groups: BTreeSet::new(),
        lifecycle: s.lifecycle.clone(),
        connector,
        connector_roles,
        group_names,
        in_duties: false,
    }
}

/// Why `role` cannot be set by the app's connector.
fn connector_role_problem(connector: &str, role: &str) -> String {
    match connector {
        "github" => format!(
            "`{role}` is not a GitHub organisation role: members are `member` or `admin` (an organisation owner)"
        ),
        "slack" => format!("`{role}` is not a Slack role"),
        other => format!("the {other} connector cannot set the role `{role}`"),
    }
}

fn check_scim(c: &mut Checker<'_>, o: &Origin, scim: &crate::resources::ScimConnector) {
    check_api_url(
        c,
        o,
        "spec.connector.scim.url",
        &scim.url,
        "write the SCIM base URL, for example `https://api.slack.com/scim/v2`",
    );
    check_secret_ref(
        c,
        o,
        "spec.connector.scim.token",
        &scim.token,
        "write `token: {env: SLACK_SCIM_TOKEN}`, `token: {file: /var/run/secrets/slack-token}` or, for the controller in Kubernetes, `token: {secret: {name: keyward-credentials, key: slack-scim-token}}`",
    );
    if scim.page_size == Some(0) {
        c.error(o, "spec.connector.scim.pageSize", "a page size of 0 reads nothing", "leave it out or use 1 or more");
    }
    if scim.timeout_seconds == Some(0) {
        c.error(
            o,
            "spec.connector.scim.timeoutSeconds",
            "a timeout of 0 seconds fails every call",
            "leave it out or use 1 or more",
        );
    }
}

fn check_ldap(c: &mut Checker<'_>, o: &Origin, app: &ApplicationSpec, ldap: &crate::resources::LdapConnector) {
    use crate::resources::LdapSuspension;
    let url = ldap.url.trim();
    let host = url.strip_prefix("ldaps://").or_else(|| url.strip_prefix("ldap://"));
    match host {
        Some(h) if !h.is_empty() && !h.starts_with('/') && !url.contains(char::is_whitespace) => {
            let tls = url.starts_with("ldaps://");
            if tls && ldap.start_tls {
                c.error(
                    o,
                    "spec.connector.ldap.startTls",
                    "an `ldaps://` connection is TLS from the start, so StartTLS cannot upgrade it",
                    "remove `startTls`, or use an `ldap://` URL with `startTls: true`",
                );
            } else if !tls && !ldap.start_tls && !is_loopback_host(h) {
                c.warn(
                    o,
                    "spec.connector.ldap.url",
                    "the LDAP URL is plain `ldap://` without StartTLS: the bind password would cross the network unencrypted",
                    "use `ldaps://` or set `startTls: true`",
                );
            }
        }
        _ => c.error(
            o,
            "spec.connector.ldap.url",
            format!("`{}` is not an LDAP URL", ldap.url),
            "write `ldaps://ldap.example.com:636`, or `ldap://ldap.example.com:389` with `startTls: true`",
        ),
    }
    if let Some(tls) = &ldap.tls {
        if tls.ca_file.trim().is_empty() {
            c.error(
                o,
                "spec.connector.ldap.tls.caFile",
                "`caFile` is empty",
                "name the PEM file with the CA certificate that signed the directory's certificate, relative to this policy file, or remove `tls` to trust the system's CAs",
            );
        }
        // A CA file on a plain connection looks like protection but checks
        // nothing: the password would still cross the network in clear.
        if url.starts_with("ldap://") && !ldap.start_tls {
            c.error(
                o,
                "spec.connector.ldap.tls",
                "`tls` is set but the connection is plain `ldap://` without StartTLS, so no certificate is ever checked",
                "set `startTls: true`, or use an `ldaps://` URL",
            );
        }
    }
    let dns = [("bindDn", Some(&ldap.bind_dn)), ("baseDn", Some(&ldap.base_dn)), ("groupsDn", ldap.groups_dn.as_ref())];
    for (field, dn) in dns {
        if let Some(dn) = dn
            && !looks_like_dn(dn)
        {
            c.error(
                o,
                &format!("spec.connector.ldap.{field}"),
                format!("`{dn}` is not a DN"),
                "write it as attribute=value pairs from the entry up, for example `ou=people,dc=example,dc=com`",
            );
        }
    }
    check_secret_ref(
        c,
        o,
        "spec.connector.ldap.password",
        &ldap.password,
        "write `password: {env: LDAP_PASSWORD}`, `password: {file: /var/run/secrets/ldap-password}` or, for the controller in Kubernetes, `password: {secret: {name: keyward-credentials, key: ldap-password}}`",
    );
    if let Some(f) = &ldap.user_filter
        && !is_ldap_filter(f)
    {
        c.error(
            o,
            "spec.connector.ldap.userFilter",
            format!("`{f}` is not an LDAP filter"),
            "write it in balanced parentheses, for example `(&(objectClass=inetOrgPerson)(!(employeeType=service)))`",
        );
    }
    let a = &ldap.attributes;
    for (field, name) in
        [("id", &a.id), ("email", &a.email), ("displayName", &a.display_name), ("employeeNumber", &a.employee_number)]
    {
        if let Some(name) = name
            && (name.is_empty() || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '.')))
        {
            c.error(
                o,
                &format!("spec.connector.ldap.attributes.{field}"),
                format!("`{name}` is not an LDAP attribute name"),
                "write the attribute's name as the schema has it, for example `uid` or `mail`",
            );
        }
    }
    match (ldap.suspension, &ldap.suspended_group) {
        (LdapSuspension::Group, None) => c.error(
            o,
            "spec.connector.ldap.suspension",
            "`suspension: group` needs the group whose members are suspended",
            "add `suspendedGroup:` with the group's cn, for example `suspendedGroup: suspended`",
        ),
        (LdapSuspension::Group, Some(_)) if ldap.groups_dn.is_none() => c.error(
            o,
            "spec.connector.ldap.suspendedGroup",
            "the suspended group is looked up under `groupsDn`, which is not set",
            "add `groupsDn:` with the subtree that holds the groups",
        ),
        (LdapSuspension::PasswordLock, Some(_)) => c.error(
            o,
            "spec.connector.ldap.suspendedGroup",
            "`suspendedGroup` is only used with `suspension: group`",
            "add `suspension: group`, or remove `suspendedGroup` to suspend by locking the password",
        ),
        _ => {}
    }
    if ldap.page_size == Some(0) {
        c.error(o, "spec.connector.ldap.pageSize", "a page size of 0 reads nothing", "leave it out or use 1 or more");
    }
    if ldap.timeout_seconds == Some(0) {
        c.error(
            o,
            "spec.connector.ldap.timeoutSeconds",
            "a timeout of 0 seconds fails every operation",
            "leave it out or use 1 or more",
        );
    }
    if !app.roles.is_empty() {
        c.error(o, "spec.roles", "an LDAP directory has no roles", "remove `roles` and grant groups instead");
    }
    if app.default_role.is_some() {
        c.error(
            o,
            "spec.defaultRole",
            "an LDAP directory has no roles",
            "remove `defaultRole` and grant groups instead",
        );
    }
}

/// `attribute=value` pairs separated by commas (a comma inside a value is
/// escaped, `cn=Doe\, John`); values are not checked.
fn looks_like_dn(dn: &str) -> bool {
    // Escaped characters stand for themselves, so blank them out first.
    let mut plain = String::with_capacity(dn.len());
    let mut escaped = false;
    for ch in dn.trim().chars() {
        match (escaped, ch) {
            (true, _) => {
                plain.push('_');
                escaped = false;
            }
            (false, '\\') => escaped = true,
            (false, _) => plain.push(ch),
        }
    }
    plain.split(',').all(|rdn| rdn.split_once('=').is_some_and(|(t, _)| !t.trim().is_empty()))
}

/// In parentheses that balance (parentheses inside values are written
/// `\28` and `\29` in LDAP filters, so every raw one is structure).
fn is_ldap_filter(f: &str) -> bool {
    let f = f.trim();
    let mut depth: i32 = 0;
    for (i, ch) in f.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 || (depth == 0 && i + 1 != f.len()) {
                    return false;
                }
            }
            _ if depth == 0 => return false,
            _ => {}
        }
    }
    depth == 0 && f.len() > 2
}

fn is_loopback_host(host: &str) -> bool {
    host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]")
}

/// A credential's [`SecretRef`](crate::resources::SecretRef) at `path`
/// (`spec.connector.scim.token`): exactly one source, a usable variable
/// name, a valid Secret name and key. `examples` shows the three forms.
fn check_secret_ref(c: &mut Checker<'_>, o: &Origin, path: &str, r: &crate::resources::SecretRef, examples: &str) {
    // The field in words: `clientSecret` reads "client secret".
    let field = path.rsplit('.').next().unwrap_or(path);
    let mut what = String::with_capacity(field.len() + 2);
    for ch in field.chars() {
        if ch.is_ascii_uppercase() {
            what.push(' ');
        }
        what.push(ch.to_ascii_lowercase());
    }
    if r.sources_set() != 1 {
        c.error(o, path, format!("the {what} must come from exactly one of `env`, `file` and `secret`"), examples);
    }
    if let Some(s) = &r.secret {
        for (field, value) in [("name", &s.name), ("key", &s.key)] {
            if !is_k8s_secret_part(value, field == "name") {
                c.error(
                    o,
                    &format!("{path}.secret.{field}"),
                    format!("`{value}` is not a valid Secret {field}"),
                    if field == "name" {
                        "use the Secret's metadata.name: lower-case letters, digits, `-` and `.`"
                    } else {
                        "use a key of the Secret's data: letters, digits, `-`, `_` and `.`"
                    },
                );
            }
        }
    }
    if let Some(env) = &r.env
        && (env.is_empty() || !env.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
    {
        c.error(
            o,
            &format!("{path}.env"),
            format!("`{env}` is not an environment variable name"),
            format!(
                "name the variable that holds the {what} (letters, digits and `_`); never write the {what} itself here"
            ),
        );
    }
}

/// `https://…` or, on this machine only, `http://…`: a token sent in
/// clear text to another host can be read on the way.
fn check_api_url(c: &mut Checker<'_>, o: &Origin, path: &str, url: &str, example: &str) {
    let trimmed = url.trim();
    let scheme_ok = trimmed.starts_with("https://") || trimmed.starts_with("http://");
    if !scheme_ok || trimmed.len() <= "https://".len() || trimmed.contains(char::is_whitespace) {
        c.error(o, path, format!("`{url}` is not an http(s) URL"), example);
    } else if trimmed.starts_with("http://") && !is_loopback_url(trimmed) {
        c.warn(o, path, "the URL is plain http: the token would cross the network unencrypted", "use https");
    }
}

fn check_github(c: &mut Checker<'_>, o: &Origin, gh: &crate::resources::GithubConnector) {
    if !is_github_login(&gh.org) {
        c.error(
            o,
            "spec.connector.github.org",
            format!("`{}` is not a GitHub organisation login", gh.org),
            "write the organisation's name as in its URL, https://github.com/ORG: letters, digits and `-`, at most 39 characters",
        );
    }
    check_secret_ref(
        c,
        o,
        "spec.connector.github.token",
        &gh.token,
        "write `token: {env: GITHUB_TOKEN}`, `token: {file: /var/run/secrets/github-token}` or, for the controller in Kubernetes, `token: {secret: {name: keyward-credentials, key: github-token}}`",
    );
    if let Some(url) = &gh.api_url {
        check_api_url(
            c,
            o,
            "spec.connector.github.apiUrl",
            url,
            "leave it out for github.com, or write GitHub Enterprise Server's API URL, `https://HOST/api/v3`",
        );
    }
    if gh.timeout_seconds == Some(0) {
        c.error(
            o,
            "spec.connector.github.timeoutSeconds",
            "a timeout of 0 seconds fails every call",
            "leave it out or use 1 or more",
        );
    }
}

/// GitHub's rule for organisation logins: letters, digits and hyphens,
/// not at either end, at most 39 characters. (Two hyphens in a row are
/// refused for new names only, so old organisations may have them.)
fn is_github_login(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 39
        && s.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A team's slug as GitHub makes it from the name: lower-case letters,
/// digits, `-`, `_` and `.`.
fn is_team_slug(s: &str) -> bool {
    s.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '-' | '_' | '.'))
}

// ---- slack ----

fn check_slack(c: &mut Checker<'_>, o: &Origin, s: &crate::resources::SlackConnector) {
    const P: &str = "spec.connector.slack";
    check_secret_ref(
        c,
        o,
        &format!("{P}.token"),
        &s.token,
        "write `token: {env: SLACK_TOKEN}`, `token: {file: /var/run/secrets/slack-token}` or, for the controller in Kubernetes, `token: {secret: {name: keyward-credentials, key: slack-token}}`",
    );
    if let Some(t) = &s.scim_token {
        check_secret_ref(
            c,
            o,
            &format!("{P}.scimToken"),
            t,
            "write `scimToken: {env: SLACK_SCIM_TOKEN}`, `scimToken: {file: /var/run/secrets/slack-scim-token}` or, for the controller in Kubernetes, `scimToken: {secret: {name: keyward-credentials, key: slack-scim-token}}`",
        );
    }
    let urls =
        [("apiUrl", &s.api_url, "https://slack.com/api"), ("scimUrl", &s.scim_url, "https://api.slack.com/scim/v2")];
    for (field, url, default) in urls {
        if let Some(url) = url {
            check_api_url(c, o, &format!("{P}.{field}"), url, &format!("leave it out for Slack's own `{default}`"));
        }
    }
    if let Some(t) = &s.team_id
        && !(t.starts_with(['T', 'E'])
            && t.len() > 1
            && t.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()))
    {
        c.error(
            o,
            &format!("{P}.teamId"),
            format!("`{t}` is not a Slack workspace id"),
            "write the workspace id, `T` and upper-case letters and digits (`T0123ABCD`), as in the workspace's URL in the admin dashboard",
        );
    }
    if s.limit.is_some_and(|l| l == 0 || l > 1000) {
        c.error(o, &format!("{P}.limit"), "Slack pages hold 1 to 1000 users", "leave it out (200) or use 1 to 1000");
    }
    if s.timeout_seconds == Some(0) {
        c.error(
            o,
            &format!("{P}.timeoutSeconds"),
            "a timeout of 0 seconds fails every call",
            "leave it out or use 1 or more",
        );
    }
}

// ---- atlassian ----

fn check_atlassian(c: &mut Checker<'_>, o: &Origin, app: &ApplicationSpec, a: &crate::resources::AtlassianConnector) {
    const P: &str = "spec.connector.atlassian";
    let id_like = |v: &str| !v.trim().is_empty() && v.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-');
    if !id_like(&a.org_id) {
        c.error(
            o,
            &format!("{P}.orgId"),
            format!("`{}` is not an Atlassian organisation id", a.org_id),
            "copy the id from admin.atlassian.com/o/ORG_ID, or from the page where the API key was created",
        );
    }
    if let Some(d) = &a.directory_id
        && !id_like(d)
    {
        c.error(
            o,
            &format!("{P}.directoryId"),
            format!("`{d}` is not a directory id"),
            "leave it out for every directory (`-`), or write the directory's id",
        );
    }
    check_secret_ref(
        c,
        o,
        &format!("{P}.apiKey"),
        &a.api_key,
        "write `apiKey: {env: ATLASSIAN_API_KEY}`, `apiKey: {file: /var/run/secrets/atlassian-key}` or, for the controller in Kubernetes, `apiKey: {secret: {name: keyward-credentials, key: atlassian-api-key}}`",
    );
    if let Some(url) = &a.api_url {
        check_api_url(c, o, &format!("{P}.apiUrl"), url, "leave it out for `https://api.atlassian.com`");
    }
    for (role, groups) in &a.product_access {
        if groups.is_empty() || groups.iter().any(|g| g.trim().is_empty()) {
            c.error(
                o,
                &format!("{P}.productAccess.{role}"),
                format!("role `{role}` names no group"),
                "list the groups that grant the role's product access, for example `[jira-software-users-example]`",
            );
        }
    }
    let named = app.roles.iter().enumerate().map(|(i, r)| (format!("spec.roles[{i}]"), r));
    for (path, r) in named.chain(app.default_role.iter().map(|d| ("spec.defaultRole".to_owned(), d))) {
        if !a.product_access.keys().any(|k| k.eq_ignore_ascii_case(r)) {
            c.error(
                o,
                &path,
                format!("role `{r}` has no product-access groups, so the Atlassian connector cannot give it"),
                format!("map it under `{P}.productAccess`, for example `{r}: [jira-software-users-example]`"),
            );
        }
    }
    if a.timeout_seconds == Some(0) {
        c.error(
            o,
            &format!("{P}.timeoutSeconds"),
            "a timeout of 0 seconds fails every call",
            "leave it out or use 1 or more",
        );
    }
}

// ---- microsoftGraph ----

fn check_graph(c: &mut Checker<'_>, o: &Origin, g: &crate::resources::MicrosoftGraphConnector) {
    const P: &str = "spec.connector.microsoftGraph";
    let app = EntraApp {
        tenant: &g.tenant,
        client_id: &g.client_id,
        client_secret: &g.client_secret,
        graph_url: g.graph_url.as_deref(),
        authority_url: g.authority_url.as_deref(),
    };
    // The connector has always taken any non-empty client id; only the newer
    // people source warns about one that is not a GUID.
    check_entra_app(c, o, P, &app, false);
    for (role, sku) in &g.licences {
        if !is_guid(sku) {
            c.error(
                o,
                &format!("{P}.licences.{role}"),
                format!("`{sku}` is not a SKU id"),
                "use the skuId GUID of the licence from `GET /subscribedSkus` (not its skuPartNumber such as ENTERPRISEPACK)",
            );
        }
    }
    if let Some(loc) = &g.usage_location
        && !(loc.len() == 2 && loc.chars().all(|ch| ch.is_ascii_uppercase()))
    {
        c.error(
            o,
            &format!("{P}.usageLocation"),
            format!("`{loc}` is not a two-letter country code"),
            "write an ISO 3166-1 alpha-2 code in capitals, for example `JP`",
        );
    }
    if !g.licences.is_empty() && g.usage_location.is_none() {
        c.warn(
            o,
            &format!("{P}.licences"),
            "licences are assigned but no usageLocation is set: Microsoft refuses to license a user without one",
            "set `usageLocation` (for example `JP`), or make sure every new user gets one another way",
        );
    }
    if matches!(g.page_size, Some(n) if n == 0 || n > 999) {
        c.error(o, &format!("{P}.pageSize"), "Graph pages hold 1 to 999 objects", "leave it out (999) or use 1 to 999");
    }
    if g.timeout_seconds == Some(0) {
        c.error(
            o,
            &format!("{P}.timeoutSeconds"),
            "a timeout of 0 seconds fails every call",
            "leave it out or use 1 or more",
        );
    }
}

/// The app registration both the Graph connector and the Graph people
/// source sign in with.
struct EntraApp<'a> {
    tenant: &'a str,
    client_id: &'a str,
    client_secret: &'a crate::resources::SecretRef,
    graph_url: Option<&'a str>,
    authority_url: Option<&'a str>,
}

/// Tenant, client id, client secret and the cloud's URLs, reported under
/// `prefix` (the connector's or the people source's place).
fn check_entra_app(c: &mut Checker<'_>, o: &Origin, prefix: &str, g: &EntraApp<'_>, warn_unless_guid: bool) {
    if g.tenant.trim().is_empty() || g.tenant.contains(['/', ' ']) {
        c.error(
            o,
            &format!("{prefix}.tenant"),
            format!("`{}` is not a tenant", g.tenant),
            "write the tenant id (a GUID) or a verified domain, for example `example.onmicrosoft.com`",
        );
    }
    if g.client_id.trim().is_empty() {
        c.error(
            o,
            &format!("{prefix}.clientId"),
            "the client id is empty",
            "copy the Application (client) ID from the app registration's overview in the Entra admin center",
        );
    } else if warn_unless_guid && !is_guid(g.client_id.trim()) {
        c.warn(
            o,
            &format!("{prefix}.clientId"),
            format!("`{}` does not look like an Application (client) ID", g.client_id),
            "client ids are GUIDs such as `00000000-0000-0000-0000-000000000000`",
        );
    }
    check_secret_ref(
        c,
        o,
        &format!("{prefix}.clientSecret"),
        g.client_secret,
        "write `clientSecret: {env: GRAPH_CLIENT_SECRET}`, `clientSecret: {file: /var/run/secrets/graph-secret}` or, for the controller in Kubernetes, `clientSecret: {secret: {name: keyward-credentials, key: graph-client-secret}}`",
    );
    for (field, url) in [("graphUrl", g.graph_url), ("authorityUrl", g.authority_url)] {
        if let Some(url) = url {
            check_api_url(
                c,
                o,
                &format!("{prefix}.{field}"),
                url,
                "leave it out for Microsoft's global cloud, or write the national cloud's https URL",
            );
        }
    }
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| p.chars().all(|ch| ch.is_ascii_hexdigit()))
}

// ---- end microsoftGraph ----

// ---- googleWorkspace ----

fn check_google_workspace(
    c: &mut Checker<'_>,
    o: &Origin,
    app: &ApplicationSpec,
    g: &crate::resources::GoogleWorkspaceConnector,
) {
    const P: &str = "spec.connector.googleWorkspace";
    check_google_service_account(
        c,
        o,
        P,
        (
            &g.service_account_key,
            "write `serviceAccountKey: {file: /var/run/secrets/google/key.json}`, `serviceAccountKey: {env: GOOGLE_SA_KEY}` (the key file's JSON) or, for the controller in Kubernetes, `serviceAccountKey: {secret: {name: keyward-credentials, key: google-sa-key.json}}`",
        ),
        (
            &g.subject,
            "write the e-mail of the Workspace administrator the service account acts as (domain-wide delegation), for example `it-admin@example.com`",
        ),
    );
    if let Some(customer) = &g.customer
        && (customer.trim().is_empty() || !customer.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
    {
        c.error(
            o,
            &format!("{P}.customer"),
            format!("`{customer}` is not a customer id"),
            "leave it out (`my_customer`, the subject's own account) or write the customer id from Account settings, for example `C01abc23d`",
        );
    }
    if let Some(domain) = &g.domain
        && (!domain.contains('.') || domain.contains(['@', '/', ' ']))
    {
        c.error(
            o,
            &format!("{P}.domain"),
            format!("`{domain}` is not a domain"),
            "write the domain alone, without `@`, for example `example.com`",
        );
    }
    for (field, url) in [
        ("directoryUrl", &g.directory_url),
        ("licensingUrl", &g.licensing_url),
        ("dataTransferUrl", &g.data_transfer_url),
    ] {
        if let Some(url) = url {
            check_api_url(c, o, &format!("{P}.{field}"), url, "leave it out for Google's own https URL");
        }
    }
    let mut skus: HashMap<(&str, &str), &str> = HashMap::new();
    for (role, l) in &g.licences {
        let path = format!("{P}.licences.{role}");
        if !app.roles.is_empty() && !app.roles.iter().any(|r| r.eq_ignore_ascii_case(role)) {
            c.error(
                o,
                &path,
                format!("`{role}` is not one of the app's roles"),
                format!("name the licence after one of {}, or add `{role}` to `spec.roles`", app.roles.join(", ")),
            );
        }
        for (field, value) in [("productId", &l.product_id), ("skuId", &l.sku_id)] {
            if value.trim().is_empty() || value.contains(['/', ' ', '?', '#']) {
                c.error(
                    o,
                    &format!("{path}.{field}"),
                    format!("`{value}` is not a licence {field}"),
                    "use the ids from Google's Products and SKUs list, for example `productId: Google-Apps, skuId: 1010020028`",
                );
            }
        }
        if let Some(other) = skus.insert((l.product_id.as_str(), l.sku_id.as_str()), role.as_str()) {
            c.error(
                o,
                &path,
                format!("roles `{other}` and `{role}` name the same licence"),
                "give each role its own SKU: keyward reads a user's role from the licence they hold",
            );
        }
    }
    if let Some(ou) = &g.org_unit_path
        && !ou.starts_with('/')
    {
        c.error(
            o,
            &format!("{P}.orgUnitPath"),
            format!("`{ou}` is not an organisational unit path"),
            "write the full path from the top, starting with `/`, for example `/Sales/Japan`",
        );
    }
    if matches!(g.page_size, Some(n) if n == 0 || n > 500) {
        c.error(
            o,
            &format!("{P}.pageSize"),
            "the Directory API returns 1 to 500 users per page",
            "leave it out (500) or use 1 to 500",
        );
    }
    if g.timeout_seconds == Some(0) {
        c.error(
            o,
            &format!("{P}.timeoutSeconds"),
            "a timeout of 0 seconds fails every call",
            "leave it out or use 1 or more",
        );
    }
}

/// The service account's key and the administrator it acts as, under
/// `prefix`, each with the help its caller gives.
fn check_google_service_account(
    c: &mut Checker<'_>,
    o: &Origin,
    prefix: &str,
    (key, key_help): (&crate::resources::SecretRef, &str),
    (subject, subject_help): (&str, &str),
) {
    check_secret_ref(c, o, &format!("{prefix}.serviceAccountKey"), key, key_help);
    if !vocab::looks_like_email(subject.trim()) {
        c.error(o, &format!("{prefix}.subject"), format!("`{subject}` is not an e-mail address"), subject_help);
    }
}

// ---- end googleWorkspace ----

/// A Secret's name is a DNS subdomain; a data key is letters, digits,
/// `-`, `_` and `.`. Both at most 253 characters.
fn is_k8s_secret_part(s: &str, is_name: bool) -> bool {
    let ok = |ch: char| {
        if is_name {
            ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '.'
        } else {
            ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.')
        }
    };
    !s.is_empty() && s.len() <= 253 && s.chars().all(ok)
}

fn is_loopback_url(url: &str) -> bool {
    is_loopback_host(url.trim_start_matches("http://"))
}

fn compile_selector(
    c: &mut Checker<'_>,
    pol: &Named<crate::resources::AccessPolicySpec>,
    people_attributes: &BTreeMap<String, String>,
    employment_types: &BTreeSet<String>,
) -> CompiledSelector {
    let o = &pol.origin;
    let sel = &pol.spec.select;
    let mut out = CompiledSelector::default();
    if !sel.department.is_empty() {
        let mut builder = GlobSetBuilder::new();
        let mut ok = true;
        for (i, pat) in sel.department.iter().enumerate() {
            let trimmed = pat.trim().trim_end_matches('/');
            // `X/**` also matches `X` itself, whatever `X` is (braces too).
            let forms = std::iter::once(trimmed).chain(trimmed.strip_suffix("/**"));
            for form in forms {
                match GlobBuilder::new(form).literal_separator(true).build() {
                    Ok(g) => {
                        builder.add(g);
                    }
                    Err(e) => {
                        ok = false;
                        c.error(
                            o,
                            &format!("spec.select.department[{i}]"),
                            format!("`{pat}` is not a valid department glob: {}", e.kind()),
                            "use `*` for one level and `**` for any number of levels, e.g. `営業本部/**`",
                        );
                        break;
                    }
                }
            }
        }
        if ok {
            match builder.build() {
                Ok(set) => out.department = Some(DeptMatcher { set }),
                Err(e) => c.error(
                    o,
                    "spec.select.department",
                    format!("department globs do not compile: {e}"),
                    "simplify the patterns",
                ),
            }
        }
    }
    if let Some(t) = &sel.title {
        out.title = c.regex(o, "spec.select.title", t);
    }
    for (i, t) in sel.employment_type.iter().enumerate() {
        if !employment_types.contains(t) {
            let cands: Vec<&str> = employment_types.iter().map(String::as_str).collect();
            c.error(
                o,
                &format!("spec.select.employmentType[{i}]"),
                format!("unknown employment type `{t}`"),
                suggest(t, &cands).unwrap_or_else(|| {
                    format!(
                        "use one of {}, or map an HR label to it in the PeopleSource's `values.employmentType`",
                        cands.join(", ")
                    )
                }),
            );
        }
    }
    out.employment_types = sel.employment_type.clone();
    if sel.status.is_empty() {
        out.active = true;
        out.on_leave = true;
    } else {
        out.active = sel.status.contains(&SelectStatus::Active);
        out.on_leave = sel.status.contains(&SelectStatus::OnLeave);
    }
    for (k, v) in &sel.attributes {
        if !people_attributes.contains_key(k) {
            let cands: Vec<&str> = people_attributes.keys().map(String::as_str).collect();
            c.error(
                o,
                &format!("spec.select.attributes.{k}"),
                format!("no people source declares the attribute `{k}`"),
                suggest(k, &cands)
                    .unwrap_or_else(|| "declare it under the PeopleSource's `columns.attributes`".to_owned()),
            );
        }
        if let Some(r) = c.regex(o, &format!("spec.select.attributes.{k}"), v) {
            out.attributes.push((k.clone(), r));
        }
    }
    out
}

fn compile_grants(
    c: &mut Checker<'_>,
    origin: &Origin,
    grants: &[Grant],
    compiled: &Compiled,
    granted_roles: &mut BTreeMap<usize, BTreeMap<String, (Origin, String)>>,
) -> Vec<CompiledGrant> {
    let mut out = Vec::new();
    for (i, g) in grants.iter().enumerate() {
        let path = format!("spec.grant[{i}]");
        let Some(app_idx) = app_ref(c, origin, &format!("{path}.app"), &g.app, compiled) else {
            continue;
        };
        let app = &compiled.apps[app_idx];
        let role = g.role.clone().or_else(|| app.default_role.clone());
        if let Some(r) = &g.role {
            check_role(c, origin, &format!("{path}.role"), app, r);
        }
        if let Some(r) = &role {
            granted_roles
                .entry(app_idx)
                .or_default()
                .entry(r.to_lowercase())
                .or_insert_with(|| (origin.clone(), format!("{path}.role")));
        }
        if let GroupNames::Unmanaged(setting) = app.group_names
            && !g.groups.is_empty()
        {
            c.error(
                origin,
                &format!("{path}.groups"),
                format!("application `{}` manages no groups ({setting} is false)", app.name),
                format!("remove the groups, or turn {setting} on"),
            );
        }
        let set = c.set;
        if let Some(a) = set.application(&app.name).and_then(|a| a.spec.connector.atlassian.as_ref()) {
            for (j, grp) in g.groups.iter().enumerate() {
                if let Some((role, _)) =
                    a.product_access.iter().find(|(_, gs)| gs.iter().any(|x| x.eq_ignore_ascii_case(grp)))
                {
                    c.error(
                        origin,
                        &format!("{path}.groups[{j}]"),
                        format!(
                            "group `{grp}` grants the product access of role `{role}` in application `{}`",
                            app.name
                        ),
                        format!("grant `role: {role}` instead; keyward manages that group through the role"),
                    );
                }
            }
        }
        if let GroupNames::NotSupported(why) = app.group_names
            && !g.groups.is_empty()
        {
            c.error(
                origin,
                &format!("{path}.groups"),
                format!("application `{}` cannot have its groups managed: {why}", app.name),
                "remove the groups from this grant, or give the connector what it needs",
            );
        }
        for (j, grp) in g.groups.iter().enumerate() {
            if grp.trim().is_empty() {
                c.error(
                    origin,
                    &format!("{path}.groups[{j}]"),
                    "empty group name",
                    "remove it or write the group's name",
                );
            } else if app.group_names == GroupNames::TeamSlugs && !is_team_slug(grp) {
                c.error(
                    origin,
                    &format!("{path}.groups[{j}]"),
                    format!("`{grp}` is not a GitHub team slug"),
                    "name the team by its slug, the last part of its URL (github.com/orgs/ORG/teams/SLUG): lower-case, with `-` for spaces",
                );
            }
        }
        let rank = role.as_ref().and_then(|r| app.role_rank.get(&r.to_lowercase()).copied()).unwrap_or(0);
        let mut groups = g.groups.clone();
        groups.sort();
        groups.dedup();
        out.push(CompiledGrant { app: app_idx, role, rank, role_id: None, groups });
    }
    out
}

/// The index of the Application named `name`, or an error at `path` that
/// names the Applications there are.
fn app_ref(c: &mut Checker<'_>, origin: &Origin, path: &str, name: &str, compiled: &Compiled) -> Option<usize> {
    if let Some(&i) = compiled.app_index.get(name) {
        return Some(i);
    }
    let names: Vec<&str> = compiled.apps.iter().map(|a| a.name.as_str()).collect();
    c.error(
        origin,
        path,
        format!("unknown application `{name}`"),
        suggest(name, &names).unwrap_or_else(|| {
            if names.is_empty() {
                "define an Application resource with this name".to_owned()
            } else {
                format!("define an Application named `{name}` or use one of: {}", names.join(", "))
            }
        }),
    );
    None
}

/// Reports a role the app does not list, when it lists its roles.
fn check_role(c: &mut Checker<'_>, origin: &Origin, path: &str, app: &CompiledApp, role: &str) {
    if app.connector == "ldap" {
        c.error(
            origin,
            path,
            format!("application `{}` is an LDAP directory, which has no roles to give `{role}`", app.name),
            "leave the role out and grant groups instead: `groups: [engineers]`",
        );
        return;
    }
    if let Some(known) = app.connector_roles
        && !known.iter().any(|k| k.eq_ignore_ascii_case(role))
    {
        c.error(origin, path, connector_role_problem(app.connector, role), format!("use {}", known.join(" or ")));
        return;
    }
    if app.role_rank.is_empty() || app.role_rank.contains_key(&role.to_lowercase()) {
        return;
    }
    let mut roles: Vec<(&String, &usize)> = app.role_rank.iter().collect();
    roles.sort_by_key(|(_, rank)| **rank);
    let names: Vec<&str> = roles.iter().map(|(n, _)| n.as_str()).collect();
    c.error(
        origin,
        path,
        format!("`{role}` is not a role of application `{}`", app.name),
        suggest(role, &names)
            .unwrap_or_else(|| format!("use one of {} or add it to the Application's `roles`", names.join(", "))),
    );
}

/// Checks and compiles the SeparationOfDuties rules.
fn compile_duties(c: &mut Checker<'_>, compiled: &mut Compiled) {
    let set = c.set;
    for rule in &set.duties {
        let origin = &rule.origin;
        if rule.spec.duties.len() < 2 {
            c.error(
                origin,
                "spec.duties",
                format!("SeparationOfDuties `{}` lists {} duty; it needs at least two to keep apart", rule.name, rule.spec.duties.len()),
                "list each duty as `- name: ...` with its `entitlements:`, for example `submit payments` and `approve payments`",
            );
        }
        let mut duties = Vec::new();
        // Which duty first named an entitlement: one entitlement in two
        // duties would make everyone who holds it a violation.
        let mut seen: HashMap<(usize, Option<String>, Option<String>), usize> = HashMap::new();
        let mut names: HashMap<String, usize> = HashMap::new();
        for (di, duty) in rule.spec.duties.iter().enumerate() {
            let path = format!("spec.duties[{di}]");
            if duty.name.trim().is_empty() {
                c.error(
                    origin,
                    &format!("{path}.name"),
                    "the duty has no name",
                    "name it in words, e.g. `approve payments`",
                );
            } else if let Some(first) = names.insert(duty.name.trim().to_lowercase(), di) {
                c.error(
                    origin,
                    &format!("{path}.name"),
                    format!("duty `{}` is listed twice (also spec.duties[{first}])", duty.name),
                    "merge the two duties' entitlements into one",
                );
            }
            if duty.entitlements.is_empty() {
                c.error(
                    origin,
                    &format!("{path}.entitlements"),
                    format!("duty `{}` has no entitlements", duty.name),
                    "list what carries the duty, e.g. `- {app: payments, role: approver}`",
                );
            }
            let mut ents = Vec::new();
            for (ei, e) in duty.entitlements.iter().enumerate() {
                let epath = format!("{path}.entitlements[{ei}]");
                let Some(app_idx) = app_ref(c, origin, &format!("{epath}.app"), &e.app, compiled) else {
                    continue;
                };
                if let Some(r) = &e.role {
                    check_role(c, origin, &format!("{epath}.role"), &compiled.apps[app_idx], r);
                }
                if e.group.as_deref().is_some_and(|g| g.trim().is_empty()) {
                    c.error(
                        origin,
                        &format!("{epath}.group"),
                        "empty group name",
                        "remove `group:` or write the group's name",
                    );
                }
                let ent = CompiledDutyEnt {
                    app: app_idx,
                    role: e.role.as_ref().map(|r| r.to_lowercase()),
                    group: e.group.clone(),
                };
                let key = (ent.app, ent.role.clone(), ent.group.clone());
                match seen.get(&key) {
                    Some(&other) if other != di => c.error(
                        origin,
                        &epath,
                        format!(
                            "this entitlement is also in duty `{}`: everyone who holds it would violate the rule",
                            rule.spec.duties[other].name
                        ),
                        "keep it in one duty only",
                    ),
                    _ => {
                        seen.insert(key, di);
                    }
                }
                compiled.apps[app_idx].in_duties = true;
                ents.push(ent);
            }
            duties.push(CompiledDuty { name: duty.name.trim().to_owned(), ents });
        }
        compiled.duties.push(CompiledSod {
            name: rule.name.clone(),
            description: rule.spec.description.clone(),
            owner: rule.spec.owner.clone(),
            duties,
        });
    }
}
