//! What a phone keeps for one privacyIDEA push token: the server and serial, the phone's key,
//! and the server's key pinned at enrollment. Turned into bytes for the vault to seal.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{PhoneKey, ServerKey};
use crate::ProtocolError;

/// The name that marks a push token among the vault's enrollments.
const KIND: &str = "privacyidea_push";

/// One enrolled push token. `Debug` shows no key.
#[derive(Debug)]
pub struct PushToken {
    /// Where the phone polls and answers (privacyIDEA's `/ttype/push`).
    pub url: String,
    /// The token's serial number.
    pub serial: String,
    /// Who issued it.
    pub issuer: String,
    /// What the token is called.
    pub label: String,
    /// The phone's private key.
    pub key: PhoneKey,
    /// The server's key, pinned by the enrollment's answer.
    pub server_key: ServerKey,
    /// When it was enrolled (Unix seconds).
    pub enrolled_at: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    kind: String,
    url: String,
    serial: String,
    issuer: String,
    label: String,
    key: String,
    server_key: String,
    enrolled_at: i64,
}

impl Drop for Stored {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

impl PushToken {
    /// The origin of the server the token enrolled with (`https://pi.example.com`), as the user
    /// checks it.
    pub fn origin(&self) -> String {
        super::requests::origin_of(&self.url)
    }

    /// The bytes to seal in the vault (JSON; the keys as base64url DER).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let stored = Stored {
            kind: KIND.into(),
            url: self.url.clone(),
            serial: self.serial.clone(),
            issuer: self.issuer.clone(),
            label: self.label.clone(),
            key: URL_SAFE_NO_PAD.encode(self.key.pkcs8()),
            server_key: URL_SAFE_NO_PAD.encode(self.server_key.der()),
            enrolled_at: self.enrolled_at,
        };
        // A struct of strings and numbers always serialises.
        Zeroizing::new(serde_json::to_vec(&stored).unwrap_or_default())
    }

    /// Whether these bytes are a push token's (rather than another kind of enrollment).
    pub fn is_stored_token(bytes: &[u8]) -> bool {
        #[derive(Deserialize)]
        struct Kind {
            kind: Option<String>,
        }
        serde_json::from_slice::<Kind>(bytes).is_ok_and(|found| found.kind.as_deref() == Some(KIND))
    }

    /// Reads bytes written by [`PushToken::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<PushToken, ProtocolError> {
        let stored: Stored =
            serde_json::from_slice(bytes).map_err(|_| ProtocolError::DamagedKey)?;
        if stored.kind != KIND {
            return Err(ProtocolError::DamagedKey);
        }
        let pkcs8 = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(&stored.key)
                .map_err(|_| ProtocolError::DamagedKey)?,
        );
        let server_key = URL_SAFE_NO_PAD
            .decode(&stored.server_key)
            .map_err(|_| ProtocolError::DamagedKey)?;
        Ok(PushToken {
            key: PhoneKey::from_pkcs8(&pkcs8)?,
            server_key: ServerKey::from_der(server_key).map_err(|_| ProtocolError::DamagedKey)?,
            url: stored.url.clone(),
            serial: stored.serial.clone(),
            issuer: stored.issuer.clone(),
            label: stored.label.clone(),
            enrolled_at: stored.enrolled_at,
        })
    }
}
