//! Turning a request template of the policy into a request: the path
//! under the base URL with each placeholder value percent-encoded as one
//! path segment (a `/` in an id cannot reach another resource), query
//! values encoded, the JSON body filled value by value.

use http::Method;
use keyward_core::resources::HttpRequest;
use keyward_core::template::{JsonTemplate, Template, TemplateError, Unfilled};
use serde_json::Value;
use url::Url;

use super::HttpApi;
use crate::ConnectorError;
use crate::http::Request;

/// A placeholder's value, by name.
pub(crate) type Values<'a> = &'a (dyn Fn(&str) -> Option<Value> + Sync);

impl HttpApi {
    /// The request `r` (at `field`, for messages) with `values` filled in,
    /// and `extra` query parameters (a page's) after the policy's.
    pub(super) fn build(
        &self,
        field: &str,
        r: &HttpRequest,
        default: &str,
        values: Values<'_>,
        extra: &[(String, String)],
    ) -> Result<Request, ConnectorError> {
        let bad = |e: TemplateError| self.not_configured(format!("spec.connector.http.{field}: {e}"));
        let unfilled = |e: Unfilled| {
            self.not_configured(format!("spec.connector.http.{field}: {e}, so the request cannot be sent"))
        };
        let method = r.method.as_deref().unwrap_or(default);
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| {
            self.not_configured(format!("spec.connector.http.{field}.method: `{method}` is not a method"))
        })?;
        // `@` is a path character (RFC 3986 pchar), and vendors document
        // `/users/{email}`: an e-mail stays readable in the path.
        let path =
            Template::parse(&r.path).map_err(bad)?.fill(values, &|v| crate::urls::encode(v, b"@")).map_err(unfilled)?;
        // `queryAll` repeats a parameter once per value, after `query`.
        let written = r.query.iter();
        let written = written.chain(r.query_all.iter().flat_map(|(k, vs)| vs.iter().map(move |v| (k, v))));
        let mut query = Vec::with_capacity(r.query.len() + extra.len());
        for (k, v) in written {
            let v = Template::parse(v).map_err(bad)?.fill(values, &|v| v.to_owned()).map_err(unfilled)?;
            query.push((k.clone(), v));
        }
        query.extend(extra.iter().cloned());
        let url = self.url(&path, &query);
        let mut request = Request::new(method, url);
        if let Some(body) = &r.body {
            let body = JsonTemplate::parse(body).map_err(bad)?.fill(values).map_err(unfilled)?;
            request = request.json(&body);
        }
        Ok(request)
    }

    /// `{base}{path}?{query}`; `path` is already encoded.
    fn url(&self, path: &str, query: &[(String, String)]) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{path}", self.base.path().trim_end_matches('/'));
        url.set_path(&joined);
        with_query(url, query)
    }

    pub(super) fn not_configured(&self, why: String) -> ConnectorError {
        ConnectorError::NotConfigured { app: self.app.clone(), why }
    }
}

/// `url` with `query` appended, each part percent-encoded (spaces as
/// `%20`, which every server reads).
pub(super) fn with_query(mut url: Url, query: &[(String, String)]) -> Url {
    if query.is_empty() {
        return url;
    }
    let mut q: Vec<String> = url.query().filter(|q| !q.is_empty()).map(|q| vec![q.to_owned()]).unwrap_or_default();
    q.extend(query.iter().map(|(k, v)| format!("{}={}", crate::urls::encode(k, &[]), crate::urls::encode(v, &[]))));
    url.set_query(Some(&q.join("&")));
    url
}

/// No placeholder has a value (the listing's first request).
pub(super) fn no_values(_: &str) -> Option<Value> {
    None
}
