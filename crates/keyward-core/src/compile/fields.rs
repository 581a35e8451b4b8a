//! Checks of field shapes that connectors and PeopleSources share:
//! credentials (`token: {env | file | secret}`), API addresses, and the
//! identifiers they are made of.

use super::checker::Checker;
use crate::diag::Text;
use crate::endpoint::{self, UrlError};
use crate::i18n::Msg;
use crate::load::Origin;

/// A credential's [`SecretRef`](crate::resources::SecretRef) at `path`
/// (`spec.connector.scim.token`): exactly one source, a usable variable
/// name, a valid Secret name and key. `examples` shows the three forms.
pub(super) fn check_secret_ref(
    c: &mut Checker<'_>,
    o: &Origin,
    path: &str,
    r: &crate::resources::SecretRef,
    examples: impl Into<Text>,
) {
    // The field in words: `clientSecret` reads "client secret".
    let field = path.rsplit('.').next().unwrap_or(path);
    let mut what = String::with_capacity(field.len() + 2);
    for ch in field.chars() {
        if ch.is_ascii_uppercase() {
            what.push(' ');
        }
        what.push(ch.to_ascii_lowercase());
    }
    if r.sources_set() != 1 {
        c.error(o, path, Msg::new("compile-secret-sources").arg("what", what.as_str()).arg("field", field), examples);
    }
    if let Some(s) = &r.secret {
        for (field, value) in [("name", &s.name), ("key", &s.key)] {
            if !is_k8s_secret_part(value, field == "name") {
                c.error(
                    o,
                    &format!("{path}.secret.{field}"),
                    if field == "name" {
                        Msg::new("compile-bad-secret-name").arg("value", value)
                    } else {
                        Msg::new("compile-bad-secret-key").arg("value", value)
                    },
                    if field == "name" {
                        Msg::new("compile-bad-secret-name-help")
                    } else {
                        Msg::new("compile-bad-secret-key-help")
                    },
                );
            }
        }
    }
    if let Some(env) = &r.env
        && (env.is_empty() || !env.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
    {
        c.error(
            o,
            &format!("{path}.env"),
            Msg::new("compile-bad-env-name").arg("env", env),
            Msg::new("compile-bad-env-name-help").arg("what", what.as_str()).arg("field", field),
        );
    }
}

/// `https://…` or, to this machine only, `http://…`: a token sent in
/// clear text to another host can be read on the way (see
/// [`crate::endpoint`] for the rules). `example` is the help when the text
/// is not an http(s) URL at all.
pub(super) fn check_api_url(c: &mut Checker<'_>, o: &Origin, path: &str, url: &str, example: impl Into<Text>) {
    match endpoint::http_url(url) {
        Ok(_) => {}
        Err(e @ UrlError::NotAUrl { .. }) => c.error(o, path, e.message(), example),
        Err(e) => c.error(o, path, e.message(), e.help_message()),
    }
}

pub(super) fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| p.chars().all(|ch| ch.is_ascii_hexdigit()))
}

/// A Secret's name is a DNS subdomain (RFC 1123: dot-separated labels of
/// lower-case letters, digits and `-`, each starting and ending with a
/// letter or digit); a data key is letters, digits, `-`, `_` and `.`, but
/// not `.` or `..`. Both at most 253 characters. Checked strictly because
/// the name becomes a segment of the API path the Secret is read from: a
/// name like `..` must not lead to another one.
pub(super) fn is_k8s_secret_part(s: &str, is_name: bool) -> bool {
    if s.is_empty() || s.len() > 253 {
        return false;
    }
    if is_name {
        s.split('.').all(|label| {
            let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            edge(label.chars().next())
                && edge(label.chars().last())
                && label.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
        })
    } else {
        s != "." && s != ".." && s.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
    }
}
