//! iOS: the Keychain from Rust through `security-framework`; the cover and the biometric check
//! of the enrolment in Swift.
//!
//! Both kinds of key are generic-password items, never synchronised to iCloud nor restored to
//! another device (`ThisDeviceOnly`). A `device` slot's key is readable while the device is
//! unlocked. A `biometric` slot's key is bound to the biometrics enrolled now
//! (`.biometryCurrentSet`): reading it makes iOS show Face ID or Touch ID, and a change of the
//! enrolled fingers or face makes it unreadable, which the slot reports as invalidated.

use security_framework::access_control::{ProtectionMode, SecAccessControl};
use security_framework::base::Error as KeychainError;
use security_framework::passwords::{
    delete_generic_password_options, generic_password, set_generic_password_options,
};
use security_framework::passwords_options::{AccessControlOptions, PasswordOptions};
use tauri::{Runtime, WebviewWindow, plugin::PluginHandle};
use tessera_core::vault::{BiometricError, BiometricKeys, KeyStore, KeyStoreError};
use zeroize::Zeroizing;

use super::available;
use crate::models::Protection;

/// The Keychain service of `device` slot keys (the desktop key store uses the same name).
const KEY_STORE_SERVICE: &str = "Tessera";
/// The Keychain service of `biometric` slot keys, apart so that entry names never collide.
const BIOMETRIC_SERVICE: &str = "Tessera biometric";

/// `errSecItemNotFound`.
const ITEM_NOT_FOUND: i32 = -25300;
/// `errSecUserCanceled`.
const USER_CANCELED: i32 = -128;
/// `errSecAuthFailed`: the biometric check failed (too many tries), or on writing, no biometry.
const AUTH_FAILED: i32 = -25293;
/// `errSecInteractionNotAllowed`: the device is locked.
const INTERACTION_NOT_ALLOWED: i32 = -25308;

/// `device` slot keys as Keychain items readable while the device is unlocked.
pub(crate) struct PhoneKeyStore;

impl PhoneKeyStore {
    pub(crate) fn new<R: Runtime>(_handle: PluginHandle<R>) -> Self {
        PhoneKeyStore
    }
}

impl KeyStore for PhoneKeyStore {
    fn name(&self) -> &str {
        "Keychain"
    }

    fn save(&self, entry: &str, key: &[u8]) -> Result<(), KeyStoreError> {
        write(
            KEY_STORE_SERVICE,
            entry,
            key,
            ProtectionMode::AccessibleWhenUnlockedThisDeviceOnly,
            AccessControlOptions::empty(),
        )
        .map_err(key_store_error)
    }

    fn load(&self, entry: &str) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        read(KEY_STORE_SERVICE, entry).map_err(key_store_error)
    }

    fn delete(&self, entry: &str) -> Result<(), KeyStoreError> {
        remove(KEY_STORE_SERVICE, entry).map_err(key_store_error)
    }
}

/// `biometric` slot keys as Keychain items bound to the enrolled biometrics.
pub(crate) struct PhoneBiometricKeys<R: Runtime>(PluginHandle<R>);

impl<R: Runtime> PhoneBiometricKeys<R> {
    pub(crate) fn new(handle: PluginHandle<R>) -> Self {
        PhoneBiometricKeys(handle)
    }
}

impl<R: Runtime> BiometricKeys for PhoneBiometricKeys<R> {
    /// Stores the key in the Keychain; the Keychain keeps it, so the slot keeps nothing.
    fn protect(&self, entry: &str, key: &[u8]) -> Result<Vec<u8>, BiometricError> {
        // Adding a `.biometryCurrentSet` item asks for nothing, so ask first whether any
        // biometric is enrolled rather than make a slot that can never open.
        if !available(&self.0) {
            return Err(BiometricError::Unavailable);
        }
        write(
            BIOMETRIC_SERVICE,
            entry,
            key,
            ProtectionMode::AccessibleWhenPasscodeSetThisDeviceOnly,
            AccessControlOptions::BIOMETRY_CURRENT_SET,
        )
        .map_err(|error| match error.code() {
            AUTH_FAILED => BiometricError::Unavailable,
            _ => BiometricError::Failed(describe(error)),
        })?;
        Ok(Vec::new())
    }

    /// Reads the key; iOS shows Face ID or Touch ID first (with the app's
    /// `NSFaceIDUsageDescription`).
    fn release(&self, entry: &str, _kept: &[u8]) -> Result<Zeroizing<Vec<u8>>, BiometricError> {
        read(BIOMETRIC_SERVICE, entry).map_err(|error| match error.code() {
            ITEM_NOT_FOUND => BiometricError::Invalidated,
            USER_CANCELED | AUTH_FAILED => BiometricError::Cancelled,
            _ => BiometricError::Failed(describe(error)),
        })
    }

    fn delete(&self, entry: &str) -> Result<(), BiometricError> {
        remove(BIOMETRIC_SERVICE, entry).map_err(|error| BiometricError::Failed(describe(error)))
    }
}

/// Covers the app-switcher picture and blanks a recorded or mirrored screen (Swift); iOS offers no
/// way to block screenshots.
pub(crate) fn set_screen_protection<R: Runtime>(
    handle: &PluginHandle<R>,
    _window: &WebviewWindow<R>,
    on: bool,
) -> crate::Result<bool> {
    handle.run_mobile_plugin::<()>("setScreenProtection", Protection { on })?;
    Ok(true)
}

/// Replaces the item: deleted first, as an update would keep the old item's access control.
fn write(
    service: &str,
    entry: &str,
    key: &[u8],
    protection: ProtectionMode,
    constraints: AccessControlOptions,
) -> Result<(), KeychainError> {
    remove(service, entry)?;
    let access = SecAccessControl::create_with_protection(Some(protection), constraints.bits())?;
    let mut options = PasswordOptions::new_generic_password(service, entry);
    options.set_access_control(access);
    set_generic_password_options(key, options)
}

fn read(service: &str, entry: &str) -> Result<Zeroizing<Vec<u8>>, KeychainError> {
    generic_password(PasswordOptions::new_generic_password(service, entry)).map(Zeroizing::new)
}

/// Deletes the item; a missing item is already deleted.
fn remove(service: &str, entry: &str) -> Result<(), KeychainError> {
    match delete_generic_password_options(PasswordOptions::new_generic_password(service, entry)) {
        Err(error) if error.code() == ITEM_NOT_FOUND => Ok(()),
        other => other,
    }
}

fn key_store_error(error: KeychainError) -> KeyStoreError {
    match error.code() {
        ITEM_NOT_FOUND => KeyStoreError::Missing,
        INTERACTION_NOT_ALLOWED => KeyStoreError::Refused("the device is locked".into()),
        _ => KeyStoreError::Failed(describe(error)),
    }
}

/// The Keychain's message for an error, with its code.
fn describe(error: KeychainError) -> String {
    match error.message() {
        Some(message) => format!("{message} ({})", error.code()),
        None => format!("Keychain error {}", error.code()),
    }
}
