//! The header: what a reader needs before it can decrypt anything (the magic, the version, and
//! the data key wrapped once for each way of opening the file). It is in the clear, and it is the
//! associated data of the body, so every byte of it is authenticated once the body opens.
//!
//! ```text
//! magic "TSRABKUP" (8) ‖ version (u16 BE) ‖ count (u8) ‖ count × [kind (u8) ‖ length (u16 BE) ‖ data]
//! ```

use ring::aead::NONCE_LEN;

use super::error::BackupError;
use super::{MAGIC, VERSION};
use crate::vault::seal::KEY_LEN;
use crate::vault::slots::password::PasswordParams;
use crate::vault::slots::recovery::SALT_LEN;

/// A wrapped data key: nonce, the 32 key bytes encrypted, and AES-GCM's 16-byte tag.
pub(super) const WRAPPED_LEN: usize = NONCE_LEN + KEY_LEN + 16;

const PASSWORD: u8 = 1;
const RECOVERY: u8 = 2;

/// The associated data of a data key wrapped by a password: `tessera/backup/{version}/{kind}`.
pub(super) const PASSWORD_CONTEXT: &[u8] = b"tessera/backup/1/password";
/// The associated data of a data key wrapped by a recovery code.
pub(super) const RECOVERY_CONTEXT: &[u8] = b"tessera/backup/1/recovery";

/// The data key, wrapped for one way of opening the backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum WrappedKey {
    /// Under a key from Argon2id over the password, with these parameters and salt.
    Password {
        params: PasswordParams,
        wrapped: [u8; WRAPPED_LEN],
    },
    /// Under a key from the recovery code (HKDF-SHA256, as the vault's recovery slot) and salt.
    Recovery {
        salt: [u8; SALT_LEN],
        wrapped: [u8; WRAPPED_LEN],
    },
}

impl WrappedKey {
    fn kind(&self) -> u8 {
        match self {
            WrappedKey::Password { .. } => PASSWORD,
            WrappedKey::Recovery { .. } => RECOVERY,
        }
    }

    fn data(&self) -> Vec<u8> {
        let (mut data, wrapped) = match self {
            WrappedKey::Password { params, wrapped } => (params.to_bytes(), wrapped),
            WrappedKey::Recovery { salt, wrapped } => (salt.to_vec(), wrapped),
        };
        data.extend_from_slice(wrapped);
        data
    }

    /// The associated data the data key is wrapped with.
    pub(super) fn context(&self) -> &'static [u8] {
        match self {
            WrappedKey::Password { .. } => PASSWORD_CONTEXT,
            WrappedKey::Recovery { .. } => RECOVERY_CONTEXT,
        }
    }
}

/// A header as read: the wrapped keys, and where the body starts.
#[derive(Debug)]
pub(super) struct Header {
    pub keys: Vec<WrappedKey>,
    pub len: usize,
}

/// The header's bytes for these wrapped keys.
pub(super) fn encode(keys: &[WrappedKey]) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&VERSION.to_be_bytes());
    // At most one key of each kind: the count always fits.
    bytes.push(keys.len() as u8);
    for key in keys {
        let data = key.data();
        bytes.push(key.kind());
        // A password's parameters are short text; a key's data is never near 64 KiB.
        bytes.extend_from_slice(&(data.len() as u16).to_be_bytes());
        bytes.extend_from_slice(&data);
    }
    bytes
}

/// Reads the header at the start of `file`. Checks the magic, then the version (a newer file is
/// refused before anything else of it is read: its layout may differ), then every key, bounding
/// the Argon2id parameters before anyone derives with them.
pub(super) fn decode(file: &[u8]) -> Result<Header, BackupError> {
    if !super::is_backup(file) {
        return Err(BackupError::NotABackup);
    }
    let mut cursor = Cursor {
        file,
        at: MAGIC.len(),
    };
    let version = u16::from_be_bytes(cursor.array()?);
    if version > VERSION {
        return Err(BackupError::NewerVersion(version));
    }
    if version != VERSION {
        return Err(BackupError::Damaged("its version is 0"));
    }
    let [count] = cursor.array()?;
    if !(1..=2).contains(&count) {
        return Err(BackupError::Damaged(
            "its header does not hold one or two keys",
        ));
    }
    let mut keys: Vec<WrappedKey> = Vec::new();
    for _ in 0..count {
        let [kind] = cursor.array()?;
        let length = usize::from(u16::from_be_bytes(cursor.array()?));
        let data = cursor.take(length)?;
        let key = match kind {
            PASSWORD => password_key(data)?,
            RECOVERY => recovery_key(data)?,
            _ => return Err(BackupError::Damaged("a key in it is of an unknown kind")),
        };
        if keys.iter().any(|other| other.kind() == key.kind()) {
            return Err(BackupError::Damaged("it holds two keys of one kind"));
        }
        keys.push(key);
    }
    Ok(Header {
        keys,
        len: cursor.at,
    })
}

fn password_key(data: &[u8]) -> Result<WrappedKey, BackupError> {
    let split = data
        .len()
        .checked_sub(WRAPPED_LEN)
        .ok_or(BackupError::Damaged("its password key is cut short"))?;
    let (params, wrapped) = data.split_at(split);
    Ok(WrappedKey::Password {
        // Parameters no Tessera writes (an edit to make restoring run for hours or exhaust the
        // phone's memory) are damage, found before any derivation.
        params: PasswordParams::from_bytes(params).map_err(|_| {
            BackupError::Damaged("its password's key derivation parameters are out of bounds")
        })?,
        wrapped: wrapped.try_into().unwrap_or_else(|_| unreachable!()),
    })
}

fn recovery_key(data: &[u8]) -> Result<WrappedKey, BackupError> {
    if data.len() != SALT_LEN + WRAPPED_LEN {
        return Err(BackupError::Damaged(
            "its recovery code key is not of the right length",
        ));
    }
    let (salt, wrapped) = data.split_at(SALT_LEN);
    Ok(WrappedKey::Recovery {
        salt: salt.try_into().unwrap_or_else(|_| unreachable!()),
        wrapped: wrapped.try_into().unwrap_or_else(|_| unreachable!()),
    })
}

struct Cursor<'a> {
    file: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, length: usize) -> Result<&'a [u8], BackupError> {
        let end = self
            .at
            .checked_add(length)
            .filter(|end| *end <= self.file.len())
            .ok_or(BackupError::Damaged("it ends inside its header"))?;
        let taken = &self.file[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BackupError> {
        Ok(self.take(N)?.try_into().unwrap_or_else(|_| unreachable!()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<WrappedKey> {
        vec![
            WrappedKey::Password {
                params: PasswordParams {
                    memory_kib: 64,
                    iterations: 1,
                    parallelism: 1,
                    salt: [5; 16],
                },
                wrapped: [7; WRAPPED_LEN],
            },
            WrappedKey::Recovery {
                salt: [3; SALT_LEN],
                wrapped: [9; WRAPPED_LEN],
            },
        ]
    }

    #[test]
    fn a_header_reads_back_and_says_where_the_body_starts() {
        let keys = keys();
        let mut file = encode(&keys);
        let len = file.len();
        file.extend_from_slice(b"body");
        let header = decode(&file).unwrap();
        assert_eq!(header.keys, keys);
        assert_eq!(header.len, len);
    }

    #[test]
    fn a_newer_version_is_named_before_the_rest_is_read() {
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(&2u16.to_be_bytes());
        file.extend_from_slice(b"\xff anything at all");
        assert_eq!(decode(&file).unwrap_err(), BackupError::NewerVersion(2));
    }

    #[test]
    fn two_keys_of_one_kind_or_an_unknown_kind_are_damage() {
        let password = keys().remove(0);
        let twice = encode(&[password.clone(), password]);
        assert!(matches!(decode(&twice), Err(BackupError::Damaged(_))));
        let mut unknown = encode(&keys());
        unknown[MAGIC.len() + 3] = 3;
        assert!(matches!(decode(&unknown), Err(BackupError::Damaged(_))));
        assert_eq!(decode(b"TSRA").unwrap_err(), BackupError::NotABackup);
    }
}
