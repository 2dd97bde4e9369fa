//! ECDSA P-256 keys (ring): the device's key, and the server's, as signer and as JWK.
//!
//! A key's identity everywhere in the protocol is its RFC 7638 JWK thumbprint (SHA-256,
//! base64url): the enrollment link pins the server's key by it.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
    UnparsedPublicKey,
};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::ProtocolError;

/// A private P-256 key that signs messages. Its PKCS#8 bytes are wiped when dropped; `Debug`
/// shows only the thumbprint.
pub struct SigningKey {
    pkcs8: Zeroizing<Vec<u8>>,
    pair: EcdsaKeyPair,
    public: PublicKey,
}

/// A public P-256 key as a JWK (`kty` EC, `crv` P-256, `x`, `y`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKey {
    /// Always `EC`.
    pub kty: String,
    /// Always `P-256`.
    pub crv: String,
    /// The x coordinate, base64url.
    pub x: String,
    /// The y coordinate, base64url.
    pub y: String,
}

impl SigningKey {
    /// Makes a new random key.
    pub fn generate() -> Result<SigningKey, ProtocolError> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| ProtocolError::NoRandomness)?;
        SigningKey::from_pkcs8(pkcs8.as_ref())
    }

    /// Reads a key kept as PKCS#8 bytes.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<SigningKey, ProtocolError> {
        let pair = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8,
            &SystemRandom::new(),
        )
        .map_err(|_| ProtocolError::DamagedKey)?;
        let public = PublicKey::from_uncompressed(pair.public_key().as_ref())
            .ok_or(ProtocolError::DamagedKey)?;
        Ok(SigningKey {
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
            pair,
            public,
        })
    }

    /// The PKCS#8 bytes, to be sealed by the caller.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Signs `message`: the 64-byte `r || s` signature of ES256.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, ProtocolError> {
        self.pair
            .sign(&SystemRandom::new(), message)
            .map(|signature| signature.as_ref().to_vec())
            .map_err(|_| ProtocolError::NoRandomness)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("thumbprint", &self.public.thumbprint())
            .finish_non_exhaustive()
    }
}

impl PublicKey {
    fn from_uncompressed(point: &[u8]) -> Option<PublicKey> {
        if point.len() != 65 || point[0] != 4 {
            return None;
        }
        Some(PublicKey {
            kty: "EC".into(),
            crv: "P-256".into(),
            x: URL_SAFE_NO_PAD.encode(&point[1..33]),
            y: URL_SAFE_NO_PAD.encode(&point[33..]),
        })
    }

    /// The uncompressed point (`04 || x || y`), if the JWK is a well-formed P-256 key.
    fn uncompressed(&self) -> Option<Vec<u8>> {
        if self.kty != "EC" || self.crv != "P-256" {
            return None;
        }
        let x = URL_SAFE_NO_PAD.decode(&self.x).ok()?;
        let y = URL_SAFE_NO_PAD.decode(&self.y).ok()?;
        if x.len() != 32 || y.len() != 32 {
            return None;
        }
        Some([&[4u8][..], &x, &y].concat())
    }

    /// Checks that the JWK is a P-256 key (the point itself is checked on every verification).
    pub fn check(&self) -> Result<(), ProtocolError> {
        self.uncompressed().map(|_| ()).ok_or(ProtocolError::BadKey)
    }

    /// The RFC 7638 thumbprint: SHA-256 over the canonical JWK, base64url.
    pub fn thumbprint(&self) -> String {
        let canonical = format!(
            r#"{{"crv":"{}","kty":"{}","x":"{}","y":"{}"}}"#,
            self.crv, self.kty, self.x, self.y
        );
        URL_SAFE_NO_PAD.encode(ring::digest::digest(
            &ring::digest::SHA256,
            canonical.as_bytes(),
        ))
    }

    /// Whether `signature` (ES256 `r || s`) is this key's signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        self.uncompressed().is_some_and(|point| {
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
                .verify(message, signature)
                .is_ok()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_with_its_own_key_only() {
        let (one, other) = (
            SigningKey::generate().unwrap(),
            SigningKey::generate().unwrap(),
        );
        let signature = one.sign(b"approve").unwrap();
        assert!(one.public_key().verifies(b"approve", &signature));
        assert!(!one.public_key().verifies(b"deny", &signature));
        assert!(!other.public_key().verifies(b"approve", &signature));
    }

    #[test]
    fn a_key_survives_its_pkcs8_bytes() {
        let key = SigningKey::generate().unwrap();
        let again = SigningKey::from_pkcs8(key.pkcs8()).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        assert!(SigningKey::from_pkcs8(b"not a key").is_err());
    }

    #[test]
    fn the_thumbprint_matches_rfc_7638_for_a_known_key() {
        // RFC 7638 defines the input; this key's thumbprint was computed with Python's hashlib.
        let key = PublicKey {
            kty: "EC".into(),
            crv: "P-256".into(),
            x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU".into(),
            y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0".into(),
        };
        assert_eq!(
            key.thumbprint(),
            "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U"
        );
    }

    #[test]
    fn debug_shows_no_private_key() {
        let key = SigningKey::generate().unwrap();
        let shown = format!("{key:?}");
        assert!(shown.contains(&key.public_key().thumbprint()));
        assert!(!shown.contains(&URL_SAFE_NO_PAD.encode(key.pkcs8())));
    }
}
