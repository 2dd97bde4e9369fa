//! "Move to another device" on the sending side: every account as numbered QR codes of an
//! encrypted Tessera backup with a one-time code beside them, or as Google Authenticator's export
//! codes for other apps. The codes are kept in Rust and shown as pictures (`moving.rs`); the
//! receiving side is the Add screen's ordinary import (`import.rs`).

use tauri::State;
use tessera_core::link::migration::write_export;
use tessera_core::transfer::write_transfer;

use crate::error::{AppError, ErrorCode};
use crate::moving::GoogleCodes;
use crate::state::AppState;
use crate::views::{GoogleCodesView, LeftOut, MoveView};

/// Makes a new move of every account: a new one-time code, the backup sealed with it (one
/// Argon2id derivation, so run off the main thread), its parts kept for the pictures. A move
/// shown before is replaced.
#[tauri::command(async)]
pub fn start_move(state: State<'_, AppState>) -> Result<MoveView, AppError> {
    let listing = state.with_vault(|vault| Ok(vault.list()?))?;
    let accounts: Vec<_> = listing
        .entries
        .into_iter()
        .map(|entry| (entry.account, entry.details))
        .collect();
    if accounts.is_empty() {
        return Err(AppError::new(ErrorCode::NothingToMove));
    }
    let transfer = write_transfer(&accounts)?;
    let view = MoveView {
        id: transfer.id.clone(),
        parts: transfer.links.len(),
        code: transfer.code.display().to_string(),
        accounts: accounts.len(),
        unreadable: listing.unreadable.len(),
    };
    outgoing(&state)?.transfer = Some(transfer);
    Ok(view)
}

/// Makes Google Authenticator export codes of every account it can take (unencrypted: the page
/// warns before asking), kept for the pictures, with the accounts left out and why.
#[tauri::command]
pub fn google_export_codes(state: State<'_, AppState>) -> Result<GoogleCodesView, AppError> {
    let accounts: Vec<_> = state.with_vault(|vault| {
        Ok(vault
            .list()?
            .entries
            .into_iter()
            .map(|entry| entry.account)
            .collect())
    })?;
    if accounts.is_empty() {
        return Err(AppError::new(ErrorCode::NothingToMove));
    }
    let written = write_export(&accounts);
    let id = crate::commands::import::new_token()?;
    let view = GoogleCodesView {
        id: id.clone(),
        parts: written.links.len(),
        accounts: accounts.len() - written.not_exportable.len(),
        left_out: written
            .not_exportable
            .iter()
            .map(|skipped| LeftOut {
                label: accounts[skipped.position].to_string(),
                reason: skipped.reason,
                code: skipped.code,
            })
            .collect(),
    };
    outgoing(&state)?.google = Some(GoogleCodes {
        id,
        links: written.links,
    });
    Ok(view)
}

/// Forgets the codes on show (the move screen closed).
#[tauri::command]
pub fn stop_move(state: State<'_, AppState>) -> Result<(), AppError> {
    *outgoing(&state)? = Default::default();
    Ok(())
}

fn outgoing(
    state: &AppState,
) -> Result<std::sync::MutexGuard<'_, crate::moving::Outgoing>, AppError> {
    state
        .outgoing
        .lock()
        .map_err(|_| AppError::new(ErrorCode::Unexpected))
}
