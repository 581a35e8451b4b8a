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
//!
//! Here: the connector's configuration and the listing. `session` is one
//! bound connection (paged searches, lookups, membership and lock changes,
//! adoption); `changes` the changes an apply makes; `errors` how the
//! directory's answers become errors; `tls` the private CA; `dn` comparing
//! DNs.

mod changes;
mod dn;
mod errors;
mod session;
mod tls;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use keyward_core::account::{Account, AccountListing, AccountStatus, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, LdapConnector, LdapSuspension, LdapUidFrom};
use ldap3::{LdapConnAsync, LdapConnSettings, SearchEntry};

use self::dn::DnKey;
use self::errors::rc;
use self::session::Session;
use self::tls::{CA_FILE_FIELD, PrivateCa};
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
            revoke: keyward_core::account::RevokeKinds::NONE,
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
            Action::Transfer | Action::Revoke | Action::Review => Err(self.unsupported(change.action.verb())),
        }
    }
}

/// The values of `attr`, whatever case the server spelled its name in.
fn values<'e>(e: &'e SearchEntry, attr: &str) -> &'e [String] {
    e.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(attr)).map(|(_, v)| v.as_slice()).unwrap_or_default()
}

fn first<'e>(e: &'e SearchEntry, attr: &str) -> Option<&'e str> {
    values(e, attr).iter().map(|v| v.trim()).find(|v| !v.is_empty())
}
