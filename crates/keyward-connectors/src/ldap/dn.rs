//! Comparing DNs as a directory does, for matching a group's `member`
//! values to the people listed: the same entry may be written
//! `uid=Ann,ou=People,dc=example,dc=com` in one place and
//! `uid=ann, ou=people,dc=example,dc=com` in another.

/// One attribute-value assertion of an RDN: type and value, both
/// lower-cased, the value with its escapes decoded.
type Ava = (String, String);

/// A DN reduced to what tells entries apart: RDNs in order, each a sorted
/// set of assertions (a multi-valued RDN `cn=a+sn=b` matches `sn=b+cn=a`).
/// Values compare without regard to case, as the naming attributes in use
/// (`uid`, `cn`, `ou`, `dc`) do.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct DnKey(Vec<Vec<Ava>>);

impl DnKey {
    /// The key of `dn`. A `uniqueMember` value's optional `#'…'B` suffix
    /// (the member's unique identifier) is ignored.
    pub(crate) fn of(dn: &str) -> Self {
        let dn = strip_unique_id(dn.trim());
        let mut rdns: Vec<Vec<Ava>> = Vec::new();
        let mut rdn: Vec<Ava> = Vec::new();
        // Bytes, because `\c3\a5` is one character escaped byte by byte.
        let mut current: Vec<u8> = Vec::new();
        let mut ty: Option<Vec<u8>> = None;
        let mut chars = dn.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '\\' => {
                    let Some(next) = chars.next() else { break };
                    // `\2C` is a hex-escaped byte, `\,` an escaped character.
                    match (next.to_digit(16), chars.peek().and_then(|c| c.to_digit(16))) {
                        (Some(hi), Some(lo)) => {
                            chars.next();
                            // Both digits are below 16, so the byte fits.
                            current.push((hi * 16 + lo) as u8);
                        }
                        _ => push(&mut current, next),
                    }
                }
                '=' if ty.is_none() => ty = Some(std::mem::take(&mut current)),
                ',' | ';' | '+' => {
                    rdn.push(ava(ty.take(), std::mem::take(&mut current)));
                    if ch != '+' {
                        rdn.sort();
                        rdns.push(std::mem::take(&mut rdn));
                    }
                }
                _ => push(&mut current, ch),
            }
        }
        if ty.is_some() || current.iter().any(|b| !b.is_ascii_whitespace()) {
            rdn.push(ava(ty, current));
        }
        if !rdn.is_empty() {
            rdn.sort();
            rdns.push(rdn);
        }
        Self(rdns)
    }
}

fn push(buf: &mut Vec<u8>, ch: char) {
    buf.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
}

fn ava(ty: Option<Vec<u8>>, value: Vec<u8>) -> Ava {
    let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_lowercase();
    (text(&ty.unwrap_or_default()), text(&value))
}

fn strip_unique_id(dn: &str) -> &str {
    match dn.rfind("#'") {
        Some(i) if dn.ends_with("'B") => &dn[..i],
        _ => dn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_spaces_escapes_and_rdn_order_do_not_matter() {
        let a = DnKey::of("uid=Ann,ou=People,dc=example,dc=com");
        assert_eq!(a, DnKey::of("UID=ann, ou=people , DC=Example,dc=com"));
        assert_eq!(a, DnKey::of("uid=ann,ou=people,dc=example,dc=com#'0101'B"));
        assert_ne!(a, DnKey::of("uid=ann,ou=people,dc=example,dc=org"));
        assert_ne!(a, DnKey::of("uid=anna,ou=people,dc=example,dc=com"));
        assert_eq!(DnKey::of("cn=Doe\\, John,dc=x"), DnKey::of("cn=doe\\2c John,dc=x"));
        assert_ne!(DnKey::of("cn=Doe\\, John,dc=x"), DnKey::of("cn=Doe,cn=John,dc=x"));
        assert_eq!(DnKey::of("cn=a+sn=b,dc=x"), DnKey::of("sn=B+cn=A,dc=x"));
        assert_eq!(DnKey::of("cn=\\c3\\85sa,dc=x"), DnKey::of("cn=åsa,dc=x"));
        assert_eq!(DnKey::of(""), DnKey(vec![]));
    }
}
