//! The compiled policy: what planning reads, with names resolved to
//! indexes, roles ranked and numbered, selectors and regular expressions
//! compiled. Built by the checks of this module tree from a policy set
//! without errors; evaluation, correlation and the planner read it and
//! never the resources themselves.

use std::collections::{BTreeSet, HashMap};

use globset::GlobSet;
use regex::Regex;
use rustc_hash::FxHashMap;

use crate::i18n::{Lang, Msg};
use crate::resources::LifecycleSpec;

/// A compiled department selector.
#[derive(Debug, Clone)]
pub(crate) struct DeptMatcher {
    /// A pattern `X/**` is compiled twice, as itself and as `X`, because it
    /// also matches the department `X` itself.
    pub(super) set: GlobSet,
    /// For each glob of `set`, the index of the pattern (in
    /// `spec.select.department`) it was compiled from.
    pub(super) pattern_of: Vec<usize>,
}

impl DeptMatcher {
    /// `true` when some pattern matches `dept`.
    pub(crate) fn matches(&self, dept: &str) -> bool {
        self.set.is_match(dept)
    }

    /// For each pattern, whether it matches one of `depts`.
    pub(crate) fn patterns_matching<'d>(&self, depts: impl IntoIterator<Item = &'d str>) -> Vec<bool> {
        let mut out = vec![false; self.pattern_of.iter().max().map_or(0, |m| m + 1)];
        for d in depts {
            for glob in self.set.matches(d) {
                out[self.pattern_of[glob]] = true;
            }
        }
        out
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

    /// Short description for reasons (`e-mail`, `employee number`,
    /// ``HR attribute `github` ``), in English.
    pub(crate) fn describe(&self) -> String {
        self.describe_message().render(Lang::En)
    }

    /// [`Self::describe`] as a message, for readers of any language.
    pub(crate) fn describe_message(&self) -> Msg {
        match self {
            Self::Email { .. } => Msg::new("correlator-email"),
            Self::EmployeeId { .. } => Msg::new("correlator-employee-id"),
            Self::Attribute { attribute, .. } => Msg::new("correlator-attribute").arg("attribute", attribute),
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
    /// Okta groups by name; the built-in `Everyone` cannot be changed.
    Okta,
    /// None: the connector cannot change groups as configured (the reason
    /// says why and what would).
    NotSupported(GroupsUnsupported),
}

/// Why a connector cannot change groups as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupsUnsupported {
    /// Slack changes user groups through SCIM only, and no SCIM token is set.
    SlackWithoutScim,
}

impl GroupsUnsupported {
    /// The reason, and what would make groups manageable.
    pub(crate) fn msg(self) -> crate::i18n::Msg {
        match self {
            GroupsUnsupported::SlackWithoutScim => crate::i18n::Msg::new("compile-slack-groups-need-scim"),
        }
    }
}

/// Internal and partner domains of an app, lower-case.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledIdentities {
    pub(crate) internal: Vec<String>,
    pub(crate) partner: Vec<String>,
    /// The cap for partners: (role as written, its id, its rank).
    pub(crate) partner_max_role: Option<(String, Option<u32>, usize)>,
}

impl CompiledIdentities {
    /// The domain of `email`, ASCII lower-case (a look-alike domain stays
    /// foreign), if it is an e-mail.
    pub(crate) fn domain(email: &str) -> Option<String> {
        let (_, d) = email.trim().rsplit_once('@')?;
        (!d.is_empty()).then(|| d.to_ascii_lowercase())
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
