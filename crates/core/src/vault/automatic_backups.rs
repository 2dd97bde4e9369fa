//! Automatic backups as the vault keeps them: one sealed row (`automatic_backups`, schema version
//! 4) with the folder, how many to keep, the keys the backup password was derived into, and how
//! the last backup went; and the backup written after every change to the accounts.
//!
//! A backup is written under the vault's write lock, in a transaction of its own after the
//! change's has committed: the accounts it holds are the vault's latest (no other program can
//! commit a change between the reading and the writing, so the newest file is always the newest
//! state), and how it went is recorded in the same transaction. The key is the vault's secret as
//! much as an account's: it is sealed like one, listed in the manifest, and never shown.

use std::fmt;
use std::path::{Path, PathBuf};

use prost::Message;
use rusqlite::{Connection, OptionalExtension, params};
use zeroize::Zeroize;

use super::manifest::{Manifest, Table, row_context};
use super::seal::Key;
use super::slots::password::PasswordParams;
use super::slots::recovery::SALT_LEN;
use super::{Vault, VaultError, database, now};
use crate::backup::automatic::{self, check_keep, prepare_folder};
use crate::backup::{
    AutomaticBackupError, AutomaticBackups, BackupFailure, ListedBackup, Protection, WrittenBackup,
};

/// The only row's id.
const ROW: i64 = 1;

/// The plaintext of the sealed row. The keys are wiped when dropped and hidden from `Debug`.
#[derive(Clone, PartialEq, prost::Message)]
#[prost(skip_debug)]
struct Record {
    #[prost(string, tag = "1")]
    folder: String,
    #[prost(uint32, tag = "2")]
    keep: u32,
    /// The backup password's Argon2id parameters and salt, as a password slot stores them.
    #[prost(bytes = "vec", tag = "3")]
    password_params: Vec<u8>,
    /// The key derived from the backup password with them.
    #[prost(bytes = "vec", tag = "4")]
    password_key: Vec<u8>,
    /// The recovery code's salt and key, when backups open with a recovery code too.
    #[prost(bytes = "vec", tag = "5")]
    recovery_salt: Vec<u8>,
    #[prost(bytes = "vec", tag = "6")]
    recovery_key: Vec<u8>,
    #[prost(int64, optional, tag = "7")]
    written_at: Option<i64>,
    #[prost(string, optional, tag = "8")]
    written_name: Option<String>,
    #[prost(uint64, optional, tag = "9")]
    written_accounts: Option<u64>,
    #[prost(int64, optional, tag = "10")]
    failed_at: Option<i64>,
    #[prost(string, optional, tag = "11")]
    failure_code: Option<String>,
    #[prost(string, optional, tag = "12")]
    failure_message: Option<String>,
}

impl Drop for Record {
    fn drop(&mut self) {
        self.password_key.zeroize();
        self.recovery_key.zeroize();
    }
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("folder", &self.folder)
            .field("keep", &self.keep)
            .finish_non_exhaustive()
    }
}

impl Record {
    fn new(folder: &str, keep: u32, protection: &Protection) -> Record {
        let (password, recovery) = (protection.password_key(), protection.recovery_key());
        Record {
            folder: folder.to_string(),
            keep,
            password_params: password.map_or_else(Vec::new, |(params, _)| params.to_bytes()),
            password_key: password.map_or_else(Vec::new, |(_, key)| key.as_bytes().to_vec()),
            recovery_salt: recovery.map_or_else(Vec::new, |(salt, _)| salt.to_vec()),
            recovery_key: recovery.map_or_else(Vec::new, |(_, key)| key.as_bytes().to_vec()),
            written_at: None,
            written_name: None,
            written_accounts: None,
            failed_at: None,
            failure_code: None,
            failure_message: None,
        }
    }

    /// The protection the keys make; `None` if they are not what a writer stores.
    fn protection(&self) -> Option<Protection> {
        let password = match (
            self.password_params.is_empty(),
            self.password_key.is_empty(),
        ) {
            (true, true) => None,
            _ => Some((
                PasswordParams::from_bytes(&self.password_params).ok()?,
                Key::from_slice(&self.password_key)?,
            )),
        };
        let recovery = match (self.recovery_salt.is_empty(), self.recovery_key.is_empty()) {
            (true, true) => None,
            _ => Some((
                <[u8; SALT_LEN]>::try_from(self.recovery_salt.as_slice()).ok()?,
                Key::from_slice(&self.recovery_key)?,
            )),
        };
        (password.is_some() || recovery.is_some())
            .then(|| Protection::from_keys(password, recovery))
    }

    fn folder(&self) -> PathBuf {
        PathBuf::from(&self.folder)
    }

    fn note(&mut self, outcome: &Result<WrittenBackup, AutomaticBackupError>, at: i64) {
        match outcome {
            Ok(written) => {
                self.written_at = Some(written.at);
                self.written_name = Some(written.name.clone());
                self.written_accounts = Some(written.accounts as u64);
                self.failed_at = None;
                self.failure_code = None;
                self.failure_message = None;
            }
            Err(error) => {
                self.failed_at = Some(at);
                self.failure_code = Some(error.code().to_string());
                self.failure_message = Some(error.to_string());
            }
        }
    }

    fn view(&self) -> AutomaticBackups {
        AutomaticBackups {
            folder: self.folder(),
            keep: self.keep,
            last_written: match (self.written_at, &self.written_name) {
                (Some(at), Some(name)) => Some(WrittenBackup {
                    at,
                    name: name.clone(),
                    accounts: self.written_accounts.unwrap_or(0) as usize,
                }),
                _ => None,
            },
            last_failure: self.failed_at.map(|at| BackupFailure {
                at,
                code: self.failure_code.clone().unwrap_or_default(),
                message: self.failure_message.clone().unwrap_or_default(),
            }),
        }
    }
}

/// The associated data that binds the sealed row to its place and schema version.
fn context(vault_id: &str, version: i64) -> Vec<u8> {
    row_context(Table::AutomaticBackups, vault_id, ROW, version)
}

fn damaged(path: &Path, what: &str) -> VaultError {
    VaultError::Damaged(format!("{} ({what})", path.display()))
}

/// The record, if backups are on. A row that does not open, is not the one the vault wrote last,
/// or is gone while the manifest still lists it, is damage: automatic backups must not stop (or
/// go back to an earlier folder or password) because someone edited the file.
fn load(
    connection: &Connection,
    manifest: &Manifest,
    vault_id: &str,
    key: &Key,
    path: &Path,
) -> Result<Option<Record>, VaultError> {
    let row: Option<(Vec<u8>, i64)> = connection
        .query_row(
            "SELECT sealed, sealed_version FROM automatic_backups WHERE id = ?1",
            [ROW],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .map_err(database::failed(path))?;
    let listed = manifest.listed(Table::AutomaticBackups).any(|id| id == ROW);
    let Some((sealed, version)) = row else {
        return match listed {
            true => Err(damaged(path, "its automatic backup settings are missing")),
            false => Ok(None),
        };
    };
    let record = manifest
        .vouches_for(Table::AutomaticBackups, ROW, &sealed, None)
        .then(|| key.open(&sealed, &context(vault_id, version)).ok())
        .flatten()
        .and_then(|bytes| Record::decode(bytes.as_slice()).ok())
        .filter(|record| record.protection().is_some())
        .ok_or_else(|| damaged(path, "its automatic backup settings do not open"))?;
    Ok(Some(record))
}

fn save(
    connection: &Connection,
    manifest: &mut Manifest,
    vault_id: &str,
    key: &Key,
    path: &Path,
    record: &Record,
) -> Result<(), VaultError> {
    let mut plaintext = zeroize::Zeroizing::new(record.encode_to_vec());
    let sealed = key.seal(&plaintext, &context(vault_id, database::SCHEMA_VERSION))?;
    plaintext.zeroize();
    connection
        .execute(
            "INSERT INTO automatic_backups (id, sealed, sealed_version, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed,
                 sealed_version = excluded.sealed_version, updated_at = excluded.updated_at",
            params![ROW, sealed, database::SCHEMA_VERSION, now()],
        )
        .map_err(database::failed(path))?;
    manifest.record(Table::AutomaticBackups, ROW, &sealed, None);
    manifest.save(connection, vault_id, key, path)
}

/// What a backup run does with the stored settings.
enum Run {
    /// Back up with the settings stored, if backups are on; a failure is recorded.
    AfterChange,
    /// Back up now; off is an error, a failure is recorded and returned.
    Now,
    /// New settings (turning on, or another folder or number): stored only if the backup they
    /// make is written, so that a folder that does not work is refused and nothing changes.
    Set(Box<dyn FnOnce(Option<Record>) -> Result<Record, AutomaticBackupError>>),
}

impl Vault {
    /// Turns automatic backups on (or replaces their settings and password): backups of the
    /// accounts go into `folder` (made, owner-only, if it is not there), protected by
    /// `protection` (derive it once with the backup password; its keys are kept sealed in the
    /// vault so that the password is not asked again), keeping the newest `keep`. The first
    /// backup is written at once; if it cannot be, nothing is changed.
    pub fn turn_on_automatic_backups(
        &mut self,
        folder: &Path,
        keep: u32,
        protection: &Protection,
    ) -> Result<WrittenBackup, AutomaticBackupError> {
        check_keep(keep)?;
        prepare_folder(folder)?;
        let record = Record::new(crate::backup::folder::check_path(folder)?, keep, protection);
        self.run_backup(Run::Set(Box::new(move |_| Ok(record))))?
            .ok_or(AutomaticBackupError::Off)
    }

    /// Changes the folder or the number kept, with the password already set. A backup is written
    /// with the new settings at once; if it cannot be, nothing is changed.
    pub fn change_automatic_backups(
        &mut self,
        folder: Option<&Path>,
        keep: Option<u32>,
    ) -> Result<WrittenBackup, AutomaticBackupError> {
        if let Some(keep) = keep {
            check_keep(keep)?;
        }
        let folder = match folder {
            Some(folder) => {
                prepare_folder(folder)?;
                Some(crate::backup::folder::check_path(folder)?.to_string())
            }
            None => None,
        };
        let change = move |stored: Option<Record>| {
            let mut record = stored.ok_or(AutomaticBackupError::Off)?;
            if let Some(folder) = folder {
                if folder != record.folder {
                    record.written_at = None;
                    record.written_name = None;
                    record.written_accounts = None;
                }
                record.folder = folder;
            }
            record.keep = keep.unwrap_or(record.keep);
            Ok(record)
        };
        self.run_backup(Run::Set(Box::new(change)))?
            .ok_or(AutomaticBackupError::Off)
    }

    /// Turns automatic backups off and forgets their settings and key. The backups already
    /// written stay where they are. Returns whether they were on.
    pub fn turn_off_automatic_backups(&mut self) -> Result<bool, VaultError> {
        let (vault_id, key, path) = (self.vault_id.clone(), self.key.clone(), self.path.clone());
        let storage = database::failed(&path);
        let transaction = database::begin_write(&mut self.connection, &path)?;
        let mut manifest = Manifest::for_writing(&transaction, &vault_id, &key, &path)?;
        let deleted = transaction
            .execute("DELETE FROM automatic_backups WHERE id = ?1", [ROW])
            .map_err(storage)?;
        let listed = manifest.listed(Table::AutomaticBackups).any(|id| id == ROW);
        if deleted == 0 && !listed {
            return Ok(false);
        }
        manifest.forget(Table::AutomaticBackups, ROW);
        manifest.save(&transaction, &vault_id, &key, &path)?;
        transaction.commit().map_err(storage)?;
        self.backup_outcome = None;
        Ok(true)
    }

    /// Automatic backups' settings and how the last backup went; `None` when they are off.
    pub fn automatic_backups(&self) -> Result<Option<AutomaticBackups>, VaultError> {
        let storage = self.storage();
        let snapshot = self.connection.unchecked_transaction().map_err(storage)?;
        let manifest = Manifest::for_reading(&snapshot, &self.vault_id, &self.key, &self.path)?;
        Ok(
            load(&snapshot, &manifest, &self.vault_id, &self.key, &self.path)?
                .map(|record| record.view()),
        )
    }

    /// Writes a backup now (and keeps the newest). A failure is recorded, as after a change.
    pub fn back_up_now(&mut self) -> Result<WrittenBackup, AutomaticBackupError> {
        self.run_backup(Run::Now)?.ok_or(AutomaticBackupError::Off)
    }

    /// The backups in the folder, oldest first, with the number of accounts of those the key
    /// the vault keeps opens.
    pub fn backup_files(&self) -> Result<Vec<ListedBackup>, AutomaticBackupError> {
        let storage = self.storage();
        let snapshot = self.connection.unchecked_transaction().map_err(storage)?;
        let manifest = Manifest::for_reading(&snapshot, &self.vault_id, &self.key, &self.path)?;
        let record = load(&snapshot, &manifest, &self.vault_id, &self.key, &self.path)?
            .ok_or(AutomaticBackupError::Off)?;
        drop(snapshot);
        let protection = record
            .protection()
            .ok_or_else(|| damaged(&self.path, "its automatic backup settings do not open"))?;
        automatic::list(&record.folder(), &protection)
    }

    /// How the automatic backup after the last change went, if backups are on and there was a
    /// change since this was last asked. The command line warns with it; the app reads
    /// [`Vault::automatic_backups`], which survives a restart.
    pub fn take_backup_outcome(&mut self) -> Option<Result<WrittenBackup, AutomaticBackupError>> {
        self.backup_outcome.take()
    }

    /// After a change to the accounts has committed: a backup, if they are on.
    pub(super) fn back_up_after_change(&mut self) {
        self.backup_outcome = self.run_backup(Run::AfterChange).transpose();
    }

    fn run_backup(&mut self, run: Run) -> Result<Option<WrittenBackup>, AutomaticBackupError> {
        let (vault_id, key, path) = (self.vault_id.clone(), self.key.clone(), self.path.clone());
        let storage = database::failed(&path);
        let transaction = database::begin_write(&mut self.connection, &path)?;
        let mut manifest = Manifest::for_writing(&transaction, &vault_id, &key, &path)?;
        let stored = load(&transaction, &manifest, &vault_id, &key, &path)?;
        let (mut record, refuse_failure) = match run {
            Run::AfterChange => match stored {
                Some(record) => (record, false),
                None => return Ok(None),
            },
            Run::Now => (stored.ok_or(AutomaticBackupError::Off)?, false),
            Run::Set(change) => (change(stored)?, true),
        };
        let protection = record
            .protection()
            .ok_or_else(|| damaged(&path, "its automatic backup settings do not open"))?;
        let listing = super::accounts::list_in(&transaction, &vault_id, &key, &path)?;
        let accounts: Vec<_> = listing
            .entries
            .into_iter()
            .map(|entry| (entry.account, entry.details))
            .collect();
        let at = now();
        let outcome = automatic::back_up(&record.folder(), record.keep, &protection, &accounts, at);
        if let (true, Err(error)) = (refuse_failure, &outcome) {
            return Err(error.clone());
        }
        record.note(&outcome, at);
        save(&transaction, &mut manifest, &vault_id, &key, &path, &record)?;
        transaction.commit().map_err(storage)?;
        outcome.map(Some)
    }
}
