//! Checks of the `ldap` connector: the URL and TLS, DNs, the filter,
//! attribute names and how accounts are suspended.

use crate::compile::checker::Checker;
use crate::compile::fields::check_secret_ref;
use crate::endpoint;
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
                    "an `ldaps://` connection is TLS from the start, so StartTLS cannot upgrade it",
                    "remove `startTls`, or use an `ldap://` URL with `startTls: true`",
                );
            }
            plain
        }
        Err(e) => {
            c.error(o, "spec.connector.ldap.url", e.to_string(), e.help());
            matches!(e, endpoint::UrlError::Plaintext { .. })
        }
    };
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
        if plain && !ldap.start_tls {
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
    c.timeout(o, "spec.connector.ldap.timeoutSeconds", ldap.timeout_seconds, "operation");
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
