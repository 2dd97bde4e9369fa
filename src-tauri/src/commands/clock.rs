//! The clock check: how this device's clock compares with the approval servers'. The app learns
//! it from the answers it gets anyway (`tessera_push::Client` reads their `Date`); only "check
//! the clock" in Settings asks a server, and only when the user taps it.

use serde::Serialize;
use tauri::State;
use tessera_push::ClockReading;

use crate::error::{AppError, ErrorCode};
use crate::inbox;
use crate::state::AppState;

/// How the device's clock compared with a server's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClockView {
    /// The server compared with.
    server: String,
    /// The server's time minus the device's, in seconds: positive when the device is behind.
    offset_seconds: i64,
    /// Off by more than codes and approvals tolerate: the accounts screen warns.
    off: bool,
}

impl From<ClockReading> for ClockView {
    fn from(reading: ClockReading) -> ClockView {
        ClockView {
            off: reading.is_off(),
            server: reading.server,
            offset_seconds: reading.offset_seconds,
        }
    }
}

/// The last comparison, if a server has answered since the app started (nothing is sent).
#[tauri::command]
pub fn clock_status(state: State<'_, AppState>) -> Option<ClockView> {
    state.approvals.client.clock().map(ClockView::from)
}

/// Compares the clock with an enrolled server now (it is asked for what is pending, which tells
/// nothing new about the user).
#[tauri::command]
pub async fn check_clock(state: State<'_, AppState>) -> Result<ClockView, AppError> {
    let inbox = inbox::inbox(&state)?;
    let (_, source) = inbox
        .sources()
        .next()
        .ok_or(AppError::new(ErrorCode::NoServer))?;
    source.pending().await?;
    state
        .approvals
        .client
        .clock()
        .map(ClockView::from)
        .ok_or(AppError::new(ErrorCode::ServerGarbled))
}
