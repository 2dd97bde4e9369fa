//! The shared secret of an account: bytes that never appear in `Debug` output and are wiped when
//! dropped.

use std::fmt;

use zeroize::Zeroizing;

use super::base32;

/// Why text could not be read as a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// There was no secret at all.
    #[error("the secret is empty: copy the whole key from the site, or scan its QR code")]
    Empty,
    /// A character that base32 keys never contain.
    #[error(
        "the secret contains '{0}', which never appears in these keys (they use the letters A to Z \
         and the digits 2 to 7): check that it was copied correctly"
    )]
    BadCharacter(char),
}

/// The shared secret (the "key") of an account.
///
/// The bytes are zeroized when the value is dropped, and `Debug` shows only that a secret is
/// there. Equality compares the bytes, so that a duplicate account can be recognised.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Wraps raw secret bytes. The caller's buffer is taken over, not copied.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Secret, SecretError> {
        let bytes = Zeroizing::new(bytes);
        if bytes.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Secret(bytes))
    }

    /// Reads a base32 key the way people and issuers write it: any case, with or without padding,
    /// spaces or dashes (`jbsw y3dp-ehpk 3pxp==`).
    pub fn from_base32(text: &str) -> Result<Secret, SecretError> {
        let bytes = base32::decode(text).map_err(|bad| SecretError::BadCharacter(bad.0))?;
        if bytes.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Secret(bytes))
    }

    /// The key in canonical form: upper-case base32 without padding. Wiped when dropped.
    pub fn to_base32(&self) -> Zeroizing<String> {
        base32::encode(&self.0)
    }

    /// The raw bytes, for computing codes and for sealing in the vault.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The length of the secret in bits (80 and 160 are the common sizes).
    pub fn bits(&self) -> usize {
        self.0.len() * 8
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_key() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(!shown.contains("JBSW"), "{shown}");
        assert!(!shown.contains("72"), "{shown}"); // 'H' is 72: no byte values either
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn an_empty_key_is_refused() {
        assert_eq!(Secret::from_base32(" == "), Err(SecretError::Empty));
        assert_eq!(Secret::from_bytes(Vec::new()), Err(SecretError::Empty));
    }

    #[test]
    fn a_key_reads_back_in_canonical_form() {
        let secret = Secret::from_base32("jbsw y3dp-ehpk 3pxp==").unwrap();
        assert_eq!(secret.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
        assert_eq!(secret.bits(), 80);
    }
}
