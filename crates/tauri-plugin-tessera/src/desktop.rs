//! The desktops: the system key store through tessera-core, no biometric keys, and the window
//! system's content protection.

use tauri::{AppHandle, Runtime, WebviewWindow, plugin::PluginApi};
use tessera_core::vault::key_store::DesktopKeyStore;
use tessera_core::vault::{BiometricKeys, KeyStore, KeyStoreError};

pub(crate) fn init<R: Runtime, C: serde::de::DeserializeOwned>(
    app: &AppHandle<R>,
    _api: PluginApi<R, C>,
) -> crate::Result<Tessera<R>> {
    Ok(Tessera(app.clone()))
}

/// What the platform gives Tessera on this device; reach it with `app.tessera()`.
pub struct Tessera<R: Runtime>(AppHandle<R>);

impl<R: Runtime> Tessera<R> {
    /// The key store for `device` slots: the Secret Service on Linux, the Keychain on macOS, the
    /// Credential Manager on Windows. Fails with [`KeyStoreError::Unavailable`] where there is
    /// none (no desktop session). Blocks: call it off the main thread.
    pub fn key_store(&self) -> Result<Box<dyn KeyStore + Send + Sync>, KeyStoreError> {
        Ok(Box::new(DesktopKeyStore::connect()?))
    }

    /// The keys for `biometric` slots. Desktops have none, so the slot is not offered.
    pub fn biometric(&self) -> Option<Box<dyn BiometricKeys + Send + Sync>> {
        None
    }

    /// Whether this device can unlock with a strong biometric: never on a desktop.
    pub fn biometric_available(&self) -> bool {
        false
    }

    /// Turns screen protection on or off for a window, and says whether it is effective.
    ///
    /// Windows and macOS keep the window out of screenshots and recordings
    /// (`set_content_protected`); Linux desktops have no way to, so this returns `false` there and
    /// the app should say that the screen can be captured.
    pub fn set_screen_protection(
        &self,
        window: &WebviewWindow<R>,
        on: bool,
    ) -> crate::Result<bool> {
        window.set_content_protected(on)?;
        Ok(CONTENT_PROTECTION_WORKS)
    }
}

/// Whether this window system honours content protection.
const CONTENT_PROTECTION_WORKS: bool = cfg!(any(target_os = "windows", target_os = "macos"));

#[cfg(test)]
mod tests {
    use tauri::test::{MockRuntime, mock_builder, mock_context, noop_assets};
    use tauri::{App, WebviewUrl, WebviewWindowBuilder};

    use crate::TesseraExt;

    fn app() -> App<MockRuntime> {
        mock_builder()
            .plugin(crate::init())
            .build(mock_context(noop_assets()))
            .expect("the mock app builds")
    }

    #[test]
    fn a_desktop_offers_no_biometric_keys() {
        let app = app();
        assert!(app.tessera().biometric().is_none());
        assert!(!app.tessera().biometric_available());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn screen_protection_on_linux_says_it_is_not_effective() {
        let app = app();
        let window = WebviewWindowBuilder::new(&app, "main", WebviewUrl::default())
            .build()
            .unwrap();
        assert!(!app.tessera().set_screen_protection(&window, true).unwrap());
        assert!(!app.tessera().set_screen_protection(&window, false).unwrap());
    }
}
