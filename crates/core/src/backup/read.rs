//! Reading a backup, in three steps: the header (bounded, nothing derived), the data key (from the
//! password or the recovery code the user typed), the accounts.

use std::fmt;

use super::error::BackupError;
use super::header::{self, Header};
use super::{Protection, body, protection};
use crate::import::Found;
use crate::vault::seal::Key;

/// A backup whose header has been read and checked, not yet opened.
pub struct SealedBackup<'a> {
    header: Header,
    file: &'a [u8],
}

/// The data key of one backup, unwrapped. Wiped when dropped; never shown.
pub struct DataKey(Key);

impl<'a> SealedBackup<'a> {
    /// Reads the header: the magic, the version (a newer one is [`BackupError::NewerVersion`]
    /// whatever follows), and the wrapped keys with their parameters, bounded before anything is
    /// derived with them.
    pub fn parse(file: &'a [u8]) -> Result<SealedBackup<'a>, BackupError> {
        Ok(SealedBackup {
            header: header::decode(file)?,
            file,
        })
    }

    /// Whether a password opens this backup.
    pub fn has_password(&self) -> bool {
        self.header
            .keys
            .iter()
            .any(|key| matches!(key, header::WrappedKey::Password { .. }))
    }

    /// Whether the vault's recovery code opens this backup.
    pub fn has_recovery_code(&self) -> bool {
        self.header
            .keys
            .iter()
            .any(|key| matches!(key, header::WrappedKey::Recovery { .. }))
    }

    /// The data key, from what the user typed: a recovery code (tried first: it is cheap) or the
    /// password (one Argon2id derivation). Neither opening is [`BackupError::WrongPassword`].
    pub fn unlock(&self, password_or_code: &str) -> Result<DataKey, BackupError> {
        protection::unwrap(&self.header.keys, password_or_code).map(DataKey)
    }

    /// The data key, with the keys a [`Protection`] already holds (automatic backups keep theirs
    /// in the vault): nothing is derived. A backup that protection did not write is
    /// [`BackupError::WrongPassword`].
    pub fn unlock_with(&self, protection: &Protection) -> Result<DataKey, BackupError> {
        protection.unwrap_own(&self.header.keys).map(DataKey)
    }

    /// Whether this backup was written with `protection` (its password's parameters and salt, or
    /// its recovery key's salt, are in the header). Only the header is looked at.
    pub fn written_with(&self, protection: &Protection) -> bool {
        protection.made(&self.header.keys)
    }

    /// Decrypts and reads the accounts. A body that does not open under the right key was changed,
    /// cut short, or moved under another header.
    pub fn open(&self, key: &DataKey) -> Result<Found, BackupError> {
        let (header, sealed) = self.file.split_at(self.header.len);
        let plaintext = key.0.open(sealed, header).map_err(|_| {
            BackupError::Damaged("it was changed or cut short after it was written")
        })?;
        body::decode(&plaintext)
    }
}

impl fmt::Debug for SealedBackup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedBackup")
            .field("password", &self.has_password())
            .field("recovery_code", &self.has_recovery_code())
            .field("bytes", &self.file.len())
            .finish()
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// Reads a whole backup with the password or the recovery code the user typed.
pub fn read_backup(file: &[u8], password_or_code: &str) -> Result<Found, BackupError> {
    let sealed = SealedBackup::parse(file)?;
    let key = sealed.unlock(password_or_code)?;
    sealed.open(&key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::{Protection, write_backup};
    use crate::vault::Details;
    use crate::vault::slots::password::PasswordParams;
    use crate::vault::slots::recovery::RecoveryCode;
    use crate::{Account, Secret};

    fn backup() -> Vec<u8> {
        let account = Account::totp(
            Some("Example"),
            "alice",
            Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
        );
        let protection = Protection::password("pw", PasswordParams::new(8, 1, 1).unwrap()).unwrap();
        write_backup(&[(account, Details::default())], &protection).unwrap()
    }

    #[test]
    fn a_backup_reads_back_and_hides_its_accounts() {
        let file = backup();
        assert!(!file.windows(7).any(|window| window == b"Example"));
        let found = read_backup(&file, "pw").unwrap();
        assert_eq!(found.accounts[0].account.to_string(), "Example (alice)");
        assert_eq!(
            read_backup(&file, "pW").unwrap_err(),
            BackupError::WrongPassword
        );
    }

    #[test]
    fn an_edited_header_is_damage_even_where_the_key_used_still_opens() {
        let code = RecoveryCode::generate().unwrap();
        let protection = Protection::password("pw", PasswordParams::new(8, 1, 1).unwrap())
            .and_then(|protection| protection.with_recovery_code(&code))
            .unwrap();
        let mut file = write_backup(&[], &protection).unwrap();
        let header_len = SealedBackup::parse(&file).unwrap().header.len;
        // The recovery key's last wrapped byte: the password does not use it.
        file[header_len - 1] ^= 1;
        assert_eq!(
            read_backup(&file, "pw").unwrap_err(),
            BackupError::Damaged("it was changed or cut short after it was written")
        );
        assert_eq!(
            read_backup(&file, &code.display()).unwrap_err(),
            BackupError::WrongPassword
        );
    }
}
