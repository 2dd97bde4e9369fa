//! A file format of another app (or Tessera's own backup): how it is recognised and read; and the
//! one list of them.

use super::error::ImportError;
use super::formats;
use super::found::Found;

/// One app's file format.
pub trait Format: Sync {
    /// The name the command line takes after `--from` (`aegis`, `2fas`, `otpauth`).
    fn id(&self) -> &'static str;

    /// The app's name as people know it ("Aegis", "2FAS Authenticator").
    fn app(&self) -> &'static str;

    /// Whether the file looks like this format: a cheap look at its start or its fields, never a
    /// decryption. A file may look like several; the first in [`FORMATS`] wins unless the user
    /// names one.
    fn recognises(&self, file: &[u8]) -> bool;

    /// Reads every entry of the file. An encrypted file without `password` is
    /// [`ImportError::NeedsPassword`]; a wrong one [`ImportError::WrongPassword`].
    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError>;
}

impl std::fmt::Debug for dyn Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Every format Tessera imports, the most particular first: JSON and text formats by their
/// fields, then binary ones without a header of their own (an encrypted andOTP backup is known
/// only by its iteration count, so it must not take files a format with a header would know),
/// and a plain list of links last, since many files hold a link somewhere.
pub static FORMATS: &[&dyn Format] = &[
    &formats::tessera::Tessera,
    &formats::aegis::Aegis,
    &formats::authenticator_pro::AuthenticatorPro,
    &formats::authenticator_plus::AuthenticatorPlus,
    &formats::microsoft_authenticator::MicrosoftAuthenticator,
    &formats::google_authenticator::GoogleAuthenticator,
    &formats::authy::Authy,
    &formats::totp_authenticator::TotpAuthenticator,
    &formats::freeotp_plus::FreeOtpPlus,
    &formats::freeotp::FreeOtp,
    &formats::proton::Proton,
    &formats::steam::Steam,
    &formats::duo::Duo,
    &formats::battle_net::BattleNet,
    &formats::twofas::TwoFas,
    &formats::bitwarden::Bitwarden,
    &formats::andotp::AndOtp,
    &formats::otpauth_list::OtpauthList,
];

/// The format named by `id` (as given to `--from`), ignoring case.
pub fn format_named(id: &str) -> Result<&'static dyn Format, ImportError> {
    FORMATS
        .iter()
        .copied()
        .find(|format| format.id().eq_ignore_ascii_case(id.trim()))
        .ok_or_else(|| ImportError::NoSuchFormat(id.trim().to_string()))
}

/// The format of a file, recognised from its content.
pub fn recognise(file: &[u8]) -> Result<&'static dyn Format, ImportError> {
    FORMATS
        .iter()
        .copied()
        .find(|format| format.recognises(file))
        .ok_or(ImportError::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_its_own_name() {
        let mut ids: Vec<&str> = FORMATS.iter().map(|format| format.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), FORMATS.len());
        for id in ids {
            assert_eq!(format_named(&id.to_uppercase()).unwrap().id(), id);
        }
    }

    #[test]
    fn an_unknown_name_or_file_says_so() {
        assert_eq!(
            format_named("wordperfect").unwrap_err(),
            ImportError::NoSuchFormat("wordperfect".into())
        );
        assert_eq!(
            recognise(b"\x00\x01 not an export").unwrap_err(),
            ImportError::Unknown
        );
    }
}
