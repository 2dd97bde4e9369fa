//! The phones: the Rust half of the plugin, and the registration of its Kotlin or Swift half.
//!
//! Android's Keystore and `BiometricPrompt` are in Kotlin (`android/`), reached through
//! [`PluginHandle::run_mobile_plugin`]; `FLAG_SECURE` is set from Rust through JNI. On iOS the
//! Keychain is used from Rust through `security-framework`; Swift (`ios/`) says whether biometrics
//! are enrolled and covers the screen.
//!
//! `run_mobile_plugin` waits for the native side to resolve, which for a biometric key means until
//! the user has answered the prompt: these calls must come from a worker thread.

use tauri::plugin::mobile::PluginInvokeError;
use tauri::{AppHandle, Runtime, WebviewWindow, plugin::PluginApi, plugin::PluginHandle};
use tessera_core::vault::{BiometricError, BiometricKeys, KeyStore, KeyStoreError};

use crate::models::{Availability, Refusal};

#[cfg(target_os = "android")]
mod android;
#[cfg(target_os = "android")]
use android as platform;
#[cfg(target_os = "ios")]
mod ios;
#[cfg(target_os = "ios")]
use ios as platform;

#[cfg(target_os = "ios")]
tauri::ios_plugin_binding!(init_plugin_tessera);

pub(crate) fn init<R: Runtime, C: serde::de::DeserializeOwned>(
    _app: &AppHandle<R>,
    api: PluginApi<R, C>,
) -> crate::Result<Tessera<R>> {
    #[cfg(target_os = "android")]
    let handle = api.register_android_plugin("app.tessera.plugin", "TesseraPlugin")?;
    #[cfg(target_os = "ios")]
    let handle = api.register_ios_plugin(init_plugin_tessera)?;
    Ok(Tessera(handle))
}

/// What the platform gives Tessera on this device; reach it with `app.tessera()`.
pub struct Tessera<R: Runtime>(PluginHandle<R>);

impl<R: Runtime> Tessera<R> {
    /// The key store for `device` slots: on Android, entries sealed by a Keystore key that needs no
    /// user authentication; on iOS, Keychain items readable while the device is unlocked, never
    /// synchronised or restored to another device. Its calls block: use it off the main thread.
    pub fn key_store(&self) -> Result<Box<dyn KeyStore + Send + Sync>, KeyStoreError> {
        Ok(Box::new(platform::PhoneKeyStore::new(self.0.clone())))
    }

    /// The keys for `biometric` slots: on Android a Keystore key per slot opened through
    /// `BiometricPrompt`, on iOS a Keychain item bound to the enrolled Face ID or Touch ID.
    /// Offered on every phone; where no biometric is enrolled, protecting a key fails with
    /// [`BiometricError::Unavailable`] (ask [`Tessera::biometric_available`] first). Its calls
    /// block until the user answers the prompt: use it off the main thread.
    pub fn biometric(&self) -> Option<Box<dyn BiometricKeys + Send + Sync>> {
        Some(Box::new(platform::PhoneBiometricKeys::new(self.0.clone())))
    }

    /// Whether a strong biometric is enrolled and usable. Blocks briefly on the native side.
    pub fn biometric_available(&self) -> bool {
        available(&self.0)
    }

    /// Turns screen protection on or off, and says whether it is effective.
    ///
    /// On Android this sets or clears `FLAG_SECURE` on the activity's window: screenshots,
    /// recordings and the Recents picture show nothing. iOS cannot block screenshots; there the
    /// app-switcher picture is covered and the screen blanked while it is recorded or mirrored,
    /// and this returns `true` for that.
    pub fn set_screen_protection(
        &self,
        window: &WebviewWindow<R>,
        on: bool,
    ) -> crate::Result<bool> {
        platform::set_screen_protection(&self.0, window, on)
    }
}

/// Asks the native side whether a strong biometric is enrolled; a failure to ask is a no.
fn available<R: Runtime>(handle: &PluginHandle<R>) -> bool {
    handle
        .run_mobile_plugin::<Availability>("biometricAvailable", ())
        .map(|reply| reply.available)
        .unwrap_or(false)
}

/// The refusal code and message of a native rejection.
fn refusal(error: &PluginInvokeError) -> (Option<Refusal>, String) {
    match error {
        PluginInvokeError::InvokeRejected(response) => (
            Refusal::from_code(response.code.as_deref()),
            response
                .message
                .clone()
                .unwrap_or_else(|| "no reason given".into()),
        ),
        other => (None, other.to_string()),
    }
}

#[cfg_attr(target_os = "ios", allow(dead_code))]
fn key_store_error(error: PluginInvokeError) -> KeyStoreError {
    let (refusal, message) = refusal(&error);
    Refusal::for_key_store(refusal, message)
}

#[cfg_attr(target_os = "ios", allow(dead_code))]
fn biometric_error(error: PluginInvokeError) -> BiometricError {
    let (refusal, message) = refusal(&error);
    Refusal::for_biometric(refusal, message)
}
