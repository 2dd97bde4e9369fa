//! Why a move could not be written, read or opened.

use super::VERSION;
use crate::backup::BackupError;

/// Why a move's QR codes could not be made, read or opened, in words the user can act on. Never
/// names the code or anything of the backup.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransferError {
    /// A part that is not what a Tessera writes: cut short, misread or edited.
    #[error(
        "this QR code of a move from another device is damaged ({0}): scan it again, or copy the \
         whole text again"
    )]
    Damaged(&'static str),
    /// A part of a newer transfer format than this Tessera reads.
    #[error(
        "this QR code was made by a newer version of Tessera (move format {0}; this version reads \
         format {VERSION}): update Tessera on this device, then scan the codes again"
    )]
    NewerVersion(u32),
    /// Two parts of one move disagree on how many parts it has.
    #[error(
        "two QR codes of this move disagree on how many codes there are: start the move again on \
         the other device"
    )]
    CountMismatch,
    /// Two different parts both say they are this part.
    #[error(
        "two different QR codes say they are code {0} of this move: start the move again on the \
         other device"
    )]
    Conflict(u32),
    /// Every part is in, but together they are not what the move's id says.
    #[error(
        "the QR codes of this move do not fit together (one of them belongs to another move or was \
         changed): start again on both devices"
    )]
    Mismatch,
    /// Parts are still to scan.
    #[error(
        "{0} of the QR codes from the other device are not scanned yet: scan every code, then add"
    )]
    Incomplete(usize),
    /// Every part is in; the code shown beside them is needed to open them.
    #[error("every QR code is in: type the code shown beside them on the other device")]
    NeedsCode,
    /// Nothing complete to open with a code.
    #[error("no move from another device is waiting for its code: scan its QR codes first")]
    NothingToOpen,
    /// What was typed cannot be a move's code.
    #[error(
        "that is not the code of a move: it has 10 letters and digits, shown beside the QR codes \
         on the other device"
    )]
    NotACode,
    /// The code does not open the move.
    #[error(
        "the code is not right for these QR codes: check the code shown beside them on the other \
         device and try again"
    )]
    WrongCode,
    /// More accounts than QR codes can reasonably carry.
    #[error(
        "these accounts would need more than {max} QR codes: move them with a Tessera backup file \
         instead",
        max = super::MAX_PARTS
    )]
    TooLarge,
    /// The backup inside could not be written, or was damaged although its code opened it.
    #[error(transparent)]
    Backup(#[from] BackupError),
}
