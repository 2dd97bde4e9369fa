//! Writing accounts for other apps and for Tessera's own backups; one file per format.

pub mod aegis;

/// Why an export could not be written. Nothing is written when any of these happens.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The system's random number generator failed, so no key, salt or nonce could be made.
    #[error("the system gave no random numbers to encrypt the export with: try again")]
    NoRandomness,
}
