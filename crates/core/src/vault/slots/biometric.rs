//! `biometric` slots: the slot key is random, protected by a platform key that the operating system
//! uses only after a strong biometric check.
//!
//! On Android that is a Keystore AES-256-GCM key that requires user authentication
//! (`AUTH_BIOMETRIC_STRONG`, invalidated when a new fingerprint or face is enrolled), used through
//! `BiometricPrompt` with a `CryptoObject`; on iOS a Keychain item with `.biometryCurrentSet` and
//! `ThisDeviceOnly`. Both come through Tessera's native plugin as a [`BiometricKeys`]. Desktops have
//! no such store, and there the slot is not offered.
//!
//! The slot stores the entry's name and what the platform handed back when it protected the key
//! (on Android the sealed key; on iOS nothing, as the Keychain keeps it). Unlocking is a real
//! unwrap: the platform releases the slot key, which opens the vault key. A platform key that was
//! invalidated is said as such and never silently replaced: the way back is the password or the
//! recovery code, then turning biometrics on again.

use zeroize::Zeroizing;

use super::{Credential, Kind, MadeSlot, NewSlot, Platform, SlotKey, SlotKind, key_from};
use crate::vault::VaultError;

/// Why the platform did not protect or release a key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BiometricError {
    /// There are no biometrics here, or none are enrolled.
    #[error(
        "this device has no biometrics set up: set up a fingerprint or face in the system settings"
    )]
    Unavailable,
    /// The user cancelled the prompt, or it failed too often.
    #[error("the biometric check was cancelled: try again, or unlock with your password")]
    Cancelled,
    /// The platform key is gone: biometrics were changed since the slot was made.
    #[error(
        "the fingerprints or faces on this device changed since biometric unlock was turned on, so \
         the device no longer releases its key: unlock with your password or recovery code, then \
         turn biometric unlock on again"
    )]
    Invalidated,
    /// Anything else the platform reported.
    #[error("the biometric key store failed: {0}")]
    Failed(String),
}

/// The platform's keys that are used only after a biometric check.
pub trait BiometricKeys {
    /// Protects a slot key under a new platform key named `entry` (this may ask for a biometric
    /// check), and returns what the slot must keep to have it released again.
    fn protect(&self, entry: &str, key: &[u8]) -> Result<Vec<u8>, BiometricError>;
    /// Asks for a biometric check and releases the slot key.
    fn release(&self, entry: &str, kept: &[u8]) -> Result<Zeroizing<Vec<u8>>, BiometricError>;
    /// Deletes the platform key; deleting a missing one is not an error.
    fn delete(&self, entry: &str) -> Result<(), BiometricError>;
}

pub(crate) struct BiometricKind;
pub(crate) static BIOMETRIC: BiometricKind = BiometricKind;

impl Kind for BiometricKind {
    fn name(&self) -> &'static str {
        "biometric"
    }

    fn words(&self) -> &'static str {
        "your fingerprint or face"
    }

    fn forget(&self, params: &[u8], platform: &Platform<'_>) {
        if let (Some(keys), Some((entry, _))) = (platform.biometric, split(params)) {
            let _ = keys.delete(entry);
        }
    }

    // A re-key asks for one biometric check to have the slot key released, and wraps the new
    // vault key under it; where there are no biometric keys (a desktop) the slot cannot stay.
    fn offered_by<'a>(&self, platform: &Platform<'a>) -> Option<Box<dyn Credential + 'a>> {
        platform
            .biometric
            .map(|keys| Box::new(Biometric(keys)) as Box<dyn Credential + 'a>)
    }
}

/// The stored form: the entry's name, a zero byte, what the platform keeps.
fn split(params: &[u8]) -> Option<(&str, &[u8])> {
    let at = params.iter().position(|&byte| byte == 0)?;
    let entry = std::str::from_utf8(&params[..at]).ok()?;
    Some((entry, &params[at + 1..]))
}

/// Unlocking with a biometric check.
pub struct Biometric<'a>(pub &'a dyn BiometricKeys);

impl Credential for Biometric<'_> {
    fn kind(&self) -> SlotKind {
        SlotKind::Biometric
    }

    fn slot_key(&self, params: &[u8]) -> Result<SlotKey, VaultError> {
        let (entry, kept) =
            split(params).ok_or(VaultError::Biometric(BiometricError::Invalidated))?;
        let bytes = self.0.release(entry, kept)?;
        key_from(&bytes).ok_or(VaultError::Biometric(BiometricError::Invalidated))
    }

    fn refused(&self) -> VaultError {
        VaultError::Biometric(BiometricError::Invalidated)
    }
}

/// A new biometric slot, its key protected by a new platform key.
pub struct NewBiometric<'a>(pub &'a dyn BiometricKeys);

impl NewSlot for NewBiometric<'_> {
    fn kind(&self) -> SlotKind {
        SlotKind::Biometric
    }

    fn make(&self, entry: &str) -> Result<MadeSlot, VaultError> {
        let key = SlotKey::random()?;
        let kept = self.0.protect(entry, key.as_bytes())?;
        let mut params = entry.as_bytes().to_vec();
        params.push(0);
        params.extend_from_slice(&kept);
        Ok(MadeSlot {
            params,
            key,
            recovery_code: None,
        })
    }

    fn undo(&self, entry: &str) {
        let _ = self.0.delete(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_form_keeps_the_entry_and_what_the_platform_kept() {
        assert_eq!(
            split(b"vault 1 slot 2\0\x01\x00\x02"),
            Some(("vault 1 slot 2", &b"\x01\x00\x02"[..]))
        );
        assert_eq!(split(b"no separator"), None);
    }
}
