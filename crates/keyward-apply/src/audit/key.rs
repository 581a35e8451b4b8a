//! The optional HMAC key of an audit log. The hash chain shows an edit to
//! anyone who verifies, but someone able to write the file can rebuild the
//! chain after their edit; with a key kept out of their reach
//! (`KEYWARD_AUDIT_HMAC_KEY`, or a file named by
//! `KEYWARD_AUDIT_HMAC_KEY_FILE`), every record also carries an HMAC-SHA256
//! they cannot recompute.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::AuditError;

/// An HMAC-SHA256 key for audit records, ready to sign. Prints as `***`.
#[derive(Clone)]
pub struct AuditKey(Hmac<Sha256>);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(***)")
    }
}

impl AuditKey {
    /// The environment variable holding the key.
    pub const ENV: &str = "KEYWARD_AUDIT_HMAC_KEY";
    /// The environment variable naming a file that holds the key.
    pub const FILE_ENV: &str = "KEYWARD_AUDIT_HMAC_KEY_FILE";
    /// The shortest key accepted: as long as the hash, so the key is not
    /// the weak part.
    pub const MIN_LEN: usize = 32;

    /// A key from its bytes; refused when shorter than [`Self::MIN_LEN`].
    pub fn new(bytes: Vec<u8>) -> Result<Self, AuditError> {
        if bytes.len() < Self::MIN_LEN {
            return Err(AuditError::Key(format!(
                "it is {} bytes long; use at least {} bytes of random data (`openssl rand -hex 32` prints a good one)",
                bytes.len(),
                Self::MIN_LEN
            )));
        }
        // HMAC accepts keys of every length, so this is `Ok` for any key.
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&bytes)
            .map_err(|_| AuditError::Key("it cannot be used as an HMAC-SHA256 key".to_owned()))?;
        Ok(Self(mac))
    }

    /// The key from [`Self::ENV`] or the file [`Self::FILE_ENV`] names
    /// (without its final line end); `None` when neither is set.
    pub fn from_env() -> Result<Option<Self>, AuditError> {
        let value = std::env::var_os(Self::ENV);
        let file = std::env::var_os(Self::FILE_ENV);
        let bytes = match (value, file) {
            (None, None) => return Ok(None),
            (Some(_), Some(_)) => {
                return Err(AuditError::Key(format!("both {} and {} are set; set one", Self::ENV, Self::FILE_ENV)));
            }
            (Some(v), None) => v.into_encoded_bytes(),
            (None, Some(path)) => {
                let path = std::path::PathBuf::from(path);
                // The error is the OS's reason, never the file's content.
                let mut bytes = std::fs::read(&path).map_err(|e| {
                    AuditError::Key(format!("cannot read {} ({}): {e}", path.display(), Self::FILE_ENV))
                })?;
                while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    bytes.pop();
                }
                bytes
            }
        };
        Self::new(bytes).map(Some)
    }

    /// Lowercase hex of HMAC-SHA256 over `prev` then `body`.
    pub(super) fn sign(&self, prev: &str, body: &str) -> String {
        let mut m = self.0.clone();
        m.update(prev.as_bytes());
        m.update(body.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    /// Whether `mac` (hex) is the HMAC of `prev` then `body`, compared in
    /// constant time.
    pub(super) fn verify(&self, prev: &str, body: &str, mac: &str) -> bool {
        let Ok(expected) = hex::decode(mac) else { return false };
        let mut m = self.0.clone();
        m.update(prev.as_bytes());
        m.update(body.as_bytes());
        m.verify_slice(&expected).is_ok()
    }
}
