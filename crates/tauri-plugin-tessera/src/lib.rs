//! Tessera's native plugin: what only the platform can do, behind tessera-core's traits.
//!
//! The app asks the plugin for three things, all from Rust:
//! - a [`KeyStore`] for `device` slots: the desktop's key store (Secret Service, Keychain,
//!   Credential Manager), on Android a Keystore key that seals the entries, on iOS the Keychain;
//! - [`BiometricKeys`] for `biometric` slots, on the phones only: an Android Keystore key that
//!   opens after `BiometricPrompt`, an iOS Keychain item bound to the enrolled Face ID or Touch ID;
//! - screen protection: no screenshots, recordings or app-switcher pictures of the codes.
//!
//! It holds no vault logic (that is tessera-core) and no UI. Where the platform's API can be
//! called from Rust it is (the iOS Keychain through `security-framework`, Android's `FLAG_SECURE`
//! through JNI), so that the phones' type-check covers it; Kotlin and Swift are kept to what needs
//! an Activity or the app's lifecycle (`BiometricPrompt`, the Android Keystore, the iOS cover).
//! The platform differences sit in `desktop.rs` and `mobile/`.
//!
//! The key store and biometric calls block until the platform answers (on the phones, until the
//! native side resolves, which may mean a biometric prompt): call them from a worker thread, never
//! on the main thread, where they would wait for themselves.
//!
//! [`KeyStore`]: tessera_core::vault::key_store::KeyStore
//! [`BiometricKeys`]: tessera_core::vault::BiometricKeys

use tauri::{
    Manager, Runtime,
    plugin::{Builder, TauriPlugin},
};

mod commands;
#[cfg(desktop)]
mod desktop;
mod error;
#[cfg(mobile)]
mod mobile;
mod models;

#[cfg(desktop)]
pub use desktop::Tessera;
pub use error::{Error, Result};
#[cfg(mobile)]
pub use mobile::Tessera;

/// Gives [`tauri::App`], [`tauri::AppHandle`], windows and web views the plugin's
/// [`Tessera`] as `app.tessera()`.
pub trait TesseraExt<R: Runtime> {
    /// The platform's key store, biometric keys and screen protection.
    fn tessera(&self) -> &Tessera<R>;
}

impl<R: Runtime, T: Manager<R>> TesseraExt<R> for T {
    fn tessera(&self) -> &Tessera<R> {
        self.state::<Tessera<R>>().inner()
    }
}

/// The plugin, to hand to `tauri::Builder::plugin`.
pub fn init<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("tessera")
        .invoke_handler(tauri::generate_handler![commands::biometric_available])
        .setup(|app, api| {
            #[cfg(mobile)]
            let tessera = mobile::init(app, api)?;
            #[cfg(desktop)]
            let tessera = desktop::init(app, api)?;
            app.manage(tessera);
            Ok(())
        })
        .build()
}
