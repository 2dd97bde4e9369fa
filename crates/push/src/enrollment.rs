//! What a device keeps for one server it is enrolled with: the server, its pinned key, the
//! device's id there and the device's private key. Turned into bytes for the vault to seal.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{ProtocolError, PublicKey, SigningKey};

/// One enrollment. `Debug` shows the device key's thumbprint, never the key.
#[derive(Debug)]
pub struct Enrollment {
    /// The server's origin.
    pub server: String,
    /// The server's key, pinned by the enrollment link.
    pub server_key: PublicKey,
    /// The device's id at the server.
    pub device_id: String,
    /// The relying party's name.
    pub relying_party: String,
    /// The user's account at the relying party.
    pub account: String,
    /// The name the device gave itself.
    pub device_name: String,
    /// The device's private key.
    pub key: SigningKey,
    /// When it was enrolled (Unix seconds).
    pub enrolled_at: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    server: String,
    server_key: PublicKey,
    device_id: String,
    relying_party: String,
    account: String,
    device_name: String,
    key: String,
    enrolled_at: i64,
}

impl Drop for Stored {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

impl Enrollment {
    /// The bytes to seal in the vault (JSON; the private key as base64url PKCS#8).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let stored = Stored {
            server: self.server.clone(),
            server_key: self.server_key.clone(),
            device_id: self.device_id.clone(),
            relying_party: self.relying_party.clone(),
            account: self.account.clone(),
            device_name: self.device_name.clone(),
            key: URL_SAFE_NO_PAD.encode(self.key.pkcs8()),
            enrolled_at: self.enrolled_at,
        };
        // A struct of strings and numbers always serialises.
        Zeroizing::new(serde_json::to_vec(&stored).unwrap_or_default())
    }

    /// Reads bytes written by [`Enrollment::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Enrollment, ProtocolError> {
        let stored: Stored =
            serde_json::from_slice(bytes).map_err(|_| ProtocolError::DamagedKey)?;
        let pkcs8 = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(&stored.key)
                .map_err(|_| ProtocolError::DamagedKey)?,
        );
        Ok(Enrollment {
            key: SigningKey::from_pkcs8(&pkcs8)?,
            server: stored.server.clone(),
            server_key: stored.server_key.clone(),
            device_id: stored.device_id.clone(),
            relying_party: stored.relying_party.clone(),
            account: stored.account.clone(),
            device_name: stored.device_name.clone(),
            enrolled_at: stored.enrolled_at,
        })
    }
}

/// The name a device gives itself when the user gives none: `program` on the computer's host name
/// where there is one (`tessera on laptop`), else `program` alone (a phone has no host name).
pub fn default_device_name(program: &str) -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty());
    match host {
        Some(host) => format!("{program} on {host}"),
        None => program.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrollment_survives_its_bytes() {
        let server = SigningKey::generate().unwrap();
        let enrollment = Enrollment {
            server: "https://a.example".into(),
            server_key: server.public_key().clone(),
            device_id: "dev_1".into(),
            relying_party: "Demo shop".into(),
            account: "alice".into(),
            device_name: "laptop".into(),
            key: SigningKey::generate().unwrap(),
            enrolled_at: 1_700_000_000,
        };
        let again = Enrollment::from_bytes(&enrollment.to_bytes()).unwrap();
        assert_eq!(again.key.public_key(), enrollment.key.public_key());
        assert_eq!(again.device_id, "dev_1");
        assert!(Enrollment::from_bytes(b"{}").is_err());
        assert!(
            !format!("{enrollment:?}").contains(&URL_SAFE_NO_PAD.encode(enrollment.key.pkcs8()))
        );
    }
}
