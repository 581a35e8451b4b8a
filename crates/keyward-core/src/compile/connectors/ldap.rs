//! Checks of the `ldap` connector: the URL and TLS, DNs, the filter,
//! attribute names and how accounts are suspended.

use crate::compile::checker::Checker;
use crate::compile::fields::check_secret_ref;
use crate::endpoint;
use crate::i18n::Msg;
use crate::load::Origin;
use crate::resources::ApplicationSpec;

/// Checks the connector's settings.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, app: &ApplicationSpec, ldap: &crate::resources::LdapConnector) {
    use crate::resources::LdapSuspension;
    let url = ldap.url.trim();
    let plain = match endpoint::ldap_url(url, ldap.start_tls) {
        Ok(u) => {
            let plain = u.scheme() == "ldap";
            if !plain && ldap.start_tls {
                c.error(
                    o,
                    "spec.connector.ldap.startTls",
                    Msg::new("ldap-ldaps-start-tls"),
                    Msg::new("ldap-ldaps-start-tls-help"),
                );
            }
            plain
        }
        Err(e) => {
            c.error(o, "spec.connector.ldap.url", e.message(), e.help_message());
            matches!(e, endpoint::UrlError::Plaintext { .. })
        }
    };
    if let Some(tls) = &ldap.tls {
        if tls.ca_file.trim().is_empty() {
            c.error(
                o,
                "spec.connector.ldap.tls.caFile",
                Msg::new("ldap-ca-file-empty"),
                Msg::new("ldap-ca-file-empty-help"),
            );
        }
        // A CA file on a plain connection looks like protection but checks
        // nothing: the password would still cross the network in clear.
        if plain && !ldap.start_tls {
            c.error(o, "spec.connector.ldap.tls", Msg::new("ldap-tls-unused"), Msg::new("ldap-tls-unused-help"));
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
                Msg::new("ldap-not-dn").arg("dn", dn),
                Msg::new("ldap-not-dn-help"),
            );
        }
    }
    check_secret_ref(
        c,
        o,
        "spec.connector.ldap.password",
        &ldap.password,
        super::secret_help("password", "LDAP_PASSWORD", "/var/run/secrets/ldap-password", "ldap-password"),
    );
    if let Some(f) = &ldap.user_filter
        && !is_ldap_filter(f)
    {
        c.error(
            o,
            "spec.connector.ldap.userFilter",
            Msg::new("ldap-not-filter").arg("filter", f),
            Msg::new("ldap-not-filter-help"),
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
                Msg::new("ldap-not-attribute").arg("name", name),
                Msg::new("ldap-not-attribute-help"),
            );
        }
    }
    match (ldap.suspension, &ldap.suspended_group) {
        (LdapSuspension::Group, None) => c.error(
            o,
            "spec.connector.ldap.suspension",
            Msg::new("ldap-suspension-group-needs-group"),
            Msg::new("ldap-suspension-group-needs-group-help"),
        ),
        (LdapSuspension::Group, Some(_)) if ldap.groups_dn.is_none() => c.error(
            o,
            "spec.connector.ldap.suspendedGroup",
            Msg::new("ldap-suspended-group-no-groups-dn"),
            Msg::new("ldap-suspended-group-no-groups-dn-help"),
        ),
        (LdapSuspension::PasswordLock, Some(_)) => c.error(
            o,
            "spec.connector.ldap.suspendedGroup",
            Msg::new("ldap-suspended-group-unused"),
            Msg::new("ldap-suspended-group-unused-help"),
        ),
        _ => {}
    }
    if ldap.page_size == Some(0) {
        c.error(
            o,
            "spec.connector.ldap.pageSize",
            Msg::new("connectors-page-size-zero"),
            Msg::new("compile-timeout-zero-help"),
        );
    }
    c.timeout(o, "spec.connector.ldap.timeoutSeconds", ldap.timeout_seconds, "operation");
    if !app.roles.is_empty() {
        c.error(o, "spec.roles", Msg::new("ldap-no-roles"), Msg::new("ldap-no-roles-help").arg("field", "roles"));
    }
    if app.default_role.is_some() {
        c.error(
            o,
            "spec.defaultRole",
            Msg::new("ldap-no-roles"),
            Msg::new("ldap-no-roles-help").arg("field", "defaultRole"),
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
