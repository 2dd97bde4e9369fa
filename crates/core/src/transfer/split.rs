//! The sending side: every account in a Tessera backup whose password is a new one-time code,
//! cut into parts of [`CHUNK_BYTES`], each part a link for one QR code.

use super::{CHUNK_BYTES, MAX_PARTS, TransferCode, TransferError, TransferPart, transfer_id};
use crate::account::Account;
use crate::backup::{Protection, write_backup};
use crate::vault::Details;
use crate::vault::slots::password::{MAX_MEMORY_KIB, PasswordParams};

/// Argon2id passes over [`MAX_MEMORY_KIB`] for a move's backup: fixed rather than calibrated on
/// the sending device, because the receiving one (perhaps a slower phone) pays for them. About
/// 140 ms on the development machine, where the vault's calibration picks 10 to 12 passes for half
/// a second (not measured on a phone); the code's 50 random bits make up the rest.
pub const PASSES: u32 = 3;

/// A move ready to show: its id, its one-time code and one link per QR code, in order.
pub struct Transfer {
    /// The move's id (in every part).
    pub id: String,
    /// What the user types on the new device.
    pub code: TransferCode,
    /// One link per QR code, part 1 first.
    pub links: Vec<String>,
}

impl std::fmt::Debug for Transfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transfer")
            .field("id", &self.id)
            .field("parts", &self.links.len())
            .finish_non_exhaustive()
    }
}

/// Every account (with its details) in a backup opened by a new one-time code, as the links of
/// its QR codes. Takes one Argon2id derivation.
pub fn write_transfer(accounts: &[(Account, Details)]) -> Result<Transfer, TransferError> {
    let code = TransferCode::generate()?;
    let params = PasswordParams::new(MAX_MEMORY_KIB, PASSES, 1)
        .map_err(|_| crate::backup::BackupError::NoRandomness)?;
    let backup = write_backup(accounts, &Protection::password(code.password(), params)?)?;
    let parts = split(&backup)?;
    Ok(Transfer {
        id: parts[0].id.clone(),
        code,
        links: parts.iter().map(TransferPart::to_link).collect(),
    })
}

/// Cuts a backup into parts of [`CHUNK_BYTES`] (the last one shorter), each naming the move by
/// the backup's hash. More than [`MAX_PARTS`] parts are refused (and so is an empty file, which
/// no backup is).
pub fn split(backup: &[u8]) -> Result<Vec<TransferPart>, TransferError> {
    let id = transfer_id(backup);
    let chunks: Vec<&[u8]> = backup.chunks(CHUNK_BYTES).collect();
    let count = u32::try_from(chunks.len())
        .ok()
        .filter(|count| (1..=MAX_PARTS).contains(count))
        .ok_or(TransferError::TooLarge)?;
    Ok(chunks
        .into_iter()
        .zip(1..)
        .map(|(chunk, index)| TransferPart {
            id: id.clone(),
            index,
            count,
            data: chunk.to_vec(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_full_but_the_last_and_too_many_are_refused() {
        let parts = split(&[7; CHUNK_BYTES * 2 + 1]).unwrap();
        let sizes: Vec<usize> = parts.iter().map(|part| part.data.len()).collect();
        assert_eq!(sizes, [CHUNK_BYTES, CHUNK_BYTES, 1]);
        assert!(parts.iter().all(|part| part.count == 3));
        assert_eq!(
            parts.iter().map(|part| part.index).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        let huge = vec![0; CHUNK_BYTES * MAX_PARTS as usize + 1];
        assert_eq!(split(&huge).unwrap_err(), TransferError::TooLarge);
    }
}
