//! Compilation of an Application: its connector (checked in `connectors`),
//! correlators, protect rules, roles, identities and lifecycle.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use super::checker::Checker;
use super::connectors::{self, ConnectorFacts, connector_role_problem};
use super::model::{CompiledApp, CompiledCorrelator, CompiledIdentities, CompiledProtect};
use crate::diag::suggest;
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
                let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
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
    if let Some(revoke) = &lc.offboarding.revoke {
        check_revoke(c, o, revoke, lc.offboarding.suspend);
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
            format!("`when: {when}` is after the suspension (`suspend: {suspend}`): by then the account is suspended, and apps that cannot show what is still open are never revoked"),
            "leave `when` out (with the suspension) or make it no later than `suspend`",
        );
    }
    for (i, k) in revoke.what.iter().enumerate() {
        if revoke.what[..i].contains(k) {
            c.warn(
                o,
                "spec.lifecycle.offboarding.revoke.what",
                format!("`{}` is listed twice", k.as_str()),
                "list each kind once",
            );
        }
    }
}
