//! What a one-person lookup must search for, so that it finds every
//! account the full reconcile would match to the person.
//!
//! A reconcile after an HR event plans one person from the accounts a
//! connector's `find` returns; an account it misses is an account the
//! plan cannot see — a leaver's, still open. The plan matches accounts
//! with the Application's correlators, so the lookup derives its searches
//! from them: each e-mail of the person in every domain an alias maps to
//! its domain, the employee numbers, and the HR attribute values a
//! correlator compares with a searchable field. A correlator that compares
//! a field no search reaches means the lookup cannot be complete: the
//! caller reads the whole listing instead.

use keyward_core::resources::{CorrelatorSpec, EmailCorrelator};

use crate::PersonKeys;

/// The searches of one person's lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Lookup {
    /// Addresses to look up in the address fields, `email` and `username`
    /// (each once, without regard to ASCII case).
    pub emails: Vec<String>,
    /// Values to look up in `username` alone (where it need not be an
    /// address).
    pub user_names: Vec<String>,
    /// Values to look up among the employee numbers (`externalId`).
    pub ids: Vec<String>,
}

/// What an app's `username` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserNames {
    /// Always an e-mail address (Google's primaryEmail, Graph's UPN).
    Addresses,
    /// Any login (SCIM's `userName`).
    Logins,
}

impl Lookup {
    fn email(&mut self, e: String) {
        if !self.emails.iter().any(|x| x.eq_ignore_ascii_case(&e)) {
            self.emails.push(e);
        }
    }

    fn id(&mut self, id: &str) {
        let id = id.trim();
        if !id.is_empty() && !self.ids.iter().any(|x| x == id) {
            self.ids.push(id.to_owned());
        }
    }
}

/// The lookup for an app (its `spec.correlate`) whose accounts can be
/// searched by `email`, `username` and `externalId` (the employee number),
/// as Google Workspace's directory, Microsoft Graph and SCIM can; `None`
/// when a correlator compares another field. The person's employee numbers
/// (and, where `username` is any login, every HR attribute value) are
/// always searched: cheap, and a superset does no harm, since the plan
/// correlates what is found.
pub(crate) fn by_address_and_id(
    correlate: &[CorrelatorSpec],
    person: &PersonKeys,
    user_names: UserNames,
) -> Option<Lookup> {
    const ADDRESS_FIELDS: [&str; 2] = ["email", "username"];
    // No correlator declared: the default, by e-mail.
    let implicit = [CorrelatorSpec::default()];
    let correlators = if correlate.is_empty() { &implicit[..] } else { correlate };
    let mut out = Lookup::default();
    for id in &person.ids {
        out.id(id);
    }
    if user_names == UserNames::Logins {
        out.user_names =
            person.user_names.iter().map(|u| u.trim()).filter(|u| !u.is_empty()).map(str::to_owned).collect();
    }
    for c in correlators {
        if let Some(attr) = &c.attribute {
            let field = attr.account_field.as_deref().map_or("username", str::trim);
            if ADDRESS_FIELDS.contains(&field) {
                person
                    .user_names
                    .iter()
                    .map(|u| u.trim())
                    .filter(|u| u.contains('@'))
                    .for_each(|u| out.email(u.to_owned()));
            } else if field == "externalId" {
                person.user_names.iter().for_each(|u| out.id(u));
            } else {
                return None;
            }
        } else if let Some(e) = &c.employee_id {
            if e.account_field.as_deref().is_some_and(|f| f.trim() != "externalId") {
                return None;
            }
        } else {
            let default = EmailCorrelator::default();
            let e = c.email.as_ref().unwrap_or(&default);
            if !ADDRESS_FIELDS.contains(&e.account_field.as_deref().map_or("email", str::trim)) {
                return None;
            }
            for address in &person.emails {
                for a in in_alias_domains(address, e) {
                    out.email(a);
                }
            }
        }
    }
    Some(out)
}

/// `address` in its own domain and in every domain that the correlator's
/// aliases map to the same one (an account on `old.example.co.jp` matches
/// a person on `example.com`, and the other way round).
fn in_alias_domains(address: &str, e: &EmailCorrelator) -> Vec<String> {
    let address = address.trim();
    let Some((local, domain)) = address.rsplit_once('@') else { return Vec::new() };
    let canonical = |d: &str| -> String {
        e.domain_aliases
            .iter()
            .find(|(from, _)| from.trim().eq_ignore_ascii_case(d))
            .map_or(d, |(_, to)| to.trim())
            .to_ascii_lowercase()
    };
    let target = canonical(domain);
    let mut out = vec![address.to_owned()];
    let domains = std::iter::once(target.clone()).chain(e.domain_aliases.keys().map(|f| f.trim().to_ascii_lowercase()));
    for d in domains {
        if canonical(&d) == target && !d.eq_ignore_ascii_case(domain) {
            out.push(format!("{local}@{d}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn spec(correlate: &str) -> Vec<CorrelatorSpec> {
        let docs = keyward_core::yaml::parse_documents("t.yaml", correlate).unwrap();
        serde_json::from_value(docs[0].root.to_json()).unwrap()
    }

    fn for_addresses(correlate: &[CorrelatorSpec], person: &PersonKeys) -> Option<Lookup> {
        by_address_and_id(correlate, person, UserNames::Addresses)
    }

    fn keys() -> PersonKeys {
        PersonKeys {
            ids: vec!["E5".into()],
            emails: vec!["Taro@example.com".into()],
            user_names: vec!["taro-gh".into(), "t.yamada@example.com".into()],
        }
    }

    #[test]
    fn an_address_is_searched_in_every_alias_domain_of_its_own() {
        let l = for_addresses(
            &spec("[{email: {domainAliases: {old.example.co.jp: example.com, other.example: elsewhere.example}}}]"),
            &keys(),
        )
        .unwrap();
        assert_eq!(l.emails, ["Taro@example.com", "Taro@old.example.co.jp"]);
        assert_eq!(l.ids, ["E5"]);
        // A person recorded on the old domain is found on the new one too.
        let mut old = keys();
        old.emails = vec!["taro@OLD.example.co.jp".into()];
        let l = for_addresses(&spec("[{email: {domainAliases: {old.example.co.jp: example.com}}}]"), &old).unwrap();
        assert_eq!(l.emails, ["taro@OLD.example.co.jp", "taro@example.com"]);
    }

    #[test]
    fn attributes_are_searched_where_their_field_can_be() {
        let l = for_addresses(&spec("[{attribute: {attribute: gh}}]"), &keys()).unwrap();
        assert_eq!(l.emails, ["t.yamada@example.com"]);
        let l = for_addresses(&spec("[{attribute: {attribute: gh, accountField: externalId}}]"), &keys()).unwrap();
        assert_eq!(l.ids, ["E5", "taro-gh", "t.yamada@example.com"]);
        assert_eq!(for_addresses(&spec("[{attribute: {attribute: gh, accountField: department}}]"), &keys()), None);
        assert_eq!(for_addresses(&spec("[{employeeId: {accountField: department}}]"), &keys()), None);
        assert_eq!(for_addresses(&spec("[{email: {accountField: displayName}}]"), &keys()), None);
        assert_eq!(for_addresses(&[], &keys()).unwrap().emails, ["Taro@example.com"]);
    }

    #[test]
    fn where_username_is_any_login_every_attribute_value_is_searched_as_one() {
        let l = by_address_and_id(&spec("[{attribute: {attribute: gh}}]"), &keys(), UserNames::Logins).unwrap();
        assert_eq!(l.user_names, ["taro-gh", "t.yamada@example.com"]);
        assert_eq!(for_addresses(&spec("[{attribute: {attribute: gh}}]"), &keys()).unwrap().user_names, [""; 0]);
    }
}
