#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `spec.connector.ldap`: what a valid LDAP Application looks like, and the
//! mistakes validation names with file, line and column.

use keyward_core::diag::Diagnostic;
use keyward_core::resources::{LdapSuspension, LdapUidFrom};
use keyward_core::{PolicySet, SourceFile};

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

/// An Application `dir` whose connector is `ldap` with `extra` lines
/// (indented by four) after the required fields; `spec_extra` follows the
/// connector. `url` is on line 12 of the file, `extra` starts on line 16.
fn app(extra: &str, spec_extra: &str) -> String {
    format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {{name: dir}}
spec:
  connector:
    ldap:
      url: ldap://127.0.0.1:389
      bindDn: cn=keyward,ou=services,dc=example,dc=com
      password: {{env: LDAP_PASSWORD}}
      baseDn: ou=people,dc=example,dc=com
{extra}{spec_extra}"
    )
}

fn load(text: &str) -> Result<keyward_core::compile::Loaded, Vec<Diagnostic>> {
    PolicySet::load("policies", vec![SourceFile { path: "p.yaml".into(), text: text.to_owned() }]).map_err(|d| d.0)
}

fn errors(text: &str) -> Vec<Diagnostic> {
    load(text).expect_err("the policy should be refused")
}

fn error_at<'d>(errors: &'d [Diagnostic], path_fragment: &str) -> &'d Diagnostic {
    errors
        .iter()
        .find(|d| d.message.contains(path_fragment))
        .unwrap_or_else(|| panic!("no error mentioning {path_fragment:?}: {errors:#?}"))
}

#[test]
fn a_minimal_ldap_application_loads_with_its_defaults() {
    let loaded = load(&app("", "")).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let ldap = loaded.set.applications[0].spec.connector.ldap.as_ref().unwrap();
    assert_eq!(ldap.suspension, LdapSuspension::PasswordLock);
    assert_eq!(ldap.uid_from, LdapUidFrom::EmailLocalPart);
    assert_eq!(ldap.groups_dn, None);
    assert_eq!(ldap.password.env.as_deref(), Some("LDAP_PASSWORD"));
}

#[test]
fn every_documented_field_is_accepted() {
    let extra = "      groupsDn: ou=groups,dc=example,dc=com
      userFilter: (&(objectClass=inetOrgPerson)(!(employeeType=service)))
      attributes: {id: sAMAccountName, email: mail, displayName: displayName, employeeNumber: employeeID}
      uidFrom: employeeId
      suspension: group
      suspendedGroup: suspended
      pageSize: 2
      timeoutSeconds: 5
      startTls: true
";
    // The entry's DN is an account field a correlator may read.
    let loaded = load(&app(extra, "  correlate: [{employeeId: {accountField: dn}}]\n")).unwrap();
    let ldap = loaded.set.applications[0].spec.connector.ldap.as_ref().unwrap();
    assert_eq!(ldap.attributes.id.as_deref(), Some("sAMAccountName"));
    assert_eq!(ldap.suspended_group.as_deref(), Some("suspended"));
    assert!(ldap.start_tls);
}

#[test]
fn a_wrong_url_dn_or_filter_is_named_where_it_is_written() {
    let text = app("      groupsDn: groups\n      userFilter: objectClass=person\n", "")
        .replace("ldap://127.0.0.1:389", "https://ldap.example.com")
        .replace("baseDn: ou=people,dc=example,dc=com", "baseDn: \"\"");
    let errs = errors(&text);
    let url = error_at(&errs, "is not an LDAP URL");
    assert_eq!(url.position(), "p.yaml:12:12");
    assert!(url.help.as_deref().unwrap().contains("ldaps://"), "{url}");
    assert_eq!(error_at(&errs, "`groups` is not a DN").position(), "p.yaml:16:17");
    assert_eq!(error_at(&errs, "`` is not a DN").position(), "p.yaml:15:15");
    assert_eq!(error_at(&errs, "is not an LDAP filter").position(), "p.yaml:17:19");
}

#[test]
fn the_password_follows_the_secret_rules() {
    let text = app("", "").replace("{env: LDAP_PASSWORD}", "{env: \"hunter2!\", file: pw}");
    let errs = errors(&text);
    let d = error_at(&errs, "the password must come from exactly one of");
    assert_eq!(d.position(), "p.yaml:14:17");
    let env = error_at(&errs, "is not an environment variable name");
    assert!(env.help.as_deref().unwrap().contains("never write the password itself"), "{env}");
    let secret = errors(&app("", "").replace("{env: LDAP_PASSWORD}", "{secret: {name: Creds, key: pw}}"));
    assert!(error_at(&secret, "`Creds` is not a valid Secret name").position().starts_with("p.yaml:14:"));
}

#[test]
fn a_secret_reference_is_listed_for_the_controller_to_fetch() {
    let loaded = load(&app("", "").replace("{env: LDAP_PASSWORD}", "{secret: {name: creds, key: ldap}}")).unwrap();
    let refs = loaded.set.applications[0].spec.connector.secret_refs();
    assert_eq!(refs.len(), 1);
    assert_eq!((refs[0].name.as_str(), refs[0].key.as_str()), ("creds", "ldap"));
}

#[test]
fn a_plain_ldap_url_to_another_host_is_refused_because_the_password_would_travel_in_clear() {
    let errs = errors(&app("", "").replace("127.0.0.1", "ldap.example.com"));
    let e = error_at(&errs, "unencrypted");
    assert_eq!(e.position(), "p.yaml:12:12");
    assert!(e.help.as_deref().unwrap().contains("startTls: true"), "{e}");
    let tls = load(&app("      startTls: true\n", "").replace("127.0.0.1", "ldap.example.com")).unwrap();
    assert!(tls.warnings.is_empty(), "{:?}", tls.warnings);
    let both = errors(&app("      startTls: true\n", "").replace("ldap://", "ldaps://"));
    error_at(&both, "StartTLS cannot upgrade it");
}

#[test]
fn group_suspension_needs_its_group_and_the_groups_subtree() {
    let errs = errors(&app("      suspension: group\n", ""));
    assert_eq!(error_at(&errs, "needs the group whose members are suspended").position(), "p.yaml:16:19");
    let errs = errors(&app("      suspension: group\n      suspendedGroup: suspended\n", ""));
    error_at(&errs, "looked up under `groupsDn`");
    let errs = errors(&app("      suspendedGroup: suspended\n", ""));
    error_at(&errs, "only used with `suspension: group`");
}

#[test]
fn an_ldap_directory_has_no_roles() {
    let errs = errors(&app("", "  roles: [member, admin]\n"));
    assert_eq!(error_at(&errs, "an LDAP directory has no roles").position(), "p.yaml:16:10");
    let grant = format!(
        "{}---\napiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata: {{name: all}}\nspec:\n  select: {{}}\n  grant: [{{app: dir, role: admin, groups: [eng]}}]\n",
        app("      groupsDn: ou=groups,dc=example,dc=com\n", "")
    );
    let errs = errors(&grant);
    let d = error_at(&errs, "is an LDAP directory, which has no roles");
    assert!(d.help.as_deref().unwrap().contains("grant groups instead"), "{d}");
}

#[test]
fn only_one_connector_may_be_set() {
    let errs = errors(&app("    scim: {url: \"https://x.example.com/scim\", token: {env: T}}\n", ""));
    let d = error_at(&errs, "more than one connector");
    assert!(d.help.as_deref().unwrap().contains("`ldap`"), "{d}");
}

#[test]
fn zero_page_size_or_timeout_is_refused() {
    let errs = errors(&app("      pageSize: 0\n      timeoutSeconds: 0\n", ""));
    error_at(&errs, "a page size of 0 reads nothing");
    error_at(&errs, "a timeout of 0 seconds");
}

#[test]
fn a_private_ca_file_is_accepted_for_ldaps_and_start_tls() {
    let start_tls = load(&app("      startTls: true\n      tls: {caFile: certs/company-ca.pem}\n", "")).unwrap();
    assert!(start_tls.warnings.is_empty(), "{:?}", start_tls.warnings);
    let ldap = start_tls.set.applications[0].spec.connector.ldap.as_ref().unwrap();
    assert_eq!(ldap.tls.as_ref().map(|t| t.ca_file.as_str()), Some("certs/company-ca.pem"));
    let ldaps =
        load(&app("      tls:\n        caFile: /etc/ssl/company-ca.pem\n", "").replace("ldap://", "ldaps://")).unwrap();
    assert!(ldaps.warnings.is_empty(), "{:?}", ldaps.warnings);
}

#[test]
fn a_ca_file_on_a_plain_connection_is_refused_where_it_is_written() {
    let errs = errors(&app("      tls: {caFile: company-ca.pem}\n", "").replace("127.0.0.1", "ldap.example.com"));
    let d = error_at(&errs, "no certificate is ever checked");
    assert_eq!(d.position(), "p.yaml:16:12");
    assert!(d.help.as_deref().unwrap().contains("startTls: true"), "{d}");
}

#[test]
fn an_empty_ca_file_is_named_where_it_is_written() {
    let errs = errors(&app("      startTls: true\n      tls: {caFile: \"\"}\n", ""));
    let d = error_at(&errs, "`caFile` is empty");
    assert_eq!(d.position(), "p.yaml:17:21");
    assert!(d.help.as_deref().unwrap().contains("relative to this policy file"), "{d}");
}

#[test]
fn certificate_checks_cannot_be_turned_off() {
    let errs = errors(&app("      startTls: true\n      tls: {caFile: ca.pem, insecureSkipVerify: true}\n", ""));
    let d = error_at(&errs, "insecureSkipVerify");
    assert!(d.position().starts_with("p.yaml:17:"), "{d}");
}
