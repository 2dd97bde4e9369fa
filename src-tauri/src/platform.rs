//! What the app asks of the platform beyond the web view: the key store of device slots, the
//! biometric keys, screen protection. Everything platform-specific comes through here, so the
//! commands stay the same on every platform.

use tessera_core::vault::{BiometricKeys, KeyStore};

use crate::error::AppError;

/// The key store of device slots.
pub fn key_store<R: tauri::Runtime>(
    _app: &tauri::AppHandle<R>,
) -> Result<Box<dyn KeyStore + Send + Sync>, AppError> {
    #[cfg(not(mobile))]
    {
        let store = tessera_core::vault::key_store::DesktopKeyStore::connect()
            .map_err(|error| AppError::with("key_store", error))?;
        Ok(Box::new(store))
    }
    #[cfg(mobile)]
    {
        Err(AppError::with(
            "key_store",
            tessera_core::vault::KeyStoreError::Unavailable(
                "the phone's key store is not connected yet".into(),
            ),
        ))
    }
}

/// The biometric keys of biometric slots, where the platform has them.
pub fn biometric<R: tauri::Runtime>(
    _app: &tauri::AppHandle<R>,
) -> Option<Box<dyn BiometricKeys + Send + Sync>> {
    None
}

/// Keeps the window out of screenshots and screen recordings where the platform allows it.
/// Returns whether it does here (Linux cannot).
pub fn protect_screen<R: tauri::Runtime>(app: &tauri::AppHandle<R>, on: bool) -> bool {
    use tauri::Manager;
    let Some(window) = app.get_webview_window("main") else {
        return false;
    };
    let _ = window.set_content_protected(on);
    screen_protection_works()
}

/// Whether this platform can keep the window out of screenshots.
pub fn screen_protection_works() -> bool {
    !cfg!(target_os = "linux")
}
