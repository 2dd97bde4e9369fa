//! What the app holds in Rust: the vault (opening, locked or unlocked), the imports waiting
//! for the user's yes, and the QR codes of a move being shown.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Instant, SystemTime};

use tessera_core::import::ImportSession;
use tessera_core::lock::{LockPolicy, UnlockAttempts};
use tessera_core::vault::{Credential, LockedVault, Vault, VaultError};

use crate::error::{AppError, ErrorCode};
use crate::platform;

/// A file picked for import whose password is still to be given: kept in Rust (it may hold
/// secrets in the clear) until the password comes or the vault locks.
pub struct PickedFile {
    /// What the file holds.
    pub bytes: zeroize::Zeroizing<Vec<u8>>,
}

/// The app's state.
pub struct AppState {
    /// When the process started (the first thing `run` does), for the start-up figures.
    pub started: SystemTime,
    vault: Mutex<VaultSlot>,
    /// Signalled when the vault has finished opening.
    opened: Condvar,
    /// Imports waiting for confirmation, by token.
    pub pending: Mutex<HashMap<String, ImportSession>>,
    /// The parts of Google exports scanned so far (they may come over several scans).
    pub scanning: Mutex<ImportSession>,
    /// A file waiting for its password.
    pub picked_file: Mutex<Option<PickedFile>>,
    /// Where the settings file is.
    pub settings_path: Mutex<Option<PathBuf>>,
    /// A picture that stands in for the file dialog (`TESSERA_PICK_FILE` in builds for the
    /// end-to-end tests: WebDriver cannot drive the system's file dialog).
    pub pick_file: Mutex<Option<PathBuf>>,
    /// A path that stands in for the save dialog (`TESSERA_SAVE_FILE` in builds for the
    /// end-to-end tests).
    pub save_file: Mutex<Option<PathBuf>>,
    /// A folder that stands in for the folder dialog (`TESSERA_PICK_FOLDER` in builds for the
    /// end-to-end tests, as `pick_file`).
    pub pick_folder: Mutex<Option<PathBuf>>,
    /// What stands in for the system's dialog that shows a new recovery code, given the UI's
    /// language and the code (for the command tests: Tauri's mock runtime runs no main loop for a
    /// dialog, and one left open on another thread crashes the test process as it exits).
    pub show_recovery_code: Mutex<Option<RecoveryCodeShower>>,
    /// When the app left the screen (`None` while on screen), and when the user last typed or
    /// touched: what the lock policy decides on.
    pub presence: Mutex<Presence>,
    /// The approval servers' side of the app: following them, links waiting to be connected.
    pub approvals: crate::inbox::Approvals,
    /// The app's own log of what it did, for the user to look at or export.
    pub activity: crate::activity::ActivityLog,
    /// The QR codes "Move to another device" shows, while its screen is open.
    pub outgoing: Mutex<crate::moving::Outgoing>,
}

/// Shows a new recovery code to the user, given the UI's language and the code.
pub type RecoveryCodeShower = Box<dyn Fn(&str, &str) + Send>;

/// Whether the user is there.
pub struct Presence {
    /// When the app left the screen, if it is away.
    pub hidden_since: Option<Instant>,
    /// The last key press, click or touch.
    pub last_input: Instant,
}

/// Where the vault stands.
enum VaultSlot {
    /// Being opened at start: commands wait for it.
    Opening,
    Open(Box<Vault>),
    /// The vault at this path, waiting for the user to unlock it.
    Locked(PathBuf),
    /// Not open, and why.
    Closed(AppError),
}

/// What asking to lock did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locking {
    /// The vault was locked just now.
    Locked,
    /// It was locked already.
    AlreadyLocked,
    /// It opens without asking (app lock off), so locking would protect nothing.
    NoAppLock,
}

/// Where the vault stands, as the unlock screen needs it.
pub enum Standing {
    /// Unlocked; `asks` when it has no slot that opens without asking (app lock on).
    Unlocked {
        /// App lock is on.
        asks: bool,
    },
    /// Locked: these slot kinds can unlock it.
    Locked(LockedVault),
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
            vault: Mutex::new(VaultSlot::Closed(AppError::new(ErrorCode::Storage))),
            opened: Condvar::new(),
            pending: Mutex::default(),
            scanning: Mutex::default(),
            picked_file: Mutex::default(),
            save_file: Mutex::default(),
            settings_path: Mutex::default(),
            pick_file: Mutex::default(),
            pick_folder: Mutex::default(),
            show_recovery_code: Mutex::default(),
            presence: Mutex::new(Presence {
                hidden_since: None,
                last_input: Instant::now(),
            }),
            approvals: crate::inbox::Approvals::default(),
            activity: crate::activity::ActivityLog::default(),
            outgoing: Mutex::default(),
        }
    }

    /// Opens the vault when the app starts: the one at `TESSERA_VAULT`, else `vault.tessera` in the
    /// app's data folder (the command line's default too). A missing vault is created with a
    /// device slot, so that codes work at once. A vault with no slot that opens without asking
    /// (app lock on), or whose device key is not there, waits locked for the user.
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
        if let Some(folder) = &data {
            self.activity.set_path(folder.join("activity.log"));
        }
        self.activity.record("app started");
        if let Some(picture) = dialog_stand_in("TESSERA_PICK_FILE", |name| std::env::var_os(name)) {
            self.set_pick_file(picture);
        }
        if let Some(path) = dialog_stand_in("TESSERA_SAVE_FILE", |name| std::env::var_os(name)) {
            self.set_save_file(path);
        }
        if let Some(folder) = dialog_stand_in("TESSERA_PICK_FOLDER", |name| std::env::var_os(name))
        {
            self.set_pick_folder(folder);
        }
        self.put_vault(VaultSlot::Opening);
        let app = app.clone();
        let opening = std::thread::Builder::new()
            .name("open-vault".into())
            .spawn(move || {
                // A panic must not leave the commands waiting for ever.
                let opened =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match path {
                        Some(path) => open_or_create(&app, &path),
                        None => VaultSlot::Closed(AppError::new(ErrorCode::Storage)),
                    }))
                    .unwrap_or_else(|_| VaultSlot::Closed(AppError::new(ErrorCode::Unexpected)));
                app.state::<AppState>().put_vault(opened);
                crate::inbox::follow(&app);
            });
        if let Err(error) = opening {
            self.put_vault(VaultSlot::Closed(AppError::with(
                ErrorCode::Unexpected,
                error,
            )));
        }
    }

    /// Keeps the settings in this file.
    pub fn set_settings_path(&self, path: PathBuf) {
        if let Ok(mut slot) = self.settings_path.lock() {
            *slot = Some(path);
        }
    }

    /// The settings, as saved (the defaults where none are).
    pub fn settings(&self) -> crate::settings::Settings {
        let path = self.settings_path.lock().ok().and_then(|path| path.clone());
        crate::settings::Settings::load(path.as_deref().unwrap_or(Path::new("")))
    }

    /// The PNG that the `qr` scheme serves for this path (`/<account id>`, `/move/<id>/<part>`,
    /// `/google/<id>/<part>`): what the page's pictures show. Public for the command tests, which
    /// decode what the user would have scanned.
    pub fn qr_picture(&self, path: &str) -> Option<Vec<u8>> {
        crate::account_qr::picture(self, path)
    }

    /// Makes saving (exports, the activity log) write here instead of asking with the dialog.
    pub fn set_save_file(&self, path: PathBuf) {
        if let Ok(mut slot) = self.save_file.lock() {
            *slot = Some(path);
        }
    }

    /// Makes picking a picture or a file read this one instead of asking with the dialog.
    pub fn set_pick_file(&self, path: PathBuf) {
        if let Ok(mut slot) = self.pick_file.lock() {
            *slot = Some(path);
        }
    }

    /// Makes choosing the backups' folder take this one instead of asking with the folder dialog.
    pub fn set_pick_folder(&self, path: PathBuf) {
        if let Ok(mut slot) = self.pick_folder.lock() {
            *slot = Some(path);
        }
    }

    /// Puts an unlocked vault in the state (at start, and in tests).
    pub fn set_vault(&self, vault: Vault) {
        self.put_vault(VaultSlot::Open(Box::new(vault)));
    }

    fn put_vault(&self, vault: VaultSlot) {
        if let Ok(mut slot) = self.vault.lock() {
            *slot = vault;
        }
        self.opened.notify_all();
    }

    /// Puts a locked vault in the state (in tests).
    pub fn set_locked(&self, path: PathBuf) {
        self.put_vault(VaultSlot::Locked(path));
    }

    fn opened(&self) -> Result<std::sync::MutexGuard<'_, VaultSlot>, AppError> {
        let slot = self
            .vault
            .lock()
            .map_err(|_| AppError::new(ErrorCode::Unexpected))?;
        self.opened
            .wait_while(slot, |slot| matches!(slot, VaultSlot::Opening))
            .map_err(|_| AppError::new(ErrorCode::Unexpected))
    }

    /// Runs `work` with the unlocked vault (once it has finished opening), or fails with why there
    /// is none (`locked` while it waits for the user).
    pub fn with_vault<T>(
        &self,
        work: impl FnOnce(&mut Vault) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        match &mut *self.opened()? {
            VaultSlot::Open(vault) => work(vault),
            VaultSlot::Locked(_) => Err(AppError::new(ErrorCode::Locked)),
            VaultSlot::Closed(error) => Err(error.clone()),
            VaultSlot::Opening => Err(AppError::new(ErrorCode::Unexpected)),
        }
    }

    /// Where the vault stands, once it has finished opening.
    pub fn standing(&self) -> Result<Standing, AppError> {
        match &*self.opened()? {
            VaultSlot::Open(vault) => Ok(Standing::Unlocked {
                asks: !vault.opens_without_asking()?,
            }),
            VaultSlot::Locked(path) => Ok(Standing::Locked(LockedVault::open(path)?)),
            VaultSlot::Closed(error) => Err(error.clone()),
            VaultSlot::Opening => Err(AppError::new(ErrorCode::Unexpected)),
        }
    }

    /// The wrong tries in a row at unlocking this vault, kept beside it.
    pub fn attempts(&self, now: i64) -> Result<UnlockAttempts, AppError> {
        match &*self.opened()? {
            VaultSlot::Locked(path) => Ok(UnlockAttempts::load(&attempts_path(path), now)),
            VaultSlot::Open(vault) => Ok(UnlockAttempts::load(&attempts_path(vault.path()), now)),
            VaultSlot::Closed(error) => Err(error.clone()),
            VaultSlot::Opening => Err(AppError::new(ErrorCode::Unexpected)),
        }
    }

    /// Unlocks the waiting vault with what the user offered. While a wait after wrong tries runs,
    /// nothing is tried (`wait`, with the seconds left); a wrong credential is counted.
    pub fn unlock(&self, credential: &dyn Credential, now: i64) -> Result<(), AppError> {
        let mut slot = self.opened()?;
        let path = match &*slot {
            VaultSlot::Locked(path) => path.clone(),
            VaultSlot::Open(_) => return Ok(()),
            VaultSlot::Closed(error) => return Err(error.clone()),
            VaultSlot::Opening => return Err(AppError::new(ErrorCode::Unexpected)),
        };
        let vault = try_credential(&path, credential, now)?;
        *slot = VaultSlot::Open(Box::new(vault));
        drop(slot);
        self.touched();
        self.approvals.confirmed();
        self.activity.record("vault unlocked");
        Ok(())
    }

    /// Checks that the user is there, with a credential that would unlock the open vault (before
    /// approving a sign-in): counted like unlocking, and the vault stays as it is.
    pub fn confirm(&self, credential: &dyn Credential, now: i64) -> Result<(), AppError> {
        let path = self.with_vault(|vault| Ok(vault.path().to_path_buf()))?;
        drop(try_credential(&path, credential, now)?);
        self.touched();
        self.approvals.confirmed();
        Ok(())
    }

    /// Locks the vault if it asks before opening (app lock on): the vault key is wiped and every
    /// pending import dropped.
    pub fn lock(&self) -> Result<Locking, AppError> {
        let mut slot = self.opened()?;
        let path = match &*slot {
            VaultSlot::Open(vault) if !vault.opens_without_asking()? => vault.path().to_path_buf(),
            VaultSlot::Locked(_) => return Ok(Locking::AlreadyLocked),
            _ => return Ok(Locking::NoAppLock),
        };
        *slot = VaultSlot::Locked(path);
        drop(slot);
        self.approvals.stop();
        self.activity.record("vault locked");
        if let Ok(mut pending) = self.pending.lock() {
            pending.clear();
        }
        if let Ok(mut scanning) = self.scanning.lock() {
            *scanning = ImportSession::new();
        }
        if let Ok(mut picked) = self.picked_file.lock() {
            *picked = None;
        }
        if let Ok(mut outgoing) = self.outgoing.lock() {
            *outgoing = crate::moving::Outgoing::default();
        }
        Ok(Locking::Locked)
    }

    /// Locks the vault if the policy says it is time; returns whether it locked just now.
    pub fn lock_if_due(&self, policy: &LockPolicy) -> bool {
        let due = self.presence.lock().is_ok_and(|presence| {
            policy.due(presence.hidden_since, presence.last_input, Instant::now())
        });
        due && matches!(self.lock(), Ok(Locking::Locked))
    }

    /// The user typed, clicked or touched.
    pub fn touched(&self) {
        if let Ok(mut presence) = self.presence.lock() {
            presence.last_input = Instant::now();
        }
    }

    /// The app came on screen or left it.
    pub fn shown(&self, visible: bool) {
        if let Ok(mut presence) = self.presence.lock() {
            presence.hidden_since = if visible {
                None
            } else {
                presence.hidden_since.or(Some(Instant::now()))
            };
            if visible {
                presence.last_input = Instant::now();
            }
        }
    }
}

/// Opens the vault at `path` with what the user offered. While a wait after wrong tries runs,
/// nothing is tried (`wait`, with the seconds left); a wrong credential is counted.
fn try_credential(path: &Path, credential: &dyn Credential, now: i64) -> Result<Vault, AppError> {
    let mut attempts = UnlockAttempts::load(&attempts_path(path), now);
    let wait = attempts.wait(now);
    if wait > 0 {
        return Err(AppError::with(ErrorCode::Wait, wait));
    }
    match LockedVault::open(path)?.unlock(credential) {
        Ok(vault) => {
            let _ = attempts.succeeded();
            Ok(vault)
        }
        Err(
            error @ (VaultError::WrongPassword
            | VaultError::WrongRecoveryCode
            | VaultError::NotARecoveryCode),
        ) => {
            attempts
                .failed(now)
                .map_err(|error| AppError::with(ErrorCode::Storage, error))?;
            let wait = attempts.wait(now);
            if wait > 0 {
                return Err(AppError::with(ErrorCode::WrongThenWait, wait));
            }
            Err(AppError::from(error))
        }
        Err(error) => Err(AppError::from(error)),
    }
}

/// Where the wrong tries at unlocking a vault are counted: beside it.
fn attempts_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push(".attempts");
    PathBuf::from(name)
}

/// Opens the vault at start: unlocked when a slot opens without asking and this device can, else
/// locked, waiting for the user; a missing vault is created with a device slot.
fn open_or_create<R: tauri::Runtime>(app: &tauri::AppHandle<R>, path: &Path) -> VaultSlot {
    let opened = (|| {
        if !path.exists() {
            let store = platform::key_store(app)?;
            let (vault, _) = Vault::create(path, &tessera_core::vault::NewDevice(store.as_ref()))?;
            return Ok(VaultSlot::Open(Box::new(vault)));
        }
        let locked = LockedVault::open(path)?;
        if !locked.opens_without_asking()? {
            return Ok(VaultSlot::Locked(path.to_path_buf()));
        }
        let device = platform::key_store(app).and_then(|store| {
            Ok(LockedVault::open(path)?.unlock(&tessera_core::vault::Device(store.as_ref()))?)
        });
        match device {
            Ok(vault) => Ok(VaultSlot::Open(Box::new(vault))),
            // The key store cannot open it, but a password or the recovery code may.
            Err(_) if locked.slots()?.len() > 1 => Ok(VaultSlot::Locked(path.to_path_buf())),
            Err(error) => Err(error),
        }
    })();
    opened.unwrap_or_else(VaultSlot::Closed)
}

/// The file named by `name` (`TESSERA_PICK_FILE`: what picking a picture or a file reads;
/// `TESSERA_SAVE_FILE`: where saving writes; `TESSERA_PICK_FOLDER`: the backups' folder) instead of asking with the file dialog: only in
/// builds for the end-to-end tests (the `e2e-stand-ins` feature), so that in the app people run,
/// no variable in its environment can choose what is read or where an export goes.
fn dialog_stand_in(
    name: &str,
    variable: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    if cfg!(feature = "e2e-stand-ins") {
        variable(name).map(PathBuf::from)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use tessera_core::vault::NewPassword;
    use tessera_core::vault::slots::password::PasswordParams;

    use super::*;

    fn new_vault(folder: &tempfile::TempDir) -> Vault {
        let params = PasswordParams::new(8 * 1024, 1, 1).unwrap();
        let path = folder.path().join("vault.tessera");
        Vault::create(&path, &NewPassword("pw", params)).unwrap().0
    }

    #[test]
    fn the_file_dialogs_stand_in_is_read_only_in_builds_for_the_end_to_end_tests() {
        for name in [
            "TESSERA_PICK_FILE",
            "TESSERA_SAVE_FILE",
            "TESSERA_PICK_FOLDER",
        ] {
            let set = |asked: &str| (asked == name).then(|| "/tmp/qr.png".into());
            let expected = cfg!(feature = "e2e-stand-ins").then(|| PathBuf::from("/tmp/qr.png"));
            assert_eq!(dialog_stand_in(name, set), expected);
            assert_eq!(dialog_stand_in(name, |_| None), None);
        }
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
        state.put_vault(VaultSlot::Closed(AppError::new(ErrorCode::KeyStore)));
        assert_eq!(
            state.with_vault(|_| Ok(())),
            Err(AppError::new(ErrorCode::KeyStore))
        );
    }
}
