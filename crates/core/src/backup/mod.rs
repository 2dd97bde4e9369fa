//! Tessera's own backup: every account and its details in one file that a password, the vault's
//! recovery code, or either of the two opens.
//!
//! The accounts are written as JSON ([`body`]) and sealed whole with AES-256-GCM under a random
//! data key; the data key is wrapped once for each way of opening the file (`protection.rs`): by a
//! key from Argon2id over the backup password, and by a key from the recovery code as the vault's
//! recovery slot derives it, so that the code alone restores the accounts on a new phone. The
//! header (`header.rs`: magic, version, the wrapped keys with their parameters) is in the clear
//! and is the associated data of the body, so no byte of it can change unnoticed. The layout,
//! precise enough for an independent reader, is `docs/backup-format.md`.
//!
//! Writing derives nothing: a [`Protection`] is made once (the slow Argon2id is paid then) and
//! seals as many backups as are written. Reading is three steps, so that the costly one can be
//! timed and asked about apart: [`SealedBackup::parse`] reads and bounds the header,
//! [`SealedBackup::unlock`] derives a key from what the user typed and unwraps the data key, and
//! [`SealedBackup::open`] decrypts and reads the accounts. Restoring is importing a backup
//! (`import::formats::tessera`), with the import's preview and its all-or-nothing add.
//!
//! Automatic backups ([`automatic`]) write one into a folder the user chose after every change,
//! named and kept as [`folder`] says, with a protection whose keys the vault keeps.

pub mod automatic;
pub mod body;
mod error;
pub mod folder;
mod header;
mod protection;
mod read;
mod write;

pub use automatic::{
    AutomaticBackupError, AutomaticBackups, BackupFailure, ListedBackup, WrittenBackup,
};
pub use error::BackupError;
pub use folder::{BackupFile, FolderError};
pub use protection::Protection;
pub use read::{DataKey, SealedBackup, read_backup};
pub use write::write_backup;

/// The first bytes of every backup: `TSRABKUP` ("TSRA" is the vault's application id).
pub const MAGIC: [u8; 8] = *b"TSRABKUP";

/// The format version this Tessera writes, and the newest it reads.
pub const VERSION: u16 = 1;

/// Whether a file starts as a backup does (a look at the magic, nothing more).
pub fn is_backup(file: &[u8]) -> bool {
    file.starts_with(&MAGIC)
}
