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

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::account::{Account, AccountListing, AccountStatus};
use crate::action::Action;
use crate::compile::model::{Compiled, CompiledDutyEnt};
use crate::evaluate::{Selections, describe_src};
use crate::i18n::Msg;
use crate::people::People;
use crate::plan::{Change, DutyHeld, PersonRef, Violation};

/// An account of a person in an app whose entitlements a rule names:
/// collected while the app is planned, read back from its listing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Holding {
    /// Index into `People::persons`.
    pub(crate) person: u32,
    /// Index into the app's listing.
    pub(crate) account: u32,
}

/// An account as it will be once the plan is applied. Borrowed from the
/// listing and the changes: most people hold nothing a rule names, and
/// nothing is copied for them.
struct After<'a> {
    label: &'a str,
    role: Option<&'a str>,
    groups: Vec<&'a str>,
    /// The changes of the plan that give it what it has (create, restore,
    /// update), by index; a pre-existing entitlement has none.
    by: Vec<usize>,
    /// The account before the plan, to tell which change gave an
    /// entitlement; `None` for a new or a suspended one.
    before: Option<&'a Account>,
}

fn carries<'s>(ent: &CompiledDutyEnt, role: Option<&str>, mut groups: impl Iterator<Item = &'s str>) -> bool {
    // `r` is lower-case already; comparing char by char allocates nothing.
    ent.role.as_deref().is_none_or(|r| role.is_some_and(|x| x.chars().flat_map(char::to_lowercase).eq(r.chars())))
        && ent.group.as_deref().is_none_or(|g| groups.any(|x| x == g))
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
/// reviews. `changes[a]` are the changes of `compiled.apps[a]` and
/// `listings[a]` its accounts; `holdings[a]` the accounts of that app
/// matched to people, for apps some rule names (empty for the others).
/// Returns the violations sorted by rule, then person, and which apps had
/// changes held back (the caller re-sorts and recounts those).
pub(crate) fn check(
    compiled: &Compiled,
    people: &People,
    selections: &Selections,
    scope: Option<&[usize]>,
    changes: &mut [Vec<Change>],
    listings: &[&AccountListing],
    holdings: &[Vec<Holding>],
) -> (Vec<Violation>, Vec<bool>) {
    let mut touched = vec![false; compiled.apps.len()];
    if compiled.duties.is_empty() {
        return (Vec::new(), touched);
    }
    let (violations, hold_back) = find(compiled, people, selections, scope, changes, listings, holdings);
    for ((a, i), words) in hold_back {
        let c = &mut changes[a][i];
        if c.action == Action::Review {
            continue;
        }
        for w in words {
            c.append_reason(w);
        }
        c.proposed = Some(c.action);
        c.action = Action::Review;
        touched[a] = true;
    }
    (violations, touched)
}

/// The violations, and for each change to hold back the words saying why.
type Found = (Vec<Violation>, BTreeMap<(usize, usize), Vec<Msg>>);

fn find(
    compiled: &Compiled,
    people: &People,
    selections: &Selections,
    scope: Option<&[usize]>,
    changes: &[Vec<Change>],
    listings: &[&AccountListing],
    holdings: &[Vec<Holding>],
) -> Found {
    let rule_apps: Vec<usize> = (0..compiled.apps.len()).filter(|&a| compiled.apps[a].in_duties).collect();
    // Per rule app: person index → their accounts, and person id → the
    // indexes of their changes.
    let mut held_by: Vec<FxHashMap<u32, Vec<u32>>> = vec![FxHashMap::default(); compiled.apps.len()];
    let mut changed: Vec<FxHashMap<&str, Vec<usize>>> = vec![FxHashMap::default(); compiled.apps.len()];
    for &a in &rule_apps {
        for h in &holdings[a] {
            held_by[a].entry(h.person).or_default().push(h.account);
        }
        for (i, c) in changes[a].iter().enumerate() {
            if let Some(p) = &c.person {
                changed[a].entry(p.id.as_str()).or_default().push(i);
            }
        }
    }
    let everyone = 0..people.len();
    let persons: &mut dyn Iterator<Item = usize> = match scope {
        Some(only) => &mut only.iter().copied(),
        None => &mut everyone.clone(),
    };

    let mut violations = Vec::new();
    let mut hold_back: BTreeMap<(usize, usize), Vec<Msg>> = BTreeMap::new();
    let mut after: Vec<(usize, Vec<After<'_>>)> = Vec::new();
    for pi in persons {
        // Only people with an account or a grant in a rule app can hold a duty.
        if !rule_apps.iter().any(|&a| selections.grants_app(pi, a) || held_by[a].contains_key(&(pi as u32))) {
            continue;
        }
        let person = &people.persons()[pi];
        after.clear();
        for &a in &rule_apps {
            let mine = changed[a].get(person.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let accounts = after_plan(
                &listings[a].accounts,
                held_by[a].get(&(pi as u32)).map(Vec::as_slice).unwrap_or(&[]),
                &changes[a],
                mine,
            );
            after.push((a, accounts));
        }
        let accounts_of = |app: usize| after.iter().find(|(a, _)| *a == app).map_or(&[][..], |(_, v)| v.as_slice());
        let granted = |ent: &CompiledDutyEnt| {
            let mut yes = false;
            if selections.grants_app(pi, ent.app) {
                selections.each_grant(compiled, pi, ent.app, |_, g| {
                    yes |= carries(ent, g.role.as_deref(), g.groups.iter().map(String::as_str));
                });
            }
            yes
        };

        for rule in &compiled.duties {
            // First only whether each duty is there at all; the words are
            // written for the rare violation.
            let present = rule
                .duties
                .iter()
                .filter(|duty| {
                    duty.ents.iter().any(|ent| {
                        granted(ent)
                            || accounts_of(ent.app).iter().any(|acc| carries(ent, acc.role, acc.groups.iter().copied()))
                    })
                })
                .count();
            if present < 2 {
                continue;
            }
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
                    for acc in accounts_of(ent.app) {
                        if !carries(ent, acc.role, acc.groups.iter().copied()) {
                            continue;
                        }
                        let had = acc
                            .before
                            .is_some_and(|b| carries(ent, b.role.as_deref(), b.groups.iter().map(|g| g.as_str())));
                        if had {
                            push_new(&mut d.held, format!("{app_name}: {} ({})", acc.label, ent_words(app_name, ent)));
                            continue;
                        }
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
                    if selections.grants_app(pi, ent.app) {
                        selections.each_grant(compiled, pi, ent.app, |src, g| {
                            if carries(ent, g.role.as_deref(), g.groups.iter().map(String::as_str)) {
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
            let v = Violation {
                rule: rule.name.clone(),
                description: rule.description.clone(),
                owner: rule.owner.clone(),
                person: PersonRef::of(person),
                duties: held,
            };
            let words = Msg::new("reason-duties-held-back")
                .arg("person", person.label())
                .arg("duties", v.duty_names())
                .arg("rule", rule.name.as_str());
            for key in causes {
                hold_back.entry(key).or_default().push(words.clone());
            }
            violations.push(v);
        }
    }
    violations.sort_by(|x, y| (x.rule.as_str(), x.person.id.as_str()).cmp(&(y.rule.as_str(), y.person.id.as_str())));
    (violations, hold_back)
}

/// One person's accounts in one app as the plan leaves them: without what
/// it suspends or deletes, with its restores, role and group changes and
/// creates. `held` are the person's accounts (listing indexes), `mine` the
/// indexes of their changes in `changes`.
fn after_plan<'a>(accounts: &'a [Account], held: &[u32], changes: &'a [Change], mine: &[usize]) -> Vec<After<'a>> {
    let mut out = Vec::new();
    for &ai in held {
        let h = &accounts[ai as usize];
        let on_it = || mine.iter().copied().filter(|&i| changes[i].account.id.as_ref() == Some(&h.id));
        let gone = on_it().any(|i| matches!(changes[i].action, Action::Suspend | Action::Delete));
        let restored = on_it().any(|i| changes[i].action == Action::Restore);
        if gone || (h.status == AccountStatus::Suspended && !restored) {
            continue;
        }
        let mut acc = After {
            label: h.label(),
            role: h.role.as_deref(),
            groups: h.groups.iter().map(|g| g.as_str()).collect(),
            by: Vec::new(),
            // A suspended account carries nothing until restored.
            before: h.status.is_live().then_some(h),
        };
        for i in on_it() {
            let c = &changes[i];
            match c.action {
                Action::Restore => acc.by.push(i),
                Action::Update => {
                    apply_update(&mut acc, c);
                    acc.by.push(i);
                }
                _ => {}
            }
        }
        out.push(acc);
    }
    for &i in mine {
        let c = &changes[i];
        if c.action == Action::Create {
            let mut acc = After { label: c.account.label(), role: None, groups: Vec::new(), by: vec![i], before: None };
            apply_update(&mut acc, c);
            out.push(acc);
        }
    }
    out
}

fn apply_update<'a>(acc: &mut After<'a>, c: &'a Change) {
    if let Some(r) = &c.role {
        acc.role = Some(r.to.as_str());
    }
    if let Some(g) = &c.groups {
        acc.groups.retain(|x| !g.remove.iter().any(|r| r == x));
        for add in &g.add {
            if !acc.groups.contains(&add.as_str()) {
                acc.groups.push(add.as_str());
            }
        }
    }
}

fn push_new(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}
