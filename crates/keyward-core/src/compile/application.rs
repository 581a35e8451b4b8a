//! Compilation of an Application: its connector (checked in `connectors`),
//! correlators, protect rules, roles, identities and lifecycle.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use super::bounds;
use super::checker::Checker;
use super::connectors::{self, ConnectorFacts, connector_role_problem, use_either};
use super::model::{CompiledApp, CompiledCorrelator, CompiledIdentities, CompiledProtect};
use crate::diag::suggestion;
use crate::i18n::Msg;
use crate::load::Named;
use crate::resources::ApplicationSpec;

/// Checks and compiles one Application.
pub(super) fn compile_app(
    c: &mut Checker<'_>,
    app: &Named<ApplicationSpec>,
    people_attributes: &BTreeMap<String, String>,
    has_manager_column: bool,
    has_moved_on_column: bool,
) -> CompiledApp {
    let o = &app.origin;
    let s = &app.spec;
    let ConnectorFacts { kind: connector, roles: connector_roles, group_names, account_fields } =
        connectors::check(c, o, s);
    check_bounds(c, o, s);

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
                Msg::new("compile-correlator-count").arg("count", set_count),
                Msg::new("compile-correlator-count-help"),
            );
            continue;
        }
        let check_field = |c: &mut Checker<'_>, field: &str, sub: &str| {
            if !account_fields.iter().any(|f| f == field) {
                let cands: Vec<&str> = account_fields.iter().map(String::as_str).collect();
                c.error(
                    o,
                    &format!("{path}.{sub}.accountField"),
                    Msg::new("compile-unknown-account-field").arg("field", field),
                    suggestion(field, &cands)
                        .unwrap_or_else(|| Msg::new("compile-unknown-account-field-help").arg("fields", cands.clone())),
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
                        Msg::new("compile-bad-domain-alias").arg("from", from).arg("to", to),
                        Msg::new("compile-bad-domain-alias-help"),
                    );
                }
                aliases.push((from.to_ascii_lowercase(), to.to_ascii_lowercase()));
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
                    Msg::new("compile-unknown-attribute").arg("name", &a.attribute),
                    suggestion(&a.attribute, &cands)
                        .unwrap_or_else(|| Msg::new("compile-unknown-attribute-correlator-help")),
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
                Msg::new("compile-protect-count").arg("count", n),
                Msg::new("compile-protect-count-help"),
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
                Msg::new("compile-role-twice").arg("role", r),
                Msg::new("compile-role-twice-help"),
            );
        }
    }
    if let Some(known) = connector_roles {
        let named = s.roles.iter().enumerate().map(|(i, r)| (format!("spec.roles[{i}]"), r));
        for (path, r) in named.chain(s.default_role.iter().map(|d| ("spec.defaultRole".to_owned(), d))) {
            if !known.iter().any(|k| k.eq_ignore_ascii_case(r)) {
                c.error(o, &path, connector_role_problem(connector, r), use_either(known));
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
            Msg::new("compile-default-role-unknown").arg("role", d),
            Msg::new("compile-use-one-of").arg("items", s.roles.clone()),
        );
    }
    let identities = s.identities.as_ref().map(|ids| {
        let mut out = CompiledIdentities::default();
        for (field, list, into) in [
            ("internalDomains", &ids.internal_domains, &mut out.internal),
            ("partnerDomains", &ids.partner_domains, &mut out.partner),
        ] {
            for (i, d) in list.iter().enumerate() {
                let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
                if d.is_empty() || d.contains(char::is_whitespace) || !d.contains('.') || d.contains('@') {
                    c.error(
                        o,
                        &format!("spec.identities.{field}[{i}]"),
                        Msg::new("compile-not-email-domain").arg("domain", &list[i]),
                        Msg::new("compile-not-email-domain-help"),
                    );
                }
                into.push(d);
            }
        }
        if let Some(d) = out.internal.iter().find(|d| out.partner.contains(d)) {
            c.error(
                o,
                "spec.identities.partnerDomains",
                Msg::new("compile-domain-internal-and-partner").arg("domain", d),
                Msg::new("compile-domain-internal-and-partner-help"),
            );
        }
        if let Some(r) = &ids.partner_max_role {
            match role_rank.get(&r.to_lowercase()) {
                Some(&rank) => out.partner_max_role = Some((r.clone(), None, rank)),
                None => c.error(
                    o,
                    "spec.identities.partnerMaxRole",
                    Msg::new("compile-not-app-role").arg("role", r),
                    if s.roles.is_empty() {
                        Msg::new("compile-list-roles-help")
                    } else {
                        Msg::new("compile-use-one-of").arg("items", s.roles.clone())
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
            Msg::new("compile-transfer-to-manager-unknown"),
            Msg::new("compile-transfer-to-manager-unknown-help"),
        );
    }
    if let Some(revoke) = &lc.offboarding.revoke {
        check_revoke(c, o, revoke, lc.offboarding.suspend);
    }
    if lc.mover_grace.0 > 0 && !has_moved_on_column {
        c.warn(
            o,
            "spec.lifecycle.moverGrace",
            Msg::new("compile-mover-grace-no-date"),
            Msg::new("compile-mover-grace-no-date-help"),
        );
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

/// A revocation due after the suspension finds the account suspended, and
/// is then made only where the app shows something still open: say so.
/// A kind listed twice is a slip worth pointing at.
fn check_revoke(
    c: &mut Checker<'_>,
    o: &crate::load::Origin,
    revoke: &crate::resources::RevokeSpec,
    suspend: crate::duration::SuspendTiming,
) {
    let day = jiff::civil::date(2026, 1, 1);
    if let Some(when) = revoke.when
        && when.first_day(day) > suspend.first_day(day)
    {
        c.warn(
            o,
            "spec.lifecycle.offboarding.revoke.when",
            Msg::new("compile-revoke-after-suspend").arg("when", when.to_string()).arg("suspend", suspend.to_string()),
            Msg::new("compile-revoke-after-suspend-help"),
        );
    }
    for (i, k) in revoke.what.iter().enumerate() {
        if revoke.what[..i].contains(k) {
            c.warn(
                o,
                "spec.lifecycle.offboarding.revoke.what",
                Msg::new("compile-listed-twice").arg("item", k.as_str()),
                Msg::new("compile-revoke-kind-twice-help"),
            );
        }
    }
}

/// The bounds of the CRD's CEL rules (see `bounds`).
fn check_bounds(c: &mut Checker<'_>, o: &crate::load::Origin, s: &ApplicationSpec) {
    use crate::resources::admission::{MAX_CORRELATORS, MAX_PROTECT, MAX_ROLE_LEN, MAX_ROLES};
    bounds::list(c, o, "spec.correlate", s.correlate.len(), MAX_CORRELATORS);
    bounds::list(c, o, "spec.protect", s.protect.len(), MAX_PROTECT);
    bounds::list(c, o, "spec.roles", s.roles.len(), MAX_ROLES);
    for (i, r) in s.roles.iter().enumerate() {
        bounds::text(c, o, &format!("spec.roles[{i}]"), r, MAX_ROLE_LEN);
    }
    if let Some(r) = &s.default_role {
        bounds::text(c, o, "spec.defaultRole", r, MAX_ROLE_LEN);
    }
    if let Some(r) = s.identities.as_ref().and_then(|i| i.partner_max_role.as_ref()) {
        bounds::text(c, o, "spec.identities.partnerMaxRole", r, MAX_ROLE_LEN);
    }
}
