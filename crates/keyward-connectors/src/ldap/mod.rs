//! The LDAP directory connector (RFC 4511): reads every person under
//! `baseDn` with a paged search (RFC 2696) and the `groupOfNames` and
//! `groupOfUniqueNames` groups under `groupsDn`, and creates, suspends,
//! restores and deletes people and changes group memberships.
//!
//! An account's id is its `uid` (the configured id attribute), not its DN,
//! because a rename moves the DN but keeps the person; every change looks
//! the DN up again by that id, so it acts on the entry as it is now.
//!
//! LDAP has no standard "disabled" flag. Suspension is either OpenLDAP's
//! password-policy lock (`pwdAccountLockedTime: 000001010000Z`, which the
//! ppolicy overlay enforces when the policy has `pwdLockout: TRUE`), or
//! membership in a configured group, as the Application says.
//!
//! Every change is idempotent, because the apply engine reruns a change
//! whose outcome it never learnt: `entryAlreadyExists` adopts the entry
//! (when it is the same person's), `attributeOrValueExists` and
//! `noSuchAttribute` on a membership are already done, `noSuchObject` on a
//! delete is already deleted.
//!
//! Over `ldaps://` and StartTLS the directory's certificate is always
//! verified (a CA vouches for it and it names the URL's host): against the
//! system's trusted CAs, or, with `tls.caFile`, only against the CAs in that
//! file, since on-premises directories are signed by a company's own CA.
//!
//! Each listing and each change opens its own connection and binds: binds
//! are cheap, and no state can go stale between an apply's changes.

mod dn;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use keyward_core::account::{Account, AccountListing, AccountStatus, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, LdapConnector, LdapSuspension, LdapUidFrom};
use ldap3::controls::{Control, ControlType, PagedResults};
use ldap3::{LdapConnAsync, LdapConnSettings, LdapError, LdapResult, Mod, Scope, SearchEntry, dn_escape, ldap_escape};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use rustls::{CertificateError, ClientConfig, RootCertStore};

use self::dn::DnKey;
use crate::ClusterSecrets;
use crate::http::Secret;
use crate::{Capabilities, Connector, ConnectorError, Outcome};

/// Entries asked for per page unless the policy says otherwise.
const DEFAULT_PAGE_SIZE: u32 = 200;
/// Seconds for connecting and for each operation unless the policy says otherwise.
const DEFAULT_TIMEOUT_SECONDS: u32 = 30;
/// Which entries under `groupsDn` are groups.
const GROUP_FILTER: &str = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))";
/// The ppolicy attribute that locks an account.
const LOCKED_TIME: &str = "pwdAccountLockedTime";
/// The value that locks an account until an administrator unlocks it
/// (ppolicy's "permanent lock"). Other values are lockouts after failed
/// binds, which expire and are not keyward's to lift.
const PERMANENT_LOCK: &str = "000001010000Z";

/// Where the policy names the private CA, for messages.
const CA_FILE_FIELD: &str = "spec.connector.ldap.tls.caFile";

/// LDAP result codes keyward acts on (RFC 4511, appendix A).
mod rc {
    pub(super) const SUCCESS: u32 = 0;
    pub(super) const TIME_LIMIT_EXCEEDED: u32 = 3;
    pub(super) const SIZE_LIMIT_EXCEEDED: u32 = 4;
    pub(super) const ADMIN_LIMIT_EXCEEDED: u32 = 11;
    pub(super) const NO_SUCH_ATTRIBUTE: u32 = 16;
    pub(super) const UNDEFINED_ATTRIBUTE_TYPE: u32 = 17;
    pub(super) const ATTRIBUTE_OR_VALUE_EXISTS: u32 = 20;
    pub(super) const NO_SUCH_OBJECT: u32 = 32;
    pub(super) const INVALID_CREDENTIALS: u32 = 49;
    pub(super) const OBJECT_CLASS_VIOLATION: u32 = 65;
    pub(super) const NOT_ALLOWED_ON_NON_LEAF: u32 = 66;
    pub(super) const ENTRY_ALREADY_EXISTS: u32 = 68;
}

/// The attribute names of the account fields.
#[derive(Debug, Clone)]
struct Attributes {
    id: String,
    email: String,
    display_name: String,
    employee_number: String,
}

/// An LDAP directory, as one Application.
#[derive(Debug)]
pub struct Ldap {
    app: String,
    url: String,
    start_tls: bool,
    /// The CAs of `tls.caFile`, when the policy names one: they alone vouch
    /// for the directory's certificate.
    private_ca: Option<PrivateCa>,
    bind_dn: String,
    password: Secret,
    base_dn: String,
    groups_dn: Option<String>,
    user_filter: String,
    attributes: Attributes,
    uid_from: LdapUidFrom,
    suspension: LdapSuspension,
    suspended_group: Option<String>,
    page_size: i32,
    timeout: Duration,
}

/// The CA file of `tls.caFile`, read when the connector is built, and the
/// TLS client configuration that trusts only its certificates.
#[derive(Debug)]
struct PrivateCa {
    /// The file, resolved against the policy file.
    file: String,
    config: Arc<ClientConfig>,
}

impl PrivateCa {
    /// Reads the PEM certificates of `file`; an unreadable file, broken PEM,
    /// no certificate at all or one that does not parse as X.509 is an
    /// error naming the file and the field, before anything is listed.
    fn load(found: keyward_http::resource_files::ResourceFile) -> Result<Self, String> {
        let file = found.shown;
        let pem =
            std::fs::read(&found.path).map_err(|e| format!("cannot read the CA file {file} ({CA_FILE_FIELD}): {e}"))?;
        let mut roots = RootCertStore::empty();
        for (n, cert) in CertificateDer::pem_slice_iter(&pem).enumerate() {
            // The parser's message may quote a line of the file: an excerpt only.
            let cert = cert.map_err(|e| {
                let why = keyward_core::excerpt::value(&e.to_string(), 2 * keyward_core::excerpt::VALUE_CHARS);
                format!("the CA file {file} ({CA_FILE_FIELD}) is not valid PEM: {why}")
            })?;
            roots.add(cert).map_err(|e| {
                // rustls words this as a peer's certificate; this one is the policy's.
                let why = match e {
                    rustls::Error::InvalidCertificate(c) => format!("{c:?}"),
                    other => other.to_string(),
                };
                format!(
                    "certificate {} in the CA file {file} ({CA_FILE_FIELD}) is not a usable X.509 certificate ({why})",
                    n + 1
                )
            })?;
        }
        if roots.is_empty() {
            return Err(format!(
                "the CA file {file} ({CA_FILE_FIELD}) holds no certificate: it needs the CA's certificate in PEM, a `-----BEGIN CERTIFICATE-----` block"
            ));
        }
        // The provider ldap3 itself is built with, named rather than taken
        // from the process default, which nothing here installs.
        let config = ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS with the CA file {file} ({CA_FILE_FIELD}): {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self { file, config: Arc::new(config) })
    }
}

/// A group entry, and the attribute that lists its members.
#[derive(Debug, Clone)]
struct Group {
    name: String,
    dn: String,
    /// `member` (groupOfNames) or `uniqueMember` (groupOfUniqueNames).
    member_attribute: &'static str,
}

/// What became of a membership change.
enum Membership {
    /// The directory made it.
    Changed,
    /// It already was so.
    AlreadySo,
}

/// One bound connection.
struct Session<'c> {
    ldap: ldap3::Ldap,
    c: &'c Ldap,
}

impl Ldap {
    /// Builds the connector of an Application with an `ldap` connector,
    /// reading its password now: a missing password is an error before
    /// anything is listed.
    pub fn new(locator: &Locator, app: &Named<ApplicationSpec>, spec: &LdapConnector) -> Result<Self, ConnectorError> {
        Self::new_with(locator, app, spec, &ClusterSecrets::unavailable())
    }

    /// As [`Ldap::new`], with the Kubernetes Secret values a
    /// `password.secret` may name.
    pub fn new_with(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &LdapConnector,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let password = crate::secrets::read(locator, app, &spec.password, secrets, "LDAP bind password", "password")?;
        // The check validation made: what is connected to is what it accepted.
        let url = keyward_core::endpoint::ldap_url(&spec.url, spec.start_tls)
            .map_err(|e| ConnectorError::NotConfigured {
                app: app.name.clone(),
                why: format!("spec.connector.ldap.url: {e}"),
            })?
            .to_string();
        let private_ca = match &spec.tls {
            Some(tls) => Some(
                keyward_http::resource_files::admit(locator, CA_FILE_FIELD, tls.ca_file.trim())
                    .and_then(PrivateCa::load)
                    .map_err(|why| ConnectorError::NotConfigured { app: app.name.clone(), why })?,
            ),
            None => None,
        };
        let a = &spec.attributes;
        let name = |n: &Option<String>, default: &str| n.clone().unwrap_or_else(|| default.to_owned());
        Ok(Self {
            app: app.name.clone(),
            url,
            start_tls: spec.start_tls,
            private_ca,
            bind_dn: spec.bind_dn.trim().to_owned(),
            password,
            base_dn: spec.base_dn.trim().to_owned(),
            groups_dn: spec.groups_dn.as_deref().map(str::trim).map(str::to_owned),
            user_filter: spec.user_filter.clone().unwrap_or_else(|| "(objectClass=inetOrgPerson)".to_owned()),
            attributes: Attributes {
                id: name(&a.id, "uid"),
                email: name(&a.email, "mail"),
                display_name: name(&a.display_name, "cn"),
                employee_number: name(&a.employee_number, "employeeNumber"),
            },
            uid_from: spec.uid_from,
            suspension: spec.suspension,
            suspended_group: spec.suspended_group.clone(),
            page_size: i32::try_from(spec.page_size.unwrap_or(DEFAULT_PAGE_SIZE).max(1)).unwrap_or(i32::MAX),
            timeout: Duration::from_secs(u64::from(spec.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS).max(1))),
        })
    }

    /// Connects and binds as `bindDn`.
    async fn session(&self) -> Result<Session<'_>, ConnectorError> {
        let mut settings = LdapConnSettings::new().set_conn_timeout(self.timeout).set_starttls(self.start_tls);
        if let Some(ca) = &self.private_ca {
            settings = settings.set_config(Arc::clone(&ca.config));
        }
        let (conn, mut ldap) =
            LdapConnAsync::with_settings(settings, &self.url).await.map_err(|e| self.connect_failed(&e))?;
        let app = self.app.clone();
        tokio::spawn(async move {
            if let Err(e) = conn.drive().await {
                tracing::debug!(%app, error = %e, "LDAP connection ended");
            }
        });
        let bound = ldap
            .with_timeout(self.timeout)
            .simple_bind(&self.bind_dn, self.password.expose())
            .await
            .map_err(|e| self.transport("bind", &self.bind_dn, &e))?;
        if bound.rc != rc::SUCCESS {
            let hint = if bound.rc == rc::INVALID_CREDENTIALS {
                Some(
                    "the bind DN or its password is wrong (or the account is locked); check spec.connector.ldap.bindDn and the password's source",
                )
            } else {
                None
            };
            return Err(self.failed("bind", &self.bind_dn, &bound, hint));
        }
        Ok(Session { ldap, c: self })
    }

    fn transport(&self, operation: &'static str, dn: &str, e: &LdapError) -> ConnectorError {
        ConnectorError::Ldap {
            app: self.app.clone(),
            operation,
            dn: dn.to_owned(),
            code: match e {
                LdapError::LdapResult { result } => Some(result.rc),
                _ => None,
            },
            problem: e.to_string(),
        }
    }

    /// A failed connect; a refused TLS certificate says why and what to
    /// change, since the bare TLS error (`UnknownIssuer`) does not.
    fn connect_failed(&self, e: &LdapError) -> ConnectorError {
        let mut error = self.transport("connect", &self.url, e);
        if let (Some(hint), ConnectorError::Ldap { problem, .. }) = (self.certificate_hint(e), &mut error) {
            problem.push_str("; ");
            problem.push_str(&hint);
        }
        error
    }

    fn certificate_hint(&self, e: &LdapError) -> Option<String> {
        let LdapError::Io { source } = e else { return None };
        let Some(rustls::Error::InvalidCertificate(problem)) = source.get_ref()?.downcast_ref::<rustls::Error>() else {
            return None;
        };
        let host = url::Url::parse(&self.url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
        Some(match (problem, &self.private_ca) {
            (CertificateError::UnknownIssuer, None) => format!(
                "the directory's TLS certificate is not signed by a CA this system trusts; a directory with a certificate from a private (company) CA needs `{CA_FILE_FIELD}` set to a PEM file with that CA's certificate"
            ),
            (CertificateError::UnknownIssuer, Some(ca)) => format!(
                "the directory's TLS certificate is not signed by a CA in {} ({CA_FILE_FIELD}); put the certificate of the CA that signed it in that file",
                ca.file
            ),
            (CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }, _) => format!(
                "the directory's TLS certificate is not for `{host}`; connect to a host name the certificate names (spec.connector.ldap.url)"
            ),
            (
                CertificateError::Expired
                | CertificateError::ExpiredContext { .. }
                | CertificateError::NotValidYet
                | CertificateError::NotValidYetContext { .. },
                _,
            ) => "the directory's TLS certificate is outside its validity period: it needs renewing (or this machine's clock is wrong)".to_owned(),
            _ => "the directory's TLS certificate was refused".to_owned(),
        })
    }

    fn failed(&self, operation: &'static str, dn: &str, r: &LdapResult, context: Option<&str>) -> ConnectorError {
        let mut problem = format!("{} ({})", code_name(r.rc), r.rc);
        if !r.text.trim().is_empty() {
            problem.push_str(&format!(": {}", r.text.trim()));
        }
        if let Some(c) = context {
            problem.push_str(&format!("; {c}"));
        }
        ConnectorError::Ldap { app: self.app.clone(), operation, dn: dn.to_owned(), code: Some(r.rc), problem }
    }

    fn partial(&self, why: String) -> ConnectorError {
        ConnectorError::Partial { app: self.app.clone(), why }
    }

    fn unsupported(&self, action: &'static str) -> ConnectorError {
        ConnectorError::Unsupported { app: self.app.clone(), kind: "ldap", action }
    }

    fn groups_dn(&self) -> Result<&str, ConnectorError> {
        self.groups_dn.as_deref().ok_or_else(|| ConnectorError::NotConfigured {
            app: self.app.clone(),
            why: "group memberships need `spec.connector.ldap.groupsDn`, the subtree that holds the groups".to_owned(),
        })
    }

    fn user_attributes(&self) -> Vec<&str> {
        let a = &self.attributes;
        let mut out = vec![a.id.as_str(), a.email.as_str(), a.display_name.as_str(), a.employee_number.as_str()];
        if self.suspension == LdapSuspension::PasswordLock {
            // Operational: returned only when asked for by name.
            out.push(LOCKED_TIME);
        }
        out
    }

    /// The id of an entry: the id attribute's value in the entry's RDN when
    /// it is there (a multi-valued `uid` has one that names the entry),
    /// else its first value.
    fn id_of<'e>(&self, e: &'e SearchEntry) -> Option<&'e str> {
        let values = values(e, &self.attributes.id);
        let rdn = e.dn.split(',').next().and_then(|r| r.split_once('='));
        let in_rdn = rdn
            .filter(|(t, _)| t.trim().eq_ignore_ascii_case(&self.attributes.id))
            .and_then(|(_, v)| values.iter().find(|x| x.eq_ignore_ascii_case(v.trim())));
        in_rdn.or(values.first()).map(String::as_str)
    }

    fn is_locked(e: &SearchEntry) -> bool {
        values(e, LOCKED_TIME).iter().any(|v| v == PERMANENT_LOCK)
    }

    fn account(&self, e: &SearchEntry, groups: Vec<Text>, suspended: bool) -> Result<Account, ConnectorError> {
        let a = &self.attributes;
        let Some(id) = self.id_of(e) else {
            return Err(self.partial(format!(
                "entry {} matches the user filter but has no {}, so keyward cannot name it; give it one, or narrow spec.connector.ldap.userFilter (for example `(&{}({}=*))`)",
                e.dn, a.id, self.user_filter, a.id
            )));
        };
        let mut account = Account::new(id);
        account.username = Some(Text::from(id));
        account.email = first(e, &a.email).map(Text::from);
        account.display_name = first(e, &a.display_name).map(Text::from);
        account.external_id = first(e, &a.employee_number).map(Text::from);
        let locked = self.suspension == LdapSuspension::PasswordLock && Self::is_locked(e);
        account.status = if locked || suspended { AccountStatus::Suspended } else { AccountStatus::Active };
        account.groups = groups;
        account.groups.sort();
        account.groups.dedup();
        account.attributes.insert("dn".to_owned(), e.dn.clone());
        Ok(account)
    }

    fn uid_for(&self, change: &Change) -> Result<String, ConnectorError> {
        let person = change.person.as_ref();
        let email = change.account.email.as_deref().or_else(|| person.and_then(|p| p.email.as_deref()));
        let (uid, needs) = match self.uid_from {
            LdapUidFrom::EmailLocalPart => (email.and_then(|e| e.split_once('@')).map(|(local, _)| local), "e-mail"),
            LdapUidFrom::Email => (email, "e-mail"),
            LdapUidFrom::EmployeeId => (person.map(|p| p.id.as_str()), "employee number"),
        };
        uid.map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned).ok_or_else(|| {
            ConnectorError::Internal(format!(
                "the create of {} in {} has no {needs} to make the {} from",
                change.account.label(),
                self.app,
                self.attributes.id
            ))
        })
    }

    fn account_id<'x>(&self, change: &'x Change) -> Result<&'x str, ConnectorError> {
        change.account.id.as_deref().ok_or_else(|| {
            ConnectorError::Internal(format!(
                "the {} change of {} names no account id in {}",
                change.action.as_str(),
                change.account.label(),
                self.app
            ))
        })
    }

    async fn create(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        if change.role.is_some() {
            return Err(self.unsupported("give roles (an LDAP directory has none; grant groups)"));
        }
        let uid = self.uid_for(change)?;
        let person = change.person.as_ref();
        let email = change.account.email.as_deref().or_else(|| person.and_then(|p| p.email.as_deref()));
        let name = change.account.display_name.as_deref().or_else(|| person.and_then(|p| p.name.as_deref()));
        let employee_number = person.map(|p| p.id.as_str());
        let mut s = self.session().await?;
        // Before adding anything: a grant naming a group the directory lacks
        // fails the change without leaving a half-made account.
        let wanted = change.groups.as_ref().map(|g| g.add.as_slice()).unwrap_or_default();
        let groups = s.required_groups(wanted).await?;
        let a = &self.attributes;
        let dn = format!("{}={},{}", a.id, dn_escape(uid.as_str()), self.base_dn);
        let cn = name.unwrap_or(&uid).to_owned();
        // `sn` is required by `person`: the last word of the name will do.
        let sn = cn.split_whitespace().last().unwrap_or(&uid).to_owned();
        let mut attrs: Vec<(String, HashSet<String>)> = vec![
            (
                "objectClass".to_owned(),
                ["top", "person", "organizationalPerson", "inetOrgPerson"].map(str::to_owned).into(),
            ),
            (a.id.clone(), [uid.clone()].into()),
            ("sn".to_owned(), [sn].into()),
        ];
        let mut set = |attr: &str, value: Option<&str>| {
            let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else { return };
            match attrs.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(attr)) {
                Some((_, vs)) => {
                    vs.insert(v.to_owned());
                }
                None => attrs.push((attr.to_owned(), [v.to_owned()].into())),
            }
        };
        set("cn", Some(&cn));
        set(&a.display_name, name);
        set(&a.email, email);
        set(&a.employee_number, employee_number);
        let added =
            s.ldap.with_timeout(self.timeout).add(&dn, attrs).await.map_err(|e| self.transport("add", &dn, &e))?;
        match added.rc {
            rc::SUCCESS => {}
            rc::ENTRY_ALREADY_EXISTS => return s.adopt(&dn, email, employee_number, &groups).await,
            _ => return Err(self.failed("add", &dn, &added, None)),
        }
        for g in &groups {
            s.add_member(g, &dn).await.map_err(|e| {
                e.prefixed(&format!(
                    "{dn} was created, but joining {} failed (the next apply adopts it and retries)",
                    g.name
                ))
            })?;
        }
        Ok(Outcome::Applied(format!("created {dn}{}", in_groups(&groups))))
    }

    async fn update(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        if change.role.is_some() {
            return Err(self.unsupported("change roles (an LDAP directory has none; grant groups)"));
        }
        let id = self.account_id(change)?;
        let Some(groups) = &change.groups else {
            return Ok(Outcome::AlreadyDone("nothing to change".to_owned()));
        };
        let mut s = self.session().await?;
        let Some(user) = s.user(id).await? else {
            return Err(self.gone(id, "the account no longer exists"));
        };
        let mut did: Vec<String> = Vec::new();
        let mut already: Vec<String> = Vec::new();
        for g in s.required_groups(&groups.add).await? {
            match s.add_member(&g, &user.dn).await? {
                Membership::Changed => did.push(format!("joined {}", g.name)),
                Membership::AlreadySo => already.push(format!("already in {}", g.name)),
            }
        }
        for name in &groups.remove {
            let Some(g) = s.group(name).await? else {
                already.push(format!("group {name} no longer exists"));
                continue;
            };
            match s.remove_member(&g, &user.dn).await? {
                Membership::Changed => did.push(format!("left {name}")),
                Membership::AlreadySo => already.push(format!("not in {name}")),
            }
        }
        Ok(if did.is_empty() {
            Outcome::AlreadyDone(if already.is_empty() { "nothing to change".to_owned() } else { already.join(", ") })
        } else {
            Outcome::Applied(format!("{}: {}", user.dn, did.join(", ")))
        })
    }

    async fn set_active(&self, change: &Change, active: bool) -> Result<Outcome, ConnectorError> {
        let id = self.account_id(change)?;
        let mut s = self.session().await?;
        let Some(user) = s.user(id).await? else {
            return if active {
                Err(self.gone(id, "the account no longer exists, so it cannot be restored"))
            } else {
                Ok(Outcome::AlreadyDone(format!("{id}: the account no longer exists")))
            };
        };
        let changed = s.set_active(&user, active).await?;
        let dn = &user.dn;
        Ok(match (changed, active) {
            (Membership::Changed, true) => Outcome::Applied(format!("restored {dn}")),
            (Membership::Changed, false) => Outcome::Applied(format!("suspended {dn}")),
            (Membership::AlreadySo, true) => Outcome::AlreadyDone(format!("{dn} is already active")),
            (Membership::AlreadySo, false) => Outcome::AlreadyDone(format!("{dn} is already suspended")),
        })
    }

    async fn delete(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = self.account_id(change)?;
        let mut s = self.session().await?;
        let Some(user) = s.user(id).await? else {
            return Ok(Outcome::AlreadyDone(format!("{id}: the account no longer exists")));
        };
        let dn = user.dn.clone();
        // Groups first: a rerun after a crash still finds the entry and
        // finishes; the other order would leave its DN in groups for good.
        let mut left = Vec::new();
        if self.groups_dn.is_some() {
            for g in s.groups_of(&dn).await? {
                if let Membership::Changed = s.remove_member(&g, &dn).await? {
                    left.push(g.name);
                }
            }
        }
        let deleted =
            s.ldap.with_timeout(self.timeout).delete(&dn).await.map_err(|e| self.transport("delete", &dn, &e))?;
        let left = if left.is_empty() { String::new() } else { format!(" (removed from {})", left.join(", ")) };
        match deleted.rc {
            rc::SUCCESS => Ok(Outcome::Applied(format!("deleted {dn}{left}"))),
            rc::NO_SUCH_OBJECT => Ok(Outcome::AlreadyDone(format!("{dn} no longer exists{left}"))),
            rc::NOT_ALLOWED_ON_NON_LEAF => Err(self.failed(
                "delete",
                &dn,
                &deleted,
                Some("the entry has entries below it; move or delete them first"),
            )),
            _ => Err(self.failed("delete", &dn, &deleted, None)),
        }
    }

    fn gone(&self, id: &str, problem: &str) -> ConnectorError {
        ConnectorError::Ldap {
            app: self.app.clone(),
            operation: "search",
            dn: self.base_dn.clone(),
            code: Some(rc::SUCCESS),
            problem: format!("no entry has {}={id}: {problem}", self.attributes.id),
        }
    }
}

impl Session<'_> {
    /// Every entry under `base` (subtree) matching `filter`, page by page.
    /// A page that ends in anything but success, a referral to another
    /// server, or a cookie that goes nowhere is an error: the listing would
    /// be short.
    async fn paged(&mut self, base: &str, filter: &str, attrs: &[&str]) -> Result<Vec<SearchEntry>, ConnectorError> {
        let c = self.c;
        let mut out = Vec::new();
        let mut seen: HashSet<DnKey> = HashSet::new();
        let mut cookie: Vec<u8> = Vec::new();
        loop {
            let control = PagedResults { size: c.page_size, cookie: cookie.clone() };
            let ldap3::SearchResult(entries, result) = self
                .ldap
                .with_timeout(c.timeout)
                .with_controls(control)
                .search(base, Scope::Subtree, filter, attrs.to_vec())
                .await
                .map_err(|e| c.transport("search", base, &e))?;
            let read = out.len() + entries.len();
            match result.rc {
                rc::SUCCESS => {}
                rc::SIZE_LIMIT_EXCEEDED | rc::TIME_LIMIT_EXCEEDED | rc::ADMIN_LIMIT_EXCEEDED => {
                    return Err(c.partial(format!(
                        "search {base} {filter} ended with {} ({}) after {read} entries{}; keyward never plans from a partial list: raise the directory's limits for {} (OpenLDAP: olcLimits size.prtotal / time; Active Directory: MaxPageSize) or lower pageSize",
                        code_name(result.rc),
                        result.rc,
                        if result.text.is_empty() { String::new() } else { format!(" ({})", result.text) },
                        c.bind_dn
                    )));
                }
                _ => return Err(c.failed("search", base, &result, None)),
            }
            if !result.refs.is_empty() {
                return Err(c.partial(format!(
                    "search {base} returned referrals to other servers ({}), whose entries keyward does not follow; point baseDn at the server that holds them",
                    result.refs.join(", ")
                )));
            }
            let got = entries.len();
            for e in entries {
                let e = SearchEntry::construct(e);
                if !seen.insert(DnKey::of(&e.dn)) {
                    return Err(c.partial(format!(
                        "search {base} returned {} twice while paging: the directory changed while being read; run again",
                        e.dn
                    )));
                }
                out.push(e);
            }
            let next = result.ctrls.iter().find_map(|ctrl| match ctrl {
                Control(Some(ControlType::PagedResults), raw) => Some(raw.parse::<PagedResults>().cookie),
                _ => None,
            });
            match next {
                // A server that ignores the control answers everything at
                // once, and said success.
                None => break,
                Some(next) if next.is_empty() => break,
                Some(next) => {
                    if got == 0 && next == cookie {
                        return Err(c.partial(format!(
                            "search {base}: the directory kept answering empty pages with the same paging cookie after {read} entries"
                        )));
                    }
                    cookie = next;
                }
            }
        }
        Ok(out)
    }

    /// The entries matching `filter` under `base` with `scope`, without
    /// paging (lookups of one entry or a few).
    async fn search(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[&str],
    ) -> Result<Vec<SearchEntry>, ConnectorError> {
        let c = self.c;
        let ldap3::SearchResult(entries, result) = self
            .ldap
            .with_timeout(c.timeout)
            .search(base, scope, filter, attrs.to_vec())
            .await
            .map_err(|e| c.transport("search", base, &e))?;
        if result.rc != rc::SUCCESS {
            return Err(c.failed("search", base, &result, None));
        }
        Ok(entries.into_iter().map(SearchEntry::construct).collect())
    }

    /// The person whose id attribute is `id`.
    async fn user(&mut self, id: &str) -> Result<Option<SearchEntry>, ConnectorError> {
        let c = self.c;
        let filter = format!("(&{}({}={}))", c.user_filter, c.attributes.id, ldap_escape(id));
        let mut found = self.search(&c.base_dn, Scope::Subtree, &filter, &c.user_attributes()).await?;
        match found.len() {
            0 | 1 => Ok(found.pop()),
            n => Err(ConnectorError::Ldap {
                app: c.app.clone(),
                operation: "search",
                dn: c.base_dn.clone(),
                code: Some(rc::SUCCESS),
                problem: format!(
                    "{n} entries have {}={id} ({}); keyward cannot tell which one is meant",
                    c.attributes.id,
                    found.iter().map(|e| e.dn.as_str()).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }

    /// The group whose `cn` is `name` under `groupsDn`.
    async fn group(&mut self, name: &str) -> Result<Option<Group>, ConnectorError> {
        let c = self.c;
        let base = c.groups_dn()?.to_owned();
        let filter = format!("(&{GROUP_FILTER}(cn={}))", ldap_escape(name));
        let found = self.search(&base, Scope::Subtree, &filter, &["objectClass"]).await?;
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(group(name, one))),
            many => Err(ConnectorError::Ldap {
                app: c.app.clone(),
                operation: "search",
                dn: base,
                code: Some(rc::SUCCESS),
                problem: format!(
                    "{} groups are called `{name}` ({}); keyward cannot tell which one is meant",
                    many.len(),
                    many.iter().map(|e| e.dn.as_str()).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }

    /// The groups to join, every one required to exist.
    async fn required_groups(&mut self, names: &[String]) -> Result<Vec<Group>, ConnectorError> {
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            match self.group(name).await? {
                Some(g) => out.push(g),
                None => {
                    let c = self.c;
                    return Err(ConnectorError::Ldap {
                        app: c.app.clone(),
                        operation: "search",
                        dn: c.groups_dn()?.to_owned(),
                        code: Some(rc::SUCCESS),
                        problem: format!(
                            "there is no group `{name}` (a groupOfNames or groupOfUniqueNames with cn={name}); create it in the directory or correct the policy's grant"
                        ),
                    });
                }
            }
        }
        Ok(out)
    }

    /// The groups that list `dn` as a member, as the directory matches DNs.
    async fn groups_of(&mut self, dn: &str) -> Result<Vec<Group>, ConnectorError> {
        let base = self.c.groups_dn()?.to_owned();
        let v = ldap_escape(dn);
        let filter = format!("(&{GROUP_FILTER}(|(member={v})(uniqueMember={v})))");
        let found = self.search(&base, Scope::Subtree, &filter, &["objectClass", "cn"]).await?;
        Ok(found.iter().map(|e| group(first(e, "cn").unwrap_or(&e.dn), e)).collect())
    }

    async fn modify(&mut self, dn: &str, m: Mod<String>) -> Result<LdapResult, ConnectorError> {
        let c = self.c;
        self.ldap.with_timeout(c.timeout).modify(dn, vec![m]).await.map_err(|e| c.transport("modify", dn, &e))
    }

    async fn add_member(&mut self, g: &Group, member: &str) -> Result<Membership, ConnectorError> {
        let r = self.modify(&g.dn, Mod::Add(g.member_attribute.to_owned(), [member.to_owned()].into())).await?;
        match r.rc {
            rc::SUCCESS => Ok(Membership::Changed),
            rc::ATTRIBUTE_OR_VALUE_EXISTS => Ok(Membership::AlreadySo),
            _ => Err(self.c.failed("modify", &g.dn, &r, Some(&format!("adding {member} to {}", g.member_attribute)))),
        }
    }

    async fn remove_member(&mut self, g: &Group, member: &str) -> Result<Membership, ConnectorError> {
        let r = self.modify(&g.dn, Mod::Delete(g.member_attribute.to_owned(), [member.to_owned()].into())).await?;
        match r.rc {
            rc::SUCCESS => Ok(Membership::Changed),
            rc::NO_SUCH_ATTRIBUTE | rc::NO_SUCH_OBJECT => Ok(Membership::AlreadySo),
            rc::OBJECT_CLASS_VIOLATION => Err(self.c.failed(
                "modify",
                &g.dn,
                &r,
                Some(&format!(
                    "{member} is the group's last {}, which its object class requires; give the group a placeholder member (its own DN, say) and apply again",
                    g.member_attribute
                )),
            )),
            _ => Err(self.c.failed("modify", &g.dn, &r, Some(&format!("removing {member} from {}", g.member_attribute)))),
        }
    }

    /// Locks or unlocks `user` as the Application's suspension says.
    async fn set_active(&mut self, user: &SearchEntry, active: bool) -> Result<Membership, ConnectorError> {
        let c = self.c;
        match c.suspension {
            LdapSuspension::PasswordLock => {
                if Ldap::is_locked(user) != active {
                    return Ok(Membership::AlreadySo);
                }
                let value: HashSet<String> = [PERMANENT_LOCK.to_owned()].into();
                let m = if active {
                    // Only keyward's permanent lock: a lockout after failed
                    // binds is the password policy's, and expires by itself.
                    Mod::Delete(LOCKED_TIME.to_owned(), value)
                } else {
                    Mod::Replace(LOCKED_TIME.to_owned(), value)
                };
                let r = self.modify(&user.dn, m).await?;
                match r.rc {
                    rc::SUCCESS => Ok(Membership::Changed),
                    rc::NO_SUCH_ATTRIBUTE if active => Ok(Membership::AlreadySo),
                    rc::UNDEFINED_ATTRIBUTE_TYPE => Err(c.failed(
                        "modify",
                        &user.dn,
                        &r,
                        Some("the directory does not know pwdAccountLockedTime: load OpenLDAP's ppolicy overlay, or use `suspension: group`"),
                    )),
                    _ => Err(c.failed("modify", &user.dn, &r, Some(&format!("setting {LOCKED_TIME}")))),
                }
            }
            LdapSuspension::Group => {
                let name = c.suspended_group.as_deref().ok_or_else(|| ConnectorError::NotConfigured {
                    app: c.app.clone(),
                    why: "`suspension: group` needs `spec.connector.ldap.suspendedGroup`".to_owned(),
                })?;
                let Some(g) = self.required_groups(&[name.to_owned()]).await?.pop() else {
                    return Err(ConnectorError::Internal("required_groups returned no group".to_owned()));
                };
                if active { self.remove_member(&g, &user.dn).await } else { self.add_member(&g, &user.dn).await }
            }
        }
    }

    /// A create met an existing entry: an earlier attempt whose answer was
    /// lost, or one made by hand. Adopt it when it is the same person's,
    /// and make it as wanted.
    async fn adopt(
        &mut self,
        dn: &str,
        email: Option<&str>,
        employee_number: Option<&str>,
        groups: &[Group],
    ) -> Result<Outcome, ConnectorError> {
        let c = self.c;
        let attrs = c.user_attributes();
        let Some(existing) = self.search(dn, Scope::Base, "(objectClass=*)", &attrs).await?.pop() else {
            return Err(ConnectorError::Ldap {
                app: c.app.clone(),
                operation: "add",
                dn: dn.to_owned(),
                code: Some(rc::ENTRY_ALREADY_EXISTS),
                problem: "the directory says the entry exists, but the bind DN cannot read it; keyward will not create a second one".to_owned(),
            });
        };
        let a = &c.attributes;
        let theirs = |attr: &str, wanted: Option<&str>| {
            let have = first(&existing, attr)?;
            let wanted = wanted?;
            (!have.eq_ignore_ascii_case(wanted)).then(|| format!("{attr} {have}, not {wanted}"))
        };
        if let Some(other) = theirs(&a.employee_number, employee_number).or_else(|| theirs(&a.email, email)) {
            return Err(ConnectorError::Ldap {
                app: c.app.clone(),
                operation: "add",
                dn: dn.to_owned(),
                code: Some(rc::ENTRY_ALREADY_EXISTS),
                problem: format!(
                    "the entry exists and belongs to someone else ({other}); keyward will not take it over: rename one of them, or make new ids from another field (uidFrom)"
                ),
            });
        }
        let mut did = Vec::new();
        if let (Some(n), None) = (employee_number, first(&existing, &a.employee_number)) {
            let r = self.modify(dn, Mod::Add(a.employee_number.clone(), [n.to_owned()].into())).await?;
            if r.rc != rc::SUCCESS && r.rc != rc::ATTRIBUTE_OR_VALUE_EXISTS {
                return Err(c.failed("modify", dn, &r, Some(&format!("setting {}", a.employee_number))));
            }
            did.push(format!("{} {n}", a.employee_number));
        }
        if let Membership::Changed = self.set_active(&existing, true).await? {
            did.push("made active".to_owned());
        }
        for g in groups {
            if let Membership::Changed = self.add_member(g, dn).await? {
                did.push(format!("joined {}", g.name));
            }
        }
        Ok(if did.is_empty() {
            Outcome::AlreadyDone(format!("{dn} already exists as wanted{}", in_groups(groups)))
        } else {
            Outcome::Applied(format!("adopted existing entry {dn}: {}", did.join(", ")))
        })
    }
}

#[async_trait]
impl Connector for Ldap {
    fn kind(&self) -> &'static str {
        "ldap"
    }

    fn app(&self) -> &str {
        &self.app
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            create: true,
            // No roles in a directory: updates are group changes only.
            update: false,
            suspend: true,
            restore: true,
            delete: true,
            transfer: false,
            groups: self.groups_dn.is_some(),
        }
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        let mut s = self.session().await?;
        let users = s.paged(&self.base_dn, &self.user_filter, &self.user_attributes()).await?;
        let mut member_of: HashMap<DnKey, Vec<Text>> = HashMap::new();
        let mut suspended: HashSet<DnKey> = HashSet::new();
        if let Some(base) = &self.groups_dn {
            let groups = s.paged(base, GROUP_FILTER, &["cn", "member", "uniqueMember"]).await?;
            let suspended_group = match self.suspension {
                LdapSuspension::Group => self.suspended_group.as_deref(),
                LdapSuspension::PasswordLock => None,
            };
            for g in &groups {
                let name = first(g, "cn").unwrap_or(&g.dn);
                let members = values(g, "member").iter().chain(values(g, "uniqueMember"));
                if suspended_group.is_some_and(|s| s.eq_ignore_ascii_case(name)) {
                    suspended.extend(members.map(|m| DnKey::of(m)));
                    continue;
                }
                for m in members {
                    member_of.entry(DnKey::of(m)).or_default().push(Text::from(name));
                }
            }
        }
        let mut ids: HashMap<String, String> = HashMap::new();
        let mut accounts = Vec::with_capacity(users.len());
        for u in &users {
            let key = DnKey::of(&u.dn);
            let account = self.account(u, member_of.remove(&key).unwrap_or_default(), suspended.contains(&key))?;
            if let Some(other) = ids.insert(account.id.as_str().to_lowercase(), u.dn.clone()) {
                return Err(self.partial(format!(
                    "{other} and {} both have {}={}, so the id does not tell them apart; give each a unique {}",
                    u.dn, self.attributes.id, account.id, self.attributes.id
                )));
            }
            accounts.push(account);
        }
        let _ = s.ldap.unbind().await;
        Ok(AccountListing::new(format!("{} {}", self.url, self.base_dn), accounts)
            .with_capabilities(self.capabilities()))
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        match change.action {
            Action::Create => self.create(change).await,
            Action::Update => self.update(change).await,
            Action::Suspend => self.set_active(change, false).await,
            Action::Restore => self.set_active(change, true).await,
            Action::Delete => self.delete(change).await,
            Action::Transfer | Action::Review => Err(self.unsupported(change.action.verb())),
        }
    }
}

fn group(name: &str, e: &SearchEntry) -> Group {
    let unique = values(e, "objectClass").iter().any(|c| c.eq_ignore_ascii_case("groupOfUniqueNames"));
    Group { name: name.to_owned(), dn: e.dn.clone(), member_attribute: if unique { "uniqueMember" } else { "member" } }
}

/// The values of `attr`, whatever case the server spelled its name in.
fn values<'e>(e: &'e SearchEntry, attr: &str) -> &'e [String] {
    e.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(attr)).map(|(_, v)| v.as_slice()).unwrap_or_default()
}

fn first<'e>(e: &'e SearchEntry, attr: &str) -> Option<&'e str> {
    values(e, attr).iter().map(|v| v.trim()).find(|v| !v.is_empty())
}

fn in_groups(groups: &[Group]) -> String {
    if groups.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        format!(" in {}", names.join(", "))
    }
}

/// The name RFC 4511 gives a result code.
fn code_name(code: u32) -> &'static str {
    match code {
        0 => "success",
        1 => "operationsError",
        2 => "protocolError",
        3 => "timeLimitExceeded",
        4 => "sizeLimitExceeded",
        7 => "authMethodNotSupported",
        8 => "strongerAuthRequired",
        10 => "referral",
        11 => "adminLimitExceeded",
        12 => "unavailableCriticalExtension",
        13 => "confidentialityRequired",
        16 => "noSuchAttribute",
        17 => "undefinedAttributeType",
        18 => "inappropriateMatching",
        19 => "constraintViolation",
        20 => "attributeOrValueExists",
        21 => "invalidAttributeSyntax",
        32 => "noSuchObject",
        34 => "invalidDNSyntax",
        48 => "inappropriateAuthentication",
        49 => "invalidCredentials",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        64 => "namingViolation",
        65 => "objectClassViolation",
        66 => "notAllowedOnNonLeaf",
        67 => "notAllowedOnRDN",
        68 => "entryAlreadyExists",
        69 => "objectClassModsProhibited",
        80 => "other",
        _ => "result code",
    }
}
