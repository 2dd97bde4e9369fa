//! The messages between the plugin's Rust and its Kotlin and Swift parts, and what their refusals
//! mean to tessera-core.
//!
//! Bytes cross as standard base64 (Kotlin's `Base64.NO_WRAP`). A native refusal carries one of
//! the codes in [`Refusal`], so that the errors the vault shows ("cancelled", "biometrics changed")
//! do not depend on the wording of a platform message.

// Only the phones exchange these messages (the desktop builds them in tests only); the keys cross
// to Kotlin only, the screen protection to Swift only.
#![cfg_attr(desktop, allow(dead_code))]

use base64::{Engine, engine::general_purpose::STANDARD};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tessera_core::vault::{BiometricError, KeyStoreError};
use zeroize::Zeroizing;

/// Names an entry of the key store or a biometric key.
#[cfg_attr(target_os = "ios", allow(dead_code))]
#[derive(Serialize)]
pub(crate) struct Entry<'a> {
    pub entry: &'a str,
}

/// A key to keep under an entry (saved in the key store, or protected by a biometric key).
#[cfg_attr(target_os = "ios", allow(dead_code))]
#[derive(Serialize)]
pub(crate) struct Keep<'a> {
    pub entry: &'a str,
    #[serde(serialize_with = "as_base64")]
    pub key: &'a [u8],
}

/// What a biometric slot kept, handed back to have its key released.
#[cfg_attr(target_os = "ios", allow(dead_code))]
#[derive(Serialize)]
pub(crate) struct Release<'a> {
    pub entry: &'a str,
    #[serde(serialize_with = "as_base64")]
    pub kept: &'a [u8],
}

/// A key handed back by the native side.
#[cfg_attr(target_os = "ios", allow(dead_code))]
#[derive(Deserialize)]
pub(crate) struct Key {
    #[serde(deserialize_with = "from_base64")]
    pub key: Zeroizing<Vec<u8>>,
}

/// What a biometric slot must keep (on Android `iv || ciphertext`).
#[cfg_attr(target_os = "ios", allow(dead_code))]
#[derive(Deserialize)]
pub(crate) struct Kept {
    #[serde(deserialize_with = "from_base64")]
    pub kept: Zeroizing<Vec<u8>>,
}

/// Whether a strong biometric is enrolled and usable.
#[derive(Deserialize)]
pub(crate) struct Availability {
    pub available: bool,
}

/// Screen protection on or off (the iOS cover).
#[cfg_attr(target_os = "android", allow(dead_code))]
#[derive(Serialize)]
pub(crate) struct Protection {
    pub on: bool,
}

#[cfg_attr(target_os = "ios", allow(dead_code))]
fn as_base64<S: Serializer>(bytes: &&[u8], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&Zeroizing::new(STANDARD.encode(bytes)))
}

#[cfg_attr(target_os = "ios", allow(dead_code))]
fn from_base64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Zeroizing<Vec<u8>>, D::Error> {
    let text = Zeroizing::new(String::deserialize(deserializer)?);
    STANDARD
        .decode(text.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| serde::de::Error::custom("the native side sent a key that is not base64"))
}

/// Why the native side refused, as the code it rejects with (`invoke.reject(message, code)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// `"unavailable"`: no key store or no enrolled strong biometric.
    Unavailable,
    /// `"missing"`: no entry under that name.
    Missing,
    /// `"refused"`: the store is locked or denied access.
    Refused,
    /// `"cancelled"`: the user cancelled the prompt, or it failed too often.
    Cancelled,
    /// `"invalidated"`: the key was invalidated (new biometric enrolment, lock screen removed).
    Invalidated,
}

impl Refusal {
    /// The refusal a code names; `None` for an unexpected failure.
    pub fn from_code(code: Option<&str>) -> Option<Refusal> {
        match code? {
            "unavailable" => Some(Refusal::Unavailable),
            "missing" => Some(Refusal::Missing),
            "refused" => Some(Refusal::Refused),
            "cancelled" => Some(Refusal::Cancelled),
            "invalidated" => Some(Refusal::Invalidated),
            _ => None,
        }
    }

    /// What a refusal means for a `device` slot's key store.
    pub fn for_key_store(refusal: Option<Refusal>, message: String) -> KeyStoreError {
        match refusal {
            Some(Refusal::Missing) => KeyStoreError::Missing,
            Some(Refusal::Unavailable) => KeyStoreError::Unavailable(message),
            // A key store key that is gone is an entry that can no longer be read.
            Some(Refusal::Invalidated) => KeyStoreError::Missing,
            Some(Refusal::Refused | Refusal::Cancelled) => KeyStoreError::Refused(message),
            None => KeyStoreError::Failed(message),
        }
    }

    /// What a refusal means for a `biometric` slot.
    pub fn for_biometric(refusal: Option<Refusal>, message: String) -> BiometricError {
        match refusal {
            Some(Refusal::Unavailable) => BiometricError::Unavailable,
            Some(Refusal::Cancelled | Refusal::Refused) => BiometricError::Cancelled,
            // A biometric key that is missing was deleted with the lock screen or the app data:
            // the slot can no longer be opened, which is what Invalidated tells the user.
            Some(Refusal::Invalidated | Refusal::Missing) => BiometricError::Invalidated,
            None => BiometricError::Failed(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cross_as_base64_both_ways() {
        let sent = serde_json::to_value(Keep {
            entry: "vault slot 1",
            key: &[0, 1, 254, 255],
        })
        .unwrap();
        assert_eq!(
            sent,
            serde_json::json!({ "entry": "vault slot 1", "key": "AAH+/w==" })
        );
        let back: Key = serde_json::from_value(serde_json::json!({ "key": "AAH+/w==" })).unwrap();
        assert_eq!(back.key.as_slice(), &[0, 1, 254, 255]);
    }

    #[test]
    fn a_reply_that_is_not_base64_is_refused() {
        let reply = serde_json::from_value::<Kept>(serde_json::json!({ "kept": "not base64!" }));
        assert!(reply.is_err());
    }

    #[test]
    fn an_invalidated_biometric_key_is_said_as_such() {
        let refusal = Refusal::from_code(Some("invalidated"));
        assert_eq!(
            Refusal::for_biometric(refusal, "KeyPermanentlyInvalidatedException".into()),
            BiometricError::Invalidated
        );
    }

    #[test]
    fn a_cancelled_prompt_is_cancelled_not_failed() {
        let refusal = Refusal::from_code(Some("cancelled"));
        assert_eq!(
            Refusal::for_biometric(refusal, "user cancelled".into()),
            BiometricError::Cancelled
        );
    }

    #[test]
    fn an_unknown_code_is_a_failure_with_the_platform_message() {
        let refusal = Refusal::from_code(Some("ProviderException"));
        assert_eq!(
            Refusal::for_key_store(refusal, "keystore broke".into()),
            KeyStoreError::Failed("keystore broke".into())
        );
    }

    #[test]
    fn a_missing_entry_is_missing() {
        let refusal = Refusal::from_code(Some("missing"));
        assert_eq!(
            Refusal::for_key_store(refusal, "no entry".into()),
            KeyStoreError::Missing
        );
    }
}
