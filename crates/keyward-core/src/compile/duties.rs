//! Compilation of SeparationOfDuties rules: at least two duties, each
//! with entitlements of known apps and roles, no entitlement in two duties.

use std::collections::HashMap;

use super::checker::Checker;
use super::grants::{app_ref, check_role};
use super::model::{Compiled, CompiledDuty, CompiledDutyEnt, CompiledSod};
use crate::i18n::Msg;

/// Checks and compiles the SeparationOfDuties rules.
pub(super) fn compile_duties(c: &mut Checker<'_>, compiled: &mut Compiled) {
    let set = c.set;
    for rule in &set.duties {
        let origin = &rule.origin;
        super::bounds::list(c, origin, "spec.duties", rule.spec.duties.len(), crate::resources::admission::MAX_DUTIES);
        if rule.spec.duties.len() < 2 {
            c.error(
                origin,
                "spec.duties",
                Msg::new("compile-duties-too-few").arg("name", &rule.name).arg("count", rule.spec.duties.len()),
                Msg::new("compile-duties-too-few-help"),
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
                    Msg::new("compile-duty-no-name"),
                    Msg::new("compile-duty-no-name-help"),
                );
            } else if let Some(first) = names.insert(duty.name.trim().to_lowercase(), di) {
                c.error(
                    origin,
                    &format!("{path}.name"),
                    Msg::new("compile-duty-twice").arg("name", &duty.name).arg("first", first.to_string()),
                    Msg::new("compile-duty-twice-help"),
                );
            }
            if duty.entitlements.is_empty() {
                c.error(
                    origin,
                    &format!("{path}.entitlements"),
                    Msg::new("compile-duty-no-entitlements").arg("name", &duty.name),
                    Msg::new("compile-duty-no-entitlements-help"),
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
                        Msg::new("compile-group-empty"),
                        Msg::new("compile-duty-group-empty-help"),
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
                        Msg::new("compile-entitlement-in-two-duties").arg("duty", &rule.spec.duties[other].name),
                        Msg::new("compile-entitlement-in-two-duties-help"),
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
