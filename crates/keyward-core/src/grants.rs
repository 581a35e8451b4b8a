//! Why a person gets what: the grants of one person with the policies and
//! exceptions behind each, and for every policy that did not select them,
//! the first condition that failed. `keyward explain` shows it to people
//! reviewing access; `keyward test` compares it with what a policy test
//! expects.
//!
//! This is the same selection the plan makes (`evaluate`), read back for
//! one person in words; it never decides anything the plan does not.

use jiff::civil::Date;
use serde::Serialize;

use crate::compile::PolicySet;
use crate::compile::model::CompiledSelector;
use crate::evaluate::{EntView, Src, select_all};
use crate::i18n::{Lang, Msg};
use crate::people::{People, Person, Phase};
use crate::resources::{SelectStatus, Selector};

/// One app the person is granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    /// The Application's name.
    pub app: String,
    /// The most privileged role granted (the app's default role when the
    /// grants name none); `None` for apps without roles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Groups granted, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Every policy and exception granting it.
    pub because: Vec<Because>,
}

/// One reason for a grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Because {
    /// An AccessPolicy selected the person.
    AccessPolicy {
        /// The policy's name.
        name: String,
        /// The post (department path) that met the selector, when the
        /// selector looks at departments or titles.
        #[serde(skip_serializing_if = "Option::is_none")]
        department: Option<String>,
        /// The title of that post.
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// The role this policy grants (the grant's own, before the most
        /// privileged one wins).
        #[serde(skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// An Exception in force names the person.
    Exception {
        /// The exception's name.
        name: String,
        /// Last day it is in force.
        until: Date,
        /// Why it was granted.
        reason: String,
        /// Who approved it.
        approver: String,
    },
}

/// A policy granting some app that did not select the person, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotSelected {
    /// The policy's name.
    pub policy: String,
    /// The apps it grants.
    pub apps: Vec<String>,
    /// The first condition the person fails, in words (English).
    pub why: String,
    /// [`Self::why`] as a message, for other languages.
    #[serde(skip)]
    pub why_message: Msg,
}

/// A person's grants on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonGrants {
    /// The phase the grants were decided in (`employed`, `left`…).
    pub phase: String,
    /// Granted apps, in the order the policies declare the apps.
    pub grants: Vec<Grant>,
    /// Policies that did not select the person.
    pub not_selected: Vec<NotSelected>,
    /// Exceptions naming the person that are not in force on the day
    /// (English).
    pub exceptions_not_in_force: Vec<String>,
    /// [`Self::exceptions_not_in_force`] as messages, for other languages.
    #[serde(skip)]
    pub exceptions_not_in_force_messages: Vec<Msg>,
}

impl PersonGrants {
    /// The grant of `app`, if any.
    pub fn grant(&self, app: &str) -> Option<&Grant> {
        self.grants.iter().find(|g| g.app == app)
    }
}

/// The phase in words, as plans and statuses say it.
pub fn phase_word(phase: Phase) -> &'static str {
    match phase {
        Phase::NotStarted { .. } => "not started",
        Phase::Employed => "employed",
        Phase::OnLeave => "on leave",
        Phase::Left { .. } => "left",
    }
}

/// [`phase_word`] as a message.
fn situation_message(phase: Phase) -> Msg {
    match phase {
        Phase::NotStarted { .. } => Msg::new("grants-phase-not-started"),
        Phase::Employed => Msg::new("grants-phase-employed"),
        Phase::OnLeave => Msg::new("grants-phase-on-leave"),
        Phase::Left { .. } => Msg::new("grants-phase-left"),
    }
}

/// The grants of the person at `index` of `people` on `today`.
///
/// Selection runs over everyone (exceptions are resolved against the
/// whole HR master), so this costs one plan's selection step.
pub fn grants_of(set: &PolicySet, people: &People, index: usize, today: Date) -> Option<PersonGrants> {
    let person = people.get(index)?;
    let compiled = &set.compiled;
    let phases: Vec<Phase> = people.persons().iter().map(|p| p.phase(today)).collect();
    let phase = phases[index];
    let selections = select_all(compiled, people, &phases, today);

    let mut grants = Vec::new();
    let mut view = EntView::default();
    for (app_idx, app) in compiled.apps.iter().enumerate() {
        if !selections.grants_app(index, app_idx) || !selections.entitlement(compiled, index, app_idx, &mut view) {
            continue;
        }
        // The role the plan gives, partner cap included.
        view.cap_for_partner(app, person);
        let because = view
            .sources
            .iter()
            .map(|src| match *src {
                Src::Policy(hit) => {
                    let pol = &compiled.policies[hit.policy as usize];
                    let post = hit.post.and_then(|p| person.posts.get(p as usize));
                    Because::AccessPolicy {
                        name: pol.name.clone(),
                        department: post.and_then(|p| p.department.clone()),
                        title: post.and_then(|p| p.title.clone()),
                        role: pol.grants.iter().find(|g| g.app == app_idx).and_then(|g| g.role.clone()),
                    }
                }
                Src::Exception(e) => {
                    let ex = &compiled.exceptions[e as usize];
                    Because::Exception {
                        name: ex.name.clone(),
                        until: ex.until,
                        reason: ex.reason.clone(),
                        approver: ex.approver.clone(),
                    }
                }
            })
            .collect();
        grants.push(Grant {
            app: app.name.clone(),
            role: view.role.map(str::to_owned),
            groups: view.groups.iter().map(|g| (*g).to_owned()).collect(),
            because,
        });
    }

    let selected: Vec<&str> = grants
        .iter()
        .flat_map(|g| &g.because)
        .filter_map(|b| match b {
            Because::AccessPolicy { name, .. } => Some(name.as_str()),
            Because::Exception { .. } => None,
        })
        .collect();
    let not_selected = compiled
        .policies
        .iter()
        .filter(|p| !selected.contains(&p.name.as_str()))
        .filter_map(|p| {
            let spec = set.policies.iter().find(|s| s.name == p.name)?;
            let why_message = why_not(&p.selector, &spec.spec.select, person, phase);
            Some(NotSelected {
                policy: p.name.clone(),
                apps: spec.spec.grant.iter().map(|g| g.app.clone()).collect(),
                why: why_message.render(Lang::En),
                why_message,
            })
        })
        .collect();

    let exceptions_not_in_force_messages: Vec<Msg> = compiled
        .exceptions
        .iter()
        .filter(|ex| people.find(&ex.person) == Some(index))
        .filter(|ex| !(ex.from.is_none_or(|f| f <= today) && today <= ex.until))
        .map(|ex| match ex.from {
            Some(from) if today < from => Msg::new("grants-exception-starts").arg("name", &ex.name).arg("date", from),
            _ => Msg::new("grants-exception-expired").arg("name", &ex.name).arg("date", ex.until),
        })
        .collect();

    Some(PersonGrants {
        phase: phase_word(phase).to_owned(),
        grants,
        not_selected,
        exceptions_not_in_force: exceptions_not_in_force_messages.iter().map(|m| m.render(Lang::En)).collect(),
        exceptions_not_in_force_messages,
    })
}

/// The first selector condition `person` fails, in words. Checked in the
/// order an admin reads a selector: status, employment type, department,
/// title (on the same post as the department), attributes. `compiled` is
/// the selector as the plan evaluates it; `spec` supplies the words.
fn why_not(compiled: &CompiledSelector, spec: &Selector, person: &Person, phase: Phase) -> Msg {
    let statuses: Vec<SelectStatus> =
        if spec.status.is_empty() { vec![SelectStatus::Active, SelectStatus::OnLeave] } else { spec.status.clone() };
    let status_ok = match phase {
        Phase::NotStarted { .. } | Phase::Employed => compiled.active,
        Phase::OnLeave => compiled.on_leave,
        Phase::Left { .. } => false,
    };
    if !status_ok {
        return match phase {
            Phase::Left { .. } => Msg::new("grants-why-left"),
            _ => Msg::new("grants-why-status")
                .arg("statuses", join_statuses(&statuses))
                .arg("situation", situation_message(phase)),
        };
    }
    if !compiled.employment_types.is_empty() {
        let ty = person.employment_type.as_deref();
        if !ty.is_some_and(|t| compiled.employment_types.iter().any(|x| x == t)) {
            let selected = Msg::new("grants-why-employment-type").arg("types", compiled.employment_types.clone());
            return match ty {
                Some(t) => selected.arg("actual", t),
                None => selected.arg("actual", Msg::new("grants-not-recorded")),
            };
        }
    }
    let posts: Vec<(Option<&str>, Option<&str>)> = if person.posts.is_empty() {
        vec![(None, None)]
    } else {
        person.posts.iter().map(|p| (p.department.as_deref(), p.title.as_deref())).collect()
    };
    let dept_ok = |d: Option<&str>| match &compiled.department {
        None => true,
        Some(m) => d.is_some_and(|d| m.matches(d)),
    };
    if compiled.department.is_some() && !posts.iter().any(|(d, _)| dept_ok(*d)) {
        let depts: Vec<&str> = posts.iter().filter_map(|(d, _)| *d).collect();
        let why = Msg::new("grants-why-department").arg("selected", spec.department.clone());
        return if depts.is_empty() {
            why.arg("actual", Msg::new("grants-no-department"))
        } else {
            why.arg("actual", depts.iter().map(|d| (*d).to_owned()).collect::<Vec<_>>())
        };
    }
    if let Some(re) = &compiled.title
        && !posts.iter().any(|(d, t)| dept_ok(*d) && re.is_match(t.unwrap_or("")))
    {
        let titles: Vec<&str> = posts.iter().filter(|(d, _)| dept_ok(*d)).filter_map(|(_, t)| *t).collect();
        let pattern = spec.title.as_deref().unwrap_or(re.as_str());
        return if titles.is_empty() {
            Msg::new("grants-why-title-unrecorded").arg("pattern", pattern)
        } else {
            Msg::new("grants-why-title")
                .arg("pattern", pattern)
                .arg("actual", titles.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>())
        };
    }
    for (attr, re) in &compiled.attributes {
        let value = person.attributes.get(attr).map_or("", String::as_str);
        if !re.is_match(value) {
            let pattern = spec.attributes.get(attr).map_or(re.as_str(), String::as_str);
            return if value.is_empty() {
                Msg::new("grants-why-attribute-empty").arg("attribute", attr).arg("pattern", pattern)
            } else {
                Msg::new("grants-why-attribute").arg("attribute", attr).arg("pattern", pattern).arg("actual", value)
            };
        }
    }
    Msg::new("grants-why-bug")
}

fn join_statuses(s: &[SelectStatus]) -> String {
    s.iter()
        .map(|s| match s {
            SelectStatus::Active => "active",
            SelectStatus::OnLeave => "on-leave",
        })
        .collect::<Vec<_>>()
        .join(", ")
}
