//! The watch that locks the app by itself: once a second it asks the lock policy whether the
//! app has been away longer than the grace period, or (on a desktop) idle too long, and if so
//! locks the vault and tells the page, which then shows the unlock screen.
//!
//! It runs in Rust, not in the page, so the vault key is dropped on time even while the web view
//! sleeps in the background.

use std::time::Duration;

use tauri::{Emitter, Manager, Runtime};
use tessera_core::lock::LockPolicy;

use crate::state::AppState;

/// The event the page hears when the app locked itself.
pub const LOCKED_EVENT: &str = "locked";

/// Starts the watch for the app's life.
pub fn start<R: Runtime>(app: tauri::AppHandle<R>) {
    let watch = std::thread::Builder::new()
        .name("lock-watch".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let state = app.state::<AppState>();
                let policy = LockPolicy {
                    grace: state.settings().grace(),
                    idle: idle_time(),
                };
                if state.lock_if_due(&policy) {
                    let _ = app.emit(LOCKED_EVENT, ());
                }
            }
        });
    if let Err(error) = watch {
        eprintln!("Tessera: the lock watch could not start ({error}); lock the app by hand");
    }
}

/// Desktops lock after a while without input; phones lock when the app leaves the screen.
fn idle_time() -> Option<Duration> {
    if cfg!(mobile) {
        None
    } else {
        Some(tessera_core::lock::DESKTOP_IDLE)
    }
}
