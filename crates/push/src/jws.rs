//! Compact JWS with ES256 (RFC 7515, RFC 7518), the only form and algorithm the protocol uses.
//!
//! The header is `{"alg":"ES256","typ":…,"kid":…}`; anything else in it is refused, so a
//! message cannot ask for another algorithm (`none`, HS256 with the public key, …).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{ProtocolError, PublicKey, SigningKey};

/// The longest message accepted, in bytes: far above any real one, far below harm.
pub const MAX_LENGTH: usize = 16 * 1024;

/// A JWS header as the protocol writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Always `ES256`.
    pub alg: String,
    /// The message type (see [`crate::message::MessageType`]).
    pub typ: String,
    /// Who signed: a device id, the server's key thumbprint, or `enroll`.
    pub kid: String,
}

/// Signs `claims` as a compact JWS.
pub fn sign<C: Serialize>(
    key: &SigningKey,
    typ: &str,
    kid: &str,
    claims: &C,
) -> Result<String, ProtocolError> {
    let header = Header {
        alg: "ES256".into(),
        typ: typ.into(),
        kid: kid.into(),
    };
    let header = serde_json::to_vec(&header).map_err(|_| ProtocolError::Malformed("header"))?;
    let claims = serde_json::to_vec(claims).map_err(|_| ProtocolError::Malformed("claims"))?;
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let signature = key.sign(signing_input.as_bytes())?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

/// A message read but not yet checked: only its header may be looked at, to find the key.
#[derive(Debug)]
pub struct Unverified {
    header: Header,
    signing_input: String,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl Unverified {
    /// Splits and decodes a compact JWS. Checks shape only, not the signature.
    pub fn parse(token: &str) -> Result<Unverified, ProtocolError> {
        if token.len() > MAX_LENGTH {
            return Err(ProtocolError::Malformed("too long"));
        }
        let mut parts = token.split('.');
        let signing_input = token.rsplit_once('.').map_or("", |(input, _)| input);
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ProtocolError::Malformed("not three parts"));
        };
        let decode = |part: &str, what| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| ProtocolError::Malformed(what))
        };
        let header: Header = serde_json::from_slice(&decode(header, "header encoding")?)
            .map_err(|_| ProtocolError::Malformed("header"))?;
        if header.alg != "ES256" {
            return Err(ProtocolError::Malformed("algorithm is not ES256"));
        }
        let signature = decode(signature, "signature encoding")?;
        if signature.len() != 64 {
            return Err(ProtocolError::Malformed("signature length"));
        }
        Ok(Unverified {
            signing_input: signing_input.to_string(),
            payload: decode(payload, "payload encoding")?,
            header,
            signature,
        })
    }

    /// The header: who claims to have signed, and the message type.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Reads the claims without checking the signature. Only for finding the key a message must
    /// be checked with when that key travels inside it (an enrollment); nothing read this way
    /// may be trusted until [`Unverified::verify`] succeeds.
    pub fn peek_claims<C: DeserializeOwned>(&self) -> Result<C, ProtocolError> {
        serde_json::from_slice(&self.payload).map_err(|_| ProtocolError::Malformed("claims"))
    }

    /// Checks the signature with `key` and reads the claims.
    pub fn verify<C: DeserializeOwned>(&self, key: &PublicKey) -> Result<C, ProtocolError> {
        if !key.verifies(self.signing_input.as_bytes(), &self.signature) {
            return Err(ProtocolError::BadSignature);
        }
        serde_json::from_slice(&self.payload).map_err(|_| ProtocolError::Malformed("claims"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn token(key: &SigningKey) -> String {
        sign(key, "tessera-list+jwt", "device-1", &json!({"jti": "x"})).unwrap()
    }

    #[test]
    fn a_signed_message_verifies_and_reads_back() {
        let key = SigningKey::generate().unwrap();
        let message = Unverified::parse(&token(&key)).unwrap();
        assert_eq!(message.header().kid, "device-1");
        let claims: Value = message.verify(key.public_key()).unwrap();
        assert_eq!(claims["jti"], "x");
    }

    #[test]
    fn another_key_or_a_changed_payload_fails() {
        let key = SigningKey::generate().unwrap();
        let text = token(&key);
        let other = SigningKey::generate().unwrap();
        let message = Unverified::parse(&text).unwrap();
        assert_eq!(
            message.verify::<Value>(other.public_key()),
            Err(ProtocolError::BadSignature)
        );
        let parts: Vec<&str> = text.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"jti":"y"}"#);
        let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
        assert_eq!(
            Unverified::parse(&tampered)
                .unwrap()
                .verify::<Value>(key.public_key()),
            Err(ProtocolError::BadSignature)
        );
    }

    #[test]
    fn other_algorithms_and_shapes_are_refused() {
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"t","kid":"k"}"#),
            URL_SAFE_NO_PAD.encode(b"{}")
        );
        assert!(Unverified::parse(&none).is_err());
        assert!(Unverified::parse("a.b").is_err());
        assert!(Unverified::parse("a.b.c.d").is_err());
        assert!(Unverified::parse(&"a".repeat(MAX_LENGTH + 1)).is_err());
    }
}
