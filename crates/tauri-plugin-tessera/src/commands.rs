//! What the web view may ask the plugin directly. Only a yes/no leaves Rust here: keys, key
//! stores and screen protection are used by the app's own Rust commands.

use tauri::{AppHandle, Runtime, command};

use crate::TesseraExt;

/// Whether this device can unlock with a strong biometric, so the UI can offer it.
///
/// `async` so that it runs off the main thread: on the phones it waits for the native side.
#[command]
pub(crate) async fn biometric_available<R: Runtime>(app: AppHandle<R>) -> bool {
    app.tessera().biometric_available()
}
