//! Writing accounts for other apps and for Tessera's own backups; one file per format, and
//! [`ExportFormat`], the one list of them that the app and the command line offer.

pub mod aegis;

use crate::account::Account;
use crate::backup::{BackupError, Protection, write_backup};
use crate::link::migration::write_export;
use crate::link::write_otpauth;
use crate::vault::Details;
use crate::vault::slots::password::PasswordParams;

/// Why an export could not be written. Nothing is written when any of these happens.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The system's random number generator failed, so no key, salt or nonce could be made.
    #[error("the system gave no random numbers to encrypt the export with: try again")]
    NoRandomness,
    /// An encrypted format was asked for without a password.
    #[error("this export is encrypted: give the password to protect it with")]
    NeedsPassword,
    /// The password is empty.
    #[error("the export's password is empty: choose one, and keep it where you will find it")]
    EmptyPassword,
    /// Tessera's backup could not be written.
    #[error(transparent)]
    Backup(#[from] BackupError),
}

/// The formats accounts can be exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Tessera's own encrypted backup (docs/backup-format.md): everything, restorable anywhere.
    Tessera,
    /// Aegis's encrypted vault, so that people can leave as easily as they came.
    Aegis,
    /// One `otpauth://` link a line, unencrypted.
    Otpauth,
    /// Google Authenticator's export links (the texts of its transfer QR codes), unencrypted.
    Google,
}

impl ExportFormat {
    /// Every format, as offered.
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Tessera,
        ExportFormat::Aegis,
        ExportFormat::Otpauth,
        ExportFormat::Google,
    ];

    /// The name the command line takes after `--format`.
    pub fn id(self) -> &'static str {
        match self {
            ExportFormat::Tessera => "tessera",
            ExportFormat::Aegis => "aegis",
            ExportFormat::Otpauth => "otpauth",
            ExportFormat::Google => "google",
        }
    }

    /// The format named `id`, ignoring case.
    pub fn named(id: &str) -> Option<ExportFormat> {
        ExportFormat::ALL
            .into_iter()
            .find(|format| format.id().eq_ignore_ascii_case(id.trim()))
    }

    /// Whether the export is encrypted (and so needs a password).
    pub fn is_encrypted(self) -> bool {
        matches!(self, ExportFormat::Tessera | ExportFormat::Aegis)
    }

    /// The usual end of such a file's name.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Tessera => "tessera-backup",
            ExportFormat::Aegis => "json",
            ExportFormat::Otpauth | ExportFormat::Google => "txt",
        }
    }
}

/// An export: its bytes, and the accounts the format could not take, with why.
#[derive(Debug)]
pub struct Exported {
    /// The file's content.
    pub bytes: zeroize::Zeroizing<Vec<u8>>,
    /// How many accounts it holds.
    pub count: usize,
    /// Accounts left out (only Google's format leaves any out), by how they are named and why.
    pub left_out: Vec<(String, &'static str)>,
}

/// Writes `accounts` in `format`; encrypted formats need `password`. A Tessera backup's key is
/// derived here with Argon2id calibrated on this machine (about half a second).
pub fn export(
    format: ExportFormat,
    accounts: &[(Account, Details)],
    password: Option<&str>,
) -> Result<Exported, ExportError> {
    let password = match (format.is_encrypted(), password) {
        (true, None) => return Err(ExportError::NeedsPassword),
        (true, Some("")) => return Err(ExportError::EmptyPassword),
        (_, password) => password.unwrap_or(""),
    };
    let mut left_out = Vec::new();
    let bytes = match format {
        ExportFormat::Tessera => {
            let params = PasswordParams::calibrate().map_err(|_| ExportError::NoRandomness)?;
            write_backup(accounts, &Protection::password(password, params)?)?
        }
        ExportFormat::Aegis => aegis::write_aegis(accounts, password)?,
        ExportFormat::Otpauth => lines(accounts.iter().map(|(account, _)| write_otpauth(account))),
        ExportFormat::Google => {
            let plain: Vec<Account> = accounts
                .iter()
                .map(|(account, _)| account.clone())
                .collect();
            let written = write_export(&plain);
            left_out = written
                .not_exportable
                .iter()
                .map(|skipped| (plain[skipped.position].to_string(), skipped.reason))
                .collect();
            lines(written.links.into_iter())
        }
    };
    Ok(Exported {
        bytes: zeroize::Zeroizing::new(bytes),
        count: accounts.len() - left_out.len(),
        left_out,
    })
}

fn lines(links: impl Iterator<Item = String>) -> Vec<u8> {
    let mut text = String::new();
    for link in links {
        text.push_str(&link);
        text.push('\n');
    }
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{FORMATS, ImportSession};
    use crate::otp::Secret;

    fn accounts() -> Vec<(Account, Details)> {
        let mut hotp = Account::totp(
            Some("Forge"),
            "bob",
            Secret::from_bytes(vec![7; 20]).unwrap(),
        );
        hotp.kind = crate::Kind::Hotp { counter: 42 };
        let mut steam = Account::totp(
            Some("Steam"),
            "gamer",
            Secret::from_bytes(vec![9; 10]).unwrap(),
        );
        steam.kind = crate::Kind::Steam { period: 30 };
        vec![
            (
                Account::totp(
                    Some("Example"),
                    "alice",
                    Secret::from_bytes(vec![1; 10]).unwrap(),
                ),
                Details::default(),
            ),
            (hotp, Details::default()),
            (steam, Details::default()),
        ]
    }

    #[test]
    fn each_format_reads_back_as_the_same_accounts() {
        for format in [
            ExportFormat::Aegis,
            ExportFormat::Otpauth,
            ExportFormat::Google,
        ] {
            let exported = export(format, &accounts(), Some("a password")).unwrap();
            let mut session = ImportSession::new();
            let read = session
                .add_file(&exported.bytes, None, Some("a password"))
                .unwrap();
            assert!(FORMATS.iter().any(|known| known.id() == read.id()));
            let back: Vec<String> = session
                .accounts()
                .iter()
                .map(|found| found.account.to_string())
                .collect();
            let kept: Vec<String> = accounts()
                .iter()
                .map(|(account, _)| account.to_string())
                .filter(|name| !exported.left_out.iter().any(|(left, _)| left == name))
                .collect();
            assert_eq!(back, kept, "{}", format.id());
        }
    }

    #[test]
    fn google_leaves_out_what_it_cannot_take_and_says_why() {
        let exported = export(ExportFormat::Google, &accounts(), None).unwrap();
        let names: Vec<&str> = exported
            .left_out
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(names, ["Steam (gamer)"]);
    }

    #[test]
    fn an_encrypted_format_needs_a_password() {
        assert_eq!(
            export(ExportFormat::Aegis, &accounts(), None).unwrap_err(),
            ExportError::NeedsPassword
        );
        assert_eq!(
            export(ExportFormat::Tessera, &accounts(), Some("")).unwrap_err(),
            ExportError::EmptyPassword
        );
        assert_eq!(ExportFormat::named("AEGIS"), Some(ExportFormat::Aegis));
        assert_eq!(ExportFormat::named("word"), None);
    }
}
