//! What the app asks of the platform beyond the web view: the key store of device slots, the
//! biometric keys, screen protection. All of it comes through Tessera's native plugin
//! (`crates/tauri-plugin-tessera`), so the commands stay the same on every platform.
//!
//! The key store and biometric calls block until the platform answers (on a phone, until the user
//! has answered the prompt): they are made from the vault's opening thread and from async
//! commands, never from the main thread.

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_tessera::TesseraExt;
use tessera_core::vault::{BiometricKeys, KeyStore};

use crate::error::{AppError, ErrorCode};

/// The key store of device slots.
pub fn key_store<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<Box<dyn KeyStore + Send + Sync>, AppError> {
    app.tessera()
        .key_store()
        .map_err(|error| AppError::with(ErrorCode::KeyStore, error))
}

/// The biometric keys of biometric slots, where the platform has them.
pub fn biometric<R: Runtime>(app: &AppHandle<R>) -> Option<Box<dyn BiometricKeys + Send + Sync>> {
    app.tessera().biometric()
}

/// Whether this device can offer biometric unlock.
pub fn biometric_available<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.tessera().biometric_available()
}

/// Keeps the window out of screenshots and screen recordings where the platform allows it.
/// Returns whether it does here (Linux cannot).
pub fn protect_screen<R: Runtime>(app: &AppHandle<R>, on: bool) -> bool {
    let Some(window) = app.get_webview_window("main") else {
        return false;
    };
    app.tessera()
        .set_screen_protection(&window, on)
        .unwrap_or(false)
}

/// Whether this platform can keep the window out of screenshots.
pub fn screen_protection_works() -> bool {
    !cfg!(target_os = "linux")
}
