//! What the app can tell about itself: for now, when its process started, so that the time from
//! start to the first code on screen can be measured without counting whatever launched it.

use std::time::UNIX_EPOCH;

use tauri::State;

use crate::state::AppState;

/// When the process started, in milliseconds since the Unix epoch (comparable with the web
/// view's `performance.timeOrigin`).
#[tauri::command]
pub fn started_at(state: State<'_, AppState>) -> f64 {
    state
        .started
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}
