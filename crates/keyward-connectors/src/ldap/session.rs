//! One bound connection and what keyward does over it: paged searches,
//! looking up a user or group, membership and lock changes, adopting an
//! entry a create collided with.

use std::collections::HashSet;

use keyward_core::resources::LdapSuspension;
use ldap3::controls::{Control, ControlType, PagedResults};
use ldap3::{LdapResult, Mod, Scope, SearchEntry, ldap_escape};

use super::dn::DnKey;
use super::errors::{code_name, rc};
use super::{GROUP_FILTER, LOCKED_TIME, Ldap, PERMANENT_LOCK, first, values};
use crate::{ConnectorError, Outcome};

/// A group entry, and the attribute that lists its members.
#[derive(Debug, Clone)]
pub(super) struct Group {
    pub(super) name: String,
    pub(super) dn: String,
    /// `member` (groupOfNames) or `uniqueMember` (groupOfUniqueNames).
    pub(super) member_attribute: &'static str,
}

/// What became of a membership change.
pub(super) enum Membership {
    /// The directory made it.
    Changed,
    /// It already was so.
    AlreadySo,
}

/// One bound connection.
pub(super) struct Session<'c> {
    pub(super) ldap: ldap3::Ldap,
    pub(super) c: &'c Ldap,
}

impl Session<'_> {
    /// Every entry under `base` (subtree) matching `filter`, page by page.
    /// A page that ends in anything but success, a referral to another
    /// server, or a cookie that goes nowhere is an error: the listing would
    /// be short.
    pub(super) async fn paged(
        &mut self,
        base: &str,
        filter: &str,
        attrs: &[&str],
    ) -> Result<Vec<SearchEntry>, ConnectorError> {
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
    pub(super) async fn search(
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
    pub(super) async fn user(&mut self, id: &str) -> Result<Option<SearchEntry>, ConnectorError> {
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
    pub(super) async fn group(&mut self, name: &str) -> Result<Option<Group>, ConnectorError> {
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
    pub(super) async fn required_groups(&mut self, names: &[String]) -> Result<Vec<Group>, ConnectorError> {
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
    pub(super) async fn groups_of(&mut self, dn: &str) -> Result<Vec<Group>, ConnectorError> {
        let base = self.c.groups_dn()?.to_owned();
        let v = ldap_escape(dn);
        let filter = format!("(&{GROUP_FILTER}(|(member={v})(uniqueMember={v})))");
        let found = self.search(&base, Scope::Subtree, &filter, &["objectClass", "cn"]).await?;
        Ok(found.iter().map(|e| group(first(e, "cn").unwrap_or(&e.dn), e)).collect())
    }

    pub(super) async fn modify(&mut self, dn: &str, m: Mod<String>) -> Result<LdapResult, ConnectorError> {
        let c = self.c;
        self.ldap.with_timeout(c.timeout).modify(dn, vec![m]).await.map_err(|e| c.transport("modify", dn, &e))
    }

    pub(super) async fn add_member(&mut self, g: &Group, member: &str) -> Result<Membership, ConnectorError> {
        let r = self.modify(&g.dn, Mod::Add(g.member_attribute.to_owned(), [member.to_owned()].into())).await?;
        match r.rc {
            rc::SUCCESS => Ok(Membership::Changed),
            rc::ATTRIBUTE_OR_VALUE_EXISTS => Ok(Membership::AlreadySo),
            _ => Err(self.c.failed("modify", &g.dn, &r, Some(&format!("adding {member} to {}", g.member_attribute)))),
        }
    }

    pub(super) async fn remove_member(&mut self, g: &Group, member: &str) -> Result<Membership, ConnectorError> {
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
    pub(super) async fn set_active(&mut self, user: &SearchEntry, active: bool) -> Result<Membership, ConnectorError> {
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
    pub(super) async fn adopt(
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

pub(super) fn group(name: &str, e: &SearchEntry) -> Group {
    let unique = values(e, "objectClass").iter().any(|c| c.eq_ignore_ascii_case("groupOfUniqueNames"));
    Group { name: name.to_owned(), dn: e.dn.clone(), member_attribute: if unique { "uniqueMember" } else { "member" } }
}

pub(super) fn in_groups(groups: &[Group]) -> String {
    if groups.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        format!(" in {}", names.join(", "))
    }
}
