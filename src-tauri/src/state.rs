//! What the app holds in Rust: the unlocked vault, and the imports waiting for the user's yes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use tessera_core::Account;
use tessera_core::vault::Vault;
#[cfg(not(mobile))]
use tessera_core::vault::key_store::DesktopKeyStore;
#[cfg(not(mobile))]
use tessera_core::vault::{Credential, LockedVault, NewSlot};

use crate::error::AppError;

/// Accounts read from a link, the clipboard or a picture, kept in Rust until confirmed.
pub struct PendingImport {
    /// The accounts, with their secrets.
    pub accounts: Vec<Account>,
    /// An export with parts still to scan: it cannot be added yet.
    pub incomplete: bool,
}

/// The app's state.
#[derive(Default)]
pub struct AppState {
    vault: Mutex<Option<Vault>>,
    opening_error: Mutex<Option<AppError>>,
    /// Imports waiting for confirmation, by token.
    pub pending: Mutex<HashMap<String, PendingImport>>,
    /// The parts of the Google export being scanned.
    pub export: Mutex<Option<tessera_core::link::migration::ExportBatch>>,
    /// Where the settings file is.
    pub settings_path: Mutex<Option<PathBuf>>,
    /// A picture that stands in for the file dialog (`TESSERA_PICK_FILE`, for the end-to-end
    /// tests: WebDriver cannot drive the system's file dialog).
    pub pick_file: Mutex<Option<PathBuf>>,
}

impl AppState {
    /// Opens the vault when the app starts: the one at `TESSERA_VAULT`, else `vault.tessera` in the
    /// app's data folder (the command line's default too). A missing vault is created with a
    /// device slot, so that codes work at once.
    pub fn open_at_start<R: tauri::Runtime>(&self, app: &tauri::AppHandle<R>) {
        use tauri::Manager;
        let data = app.path().app_data_dir().ok();
        let path = std::env::var_os("TESSERA_VAULT")
            .map(PathBuf::from)
            .or_else(|| {
                data.as_ref()
                    .map(|folder| folder.join(tessera_core::vault::VAULT_FILE))
            });
        if let Ok(folder) = app.path().app_config_dir() {
            self.set_settings_path(folder.join("settings.json"));
        }
        if let Some(picture) = std::env::var_os("TESSERA_PICK_FILE") {
            self.set_pick_file(PathBuf::from(picture));
        }
        let opened = match path {
            Some(path) => open_or_create(&path),
            None => Err(AppError::new("storage")),
        };
        match opened {
            Ok(vault) => self.set_vault(vault),
            Err(error) => {
                if let Ok(mut slot) = self.opening_error.lock() {
                    *slot = Some(error);
                }
            }
        }
    }

    /// Keeps the settings in this file.
    pub fn set_settings_path(&self, path: PathBuf) {
        if let Ok(mut slot) = self.settings_path.lock() {
            *slot = Some(path);
        }
    }

    /// Makes "from a picture" read this file instead of asking with the file dialog.
    pub fn set_pick_file(&self, path: PathBuf) {
        if let Ok(mut slot) = self.pick_file.lock() {
            *slot = Some(path);
        }
    }

    /// Puts an unlocked vault in the state (at start, and in tests).
    pub fn set_vault(&self, vault: Vault) {
        if let Ok(mut slot) = self.vault.lock() {
            *slot = Some(vault);
        }
    }

    /// Runs `work` with the unlocked vault, or fails with why there is none.
    pub fn with_vault<T>(
        &self,
        work: impl FnOnce(&mut Vault) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut slot = self.vault.lock().map_err(|_| AppError::new("unexpected"))?;
        match slot.as_mut() {
            Some(vault) => work(vault),
            None => Err(self
                .opening_error
                .lock()
                .ok()
                .and_then(|error| error.clone())
                .unwrap_or(AppError::new("storage"))),
        }
    }
}

#[cfg(not(mobile))]
fn open_or_create(path: &std::path::Path) -> Result<Vault, AppError> {
    let store = DesktopKeyStore::connect().map_err(|error| AppError::with("key_store", error))?;
    if path.exists() {
        Ok(LockedVault::open(path)?.unlock(&Credential::Device(&store))?)
    } else {
        Ok(Vault::create(path, NewSlot::Device(&store))?.0)
    }
}

#[cfg(mobile)]
fn open_or_create(_path: &std::path::Path) -> Result<Vault, AppError> {
    // The phones' key stores come through Tessera's native plugin with the app-lock work.
    Err(AppError::new("key_store"))
}
