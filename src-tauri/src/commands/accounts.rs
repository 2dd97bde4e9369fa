//! Listing, editing, ordering and removing accounts.

use tauri::State;
use tessera_core::vault::Edit;

use crate::error::AppError;
use crate::state::AppState;
use crate::views::{AccountEdit, AccountView};

/// The accounts in the user's order.
#[tauri::command]
pub fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountView>, AppError> {
    state.with_vault(|vault| {
        Ok(vault
            .list()?
            .entries
            .iter()
            .map(AccountView::from)
            .collect())
    })
}

/// Changes an account's issuer, name, icon, note or group.
#[tauri::command]
pub fn edit_account(
    state: State<'_, AppState>,
    id: i64,
    edit: AccountEdit,
) -> Result<AccountView, AppError> {
    let edit = Edit {
        issuer: edit.issuer,
        name: edit.name,
        icon: edit.icon,
        note: edit.note,
        group: edit.group,
    };
    state.with_vault(|vault| Ok(AccountView::from(&vault.edit(id, edit)?)))
}

/// Moves an account to a place in the list (0 is the top).
#[tauri::command]
pub fn move_account(state: State<'_, AppState>, id: i64, place: usize) -> Result<(), AppError> {
    state.with_vault(|vault| Ok(vault.move_to(id, place)?))
}

/// Moves an account to the trash.
#[tauri::command]
pub fn remove_account(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    state.with_vault(|vault| Ok(vault.remove(id)?))
}

/// Brings an account back from the trash.
#[tauri::command]
pub fn undo_remove(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    state.with_vault(|vault| Ok(vault.restore(id)?))
}
