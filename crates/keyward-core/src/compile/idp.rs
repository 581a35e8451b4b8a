//! Checks of how keyward signs in to an identity provider, shared by its
//! connector and its PeopleSource: a Microsoft Entra app registration,
//! and a Google service account acting as an administrator.

use super::checker::Checker;
use super::fields::{check_api_url, check_secret_ref, is_guid};
use crate::diag::Text;
use crate::i18n::Msg;
use crate::load::Origin;
use crate::vocab;

/// The app registration both the Graph connector and the Graph people
/// source sign in with.
pub(super) struct EntraApp<'a> {
    pub(super) tenant: &'a str,
    pub(super) client_id: &'a str,
    pub(super) client_secret: &'a crate::resources::SecretRef,
    pub(super) graph_url: Option<&'a str>,
    pub(super) authority_url: Option<&'a str>,
}

/// Tenant, client id, client secret and the cloud's URLs, reported under
/// `prefix` (the connector's or the people source's place).
pub(super) fn check_entra_app(c: &mut Checker<'_>, o: &Origin, prefix: &str, g: &EntraApp<'_>, warn_unless_guid: bool) {
    if g.tenant.trim().is_empty() || g.tenant.contains(['/', ' ']) {
        c.error(
            o,
            &format!("{prefix}.tenant"),
            Msg::new("compile-not-tenant").arg("tenant", g.tenant),
            Msg::new("compile-not-tenant-help"),
        );
    }
    if g.client_id.trim().is_empty() {
        c.error(
            o,
            &format!("{prefix}.clientId"),
            Msg::new("compile-client-id-empty"),
            Msg::new("compile-client-id-empty-help"),
        );
    } else if warn_unless_guid && !is_guid(g.client_id.trim()) {
        c.warn(
            o,
            &format!("{prefix}.clientId"),
            Msg::new("compile-client-id-not-guid").arg("id", g.client_id),
            Msg::new("compile-client-id-not-guid-help"),
        );
    }
    check_secret_ref(
        c,
        o,
        &format!("{prefix}.clientSecret"),
        g.client_secret,
        Msg::new("compile-graph-client-secret-help"),
    );
    for (field, url) in [("graphUrl", g.graph_url), ("authorityUrl", g.authority_url)] {
        if let Some(url) = url {
            check_api_url(c, o, &format!("{prefix}.{field}"), url, Msg::new("compile-cloud-url-help"));
        }
    }
}

/// The service account's key and the administrator it acts as, under
/// `prefix`, each with the help its caller gives.
pub(super) fn check_google_service_account(
    c: &mut Checker<'_>,
    o: &Origin,
    prefix: &str,
    (key, key_help): (&crate::resources::SecretRef, Text),
    (subject, subject_help): (&str, Text),
) {
    check_secret_ref(c, o, &format!("{prefix}.serviceAccountKey"), key, key_help);
    if !vocab::looks_like_email(subject.trim()) {
        c.error(o, &format!("{prefix}.subject"), Msg::new("compile-not-email").arg("value", subject), subject_help);
    }
}
