//! Settings (language, theme, app lock's timing, screen protection, hidden codes) and the about
//! screen.

use tauri::{AppHandle, Runtime, State};

use crate::error::{AppError, ErrorCode};
use crate::settings::Settings;
use crate::state::AppState;
use crate::views::{About, Licence};

/// The dependencies' licences, made by `scripts/licences.sh`.
const LICENCES: &str = include_str!("../../licences.json");

/// The current settings.
#[tauri::command]
pub fn settings(state: State<'_, AppState>) -> Settings {
    state.settings()
}

/// Saves the settings, and applies screen protection at once.
#[tauri::command]
pub fn set_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<(), AppError> {
    crate::platform::protect_screen(&app, settings.screen_protection);
    let path = state
        .settings_path
        .lock()
        .ok()
        .and_then(|path| path.clone())
        .ok_or(AppError::new(ErrorCode::Storage))?;
    settings
        .sanitised()
        .save(&path)
        .map_err(|error| AppError::with(ErrorCode::Storage, error))
}

/// Whether screen protection works on this platform (Linux cannot keep windows out of
/// screenshots; Settings says so).
#[tauri::command]
pub fn screen_protection_works() -> bool {
    crate::platform::screen_protection_works()
}

/// The version and the licences of everything Tessera is built from.
#[tauri::command]
pub fn about() -> About {
    About {
        version: env!("CARGO_PKG_VERSION"),
        licences: serde_json::from_str::<Vec<Licence>>(LICENCES).unwrap_or_default(),
    }
}
