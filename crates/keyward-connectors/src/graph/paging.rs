//! Graph's paged collections, read one page at a time: the connector's
//! listings and the discovery scan share it, so both follow
//! `@odata.nextLink` the same way and neither holds more than one page of
//! raw JSON at once (sign-in records run to hundreds of thousands).
//!
//! A page that fails, lacks `value`, links off Graph's own origin (the
//! bearer token goes with the link) or back to a page already read fails
//! the whole reading: a shorter list is never returned as complete.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};

use http::Method;
use serde_json::Value;
use url::Url;

use super::graph_error;
use crate::ConnectorError;
use crate::http::{HttpClient, Reply, Request};

/// Reads through one client, counting the calls it makes.
pub(crate) struct Pager<'a> {
    http: &'a HttpClient,
    base: &'a Url,
    /// The resource named in errors (an Application's name).
    who: &'a str,
    sent: AtomicU64,
}

impl<'a> Pager<'a> {
    pub(crate) fn new(http: &'a HttpClient, base: &'a Url, who: &'a str) -> Self {
        Self { http, base, who, sent: AtomicU64::new(0) }
    }

    /// Calls sent so far (retries of one call count once).
    pub(crate) fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// One call, counted.
    pub(crate) async fn send(&self, req: &Request) -> Result<Reply, ConnectorError> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        Ok(self.http.send(req).await?)
    }

    pub(crate) fn partial(&self, why: String) -> ConnectorError {
        ConnectorError::Partial { app: self.who.to_owned(), why }
    }

    /// Hands every object of every page to `each` with the page's call
    /// (for its messages). A refused page is an error naming `permission`.
    pub(crate) async fn each(
        &self,
        first: Url,
        permission: &str,
        each: impl FnMut(&str, Value) -> Result<(), ConnectorError>,
    ) -> Result<(), ConnectorError> {
        match self.each_or_refusal(first, each).await? {
            Ok(()) => Ok(()),
            Err(reply) => Err(graph_error(&reply, None, permission).into()),
        }
    }

    /// [`Pager::each`], but an answer that is not a success comes back as
    /// `Ok(Err(reply))` for the caller to read (a licence Graph lacks is
    /// not always an error); the objects before it were handed over.
    pub(crate) async fn each_or_refusal(
        &self,
        first: Url,
        mut each: impl FnMut(&str, Value) -> Result<(), ConnectorError>,
    ) -> Result<Result<(), Reply>, ConnectorError> {
        let mut seen_links: HashSet<String> = HashSet::new();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            let reply = self.send(&Request::new(Method::GET, url)).await?;
            if !reply.is_success() {
                return Ok(Err(reply));
            }
            let mut body = reply.json()?;
            let Some(Value::Array(items)) = body.get_mut("value").map(Value::take) else {
                return Err(self.partial(format!("{} answered without a `value` list", reply.call())));
            };
            for item in items {
                each(reply.call(), item)?;
            }
            if let Some(link) = body.get("@odata.nextLink").and_then(Value::as_str) {
                next = Some(self.next_link(&reply, link, &mut seen_links)?);
            }
        }
        Ok(Ok(()))
    }

    /// The next page's URL, only on Graph's own origin: the bearer token
    /// goes with it.
    fn next_link(&self, reply: &Reply, link: &str, seen: &mut HashSet<String>) -> Result<Url, ConnectorError> {
        let url = Url::parse(link)
            .map_err(|_| self.partial(format!("{} gave a nextLink that is not a URL", reply.call())))?;
        if url.origin() != self.base.origin() {
            return Err(self.partial(format!(
                "{} gave a nextLink to {}, outside {}; keyward does not send its token there",
                reply.call(),
                url.origin().ascii_serialization(),
                self.base.origin().ascii_serialization()
            )));
        }
        if !seen.insert(link.to_owned()) {
            return Err(self.partial(format!("{} linked back to a page already read", reply.call())));
        }
        Ok(url)
    }
}
