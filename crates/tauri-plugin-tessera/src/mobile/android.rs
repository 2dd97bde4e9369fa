//! Android: the Keystore through the plugin's Kotlin, `FLAG_SECURE` through JNI.

use jni::JNIEnv;
use jni::objects::{JObject, JValue};
use tauri::{Runtime, WebviewWindow, plugin::PluginHandle};
use tessera_core::vault::{BiometricError, BiometricKeys, KeyStore, KeyStoreError};
use zeroize::Zeroizing;

use super::{biometric_error, key_store_error};
use crate::models::{Entry, Keep, Kept, Key, Release};

/// `WindowManager.LayoutParams.FLAG_SECURE`.
const FLAG_SECURE: i32 = 0x2000;

/// `device` slot keys, AES-256-GCM-sealed by a Keystore key that needs no user authentication;
/// Kotlin keeps the sealed bytes in the app's private SharedPreferences.
pub(crate) struct PhoneKeyStore<R: Runtime>(PluginHandle<R>);

impl<R: Runtime> PhoneKeyStore<R> {
    pub(crate) fn new(handle: PluginHandle<R>) -> Self {
        PhoneKeyStore(handle)
    }
}

impl<R: Runtime> KeyStore for PhoneKeyStore<R> {
    fn name(&self) -> &str {
        "Android Keystore"
    }

    fn save(&self, entry: &str, key: &[u8]) -> Result<(), KeyStoreError> {
        self.0
            .run_mobile_plugin::<()>("saveKey", Keep { entry, key })
            .map_err(key_store_error)
    }

    fn load(&self, entry: &str) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        self.0
            .run_mobile_plugin::<Key>("loadKey", Entry { entry })
            .map(|reply| reply.key)
            .map_err(key_store_error)
    }

    fn delete(&self, entry: &str) -> Result<(), KeyStoreError> {
        self.0
            .run_mobile_plugin::<()>("deleteKey", Entry { entry })
            .map_err(key_store_error)
    }
}

/// `biometric` slot keys, sealed by a Keystore key per slot that opens only through
/// `BiometricPrompt` with a strong biometric.
pub(crate) struct PhoneBiometricKeys<R: Runtime>(PluginHandle<R>);

impl<R: Runtime> PhoneBiometricKeys<R> {
    pub(crate) fn new(handle: PluginHandle<R>) -> Self {
        PhoneBiometricKeys(handle)
    }
}

impl<R: Runtime> BiometricKeys for PhoneBiometricKeys<R> {
    fn protect(&self, entry: &str, key: &[u8]) -> Result<Vec<u8>, BiometricError> {
        self.0
            .run_mobile_plugin::<Kept>("protectKey", Keep { entry, key })
            .map(|reply| reply.kept.to_vec())
            .map_err(biometric_error)
    }

    fn release(&self, entry: &str, kept: &[u8]) -> Result<Zeroizing<Vec<u8>>, BiometricError> {
        self.0
            .run_mobile_plugin::<Key>("releaseKey", Release { entry, kept })
            .map(|reply| reply.key)
            .map_err(biometric_error)
    }

    fn delete(&self, entry: &str) -> Result<(), BiometricError> {
        self.0
            .run_mobile_plugin::<()>("deleteBiometricKey", Entry { entry })
            .map_err(biometric_error)
    }
}

/// Sets or clears `FLAG_SECURE` on the activity's window, on the UI thread. It returns once the
/// change is queued (it must not wait: it may be called on the main thread).
pub(crate) fn set_screen_protection<R: Runtime>(
    _handle: &PluginHandle<R>,
    window: &WebviewWindow<R>,
    on: bool,
) -> crate::Result<bool> {
    window.with_webview(move |webview| {
        webview.jni_handle().exec(move |env, activity, _webview| {
            if flag_secure(env, activity, on).is_err() {
                // A Java exception must not stay pending on the UI thread.
                let _ = env.exception_clear();
            }
        });
    })?;
    Ok(true)
}

fn flag_secure(env: &mut JNIEnv<'_>, activity: &JObject<'_>, on: bool) -> jni::errors::Result<()> {
    let window = env
        .call_method(activity, "getWindow", "()Landroid/view/Window;", &[])?
        .l()?;
    let change = if on { "addFlags" } else { "clearFlags" };
    env.call_method(&window, change, "(I)V", &[JValue::Int(FLAG_SECURE)])?;
    Ok(())
}
