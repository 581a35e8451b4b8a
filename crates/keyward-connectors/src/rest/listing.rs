//! The account listing of the `http` connector: the first page's request,
//! then the next pages in the paging style the policy names, to the end.
//! A listing is all or nothing: a page that fails, a `records` query that
//! selects nothing, an id seen twice (an API that ignores the paging
//! parameter sends the first page again), a total that does not add up, a
//! next URL on another origin or a runaway number of pages refuse the
//! whole listing, because a missing account is a leaver nobody offboards.

use std::collections::HashSet;

use keyward_core::account::Account;
use keyward_core::resources::HttpPaging;
use keyward_core::template::scalar_text;
use serde_json::Value;
use url::Url;

use super::HttpApi;
use super::map::{Record, text};
use super::request::{no_values, with_query};
use crate::ConnectorError;
use crate::http::Request;

/// Pages read at most when the policy does not say.
const DEFAULT_MAX_PAGES: u32 = 10_000;

/// How the next page is asked for.
enum Next {
    /// The first request with these query parameters added.
    Query(Vec<(String, String)>),
    /// This URL (a next link).
    Url(Url),
    /// The cursor request of the policy with this cursor.
    Cursor(String),
    /// That was the last page.
    Done,
}

impl HttpApi {
    /// Every account the app lists: the listing of `request`, then that
    /// of each of `moreRequests`.
    pub(super) async fn accounts(&self) -> Result<Vec<Account>, ConnectorError> {
        let l = &self.spec.accounts;
        let mut accounts = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let firsts = std::iter::once(("accounts.request".to_owned(), &l.request))
            .chain(l.more_requests.iter().enumerate().map(|(i, r)| (format!("accounts.moreRequests[{i}]"), r)));
        for (field, first) in firsts {
            self.walk(&field, first, &mut accounts, &mut seen).await?;
        }
        Ok(accounts)
    }

    /// Reads the listing that starts with `first` (at `field`) to its end
    /// into `accounts`; `seen` holds every id read so far, of any listing.
    async fn walk(
        &self,
        field: &str,
        first: &keyward_core::resources::HttpRequest,
        accounts: &mut Vec<Account>,
        seen: &mut HashSet<String>,
    ) -> Result<(), ConnectorError> {
        let l = &self.spec.accounts;
        let paging = l.paging.as_ref();
        let max_pages = l.max_pages.unwrap_or(DEFAULT_MAX_PAGES).max(1);
        let mut total: Option<u64> = None;
        let mut records_read: u64 = 0;
        let mut next = Next::Query(first_page_query(paging));
        let mut previous_cursor: Option<String> = None;
        for page in 1..=max_pages {
            let request = match next {
                Next::Done => break,
                Next::Query(extra) => self.build(field, first, "GET", &no_values, &extra)?,
                Next::Url(url) => {
                    // The first request's method and body: a POST listing
                    // pages by URL too.
                    let request = self.build(field, first, "GET", &no_values, &[])?;
                    rebuild(request, url)
                }
                Next::Cursor(cursor) => {
                    let Some(r) = paging.and_then(|p| p.cursor.as_ref()).and_then(|c| c.request.as_ref()) else {
                        return Err(ConnectorError::Internal("a cursor request without a policy".to_owned()));
                    };
                    let value = serde_json::Value::String(cursor);
                    let values = move |name: &str| (name == "cursor").then(|| value.clone());
                    self.build("accounts.paging.cursor.request", r, "GET", &values, &[])?
                }
            };
            let call = request.call();
            let reply = self.http.send(&request).await?;
            if !reply.is_success() {
                return Err(reply.error_with(Some("cannot list accounts")).into());
            }
            let body = reply.json()?;
            let Some(records) = self.reader.records(&body) else {
                return Err(self.partial(format!(
                    "page {page} ({call}) has nothing at `records: {}`; the answer's top-level fields are {}: check the query",
                    l.records,
                    top_level(&body)
                )));
            };
            if page == 1 {
                total = self.reader.total(&body);
            }
            let count = records.len();
            records_read += count as u64;
            for record in records {
                match self.reader.account(record).map_err(|why| self.partial(format!("page {page} ({call}): {why}")))? {
                    Record::Deleted => {}
                    Record::Account(a) => {
                        if !seen.insert(a.id.to_string()) {
                            return Err(self.partial(format!(
                                "account `{}` came twice (again on page {page}, {call}): the listing changed while it was read, or the API ignores the paging parameters",
                                keyward_core::excerpt::value(&a.id, 60)
                            )));
                        }
                        accounts.push(*a);
                    }
                }
            }
            next =
                self.next(paging, page, count, records_read, &body, &reply.headers, &request, &mut previous_cursor)?;
            if page == max_pages && !matches!(next, Next::Done) {
                return Err(self.partial(format!(
                    "the listing has more than {max_pages} pages (`accounts.maxPages`): raise it if the app is that large, or check the paging"
                )));
            }
        }
        if let Some(t) = total
            && t != records_read
        {
            return Err(self.partial(format!(
                "the app said it has {t} accounts (`{}`) but the pages held {records_read}",
                l.total.as_deref().unwrap_or("total")
            )));
        }
        Ok(())
    }

    /// How to ask for the page after page `page`, which held `count`
    /// records (`read` so far).
    #[allow(clippy::too_many_arguments)]
    fn next(
        &self,
        paging: Option<&HttpPaging>,
        page: u32,
        count: usize,
        read: u64,
        body: &Value,
        headers: &http::HeaderMap,
        request: &Request,
        previous_cursor: &mut Option<String>,
    ) -> Result<Next, ConnectorError> {
        let Some(p) = paging else { return Ok(Next::Done) };
        if let Some(n) = &p.page_number {
            if count < n.size as usize || count == 0 {
                return Ok(Next::Done);
            }
            let number = u64::from(n.start.unwrap_or(1)) + u64::from(page);
            return Ok(Next::Query(vec![
                (n.param.clone(), number.to_string()),
                (n.size_param.clone(), n.size.to_string()),
            ]));
        }
        if let Some(o) = &p.offset {
            if count < o.limit as usize || count == 0 {
                return Ok(Next::Done);
            }
            return Ok(Next::Query(vec![
                (o.param.clone(), read.to_string()),
                (o.limit_param.clone(), o.limit.to_string()),
            ]));
        }
        if let (Some(c), Some((from, has_more))) = (&p.cursor, &self.reader.cursor) {
            if let Some(q) = has_more
                && text(body, q).as_deref() != Some("true")
            {
                return Ok(Next::Done);
            }
            let Some(cursor) = text(body, from) else {
                if c.has_more.is_some() {
                    return Err(
                        self.partial(format!("page {page} says more pages follow but has no cursor at `{}`", c.from))
                    );
                }
                return Ok(Next::Done);
            };
            if previous_cursor.as_deref() == Some(cursor.as_str()) {
                return Err(self.partial(format!(
                    "page {page} gave the same cursor as the page before: the listing would never end"
                )));
            }
            *previous_cursor = Some(cursor.clone());
            return Ok(match &c.param {
                Some(param) => Next::Query(vec![(param.clone(), cursor)]),
                None => Next::Cursor(cursor),
            });
        }
        let link = if let Some(from) = &self.reader.next_url {
            from.query(body).first().and_then(scalar_text).filter(|u| !u.trim().is_empty())
        } else if p.link_header.is_some() {
            next_link(headers).map_err(|why| self.partial(format!("page {page}: {why}")))?
        } else {
            None
        };
        let Some(link) = link else { return Ok(Next::Done) };
        let url = request
            .url()
            .join(link.trim())
            .map_err(|e| self.partial(format!("page {page}'s next URL cannot be read ({e})")))?;
        if url.origin() != self.base.origin() {
            // The credential goes wherever the next request goes.
            return Err(self.partial(format!(
                "page {page}'s next URL is on {}, not on the API's origin {}: keyward does not send its credential there",
                url.origin().ascii_serialization(),
                self.base.origin().ascii_serialization()
            )));
        }
        if url == *request.url() {
            return Err(self.partial(format!("page {page}'s next URL is the page itself: the listing would never end")));
        }
        Ok(Next::Url(url))
    }

    fn partial(&self, why: String) -> ConnectorError {
        ConnectorError::Partial { app: self.app.clone(), why }
    }
}

/// The first page's own paging parameters (its number and size, or offset
/// and limit), so the page size is asked for from the start.
fn first_page_query(paging: Option<&HttpPaging>) -> Vec<(String, String)> {
    let Some(p) = paging else { return Vec::new() };
    if let Some(n) = &p.page_number {
        return vec![(n.param.clone(), n.start.unwrap_or(1).to_string()), (n.size_param.clone(), n.size.to_string())];
    }
    if let Some(o) = &p.offset {
        return vec![(o.param.clone(), "0".to_owned()), (o.limit_param.clone(), o.limit.to_string())];
    }
    Vec::new()
}

/// `request` sent to `url` instead, keeping its method and body.
fn rebuild(request: Request, url: Url) -> Request {
    request.to(with_query(url, &[]))
}

/// The `rel="next"` target of the `Link` headers (RFC 8288).
fn next_link(headers: &http::HeaderMap) -> Result<Option<String>, String> {
    for value in headers.get_all(http::header::LINK) {
        let text = value.to_str().map_err(|_| "a Link header is not text".to_owned())?;
        let links =
            parse_link_header::parse_with_rel(text).map_err(|e| format!("a Link header cannot be read ({e})"))?;
        if let Some(next) = links.get("next") {
            return Ok(Some(next.raw_uri.clone()));
        }
    }
    Ok(None)
}

/// The top-level field names of a page, for a message.
fn top_level(body: &Value) -> String {
    match body {
        Value::Object(map) => {
            let names: Vec<String> =
                map.keys().map(|k| format!("`{}`", keyward_core::excerpt::value(k, 30))).take(12).collect();
            if names.is_empty() { "none".to_owned() } else { names.join(", ") }
        }
        Value::Array(_) => "none (the answer is an array: use `records: $`)".to_owned(),
        _ => "none (the answer is not an object)".to_owned(),
    }
}
