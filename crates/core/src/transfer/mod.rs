//! Moving every account to another device by QR codes: an encrypted Tessera backup cut into
//! numbered parts, one `tessera://move?…` link per QR code, and a one-time code shown beside them
//! that is the backup's password.
//!
//! The sending device makes a [`Transfer`] ([`write_transfer`]): a new [`TransferCode`], a backup
//! of every account and its details protected by that code (the backup's password protection,
//! Argon2id over the code), [`split`] into [`TransferPart`]s of [`CHUNK_BYTES`]. The receiving
//! device reads each scanned part ([`TransferPart::parse`]: a damaged one is refused at once, so
//! that it can be scanned again), gathers them in any order ([`TransferParts`]: duplicates are
//! harmless, parts of another move are kept apart), and once all are in and the code is given,
//! reads the joined file as any backup is read. The import session does this for the app and the
//! command line (`import::ImportSession`): a part is scanned like a part of a Google export, the
//! preview names the parts still missing, and the code is given as a file's password is.
//!
//! The id every part carries is the start of the backup's SHA-256, so parts of two moves never
//! mix and a complete set is checked whole before the code is asked for. The layout and the
//! reasons for the choices are in `docs/backup-format.md`, "Moving to another device".

mod code;
mod error;
mod gather;
mod part;
mod split;

use ring::digest::{SHA256, digest};

pub use code::{CODE_CHARS, TransferCode};
pub use error::TransferError;
pub use gather::TransferParts;
pub use part::{PREFIX, TransferPart, is_transfer_link};
pub use split::{PASSES, Transfer, split, write_transfer};

use crate::vault::slots::recovery::ALPHABET;

/// The layout version this Tessera writes, and the newest it reads.
pub const VERSION: u32 = 1;
/// Backup bytes in each part but the last: 800 characters of base64url, so that each link
/// (about 870 characters) fits a QR code of version 22 at error-correction level M, which a phone
/// reads off another phone's screen at once.
pub const CHUNK_BYTES: usize = 600;
/// The most bytes a part read may hold (what a writer with larger parts could still put in the
/// largest QR code at level M).
pub const MAX_PART_BYTES: usize = 1_600;
/// The most parts a move may have (6 MB of backup in parts of [`CHUNK_BYTES`], some 20,000
/// accounts).
pub const MAX_PARTS: u32 = 10_000;
/// Characters of a move's id.
pub const ID_CHARS: usize = 8;

/// A move's id: the first 40 bits of the backup's SHA-256, in Crockford's base32.
pub fn transfer_id(backup: &[u8]) -> String {
    let hash = digest(&SHA256, backup);
    let bits = hash.as_ref()[..5]
        .iter()
        .fold(0u64, |bits, &byte| (bits << 8) | u64::from(byte));
    (0..ID_CHARS)
        .rev()
        .map(|place| ALPHABET[((bits >> (5 * place)) & 31) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_the_hash_in_crockford_base32() {
        // SHA-256("") starts e3 b0 c4 42 98: 11100 01110 11000 01100 01000 10000 10100 11000.
        assert_eq!(transfer_id(b""), "WERC8GMR");
        assert_ne!(transfer_id(b"a"), transfer_id(b"b"));
    }
}
