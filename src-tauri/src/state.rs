//! What the app holds in Rust: the unlocked vault, and the imports waiting for the user's yes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::SystemTime;

use tessera_core::Account;
use tessera_core::vault::Vault;
#[cfg(not(mobile))]
use tessera_core::vault::key_store::DesktopKeyStore;
#[cfg(not(mobile))]
use tessera_core::vault::{Device, LockedVault, NewDevice, NewPassword};

use crate::error::AppError;

/// Accounts read from a link, the clipboard or a picture, kept in Rust until confirmed.
pub struct PendingImport {
    /// The accounts, with their secrets.
    pub accounts: Vec<Account>,
    /// An export with parts still to scan: it cannot be added yet.
    pub incomplete: bool,
}

/// The app's state.
pub struct AppState {
    /// When the process started (the first thing `run` does), for the start-up figures.
    pub started: SystemTime,
    vault: Mutex<VaultSlot>,
    /// Signalled when the vault has finished opening.
    opened: Condvar,
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

/// Where the vault stands.
enum VaultSlot {
    /// Being opened at start: commands wait for it.
    Opening,
    Open(Vault),
    /// Not open, and why.
    Closed(AppError),
}

impl Default for AppState {
    fn default() -> AppState {
        AppState::started_at(SystemTime::now())
    }
}

impl AppState {
    /// An empty state for a process that started at `started`.
    pub fn started_at(started: SystemTime) -> AppState {
        AppState {
            started,
            vault: Mutex::new(VaultSlot::Closed(AppError::new("storage"))),
            opened: Condvar::new(),
            pending: Mutex::default(),
            export: Mutex::default(),
            settings_path: Mutex::default(),
            pick_file: Mutex::default(),
        }
    }

    /// Opens the vault when the app starts: the one at `TESSERA_VAULT`, else `vault.tessera` in the
    /// app's data folder (the command line's default too). A missing vault is created with a
    /// device slot, so that codes work at once.
    ///
    /// The vault is opened on a thread of its own: asking the key store (the Secret Service, over
    /// D-Bus) takes a while, and the web view starts meanwhile instead of after it. Commands that
    /// need the vault wait for it; the settings are ready at once.
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
        self.put_vault(VaultSlot::Opening);
        let app = app.clone();
        let opening = std::thread::Builder::new()
            .name("open-vault".into())
            .spawn(move || {
                // A panic must not leave the commands waiting for ever.
                let opened = std::panic::catch_unwind(|| match path {
                    Some(path) => open_or_create(&path),
                    None => Err(AppError::new("storage")),
                })
                .unwrap_or_else(|_| Err(AppError::new("unexpected")));
                app.state::<AppState>().put_vault(match opened {
                    Ok(vault) => VaultSlot::Open(vault),
                    Err(error) => VaultSlot::Closed(error),
                });
            });
        if let Err(error) = opening {
            self.put_vault(VaultSlot::Closed(AppError::with("unexpected", error)));
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
        self.put_vault(VaultSlot::Open(vault));
    }

    fn put_vault(&self, vault: VaultSlot) {
        if let Ok(mut slot) = self.vault.lock() {
            *slot = vault;
        }
        self.opened.notify_all();
    }

    /// Runs `work` with the unlocked vault (once it has finished opening), or fails with why there
    /// is none.
    pub fn with_vault<T>(
        &self,
        work: impl FnOnce(&mut Vault) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let slot = self.vault.lock().map_err(|_| AppError::new("unexpected"))?;
        let mut slot = self
            .opened
            .wait_while(slot, |slot| matches!(slot, VaultSlot::Opening))
            .map_err(|_| AppError::new("unexpected"))?;
        match &mut *slot {
            VaultSlot::Open(vault) => work(vault),
            VaultSlot::Closed(error) => Err(error.clone()),
            VaultSlot::Opening => Err(AppError::new("unexpected")),
        }
    }
}

#[cfg(not(mobile))]
fn open_or_create(path: &std::path::Path) -> Result<Vault, AppError> {
    let store = DesktopKeyStore::connect().map_err(|error| AppError::with("key_store", error))?;
    if path.exists() {
        Ok(LockedVault::open(path)?.unlock(&Device(&store))?)
    } else {
        Ok(Vault::create(path, &NewDevice(&store))?.0)
    }
}

#[cfg(mobile)]
fn open_or_create(_path: &std::path::Path) -> Result<Vault, AppError> {
    // The phones' key stores come through Tessera's native plugin with the app-lock work.
    Err(AppError::new("key_store"))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use tessera_core::vault::slots::password::PasswordParams;
    use tessera_core::vault::{NewDevice, NewPassword};

    use super::*;

    fn new_vault(folder: &tempfile::TempDir) -> Vault {
        let params = PasswordParams::new(8 * 1024, 1, 1).unwrap();
        let path = folder.path().join("vault.tessera");
        Vault::create(&path, &NewPassword("pw", params)).unwrap().0
    }

    #[test]
    fn commands_wait_for_the_vault_being_opened() {
        let folder = tempfile::tempdir().unwrap();
        let vault = new_vault(&folder);
        let state = Arc::new(AppState::default());
        state.put_vault(VaultSlot::Opening);
        let opener = {
            let state = Arc::clone(&state);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                state.set_vault(vault);
            })
        };
        let listed = state.with_vault(|vault| Ok(vault.list()?.entries.len()));
        assert_eq!(listed, Ok(0));
        opener.join().unwrap();
    }

    #[test]
    fn a_vault_that_could_not_be_opened_says_why() {
        let state = AppState::default();
        state.put_vault(VaultSlot::Closed(AppError::new("key_store")));
        assert_eq!(
            state.with_vault(|_| Ok(())),
            Err(AppError::new("key_store"))
        );
    }
}
