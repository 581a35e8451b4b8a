//! Separation of duties (職務分掌): who would hold duties that must stay
//! apart, and which planned changes would make it so.
//!
//! The check runs on the plan, after every app was planned, because a
//! violation may span apps (approving in the ERP, paying from the bank).
//! What a person holds is judged as it will be once the plan is applied:
//! the accounts they have, with the plan's role and group changes, creates
//! and restores, without what it suspends or deletes; plus every single
//! grant of the policies and exceptions, since the role merge (the most
//! privileged role wins) can hide a conflicting grant behind another role.
//!
//! A change that would give a person a conflicting entitlement is turned
//! into a review (it keeps the action as `proposed`), so apply never
//! carries it out. Entitlements a person already holds are listed, never
//! taken away automatically: which of the two duties to end is a human's
//! decision.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::account::{Account, AccountStatus, Text};
use crate::evaluate::{Selections, describe_src};
use crate::people::People;
use crate::plan::{Action, Change, PersonRef};
use crate::validate::{Compiled, CompiledDutyEnt};

/// One person holding, or about to hold, two or more duties of one
/// SeparationOfDuties rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// The SeparationOfDuties resource.
    pub rule: String,
    /// The rule's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who answers for the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The person.
    pub person: PersonRef,
    /// The duties they would hold together, in the rule's order.
    pub duties: Vec<DutyHeld>,
}

/// One duty of a violation and everything that gives it to the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DutyHeld {
    /// The duty's name.
    pub duty: String,
    /// Accounts that carry it now and keep it after the plan
    /// (`payments: sato@example.com (role approver)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<String>,
    /// Policies and exceptions whose grants carry it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub granted_by: Vec<String>,
    /// Changes of this plan that would have given it; each is held back
    /// for review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held_back: Vec<String>,
}

impl Violation {
    /// "approve payments and submit payments".
    pub fn duty_names(&self) -> String {
        let names: Vec<&str> = self.duties.iter().map(|d| d.duty.as_str()).collect();
        match names.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// What one account of a person carries in an app whose entitlements a
/// rule names; collected while the app is planned.
#[derive(Debug, Clone)]
pub(crate) struct Holding {
    /// Index into `People::persons`.
    pub(crate) person: u32,
    pub(crate) id: Text,
    pub(crate) label: String,
    pub(crate) status: AccountStatus,
    pub(crate) role: Option<String>,
    pub(crate) groups: Vec<String>,
}

impl Holding {
    pub(crate) fn of(person: u32, a: &Account) -> Self {
        Self {
            person,
            id: a.id.clone(),
            label: a.label().to_owned(),
            status: a.status,
            role: a.role.as_deref().map(str::to_owned),
            groups: a.groups.iter().map(|g| g.to_string()).collect(),
        }
    }
}

/// An account as it will be once the plan is applied.
struct After<'a> {
    label: String,
    role: Option<String>,
    groups: Vec<String>,
    /// The changes of the plan that give it what it has (create, restore,
    /// update), as (change index); a pre-existing entitlement has none.
    by: Vec<usize>,
    /// What it had before the plan, to tell which change gave an
    /// entitlement.
    before: Option<&'a Holding>,
}

fn carries(ent: &CompiledDutyEnt, role: Option<&str>, groups: &[String]) -> bool {
    ent.role.as_deref().is_none_or(|r| role.is_some_and(|x| x.to_lowercase() == r))
        && ent.group.as_deref().is_none_or(|g| groups.iter().any(|x| x == g))
}

fn ent_words(app: &str, ent: &CompiledDutyEnt) -> String {
    match (&ent.role, &ent.group) {
        (Some(r), Some(g)) => format!("{app} role {r} in group {g}"),
        (Some(r), None) => format!("{app} role {r}"),
        (None, Some(g)) => format!("{app} group {g}"),
        (None, None) => format!("an account in {app}"),
    }
}

/// Finds every violation and turns the changes that would cause one into
/// reviews. `changes[a]` are the changes of `compiled.apps[a]`;
/// `holdings[a]` the accounts of that app matched to people, for apps some
/// rule names (empty for the others). Returns the violations sorted by
/// rule, then person; changes held back keep their place (the caller
/// re-sorts and recounts the apps whose changes it reports as touched).
pub(crate) fn check(
    compiled: &Compiled,
    people: &People,
    selections: &Selections,
    scope: Option<&[usize]>,
    changes: &mut [Vec<Change>],
    holdings: &[Vec<Holding>],
) -> (Vec<Violation>, Vec<bool>) {
    let mut touched = vec![false; compiled.apps.len()];
    if compiled.duties.is_empty() {
        return (Vec::new(), touched);
    }
    let rule_apps: Vec<usize> = (0..compiled.apps.len()).filter(|&a| compiled.apps[a].in_duties).collect();
    // Per rule app: person index → their accounts, and person id → the
    // indexes of their changes.
    let mut held_by: Vec<HashMap<u32, Vec<&Holding>>> = vec![HashMap::new(); compiled.apps.len()];
    let mut changed: Vec<HashMap<&str, Vec<usize>>> = vec![HashMap::new(); compiled.apps.len()];
    for &a in &rule_apps {
        for h in &holdings[a] {
            held_by[a].entry(h.person).or_default().push(h);
        }
        for (i, c) in changes[a].iter().enumerate() {
            if let Some(p) = &c.person {
                changed[a].entry(p.id.as_str()).or_default().push(i);
            }
        }
    }
    // People to look at: everyone with an account or a grant in a rule app.
    let mut candidates: Vec<usize> = Vec::new();
    let everyone = 0..people.len();
    let persons: &mut dyn Iterator<Item = usize> = match scope {
        Some(only) => &mut only.iter().copied(),
        None => &mut everyone.clone(),
    };
    for pi in persons {
        if rule_apps.iter().any(|&a| selections.grants_app(pi, a) || held_by[a].contains_key(&(pi as u32))) {
            candidates.push(pi);
        }
    }

    let mut violations = Vec::new();
    // (app, change index) → the violations' words, for the reason.
    let mut hold_back: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    for pi in candidates {
        let person = &people.persons()[pi];
        // Each rule app's accounts as they will be after the plan.
        let mut after: BTreeMap<usize, Vec<After<'_>>> = BTreeMap::new();
        for &a in &rule_apps {
            let mine = changed[a].get(person.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let app_changes = &changes[a];
            let mut accounts: Vec<After<'_>> = Vec::new();
            for h in held_by[a].get(&(pi as u32)).map(Vec::as_slice).unwrap_or(&[]) {
                let on_it: Vec<usize> =
                    mine.iter().copied().filter(|&i| app_changes[i].account.id.as_ref() == Some(&h.id)).collect();
                let gone = on_it.iter().any(|&i| matches!(app_changes[i].action, Action::Suspend | Action::Delete));
                let restored = on_it.iter().any(|&i| app_changes[i].action == Action::Restore);
                if gone || (!h.status.is_live() && !restored) {
                    continue;
                }
                let mut acc = After {
                    label: h.label.clone(),
                    role: h.role.clone(),
                    groups: h.groups.clone(),
                    by: Vec::new(),
                    // A suspended account carries nothing until restored.
                    before: h.status.is_live().then_some(*h),
                };
                for &i in &on_it {
                    let c = &app_changes[i];
                    match c.action {
                        Action::Restore => acc.by.push(i),
                        Action::Update => {
                            apply_update(&mut acc, c);
                            acc.by.push(i);
                        }
                        _ => {}
                    }
                }
                accounts.push(acc);
            }
            for &i in mine {
                let c = &app_changes[i];
                if c.action == Action::Create {
                    let mut acc = After {
                        label: c.account.label().to_owned(),
                        role: None,
                        groups: Vec::new(),
                        by: vec![i],
                        before: None,
                    };
                    apply_update(&mut acc, c);
                    accounts.push(acc);
                }
            }
            after.insert(a, accounts);
        }

        for rule in &compiled.duties {
            let mut held: Vec<DutyHeld> = Vec::new();
            let mut causes: Vec<(usize, usize)> = Vec::new();
            for duty in &rule.duties {
                let mut d = DutyHeld {
                    duty: duty.name.clone(),
                    held: Vec::new(),
                    granted_by: Vec::new(),
                    held_back: Vec::new(),
                };
                for ent in &duty.ents {
                    let app_name = &compiled.apps[ent.app].name;
                    for acc in after.get(&ent.app).map(Vec::as_slice).unwrap_or(&[]) {
                        if !carries(ent, acc.role.as_deref(), &acc.groups) {
                            continue;
                        }
                        let had = acc.before.is_some_and(|b| carries(ent, b.role.as_deref(), &b.groups));
                        if had {
                            push_new(&mut d.held, format!("{app_name}: {} ({})", acc.label, ent_words(app_name, ent)));
                        } else {
                            for &i in &acc.by {
                                let c = &changes[ent.app][i];
                                push_new(
                                    &mut d.held_back,
                                    format!(
                                        "{} {} {} ({})",
                                        app_name,
                                        c.action.as_str(),
                                        acc.label,
                                        ent_words(app_name, ent)
                                    ),
                                );
                                if !causes.contains(&(ent.app, i)) {
                                    causes.push((ent.app, i));
                                }
                            }
                        }
                    }
                    if selections.grants_app(pi, ent.app) {
                        selections.each_grant(compiled, pi, ent.app, |src, g| {
                            if carries(ent, g.role.as_deref(), &g.groups) {
                                let mut w = String::new();
                                describe_src(&mut w, compiled, person, src);
                                w.push_str(&format!(": {}", ent_words(app_name, ent)));
                                push_new(&mut d.granted_by, w);
                            }
                        });
                    }
                }
                if !(d.held.is_empty() && d.granted_by.is_empty() && d.held_back.is_empty()) {
                    held.push(d);
                }
            }
            if held.len() < 2 {
                continue;
            }
            let v = Violation {
                rule: rule.name.clone(),
                description: rule.description.clone(),
                owner: rule.owner.clone(),
                person: PersonRef::of(person),
                duties: held,
            };
            let words = format!(
                "held back: {} would hold {} together, which SeparationOfDuties {} keeps apart; change the policies or end one of the duties, then plan again",
                person.label(),
                v.duty_names(),
                rule.name
            );
            for key in causes {
                hold_back.entry(key).or_default().push(words.clone());
            }
            violations.push(v);
        }
    }

    for ((a, i), words) in hold_back {
        let c = &mut changes[a][i];
        if c.action == Action::Review {
            continue;
        }
        c.reason = format!("{}; {}", c.reason, words.join("; "));
        c.proposed = Some(c.action);
        c.action = Action::Review;
        touched[a] = true;
    }
    violations.sort_by(|x, y| (x.rule.as_str(), x.person.id.as_str()).cmp(&(y.rule.as_str(), y.person.id.as_str())));
    (violations, touched)
}

fn apply_update(acc: &mut After<'_>, c: &Change) {
    if let Some(r) = &c.role {
        acc.role = Some(r.to.clone());
    }
    if let Some(g) = &c.groups {
        acc.groups.retain(|x| !g.remove.contains(x));
        for add in &g.add {
            if !acc.groups.contains(add) {
                acc.groups.push(add.clone());
            }
        }
    }
}

fn push_new(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}
