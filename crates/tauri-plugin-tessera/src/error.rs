//! The plugin's own errors. Key stores and biometric keys report through tessera-core's
//! `KeyStoreError` and `BiometricError`; this is for the rest (screen protection).

use serde::{Serialize, Serializer};

/// What went wrong in the plugin outside the key stores.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The window could not be reached or changed.
    #[error("the window could not be changed: {0}")]
    Window(#[from] tauri::Error),
    /// The native part of the plugin (Kotlin on Android, Swift on iOS) failed or refused.
    #[cfg(mobile)]
    #[error("the native part of the plugin failed: {0}")]
    Native(#[from] tauri::plugin::mobile::PluginInvokeError),
}

/// The plugin's results.
pub type Result<T> = std::result::Result<T, Error>;

/// Crosses to the web view as its message.
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}
