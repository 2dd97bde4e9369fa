//! Why a backup could not be written or read.

use super::VERSION;

/// Why a backup could not be written or read, in words the user can act on. Never names a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    /// The file does not start with the backup's magic bytes.
    #[error("this file is not a Tessera backup")]
    NotABackup,
    /// The file is of a newer format version than this Tessera reads.
    #[error(
        "this backup was made by a newer version of Tessera (backup format {0}; this version reads \
         format {VERSION}): update Tessera to restore it"
    )]
    NewerVersion(u16),
    /// The file is a backup but cannot be read as one: cut short, edited, or written wrongly.
    #[error("this backup is damaged ({0})")]
    Damaged(&'static str),
    /// Neither the password nor the recovery code (whichever the text was) opens the file.
    #[error("the password or recovery code is not right for this backup: check it and try again")]
    WrongPassword,
    /// A backup needs a password, a recovery code, or both.
    #[error("a backup needs a password or a recovery code to protect it")]
    Unprotected,
    /// Argon2id parameters that a reader would refuse (more memory or passes than a phone can
    /// be asked for).
    #[error(
        "the password's key derivation parameters are outside what Tessera reads back: use at most \
         64 MiB, 1 to 64 passes and one lane"
    )]
    Parameters,
    /// The backup would be larger than an import reads.
    #[error(
        "the backup would be larger than 32 MiB, more than Tessera reads back: shorten the longest notes"
    )]
    TooLarge,
    /// The system's random number generator failed.
    #[error("the system's random number generator failed: try again")]
    NoRandomness,
}

impl From<crate::vault::seal::NoRandomness> for BackupError {
    fn from(_: crate::vault::seal::NoRandomness) -> Self {
        BackupError::NoRandomness
    }
}
