//! Writing a backup: the accounts sealed under a fresh data key, the data key wrapped for each way
//! of opening, the header bound to the body.

use ring::aead::NONCE_LEN;

use super::error::BackupError;
use super::protection::Protection;
use super::{body, header};
use crate::account::Account;
use crate::import::MAX_FILE_BYTES;
use crate::vault::Details;
use crate::vault::seal::Key;

/// AES-GCM's tag.
const TAG_LEN: usize = 16;

/// A backup of these accounts, in this order, opened by what `protection` holds. Derives nothing
/// (the protection did); the plaintext is wiped before this returns.
pub fn write_backup(
    accounts: &[(Account, Details)],
    protection: &Protection,
) -> Result<Vec<u8>, BackupError> {
    let data_key = Key::random()?;
    let mut file = header::encode(&protection.wrap(&data_key)?);
    let plaintext = body::encode(accounts);
    if file.len() + NONCE_LEN + plaintext.len() + TAG_LEN > MAX_FILE_BYTES {
        return Err(BackupError::TooLarge);
    }
    // The whole header is the body's associated data.
    let sealed = data_key.seal(&plaintext, &file)?;
    file.extend_from_slice(&sealed);
    Ok(file)
}
