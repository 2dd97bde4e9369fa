//! Automatic backups: after every change to the accounts, a backup into a folder the user chose
//! (a synced folder, a USB stick), keeping the newest few.
//!
//! The backup password is asked once, when backups are turned on: its key is derived then
//! ([`Protection`]) and kept, with the folder and the number to keep, sealed in the vault
//! (`vault/automatic_backups.rs`, `docs/vault-format.md`). Each change then costs only the sealing
//! and writing of one file. The change itself is committed first; a backup that cannot be written
//! (the drive is not plugged in, the folder is read-only) is recorded in the vault and reported,
//! and never undoes the change. Files are named and kept as `folder.rs` says.

use std::path::{Path, PathBuf};

use super::folder::{self, BackupFile, FolderError};
use super::{BackupError, Protection, write_backup};
use crate::account::Account;
use crate::vault::{Details, VaultError};

/// How many backups are kept unless the user says otherwise.
pub const DEFAULT_KEEP: u32 = 10;
/// The most backups the user may ask to keep.
pub const MAX_KEEP: u32 = 1000;

/// Automatic backups as the user set them up, and how the last ones went. Holds no key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutomaticBackups {
    /// The folder backups go into.
    pub folder: PathBuf,
    /// How many are kept.
    pub keep: u32,
    /// The last backup written.
    pub last_written: Option<WrittenBackup>,
    /// Why the last try failed, when it did (cleared by the next backup written).
    pub last_failure: Option<BackupFailure>,
}

/// A backup that was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenBackup {
    /// When (Unix seconds; the time in its name).
    pub at: i64,
    /// Its file name in the folder.
    pub name: String,
    /// How many accounts it holds.
    pub accounts: usize,
}

/// A backup that could not be written, as the vault remembers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupFailure {
    /// When it was tried (Unix seconds).
    pub at: i64,
    /// The kind of failure ([`AutomaticBackupError::code`]).
    pub code: String,
    /// What went wrong, in English words the user can act on.
    pub message: String,
}

/// A backup in the folder, and how many accounts it holds when the vault's key opens it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedBackup {
    /// The file.
    pub file: BackupFile,
    /// Its accounts, if the key the vault keeps opens it (not one made with an earlier backup
    /// password, or by another vault).
    pub accounts: Option<usize>,
}

/// Why automatic backups could not be set up or written. None of these undoes a change to the
/// accounts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AutomaticBackupError {
    /// Automatic backups are not turned on.
    #[error("automatic backups are off: choose a folder for them first")]
    Off,
    /// A number of backups to keep out of range.
    #[error("keep between 1 and {MAX_KEEP} backups, not {0}")]
    Keep(u32),
    /// The folder could not be written to.
    #[error(transparent)]
    Folder(#[from] FolderError),
    /// The backup could not be made.
    #[error(transparent)]
    Backup(#[from] BackupError),
    /// The vault could not be read or written.
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl AutomaticBackupError {
    /// A short name for the kind of failure: the folder's ([`FolderError::code`]), or `off`,
    /// `keep`, `backup`, `vault`.
    pub fn code(&self) -> &'static str {
        match self {
            AutomaticBackupError::Off => "off",
            AutomaticBackupError::Keep(_) => "keep",
            AutomaticBackupError::Folder(error) => error.code(),
            AutomaticBackupError::Backup(_) => "backup",
            AutomaticBackupError::Vault(_) => "vault",
        }
    }
}

/// Checks a number of backups to keep (1 to [`MAX_KEEP`]).
pub fn check_keep(keep: u32) -> Result<u32, AutomaticBackupError> {
    (1..=MAX_KEEP)
        .contains(&keep)
        .then_some(keep)
        .ok_or(AutomaticBackupError::Keep(keep))
}

/// Makes the folder if it is not there yet (when the user chooses it, not when backing up: a
/// missing folder then is a drive that is not plugged in, and one made in its place would be
/// on the wrong disk).
pub(crate) fn prepare_folder(folder: &Path) -> Result<(), FolderError> {
    folder::check_path(folder)?;
    if std::fs::symlink_metadata(folder).is_err() {
        crate::owner_only::create_folder(folder)
            .map_err(|error| FolderError::from_io(folder, &error))?;
    }
    Ok(())
}

/// Writes a backup of `accounts` into `folder` as of `at`, then keeps the newest `keep`.
pub(crate) fn back_up(
    folder: &Path,
    keep: u32,
    protection: &Protection,
    accounts: &[(Account, Details)],
    at: i64,
) -> Result<WrittenBackup, AutomaticBackupError> {
    let bytes = zeroize::Zeroizing::new(write_backup(accounts, protection)?);
    let written = folder::write_into(folder, &bytes, at)?;
    folder::keep_newest(folder, keep as usize, &written.path);
    Ok(WrittenBackup {
        at,
        name: written.name,
        accounts: accounts.len(),
    })
}

/// The backups in `folder`, oldest first, each opened with `protection` to count its accounts.
pub(crate) fn list(
    folder: &Path,
    protection: &Protection,
) -> Result<Vec<ListedBackup>, AutomaticBackupError> {
    Ok(folder::backups_in(folder)?
        .into_iter()
        .map(|file| {
            let accounts = count_accounts(&file.path, protection);
            ListedBackup { file, accounts }
        })
        .collect())
}

fn count_accounts(path: &Path, protection: &Protection) -> Option<usize> {
    let start = folder::header_of(path).ok()?;
    if !super::SealedBackup::parse(&start)
        .ok()?
        .written_with(protection)
    {
        return None;
    }
    let size = std::fs::metadata(path).ok()?.len();
    if size > crate::import::MAX_FILE_BYTES as u64 {
        return None;
    }
    let file = std::fs::read(path).ok()?;
    let sealed = super::SealedBackup::parse(&file).ok()?;
    let key = sealed.unlock_with(protection).ok()?;
    Some(sealed.open(&key).ok()?.accounts.len())
}
