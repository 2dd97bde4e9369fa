//! Settings → Export: every account as Tessera's encrypted backup, an Aegis vault (to leave as
//! easily as one came), or links. The file is written in Rust, owner-only and whole or not at all;
//! the page gives only the format, the password it chose and where to save.

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tessera_core::export::{ExportError, ExportFormat, export};

use crate::error::{AppError, ErrorCode};
use crate::file_dialogs;
use crate::state::AppState;

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportDone {
    /// How many accounts the file holds.
    pub count: usize,
    /// The accounts the format could not take (Google's), by name.
    pub left_out: Vec<String>,
}

/// Exports every account in `format` to where the user chooses; `None` when the user cancels.
/// Encrypted formats need `password`; plain ones need `unencrypted` (the page's warning agreed).
#[tauri::command]
pub async fn export_accounts<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    format: String,
    password: Option<String>,
    unencrypted: bool,
) -> Result<Option<ExportDone>, AppError> {
    let password = password.map(zeroize::Zeroizing::new);
    let format = ExportFormat::named(&format).ok_or(AppError::new(ErrorCode::Unexpected))?;
    if !format.is_encrypted() && !unencrypted {
        return Err(AppError::new(ErrorCode::ExportUnencrypted));
    }
    let accounts = state.with_vault(|vault| {
        Ok(vault
            .list()?
            .entries
            .into_iter()
            .map(|entry| (entry.account, entry.details))
            .collect::<Vec<_>>())
    })?;
    if accounts.is_empty() {
        return Err(AppError::new(ErrorCode::ExportNothing));
    }
    // Sealing a Tessera backup derives its key with Argon2id (about half a second): off the
    // async workers.
    let exported = tauri::async_runtime::spawn_blocking(move || {
        export(format, &accounts, password.as_deref().map(String::as_str))
    })
    .await
    .map_err(|_| AppError::new(ErrorCode::Unexpected))?
    .map_err(|error| match error {
        ExportError::NeedsPassword | ExportError::EmptyPassword => {
            AppError::new(ErrorCode::ExportPasswordNeeded)
        }
        other => AppError::with(ErrorCode::Storage, other),
    })?;
    let name = format!("tessera-export.{}", format.extension());
    let Some(path) = file_dialogs::save_as(&app, &state, &name) else {
        return Ok(None);
    };
    tessera_core::owner_only::replace_file(&path, &exported.bytes)
        .map_err(|error| AppError::with(ErrorCode::ExportUnwritable, error))?;
    state
        .activity
        .record(&format!("exported accounts as {}", format.id()));
    Ok(Some(ExportDone {
        count: exported.count,
        left_out: exported
            .left_out
            .into_iter()
            .map(|(name, _)| name)
            .collect(),
    }))
}
