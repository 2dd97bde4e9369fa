//! Why a file could not be imported, in words a user can act on.

/// Why a file could not be imported. Nothing is added to the vault when any of these happens.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The file is encrypted and no password was given.
    #[error("this {app} file is encrypted: give the password it was exported with")]
    NeedsPassword {
        /// The app that wrote the file.
        app: &'static str,
    },
    /// The password does not open the file.
    #[error("the password is not right for this file: check it and try again")]
    WrongPassword,
    /// The file is of a known format but cannot be read.
    #[error("this {app} file is damaged ({detail}): export it again from {app}")]
    Damaged {
        /// The app that wrote the file.
        app: &'static str,
        /// What is wrong, briefly.
        detail: String,
    },
    /// No format recognises the file.
    #[error(
        "Tessera does not recognise this file: it is not an export of any app Tessera can import \
         from (see 'tessera import --help' for the list), or it is damaged"
    )]
    Unknown,
    /// `--from` named no format.
    #[error("there is no import format called '{0}': see 'tessera import --help' for the list")]
    NoSuchFormat(String),
    /// The file is larger than any export.
    #[error(
        "the file is larger than 32 MiB, far more than any export: check that it is the right file"
    )]
    TooLarge,
    /// A format that is known but whose version Tessera cannot read.
    #[error("{}", unsupported_version(app, version))]
    UnsupportedVersion {
        /// The app that wrote the file.
        app: &'static str,
        /// The version the file says it is.
        version: String,
    },
    /// A kind of file of a known app that Tessera does not read, with what to export instead.
    #[error("Tessera cannot read {what}: {instead}")]
    Unsupported {
        /// What the file is ("Bitwarden's encrypted exports").
        what: &'static str,
        /// What to export instead.
        instead: &'static str,
    },
    /// A Google export still has parts to scan.
    #[error(
        "this Google Authenticator export has parts that were not scanned yet: scan every part, \
         then add"
    )]
    ExportIncomplete,
    /// A move from another device is not complete, needs its code, or did not open.
    #[error(transparent)]
    Transfer(#[from] crate::transfer::TransferError),
    /// The vault refused the accounts (nothing was added).
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
}

/// Another app's newer file is exported again from that app; Tessera's own newer backup needs a
/// newer Tessera to read it.
fn unsupported_version(app: &str, version: &str) -> String {
    if app == super::formats::tessera::APP {
        format!(
            "this backup was made by a newer version of Tessera (backup format {version}): update \
             Tessera to restore it"
        )
    } else {
        format!(
            "this {app} file is of a version Tessera cannot read ({version}): export it from a \
             current version of {app}"
        )
    }
}

impl ImportError {
    /// A damaged-file error for a file of `app`.
    pub(crate) fn damaged(app: &'static str, detail: impl Into<String>) -> ImportError {
        ImportError::Damaged {
            app,
            detail: detail.into(),
        }
    }
}
