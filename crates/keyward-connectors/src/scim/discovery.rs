//! What a SCIM service provider says it supports
//! (`GET /ServiceProviderConfig`, RFC 7643 §5), and what keyward assumes
//! when it does not say.

use keyward_core::resources::ScimProfile;
use serde_json::Value;

/// The features keyward adapts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Features {
    /// PATCH is supported; otherwise changes are GET + PUT of the whole resource.
    pub patch: bool,
    /// Filters are supported; otherwise lookups list everything and search.
    pub filter: bool,
    /// Most resources the server returns per response.
    pub max_results: Option<u32>,
    /// ETags are supported: changes carry `If-Match`.
    pub etag: bool,
    /// Bulk is supported. Not used: one change per request keeps each
    /// change's outcome its own, which the audit log and resumption need.
    pub bulk: bool,
}

impl Features {
    /// Reads a ServiceProviderConfig. Flags some servers send as strings
    /// (`"true"`) count too; a missing flag means unsupported, as the RFC says.
    pub(crate) fn parse(config: &Value) -> Self {
        let flag = |section: &str| config.get(section).and_then(|s| s.get("supported")).is_some_and(truthy);
        let max_results = config
            .get("filter")
            .and_then(|f| f.get("maxResults"))
            .and_then(|m| m.as_u64().or_else(|| m.as_str().and_then(|s| s.trim().parse().ok())))
            .filter(|m| *m > 0)
            .map(|m| u32::try_from(m).unwrap_or(u32::MAX));
        Self { patch: flag("patch"), filter: flag("filter"), max_results, etag: flag("etag"), bulk: flag("bulk") }
    }

    /// For servers without `/ServiceProviderConfig`: the vendors keyward
    /// knows all support PATCH and filters; for an unknown server only what
    /// every SCIM server must do is assumed, so changes use PUT.
    pub(crate) fn fallback(profile: ScimProfile) -> Self {
        let patch = !matches!(profile, ScimProfile::Generic);
        Self { patch, filter: true, max_results: None, etag: false, bulk: false }
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_rfc_example() {
        let c = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": true},
            "bulk": {"supported": true, "maxOperations": 1000, "maxPayloadSize": 1048576},
            "filter": {"supported": true, "maxResults": 200},
            "changePassword": {"supported": true},
            "sort": {"supported": true},
            "etag": {"supported": true},
        });
        let f = Features::parse(&c);
        assert_eq!(f, Features { patch: true, filter: true, max_results: Some(200), etag: true, bulk: true });
    }

    #[test]
    fn missing_or_string_flags() {
        let f = Features::parse(&json!({"patch": {"supported": "True"}, "filter": {"maxResults": "50"}}));
        assert_eq!(f, Features { patch: true, filter: false, max_results: Some(50), etag: false, bulk: false });
    }
}
