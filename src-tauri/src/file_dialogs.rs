//! The system's dialogs for choosing a file to read or a place to save one, and what stands in
//! for them in the tests (WebDriver cannot drive a system dialog): `AppState::pick_file` and
//! `AppState::save_file`.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

use crate::state::AppState;

/// A file the user picks (of the kinds given, on desktops); `None` when the user cancels.
pub fn pick<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    kinds: Option<&[&str]>,
) -> Option<PathBuf> {
    if let Some(path) = state.pick_file.lock().ok().and_then(|path| path.clone()) {
        return Some(path);
    }
    let dialog = app.dialog().file();
    // Phones' pickers filter by media type, which these names are not.
    #[cfg(not(mobile))]
    let dialog = match kinds {
        Some(kinds) => dialog.add_filter("Pictures", kinds),
        None => dialog,
    };
    #[cfg(mobile)]
    let _ = kinds;
    dialog
        .blocking_pick_file()
        .and_then(|file| file.into_path().ok())
}

/// Where the user wants a file saved, offered under `name`; `None` when the user cancels.
pub fn save_as<R: Runtime>(app: &AppHandle<R>, state: &AppState, name: &str) -> Option<PathBuf> {
    if let Some(path) = state.save_file.lock().ok().and_then(|path| path.clone()) {
        return Some(path);
    }
    app.dialog()
        .file()
        .set_file_name(name)
        .blocking_save_file()
        .and_then(|file| file.into_path().ok())
}
