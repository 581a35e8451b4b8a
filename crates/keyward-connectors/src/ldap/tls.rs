//! The private CA of `tls.caFile`, and what to say when the directory's
//! certificate is refused.

use std::sync::Arc;

use ldap3::LdapError;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use rustls::{CertificateError, ClientConfig, RootCertStore};

use super::Ldap;

/// Where the policy names the private CA, for messages.
pub(super) const CA_FILE_FIELD: &str = "spec.connector.ldap.tls.caFile";

/// The CA file of `tls.caFile`, read when the connector is built, and the
/// TLS client configuration that trusts only its certificates.
#[derive(Debug)]
pub(super) struct PrivateCa {
    /// The file, resolved against the policy file.
    pub(super) file: String,
    pub(super) config: Arc<ClientConfig>,
}

impl PrivateCa {
    /// Reads the PEM certificates of `file`; an unreadable file, broken PEM,
    /// no certificate at all or one that does not parse as X.509 is an
    /// error naming the file and the field, before anything is listed.
    pub(super) fn load(found: keyward_http::resource_files::ResourceFile) -> Result<Self, String> {
        let file = found.shown;
        let pem =
            std::fs::read(&found.path).map_err(|e| format!("cannot read the CA file {file} ({CA_FILE_FIELD}): {e}"))?;
        let mut roots = RootCertStore::empty();
        for (n, cert) in CertificateDer::pem_slice_iter(&pem).enumerate() {
            // The parser's message may quote a line of the file: an excerpt only.
            let cert = cert.map_err(|e| {
                let why = keyward_core::excerpt::value(&e.to_string(), 2 * keyward_core::excerpt::VALUE_CHARS);
                format!("the CA file {file} ({CA_FILE_FIELD}) is not valid PEM: {why}")
            })?;
            roots.add(cert).map_err(|e| {
                // rustls words this as a peer's certificate; this one is the policy's.
                let why = match e {
                    rustls::Error::InvalidCertificate(c) => format!("{c:?}"),
                    other => other.to_string(),
                };
                format!(
                    "certificate {} in the CA file {file} ({CA_FILE_FIELD}) is not a usable X.509 certificate ({why})",
                    n + 1
                )
            })?;
        }
        if roots.is_empty() {
            return Err(format!(
                "the CA file {file} ({CA_FILE_FIELD}) holds no certificate: it needs the CA's certificate in PEM, a `-----BEGIN CERTIFICATE-----` block"
            ));
        }
        // The provider ldap3 itself is built with, named rather than taken
        // from the process default, which nothing here installs.
        let config = ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS with the CA file {file} ({CA_FILE_FIELD}): {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self { file, config: Arc::new(config) })
    }
}

impl Ldap {
    pub(super) fn certificate_hint(&self, e: &LdapError) -> Option<String> {
        let LdapError::Io { source } = e else { return None };
        let Some(rustls::Error::InvalidCertificate(problem)) = source.get_ref()?.downcast_ref::<rustls::Error>() else {
            return None;
        };
        let host = url::Url::parse(&self.url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
        Some(match (problem, &self.private_ca) {
            (CertificateError::UnknownIssuer, None) => format!(
                "the directory's TLS certificate is not signed by a CA this system trusts; a directory with a certificate from a private (company) CA needs `{CA_FILE_FIELD}` set to a PEM file with that CA's certificate"
            ),
            (CertificateError::UnknownIssuer, Some(ca)) => format!(
                "the directory's TLS certificate is not signed by a CA in {} ({CA_FILE_FIELD}); put the certificate of the CA that signed it in that file",
                ca.file
            ),
            (CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }, _) => format!(
                "the directory's TLS certificate is not for `{host}`; connect to a host name the certificate names (spec.connector.ldap.url)"
            ),
            (
                CertificateError::Expired
                | CertificateError::ExpiredContext { .. }
                | CertificateError::NotValidYet
                | CertificateError::NotValidYetContext { .. },
                _,
            ) => "the directory's TLS certificate is outside its validity period: it needs renewing (or this machine's clock is wrong)".to_owned(),
            _ => "the directory's TLS certificate was refused".to_owned(),
        })
    }
}
