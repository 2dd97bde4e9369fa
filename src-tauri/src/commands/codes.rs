//! Codes: the current ones with their windows, the next counter-based one, and copying.

use std::time::Duration;

use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tessera_core::Kind;

use super::now;
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use crate::views::CodeView;

/// How long a copied code stays on the clipboard.
const CLIPBOARD_SECONDS: u64 = 30;

/// The codes of the time-based accounts, now and for the next period.
#[tauri::command]
pub fn current_codes(state: State<'_, AppState>) -> Result<Vec<CodeView>, AppError> {
    let now = now();
    state.with_vault(|vault| {
        Ok(vault
            .list()?
            .entries
            .iter()
            .filter(|entry| !matches!(entry.account.kind, Kind::Hotp { .. }))
            .map(|entry| CodeView::time_based(entry.id, &entry.account, now))
            .collect())
    })
}

/// The next code of a counter-based account (the counter moves on as it is shown).
#[tauri::command]
pub fn next_hotp_code(state: State<'_, AppState>, id: i64) -> Result<CodeView, AppError> {
    state.with_vault(|vault| Ok(CodeView::from_code(id, vault.next_hotp_code(id)?, None)))
}

/// The result of copying: when the clipboard is cleared.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Copied {
    cleared_after_seconds: u64,
}

/// Copies an account's current code to the clipboard as a secret (kept out of clipboard history
/// and other devices, marked sensitive on Android), and clears it 30 seconds later if it still
/// holds that code. A counter-based account copies the code last shown (the counter has moved
/// past it), and none is used up.
#[tauri::command]
pub fn copy_code<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: i64,
) -> Result<Copied, AppError> {
    let now = now();
    let code = state.with_vault(|vault| {
        let mut account = vault.get(id)?.account;
        if let Kind::Hotp { counter } = account.kind {
            let shown = counter
                .checked_sub(1)
                .ok_or(AppError::new(ErrorCode::NothingToCopy))?;
            account.kind = Kind::Hotp { counter: shown };
        }
        Ok(account.code_at(now).text)
    })?;
    app.clipboard()
        .write_secret(code.clone())
        .map_err(|error| AppError::with(ErrorCode::Unexpected, error))?;
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(CLIPBOARD_SECONDS));
        if app.clipboard().read_text().is_ok_and(|text| text == code) {
            let _ = app.clipboard().clear();
        }
    });
    Ok(Copied {
        cleared_after_seconds: CLIPBOARD_SECONDS,
    })
}
