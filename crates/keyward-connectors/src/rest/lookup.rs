//! One person's accounts, for the controller's reconcile after an HR
//! event: the policy's `accounts.lookup` request once per address of the
//! person, instead of the whole listing. Only when the app matches
//! accounts by e-mail alone ([`crate::correlates_by_email_only`]): a
//! lookup by address cannot find an account matched by employee number.

use std::collections::HashSet;

use keyward_core::account::{Account, AccountListing};
use keyward_core::resources::HttpRequest;
use serde_json::json;

use super::HttpApi;
use super::map::Record;
use crate::{ConnectorError, PersonKeys};

impl HttpApi {
    /// The accounts the lookup finds for `person`, or `None` when the app
    /// has no lookup, matches by more than e-mail, or the person has no
    /// address (the caller reads the whole listing).
    pub(super) async fn look_up(&self, person: &PersonKeys) -> Result<Option<AccountListing>, ConnectorError> {
        let l = &self.spec.accounts;
        let Some(lookup) = l.lookup.as_ref().filter(|_| self.find_by_email) else { return Ok(None) };
        let addresses = person.addresses();
        if addresses.is_empty() {
            return Ok(None);
        }
        let mut seen = HashSet::new();
        let mut accounts = Vec::new();
        for address in addresses {
            for a in self.one(lookup, address).await? {
                if seen.insert(a.id.to_string()) {
                    accounts.push(a);
                }
            }
        }
        let source = format!("{} (lookup {})", self.base, lookup.path);
        Ok(Some(AccountListing::new(source, accounts).with_capabilities(crate::Connector::capabilities(self))))
    }

    /// The accounts the lookup answers for one address.
    async fn one(&self, lookup: &HttpRequest, address: &str) -> Result<Vec<Account>, ConnectorError> {
        let value = json!(address);
        let values = move |name: &str| (name == "email").then(|| value.clone());
        let request = self.build("accounts.lookup", lookup, "GET", &values, &[])?;
        let reply = self.http.send(&request).await?;
        if reply.status == http::StatusCode::NOT_FOUND {
            return Ok(Vec::new());
        }
        if !reply.is_success() {
            return Err(reply.error_with(Some("cannot look the person's account up")).into());
        }
        let body = reply.json()?;
        let records = self.reader.lookup_records(&body);
        let mut out = Vec::new();
        for r in records {
            let call = request.call();
            match self
                .reader
                .account(r)
                .map_err(|why| ConnectorError::Partial { app: self.app.clone(), why: format!("{call}: {why}") })?
            {
                Record::Account(a) => out.push(*a),
                Record::Deleted => {}
            }
        }
        Ok(out)
    }
}
