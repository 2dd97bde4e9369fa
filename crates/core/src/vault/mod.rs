//! The vault: every account sealed at rest in one SQLite file, opened by key slots.
//!
//! A random 256-bit vault key seals each account row with AES-256-GCM, bound to its table, row and
//! schema version. The vault key itself is stored only wrapped, once per [`slots`] entry (device,
//! password, recovery). Only ids, order and timestamps are in the clear. A sealed list of the
//! sealed rows (`manifest.rs`) says which value of each row is the current one and when it was
//! removed, so an older value copied back, or an edited removal time, is refused as damage. The
//! format is written down in `docs/vault-format.md`.
//!
//! Removing a slot, changing a password, or asking for it re-keys the vault (`rekey.rs`): a new
//! vault key, every sealed row sealed again and the slots that stay wrapped again, so that an old
//! copy of the file and a credential that was given up open nothing written since.
//! After every change to the accounts, a backup is written into the folder the user chose, if
//! automatic backups are on (`automatic_backups.rs`): after the change has committed, so that a
//! backup that cannot be written never loses the change.
//!
//! Every change is one SQLite transaction (`BEGIN IMMEDIATE`, WAL, `synchronous=FULL`), so a crash
//! or a killed process leaves either the whole change or none of it, and the command line and the
//! app can use the same file at once.

mod accounts;
mod approval_servers;
mod automatic_backups;
mod database;
mod entry;
pub mod key_store;
mod manifest;
mod record;
mod rekey;
pub mod seal;
mod slot_changes;
pub mod slots;
mod unlock;

use std::path::PathBuf;

pub use accounts::{Duplicates, Listing};
pub use approval_servers::ApprovalServerId;
pub use database::SCHEMA_VERSION;
pub use entry::{AccountId, Details, Edit, Entry, TrashedEntry};
pub use key_store::{KeyStore, KeyStoreError};
pub use slots::biometric::{Biometric, BiometricError, BiometricKeys, NewBiometric};
pub use slots::device::{Device, NewDevice};
pub use slots::password::{NewPassword, Password};
pub use slots::recovery::{NewRecovery, Recovery};
pub use slots::{Credential, NewSlot, Platform, Slot, SlotId, SlotKind};
pub use unlock::{APP_IDENTIFIER, AddedSlot, LockedVault, VAULT_FILE, default_path};

use crate::account::AccountError;
use seal::Key;

/// How long an account stays in the trash before it is deleted for good.
pub const TRASH_DAYS: i64 = 30;

/// An unlocked vault. Locking it (or dropping it) wipes the vault key from memory.
pub struct Vault {
    connection: rusqlite::Connection,
    path: PathBuf,
    vault_id: String,
    key: Key,
    /// The slot this vault was unlocked with (or created with) and its key: a re-key wraps the
    /// new vault key for it without asking the user again. Wiped with the vault.
    unlocked_with: Option<(SlotId, Key)>,
    /// A slot row (its number and wrapped key) known to wrap the key in memory: if another
    /// program re-keys the vault, it changes or goes (`rekey.rs`).
    witness: Option<(SlotId, Vec<u8>)>,
    /// How the automatic backup after the last change went (see `automatic_backups.rs`).
    backup_outcome:
        Option<Result<crate::backup::WrittenBackup, crate::backup::AutomaticBackupError>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// What went wrong with the vault, in words the user can act on. None of these changes the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// No file at the path.
    #[error("there is no vault at {0}: create one first (tessera init), or give the right path")]
    NotFound(String),
    /// A file is already there.
    #[error("there is already a file at {0}: open it, or choose another path for a new vault")]
    AlreadyExists(String),
    /// The file is not a Tessera vault.
    #[error("{0} is not a Tessera vault: check the path, or restore the vault from a backup")]
    NotAVault(String),
    /// The file is damaged.
    #[error("the vault at {0} is damaged: restore it from a backup")]
    Damaged(String),
    /// The file was written by a newer Tessera.
    #[error(
        "this vault was written by a newer version of Tessera (format {found}; this version reads up to \
         {supported}): update Tessera to open it"
    )]
    NewerVersion {
        /// The schema version in the file.
        found: i64,
        /// The newest schema this version reads.
        supported: i64,
    },
    /// The disk is full.
    #[error("the disk is full, so nothing was saved: free some space and try again")]
    DiskFull,
    /// Another program held the vault too long.
    #[error("another program is writing to the vault and did not finish in time: try again")]
    Busy,
    /// The password opens no slot.
    #[error("wrong password: nothing was changed; try again")]
    WrongPassword,
    /// The recovery code opens no slot.
    #[error("that recovery code does not open this vault: check it and try again")]
    WrongRecoveryCode,
    /// The text is not a recovery code at all.
    #[error(
        "that is not a recovery code: a recovery code has 24 letters and digits in six groups of four"
    )]
    NotARecoveryCode,
    /// The vault has no slot of the kind offered.
    #[error(
        "this vault cannot be unlocked that way (it has no {kind} slot): unlock it with {available}"
    )]
    NoSlotOfKind {
        /// The kind offered.
        kind: &'static str,
        /// The kinds it does have.
        available: String,
    },
    /// The key store has lost the device slot's key.
    #[error(
        "the key store no longer has this vault's device key: unlock with your password or recovery code, \
         then add a new device slot"
    )]
    KeyStoreEntryMissing,
    /// The key store failed or is not there.
    #[error(transparent)]
    KeyStore(#[from] KeyStoreError),
    /// The biometric check or its key store failed.
    #[error(transparent)]
    Biometric(#[from] slots::biometric::BiometricError),
    /// Removing the last slot would lock the vault for good.
    #[error(
        "this is the only way left to unlock the vault, so it cannot be removed: add another slot first"
    )]
    LastSlot,
    /// No slot with that number.
    #[error("the vault has no slot {0}: list the slots to see their numbers")]
    SlotNotFound(SlotId),
    /// A re-key cannot wrap the new vault key for a slot that stays without what opens it.
    #[error(
        "the vault gets a new key, which must be wrapped again for slot {id}, and that needs \
         {needs}: give it, or remove slot {id} too; nothing was changed"
    )]
    SlotCannotBeKept {
        /// The slot that would stay.
        id: SlotId,
        /// What it needs, in words ("your recovery code").
        needs: String,
    },
    /// Another program changed the slots or the vault key while this one was using the vault.
    #[error(
        "another program changed how this vault is unlocked (or gave it a new key) meanwhile: \
         lock the vault, unlock it again and retry; nothing was changed"
    )]
    ChangedElsewhere,
    /// No account with that number.
    #[error("the vault has no account {0}: list the accounts to see their numbers")]
    AccountNotFound(AccountId),
    /// No enrolled approval server with this number.
    #[error("there is no approval server {0} in the vault")]
    ApprovalServerNotFound(approval_servers::ApprovalServerId),
    /// The account's record is damaged.
    #[error("account {0} is damaged and cannot be read: remove it and add the account again")]
    UnreadableAccount(AccountId),
    /// The account is already in the vault.
    #[error(
        "{label} is already in the vault (account {existing}): add it again only if you mean to keep both"
    )]
    Duplicate {
        /// The account already there.
        existing: AccountId,
        /// How the account is named.
        label: String,
    },
    /// An account that cannot be stored as it is.
    #[error(transparent)]
    InvalidAccount(#[from] AccountError),
    /// A HOTP counter at its end.
    #[error("this counter-based account has used every code it has: ask the site for a new one")]
    CounterExhausted,
    /// The account is not counter-based.
    #[error("account {0} is not counter-based: its codes change with time")]
    NotCounterBased(AccountId),
    /// The system had no randomness to give.
    #[error("the system's random number generator failed: nothing was saved; try again")]
    NoRandomness,
    /// Any other storage failure.
    #[error("the vault could not be read or written ({0})")]
    Storage(String),
}

/// What kind of failure a [`VaultError`] is: what the user can do about it. The app and the
/// command line both ask this, so that an error is sorted once, here, and a new variant is sorted
/// where it is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user asked for something that cannot be: a wrong password, an account that is not
    /// there, removing the last slot. Asking differently helps; asking the same again does not.
    Input,
    /// Something in the way for now (a full disk, another program writing, a cancelled
    /// biometric prompt): the same again may work.
    TryAgain,
    /// The file cannot be read as it is: damaged, not a vault, or written by a newer version.
    Damaged,
    /// The platform's key store or biometric check failed or lost its key.
    KeyStore,
    /// A failure Tessera does not expect (an unknown storage error): worth reporting with its
    /// words.
    Bug,
}

impl VaultError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        use slots::biometric::BiometricError;
        // No wildcard: a new variant must be sorted here.
        match self {
            VaultError::NotFound(_)
            | VaultError::AlreadyExists(_)
            | VaultError::WrongPassword
            | VaultError::WrongRecoveryCode
            | VaultError::NotARecoveryCode
            | VaultError::NoSlotOfKind { .. }
            | VaultError::LastSlot
            | VaultError::SlotNotFound(_)
            | VaultError::AccountNotFound(_)
            | VaultError::ApprovalServerNotFound(_)
            | VaultError::Duplicate { .. }
            | VaultError::InvalidAccount(_)
            | VaultError::CounterExhausted
            | VaultError::NotCounterBased(_)
            | VaultError::SlotCannotBeKept { .. } => ErrorKind::Input,
            VaultError::DiskFull
            | VaultError::Busy
            | VaultError::ChangedElsewhere
            | VaultError::NoRandomness
            | VaultError::Biometric(BiometricError::Cancelled) => ErrorKind::TryAgain,
            VaultError::NotAVault(_)
            | VaultError::Damaged(_)
            | VaultError::NewerVersion { .. }
            | VaultError::UnreadableAccount(_) => ErrorKind::Damaged,
            VaultError::KeyStoreEntryMissing
            | VaultError::KeyStore(_)
            | VaultError::Biometric(
                BiometricError::Unavailable
                | BiometricError::Invalidated
                | BiometricError::Failed(_),
            ) => ErrorKind::KeyStore,
            VaultError::Storage(_) => ErrorKind::Bug,
        }
    }
}

impl From<seal::NoRandomness> for VaultError {
    fn from(_: seal::NoRandomness) -> VaultError {
        VaultError::NoRandomness
    }
}

impl Vault {
    /// Where the vault file is.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Locks the vault: the key is wiped, and the vault must be unlocked again to be used.
    pub fn lock(self) -> Result<LockedVault, VaultError> {
        LockedVault::open(&self.path)
    }

    fn storage(&self) -> impl Fn(rusqlite::Error) -> VaultError + Copy + '_ {
        database::failed(&self.path)
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_password_is_the_users_input_not_a_fault() {
        assert_eq!(VaultError::WrongPassword.kind(), ErrorKind::Input);
    }

    #[test]
    fn the_failures_the_app_once_called_saving_failed_are_the_users_input() {
        for error in [
            VaultError::CounterExhausted,
            VaultError::LastSlot,
            VaultError::NotCounterBased(1),
            VaultError::InvalidAccount(AccountError::ZeroPeriod),
        ] {
            assert_eq!(error.kind(), ErrorKind::Input, "{error:?}");
        }
    }

    #[test]
    fn a_full_disk_and_a_busy_vault_are_worth_trying_again() {
        assert_eq!(VaultError::DiskFull.kind(), ErrorKind::TryAgain);
        assert_eq!(VaultError::Busy.kind(), ErrorKind::TryAgain);
    }

    #[test]
    fn a_newer_vault_cannot_be_read_as_it_is() {
        let newer = VaultError::NewerVersion {
            found: SCHEMA_VERSION + 1,
            supported: SCHEMA_VERSION,
        };
        assert_eq!(newer.kind(), ErrorKind::Damaged);
    }

    #[test]
    fn a_lost_device_key_is_the_key_stores() {
        assert_eq!(VaultError::KeyStoreEntryMissing.kind(), ErrorKind::KeyStore);
    }
}
