//! Settings (language, theme) and the about screen.

use tauri::State;

use crate::error::AppError;
use crate::settings::Settings;
use crate::state::AppState;
use crate::views::{About, Licence};

/// The dependencies' licences, made by `scripts/licences.sh`.
const LICENCES: &str = include_str!("../../licences.json");

/// The current settings.
#[tauri::command]
pub fn settings(state: State<'_, AppState>) -> Settings {
    match state
        .settings_path
        .lock()
        .ok()
        .and_then(|path| path.clone())
    {
        Some(path) => Settings::load(&path),
        None => Settings::load(std::path::Path::new("")),
    }
}

/// Saves the settings.
#[tauri::command]
pub fn set_settings(state: State<'_, AppState>, settings: Settings) -> Result<(), AppError> {
    let path = state
        .settings_path
        .lock()
        .ok()
        .and_then(|path| path.clone())
        .ok_or(AppError::new("storage"))?;
    settings
        .sanitised()
        .save(&path)
        .map_err(|error| AppError::with("storage", error))
}

/// The version and the licences of everything Tessera is built from.
#[tauri::command]
pub fn about() -> About {
    About {
        version: env!("CARGO_PKG_VERSION"),
        licences: serde_json::from_str::<Vec<Licence>>(LICENCES).unwrap_or_default(),
    }
}
