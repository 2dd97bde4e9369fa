//! The desktop key store through keyring-core: Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows.

use std::sync::Arc;

use keyring_core::{CredentialStore, Error};
use zeroize::Zeroizing;

use super::{KeyStore, KeyStoreError};

/// The service name Tessera's entries are saved under.
const SERVICE: &str = "Tessera";

/// The platform's key store on a desktop.
pub struct DesktopKeyStore {
    store: Arc<CredentialStore>,
    name: &'static str,
}

impl DesktopKeyStore {
    /// Connects to the platform's key store. Fails with [`KeyStoreError::Unavailable`] where there
    /// is none (no D-Bus session or no Secret Service on Linux, for example).
    pub fn connect() -> Result<DesktopKeyStore, KeyStoreError> {
        platform_store()
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<DesktopKeyStore, KeyStoreError> {
    let store = zbus_secret_service_keyring_store::Store::new()
        .map_err(|error| KeyStoreError::Unavailable(describe(&error)))?;
    Ok(DesktopKeyStore {
        store,
        name: "Secret Service",
    })
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<DesktopKeyStore, KeyStoreError> {
    let store = apple_native_keyring_store::keychain::Store::new()
        .map_err(|error| KeyStoreError::Unavailable(describe(&error)))?;
    Ok(DesktopKeyStore {
        store,
        name: "Keychain",
    })
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<DesktopKeyStore, KeyStoreError> {
    let store = windows_native_keyring_store::Store::new()
        .map_err(|error| KeyStoreError::Unavailable(describe(&error)))?;
    Ok(DesktopKeyStore {
        store,
        name: "Credential Manager",
    })
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<DesktopKeyStore, KeyStoreError> {
    Err(KeyStoreError::Unavailable(
        "this system has no supported key store".into(),
    ))
}

/// A short description of a keyring error; never contains a secret (keyring errors carry none,
/// except `BadEncoding`, which is not shown).
fn describe(error: &Error) -> String {
    match error {
        Error::BadEncoding(_) => "an entry is not in the expected form".into(),
        other => other.to_string(),
    }
}

fn classify(error: Error) -> KeyStoreError {
    match error {
        Error::NoEntry => KeyStoreError::Missing,
        Error::NoStorageAccess(_) => KeyStoreError::Refused(describe(&error)),
        Error::PlatformFailure(_) | Error::NoDefaultStore => {
            KeyStoreError::Unavailable(describe(&error))
        }
        other => KeyStoreError::Failed(describe(&other)),
    }
}

impl DesktopKeyStore {
    fn entry(&self, entry: &str) -> Result<keyring_core::Entry, KeyStoreError> {
        self.store.build(SERVICE, entry, None).map_err(classify)
    }
}

impl KeyStore for DesktopKeyStore {
    fn name(&self) -> &str {
        self.name
    }

    fn save(&self, entry: &str, key: &[u8]) -> Result<(), KeyStoreError> {
        self.entry(entry)?.set_secret(key).map_err(classify)
    }

    fn load(&self, entry: &str) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        self.entry(entry)?
            .get_secret()
            .map(Zeroizing::new)
            .map_err(classify)
    }

    fn delete(&self, entry: &str) -> Result<(), KeyStoreError> {
        match self.entry(entry)?.delete_credential() {
            Ok(()) | Err(Error::NoEntry) => Ok(()),
            Err(error) => Err(classify(error)),
        }
    }
}
