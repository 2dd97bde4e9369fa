//! Tessera's own backup (`crate::backup`, `docs/backup-format.md`): restoring is importing it, with
//! the same preview and the same all-or-nothing add as any other app's file. The password asked
//! for is the backup's password or the vault's recovery code, whichever the user has: both are
//! tried with the one text given.

use crate::backup::{BackupError, SealedBackup, is_backup};
use crate::import::{Format, Found, ImportError};

/// A Tessera backup.
pub struct Tessera;

/// The app's name in messages.
pub(crate) const APP: &str = "Tessera";

impl Format for Tessera {
    fn id(&self) -> &'static str {
        "tessera"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        is_backup(file)
    }

    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError> {
        // A newer or damaged header is said before asking for a password that could not help.
        let sealed = SealedBackup::parse(file).map_err(import_error)?;
        let password = password.ok_or(ImportError::NeedsPassword { app: APP })?;
        let key = sealed.unlock(password).map_err(import_error)?;
        sealed.open(&key).map_err(import_error)
    }
}

fn import_error(error: BackupError) -> ImportError {
    match error {
        BackupError::WrongPassword => ImportError::WrongPassword,
        BackupError::NewerVersion(version) => ImportError::UnsupportedVersion {
            app: APP,
            version: version.to_string(),
        },
        BackupError::NotABackup => ImportError::damaged(APP, "it does not start as a backup does"),
        BackupError::Damaged(detail) => ImportError::damaged(APP, detail),
        other => ImportError::damaged(APP, other.to_string()),
    }
}
