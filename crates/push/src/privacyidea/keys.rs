//! The two RSA keys of a push token: the phone's, made at enrollment and kept sealed in the
//! vault, and the server's, pinned from the enrollment's answer. Signatures are PKCS#1 v1.5 with
//! SHA-256, as privacyIDEA makes and checks them; ring signs and verifies (constant time), and the
//! `rsa` crate only makes the phone's key, which ring cannot.

use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair, UnparsedPublicKey};
use zeroize::Zeroizing;

use crate::ProtocolError;

/// The size of the phone's key: 3072 bits, 128-bit security, well past privacyIDEA's 2048.
pub const PHONE_KEY_BITS: usize = 3072;

/// The phone's private key. `Debug` shows its size, never the key.
pub struct PhoneKey {
    pair: RsaKeyPair,
    pkcs8: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for PhoneKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "PhoneKey(RSA-{})",
            self.pair.public().modulus_len() * 8
        )
    }
}

impl PhoneKey {
    /// A new key from the system's random number generator.
    pub fn generate() -> Result<PhoneKey, ProtocolError> {
        use rsa::pkcs8::EncodePrivateKey;
        let private = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, PHONE_KEY_BITS)
            .map_err(|_| ProtocolError::NoRandomness)?;
        let document = private
            .to_pkcs8_der()
            .map_err(|_| ProtocolError::NoRandomness)?;
        PhoneKey::from_pkcs8(document.as_bytes())
    }

    /// A key kept as PKCS#8.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<PhoneKey, ProtocolError> {
        let pair = RsaKeyPair::from_pkcs8(pkcs8).map_err(|_| ProtocolError::DamagedKey)?;
        Ok(PhoneKey {
            pair,
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
        })
    }

    /// The key as PKCS#8, for the vault to seal.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public half as PKCS#1 `RSAPublicKey` DER (the form a server key is kept in).
    pub fn public_pkcs1(&self) -> Vec<u8> {
        self.pair.public().as_ref().to_vec()
    }

    /// The public half as privacyIDEA takes it at enrollment: a DER SubjectPublicKeyInfo.
    pub fn public_spki(&self) -> Vec<u8> {
        spki_of_rsa(self.pair.public().as_ref())
    }

    /// Signs `text` (PKCS#1 v1.5, SHA-256).
    pub fn sign(&self, text: &str) -> Result<Vec<u8>, ProtocolError> {
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                text.as_bytes(),
                &mut signature,
            )
            .map_err(|_| ProtocolError::NoRandomness)?;
        Ok(signature)
    }
}

/// The server's public key for one token (privacyIDEA makes one per token), as PKCS#1 DER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerKey(Vec<u8>);

impl ServerKey {
    /// The key as privacyIDEA sends it: base64 of PKCS#1 `RSAPublicKey` DER, maybe broken into
    /// lines, maybe still in its PEM armour. Refused unless it is an RSA key of 2048 bits or more.
    pub fn from_base64(text: &str) -> Result<ServerKey, ProtocolError> {
        use base64::Engine;
        let body: String = text
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .flat_map(|line| line.chars())
            .filter(|character| !character.is_whitespace())
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.replace('-', "+").replace('_', "/"))
            .map_err(|_| {
                ProtocolError::UnexpectedAnswer("the server's key is not base64".into())
            })?;
        ServerKey::from_der(der)
    }

    /// A key kept as PKCS#1 DER.
    pub fn from_der(der: Vec<u8>) -> Result<ServerKey, ProtocolError> {
        use rsa::pkcs1::DecodeRsaPublicKey;
        use rsa::traits::PublicKeyParts;
        let key = rsa::RsaPublicKey::from_pkcs1_der(&der).map_err(|_| {
            ProtocolError::UnexpectedAnswer("the server's key is not an RSA public key".into())
        })?;
        if key.n().bits() < 2048 {
            return Err(ProtocolError::UnexpectedAnswer(
                "the server's key is shorter than 2048 bits".into(),
            ));
        }
        Ok(ServerKey(der))
    }

    /// The key as PKCS#1 DER.
    pub fn der(&self) -> &[u8] {
        &self.0
    }

    /// Whether `signature` is the server's over `text`.
    pub fn verifies(&self, text: &str, signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &self.0)
            .verify(text.as_bytes(), signature)
            .is_ok()
    }
}

/// Wraps a PKCS#1 `RSAPublicKey` in a SubjectPublicKeyInfo (RFC 8017 A.1, RFC 5280 4.1).
fn spki_of_rsa(pkcs1: &[u8]) -> Vec<u8> {
    // AlgorithmIdentifier { rsaEncryption, NULL }.
    const ALGORITHM: [u8; 15] = [
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let mut bit_string = vec![0x00];
    bit_string.extend_from_slice(pkcs1);
    let mut body = ALGORITHM.to_vec();
    body.extend(der_element(0x03, &bit_string));
    der_element(0x30, &body)
}

fn der_element(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut element = vec![tag];
    let length = content.len();
    if length < 0x80 {
        element.push(length as u8);
    } else {
        let bytes: Vec<u8> = length
            .to_be_bytes()
            .into_iter()
            .skip_while(|byte| *byte == 0)
            .collect();
        element.push(0x80 | bytes.len() as u8);
        element.extend(bytes);
    }
    element.extend_from_slice(content);
    element
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_signs_what_its_public_half_verifies_and_survives_the_vault() {
        use rsa::pkcs8::DecodePublicKey;
        let key = PhoneKey::generate().unwrap();
        assert_eq!(
            format!("{key:?}"),
            format!("PhoneKey(RSA-{PHONE_KEY_BITS})")
        );
        let again = PhoneKey::from_pkcs8(key.pkcs8()).unwrap();
        let signature = again.sign("nonce|serial").unwrap();
        // The SPKI parses with an independent reader (the rsa crate's), as privacyIDEA parses it.
        let public = rsa::RsaPublicKey::from_public_key_der(&key.public_spki()).unwrap();
        use rsa::pkcs1::EncodeRsaPublicKey;
        let server_view = ServerKey::from_der(public.to_pkcs1_der().unwrap().to_vec()).unwrap();
        assert!(server_view.verifies("nonce|serial", &signature));
        assert!(!server_view.verifies("nonce|serial|08", &signature));
    }

    #[test]
    fn a_server_key_is_refused_unless_it_is_rsa_of_2048_bits_or_more() {
        assert!(ServerKey::from_base64("not base64!").is_err());
        assert!(ServerKey::from_base64("MAA=").is_err());
        assert!(PhoneKey::from_pkcs8(b"junk").is_err());
    }
}
