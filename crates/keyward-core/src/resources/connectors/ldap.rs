//! The `ldap` connector: an LDAP directory.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resources::shared::SecretRef;

/// An LDAP directory keyward reads and changes: every entry matching
/// `userFilter` under `baseDn` is an account, and the `groupOfNames` and
/// `groupOfUniqueNames` entries under `groupsDn` are its groups. An account's
/// id is its `uid` (the `attributes.id` attribute), which survives renames
/// that change the DN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LdapConnector {
    /// Where the directory listens: `ldap://host:389` or, with TLS from the
    /// first byte, `ldaps://host:636`. TLS certificates are checked against
    /// the system's trusted CAs, or the ones in `tls.caFile`, and must name
    /// this host.
    pub url: String,
    /// Upgrade an `ldap://` connection to TLS with StartTLS before binding,
    /// so the password never crosses the network in clear. Default false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub start_tls: bool,
    /// How the directory's TLS certificate is checked, for `ldaps://` and
    /// StartTLS. Without it, the system's trusted CAs vouch for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<LdapTls>,
    /// The DN keyward binds as (`cn=keyward,ou=services,dc=example,dc=com`).
    /// It needs to read the people and groups, and to add, change and delete
    /// people and group memberships for `keyward apply`.
    pub bind_dn: String,
    /// Where the bind password is read from when keyward runs. The password
    /// itself never belongs in a policy file.
    pub password: SecretRef,
    /// The subtree holding the people (`ou=people,dc=example,dc=com`). New
    /// accounts are created directly below it.
    pub base_dn: String,
    /// The subtree holding the groups (`ou=groups,dc=example,dc=com`); a
    /// group's name is its `cn`. Without it, keyward neither reads nor
    /// changes group memberships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_dn: Option<String>,
    /// Which entries under `baseDn` are accounts, as an LDAP filter.
    /// Default `(objectClass=inetOrgPerson)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_filter: Option<String>,
    /// Which LDAP attributes hold the account fields.
    #[serde(default)]
    pub attributes: LdapAttributes,
    /// Which person field a new account's id (its `uid`, and so its DN
    /// `uid=<id>,<baseDn>`) is made from: `emailLocalPart` (default:
    /// `tanaka` for tanaka@example.com), `email` or `employeeId`.
    #[serde(default)]
    pub uid_from: LdapUidFrom,
    /// What suspending an account does: `passwordLock` (default) or `group`.
    #[serde(default)]
    pub suspension: LdapSuspension,
    /// With `suspension: group`, the `cn` of the group under `groupsDn`
    /// whose members are suspended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_group: Option<String>,
    /// Entries asked for per page of the paged search (RFC 2696). Default
    /// 200; Active Directory serves at most 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// Seconds before connecting or one LDAP operation is abandoned.
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// How an LDAP connection's TLS certificate is checked. The certificate is
/// always verified: there is no way to turn the check off, because without
/// it anyone on the network path could pose as the directory and collect the
/// bind password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LdapTls {
    /// A PEM file with the CA certificates (one or more `-----BEGIN
    /// CERTIFICATE-----` blocks) that vouch for the directory's
    /// certificate: usually the company's own CA, which signs the
    /// certificates of on-premises directories. Only these CAs are then
    /// trusted for this directory, not the system's. Relative paths are
    /// relative to the policy file; in a resource read from the Kubernetes
    /// API the path is absolute, under a directory the controller allows
    /// with `--allow-files`.
    pub ca_file: String,
}

/// The LDAP attributes of an account's fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LdapAttributes {
    /// The account's id and login name, unique under `baseDn`, and the
    /// naming attribute of new entries. Default `uid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E-mail address. Default `mail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name. Default `cn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The HR employee number (the account's `externalId`). Default
    /// `employeeNumber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_number: Option<String>,
}

/// The person field a new LDAP account's id is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum LdapUidFrom {
    /// The part of the work e-mail before `@`.
    #[default]
    EmailLocalPart,
    /// The whole work e-mail address.
    Email,
    /// The HR employee number.
    EmployeeId,
}

/// How an LDAP account is suspended. LDAP itself has no "disabled" flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum LdapSuspension {
    /// Lock the password with OpenLDAP's password policy overlay: suspend
    /// sets `pwdAccountLockedTime: 000001010000Z` (locked until an
    /// administrator unlocks it), restore removes it. Binds are refused
    /// only where the ppolicy overlay is loaded and the entry's policy has
    /// `pwdLockout: TRUE`; elsewhere the attribute is stored but the person
    /// can still sign in. A lock set by failed binds (another time) is not
    /// a suspension and is left alone.
    #[default]
    PasswordLock,
    /// Membership in `suspendedGroup`: suspend adds the account to it,
    /// restore removes it. Only the applications that read the directory
    /// and honour that group stop the person; the password still binds.
    Group,
}
