//! Checks of how keyward signs in to an identity provider, shared by its
//! connector and its PeopleSource: a Microsoft Entra app registration,
//! and a Google service account acting as an administrator.

use super::checker::Checker;
use super::fields::{check_api_url, check_secret_ref, is_guid};
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
            format!("`{}` is not a tenant", g.tenant),
            "write the tenant id (a GUID) or a verified domain, for example `example.onmicrosoft.com`",
        );
    }
    if g.client_id.trim().is_empty() {
        c.error(
            o,
            &format!("{prefix}.clientId"),
            "the client id is empty",
            "copy the Application (client) ID from the app registration's overview in the Entra admin center",
        );
    } else if warn_unless_guid && !is_guid(g.client_id.trim()) {
        c.warn(
            o,
            &format!("{prefix}.clientId"),
            format!("`{}` does not look like an Application (client) ID", g.client_id),
            "client ids are GUIDs such as `00000000-0000-0000-0000-000000000000`",
        );
    }
    check_secret_ref(
        c,
        o,
        &format!("{prefix}.clientSecret"),
        g.client_secret,
        "write `clientSecret: {env: GRAPH_CLIENT_SECRET}`, `clientSecret: {file: /var/run/secrets/graph-secret}` or, for the controller in Kubernetes, `clientSecret: {secret: {name: keyward-credentials, key: graph-client-secret}}`",
    );
    for (field, url) in [("graphUrl", g.graph_url), ("authorityUrl", g.authority_url)] {
        if let Some(url) = url {
            check_api_url(
                c,
                o,
                &format!("{prefix}.{field}"),
                url,
                "leave it out for Microsoft's global cloud, or write the national cloud's https URL",
            );
        }
    }
}

/// The service account's key and the administrator it acts as, under
/// `prefix`, each with the help its caller gives.
pub(super) fn check_google_service_account(
    c: &mut Checker<'_>,
    o: &Origin,
    prefix: &str,
    (key, key_help): (&crate::resources::SecretRef, &str),
    (subject, subject_help): (&str, &str),
) {
    check_secret_ref(c, o, &format!("{prefix}.serviceAccountKey"), key, key_help);
    if !vocab::looks_like_email(subject.trim()) {
        c.error(o, &format!("{prefix}.subject"), format!("`{subject}` is not an e-mail address"), subject_help);
    }
}
