//! Where a `device` slot's key lives: the platform's key store, behind one trait.
//!
//! On desktops that is the system key store through keyring-core ([`DesktopKeyStore`]: the
//! Secret Service on Linux, the Keychain on macOS, the Credential Manager on Windows). The phones'
//! stores (Android Keystore, iOS Keychain) come through the app's native plugin and implement the
//! same trait.

#[cfg(not(any(target_os = "android", target_os = "ios")))]
mod desktop;

#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub use desktop::DesktopKeyStore;

use zeroize::Zeroizing;

/// Why the key store could not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyStoreError {
    /// There is no key store here (a server, a container, no desktop session).
    #[error("no key store is available here ({0})")]
    Unavailable(String),
    /// The key store has no entry with that name.
    #[error("the key store has no such entry")]
    Missing,
    /// The key store is locked, or refused access.
    #[error(
        "the key store refused access ({0}): unlock it (log in to the desktop session) and try again"
    )]
    Refused(String),
    /// Anything else the key store reported.
    #[error("the key store failed: {0}")]
    Failed(String),
}

/// A store for the keys of `device` slots, kept outside the vault file.
pub trait KeyStore {
    /// The name of the store, for messages ("Secret Service").
    fn name(&self) -> &str;
    /// Saves a key under a name, replacing any key saved under it before.
    fn save(&self, entry: &str, key: &[u8]) -> Result<(), KeyStoreError>;
    /// Loads the key saved under a name.
    fn load(&self, entry: &str) -> Result<Zeroizing<Vec<u8>>, KeyStoreError>;
    /// Deletes the key saved under a name; deleting a missing entry is not an error.
    fn delete(&self, entry: &str) -> Result<(), KeyStoreError>;
}
