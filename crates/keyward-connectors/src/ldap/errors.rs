//! How the directory's answers become errors: a transport failure, a
//! result code (named as RFC 4511 names it), a short listing, an
//! operation LDAP has no notion of.

use ldap3::{LdapError, LdapResult};

use super::Ldap;
use crate::ConnectorError;

/// LDAP result codes keyward acts on (RFC 4511, appendix A).
pub(super) mod rc {
    pub(in crate::ldap) const SUCCESS: u32 = 0;
    pub(in crate::ldap) const TIME_LIMIT_EXCEEDED: u32 = 3;
    pub(in crate::ldap) const SIZE_LIMIT_EXCEEDED: u32 = 4;
    pub(in crate::ldap) const ADMIN_LIMIT_EXCEEDED: u32 = 11;
    pub(in crate::ldap) const NO_SUCH_ATTRIBUTE: u32 = 16;
    pub(in crate::ldap) const UNDEFINED_ATTRIBUTE_TYPE: u32 = 17;
    pub(in crate::ldap) const ATTRIBUTE_OR_VALUE_EXISTS: u32 = 20;
    pub(in crate::ldap) const NO_SUCH_OBJECT: u32 = 32;
    pub(in crate::ldap) const INVALID_CREDENTIALS: u32 = 49;
    pub(in crate::ldap) const OBJECT_CLASS_VIOLATION: u32 = 65;
    pub(in crate::ldap) const NOT_ALLOWED_ON_NON_LEAF: u32 = 66;
    pub(in crate::ldap) const ENTRY_ALREADY_EXISTS: u32 = 68;
}

impl Ldap {
    pub(super) fn transport(&self, operation: &'static str, dn: &str, e: &LdapError) -> ConnectorError {
        ConnectorError::Ldap {
            app: self.app.clone(),
            operation,
            dn: dn.to_owned(),
            code: match e {
                LdapError::LdapResult { result } => Some(result.rc),
                _ => None,
            },
            problem: e.to_string(),
        }
    }

    /// A failed connect; a refused TLS certificate says why and what to
    /// change, since the bare TLS error (`UnknownIssuer`) does not.
    pub(super) fn connect_failed(&self, e: &LdapError) -> ConnectorError {
        let mut error = self.transport("connect", &self.url, e);
        if let (Some(hint), ConnectorError::Ldap { problem, .. }) = (self.certificate_hint(e), &mut error) {
            problem.push_str("; ");
            problem.push_str(&hint);
        }
        error
    }

    pub(super) fn failed(
        &self,
        operation: &'static str,
        dn: &str,
        r: &LdapResult,
        context: Option<&str>,
    ) -> ConnectorError {
        let mut problem = format!("{} ({})", code_name(r.rc), r.rc);
        if !r.text.trim().is_empty() {
            problem.push_str(&format!(": {}", r.text.trim()));
        }
        if let Some(c) = context {
            problem.push_str(&format!("; {c}"));
        }
        ConnectorError::Ldap { app: self.app.clone(), operation, dn: dn.to_owned(), code: Some(r.rc), problem }
    }

    pub(super) fn partial(&self, why: String) -> ConnectorError {
        ConnectorError::Partial { app: self.app.clone(), why }
    }

    pub(super) fn unsupported(&self, action: &'static str) -> ConnectorError {
        ConnectorError::Unsupported { app: self.app.clone(), kind: "ldap", action }
    }

    pub(super) fn gone(&self, id: &str, problem: &str) -> ConnectorError {
        ConnectorError::Ldap {
            app: self.app.clone(),
            operation: "search",
            dn: self.base_dn.clone(),
            code: Some(rc::SUCCESS),
            problem: format!("no entry has {}={id}: {problem}", self.attributes.id),
        }
    }
}

/// The name RFC 4511 gives a result code.
pub(super) fn code_name(code: u32) -> &'static str {
    match code {
        0 => "success",
        1 => "operationsError",
        2 => "protocolError",
        3 => "timeLimitExceeded",
        4 => "sizeLimitExceeded",
        7 => "authMethodNotSupported",
        8 => "strongerAuthRequired",
        10 => "referral",
        11 => "adminLimitExceeded",
        12 => "unavailableCriticalExtension",
        13 => "confidentialityRequired",
        16 => "noSuchAttribute",
        17 => "undefinedAttributeType",
        18 => "inappropriateMatching",
        19 => "constraintViolation",
        20 => "attributeOrValueExists",
        21 => "invalidAttributeSyntax",
        32 => "noSuchObject",
        34 => "invalidDNSyntax",
        48 => "inappropriateAuthentication",
        49 => "invalidCredentials",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        64 => "namingViolation",
        65 => "objectClassViolation",
        66 => "notAllowedOnNonLeaf",
        67 => "notAllowedOnRDN",
        68 => "entryAlreadyExists",
        69 => "objectClassModsProhibited",
        80 => "other",
        _ => "result code",
    }
}
