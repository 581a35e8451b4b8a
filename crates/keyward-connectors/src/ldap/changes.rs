//! The changes keyward makes in a directory: create (or adopt), group
//! updates, suspend and restore, delete. Each looks the entry up again by
//! its id and is idempotent.

use std::collections::HashSet;

use keyward_core::plan::Change;
use keyward_core::resources::LdapUidFrom;
use ldap3::dn_escape;

use super::Ldap;
use super::errors::rc;
use super::session::{Membership, in_groups};
use crate::{ConnectorError, Outcome};

impl Ldap {
    pub(super) fn uid_for(&self, change: &Change) -> Result<String, ConnectorError> {
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

    pub(super) fn account_id<'x>(&self, change: &'x Change) -> Result<&'x str, ConnectorError> {
        crate::account_id(change, &self.app)
    }

    pub(super) async fn create(&self, change: &Change) -> Result<Outcome, ConnectorError> {
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

    pub(super) async fn update(&self, change: &Change) -> Result<Outcome, ConnectorError> {
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

    pub(super) async fn set_active(&self, change: &Change, active: bool) -> Result<Outcome, ConnectorError> {
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

    pub(super) async fn delete(&self, change: &Change) -> Result<Outcome, ConnectorError> {
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
}
