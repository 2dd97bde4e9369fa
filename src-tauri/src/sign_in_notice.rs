//! The system notification for a sign-in that arrives while the window is not in front: it says
//! only that a sign-in is waiting (no site, account or number: notifications show on the lock
//! screen and in notification history), and clicking it brings the window up, where the approval
//! screen is already showing.
//!
//! Desktops show it through the freedesktop notification service (Linux) or the system's own
//! (macOS, Windows); on a phone, the wake-up's local notification comes from the native side.

use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;
use crate::words::word;

/// Shows the notification unless the main window is in front already.
pub fn sign_in_waiting<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    if window.is_focused().unwrap_or(false) {
        return;
    }
    let language = language(&app.state::<AppState>().settings().language);
    let title = word(&language, "notification.signIn.title");
    let body = word(&language, "notification.signIn.body");
    let app = app.clone();
    // The notification service answers a click on this thread; the app goes on meanwhile.
    let _ = std::thread::Builder::new()
        .name("sign-in-notice".into())
        .spawn(move || {
            if let Err(error) = show(&app, &title, &body) {
                app.state::<AppState>().activity.record(&format!(
                    "the sign-in notification could not be shown ({error})"
                ));
            }
        });
}

/// The catalogue language for the setting (`system` reads the system's locale).
fn language(setting: &str) -> String {
    if setting != "system" {
        return setting.to_string();
    }
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
        .unwrap_or_default();
    if locale.starts_with("nl") { "nl" } else { "en" }.into()
}

/// Brings the main window up, in front.
#[cfg(not(mobile))]
fn bring_up<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "android", target_os = "ios"))
))]
fn show<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) -> Result<(), String> {
    let handle = notify_rust::Notification::new()
        .appname("Tessera")
        .summary(title)
        .body(body)
        .action("default", title)
        .show()
        .map_err(|error| error.to_string())?;
    handle.wait_for_action(|action| {
        if action == "default" {
            bring_up(app);
        }
    });
    Ok(())
}

#[cfg(any(target_os = "macos", target_os = "windows"))]
fn show<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) -> Result<(), String> {
    // These systems bring the app up themselves when its notification is clicked.
    let _ = app;
    notify_rust::Notification::new()
        .appname("Tessera")
        .summary(title)
        .body(body)
        .show()
        .map(|_| ())
        .map_err(|error| error.to_string())
}

#[cfg(any(target_os = "android", target_os = "ios"))]
fn show<R: Runtime>(app: &AppHandle<R>, _title: &str, _body: &str) -> Result<(), String> {
    // A phone's app has one window, in front whenever it follows a stream; in the background,
    // the push wake-up's local notification (the native side) stands for this one.
    let _ = app;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notification_has_words_in_both_languages_and_names_nothing() {
        for key in ["notification.signIn.title", "notification.signIn.body"] {
            assert_ne!(word("en", key), key);
            assert_ne!(word("nl", key), key);
            assert_ne!(word("en", key), word("nl", key));
            assert!(
                !word("en", key).contains('{'),
                "a notification quotes nothing"
            );
        }
    }

    #[test]
    fn a_chosen_language_is_kept() {
        assert_eq!(language("nl"), "nl");
        assert_eq!(language("en"), "en");
    }
}
