//! Settings → Backups: automatic encrypted backups into a folder the user picks, after every
//! change to the accounts (the core writes them; these commands set them up and say how they go).
//! The backup password goes into Rust once, to derive the key the vault keeps; it never comes back.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Runtime, State};
use tessera_core::backup::automatic::DEFAULT_KEEP;
use tessera_core::backup::{AutomaticBackupError, AutomaticBackups, FolderError, Protection};
use tessera_core::vault::slots::password::PasswordParams;

use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use crate::views::{BackupFailureView, BackupsView};

/// Whether automatic backups are on, where, and how the last one went.
#[tauri::command]
pub fn backup_status(state: State<'_, AppState>) -> Result<BackupsView, AppError> {
    state.with_vault(|vault| Ok(view(vault.automatic_backups()?)))
}

/// Lets the user pick the backups' folder (the system's folder dialog on desktops; what stands
/// in for it in tests, see `AppState::pick_folder`). `None` when the user cancels. Phones have
/// no folder picker in the dialog plugin: `folder_picker_unavailable`.
#[tauri::command(async)]
pub fn pick_backup_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    if let Some(folder) = state.pick_folder.lock().ok().and_then(|path| path.clone()) {
        return Ok(Some(folder.display().to_string()));
    }
    picked_folder(&app).map(|folder| folder.map(|folder| folder.display().to_string()))
}

#[cfg(desktop)]
fn picked_folder<R: Runtime>(app: &AppHandle<R>) -> Result<Option<PathBuf>, AppError> {
    use tauri_plugin_dialog::DialogExt;
    Ok(app
        .dialog()
        .file()
        .blocking_pick_folder()
        .and_then(|folder| folder.into_path().ok()))
}

#[cfg(mobile)]
fn picked_folder<R: Runtime>(_app: &AppHandle<R>) -> Result<Option<PathBuf>, AppError> {
    Err(AppError::new(ErrorCode::FolderPickerUnavailable))
}

/// Turns automatic backups on into `folder` (or sets a new password), keeping the newest
/// `keep`: the key is derived from the password here (about half a second) and kept sealed in
/// the vault. The first backup is written at once; a folder it cannot be written into is
/// refused and nothing changes.
#[tauri::command(async)]
pub fn turn_on_backups(
    state: State<'_, AppState>,
    folder: String,
    password: String,
    keep: Option<u32>,
) -> Result<BackupsView, AppError> {
    let password = zeroize::Zeroizing::new(password);
    if password.is_empty() {
        return Err(AppError::new(ErrorCode::BackupPasswordNeeded));
    }
    let folder = PathBuf::from(folder);
    let keep = keep.unwrap_or(DEFAULT_KEEP);
    tessera_core::backup::automatic::check_keep(keep).map_err(|error| failure(error, &folder))?;
    let params = PasswordParams::calibrate().map_err(|_| AppError::new(ErrorCode::Unexpected))?;
    let protection = Protection::password(&password, params)
        .map_err(|error| AppError::with(ErrorCode::Unexpected, error))?;
    drop(password);
    state.with_vault(|vault| {
        vault
            .turn_on_automatic_backups(&folder, keep, &protection)
            .map_err(|error| failure(error, &folder))?;
        Ok(view(vault.automatic_backups()?))
    })
}

/// Changes the folder or the number kept, with the password already set; a backup is written
/// with the new settings at once.
#[tauri::command(async)]
pub fn change_backups(
    state: State<'_, AppState>,
    folder: Option<String>,
    keep: Option<u32>,
) -> Result<BackupsView, AppError> {
    let folder = folder.map(PathBuf::from);
    state.with_vault(|vault| {
        let shown = match &folder {
            Some(folder) => folder.clone(),
            None => current_folder(vault.automatic_backups()?),
        };
        vault
            .change_automatic_backups(folder.as_deref(), keep)
            .map_err(|error| failure(error, &shown))?;
        Ok(view(vault.automatic_backups()?))
    })
}

/// Writes a backup now. A failure is kept (the accounts screen warns) and returned.
#[tauri::command(async)]
pub fn back_up_now(state: State<'_, AppState>) -> Result<BackupsView, AppError> {
    state.with_vault(|vault| {
        let folder = current_folder(vault.automatic_backups()?);
        vault
            .back_up_now()
            .map_err(|error| failure(error, &folder))?;
        Ok(view(vault.automatic_backups()?))
    })
}

/// Turns automatic backups off; the backups written stay in their folder.
#[tauri::command]
pub fn turn_off_backups(state: State<'_, AppState>) -> Result<BackupsView, AppError> {
    state.with_vault(|vault| {
        vault.turn_off_automatic_backups()?;
        Ok(view(None))
    })
}

fn current_folder(settings: Option<AutomaticBackups>) -> PathBuf {
    settings.map(|settings| settings.folder).unwrap_or_default()
}

fn view(settings: Option<AutomaticBackups>) -> BackupsView {
    let folder_picker = cfg!(desktop);
    let Some(settings) = settings else {
        return BackupsView {
            on: false,
            folder: None,
            keep: DEFAULT_KEEP,
            last_written_at: None,
            last_written_name: None,
            last_written_accounts: None,
            failure: None,
            folder_picker,
        };
    };
    let folder = settings.folder.display().to_string();
    BackupsView {
        on: true,
        keep: settings.keep,
        last_written_at: settings.last_written.as_ref().map(|written| written.at),
        last_written_name: settings
            .last_written
            .as_ref()
            .map(|written| written.name.clone()),
        last_written_accounts: settings
            .last_written
            .as_ref()
            .map(|written| written.accounts),
        failure: settings.last_failure.map(|failure| BackupFailureView {
            at: failure.at,
            error: failure_of(&failure.code, &folder, &failure.message),
        }),
        folder: Some(folder),
        folder_picker,
    }
}

/// A backup failure as a catalogue error; the folder's problems quote the folder.
fn failure(error: AutomaticBackupError, folder: &Path) -> AppError {
    let folder = match &error {
        AutomaticBackupError::Folder(
            FolderError::Missing(at)
            | FolderError::NotAFolder(at)
            | FolderError::Denied(at)
            | FolderError::Full(at)
            | FolderError::Relative(at)
            | FolderError::NotText(at),
        ) => at.clone(),
        _ => folder.display().to_string(),
    };
    match error {
        AutomaticBackupError::Vault(error) => error.into(),
        error => failure_of(error.code(), &folder, &error.to_string()),
    }
}

/// The catalogue error for a failure's kind (`AutomaticBackupError::code`, as the vault keeps it).
fn failure_of(code: &str, folder: &str, message: &str) -> AppError {
    match code {
        "missing" => AppError::with(ErrorCode::BackupFolderMissing, folder),
        "not_a_folder" => AppError::with(ErrorCode::BackupNotAFolder, folder),
        "denied" => AppError::with(ErrorCode::BackupFolderDenied, folder),
        "full" => AppError::with(ErrorCode::BackupDiskFull, folder),
        "relative" | "not_text" => AppError::with(ErrorCode::BackupFolderUnusable, folder),
        "off" => AppError::new(ErrorCode::BackupsOff),
        "keep" => AppError::new(ErrorCode::BackupKeep),
        _ => AppError::with(ErrorCode::BackupFailed, message),
    }
}
