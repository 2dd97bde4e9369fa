//! Links and QR payloads: reading what people scan or paste, and writing links for other apps.
//!
//! [`read_scanned`] is the one entry point for anything scanned or pasted: it tells an account link
//! from a Google Authenticator export from everything else people point the camera at (a Wi-Fi
//! code, a web address, a work-account link for Microsoft's app), and explains the last kind in
//! words instead of failing with a parse error.

pub mod migration;
mod not_account;
pub mod otpauth;
mod percent;

use std::fmt;

pub use migration::{ExportError, ExportPart};
pub use not_account::NotAnAccount;
pub use otpauth::{ParsedLink, read_otpauth, write_otpauth};

use crate::otp::SecretError;

/// Why a link or QR payload could not be read as an account.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Nothing was given.
    #[error("there is nothing to read: the link or QR code is empty")]
    Empty,
    /// Something that is not an account at all.
    #[error(transparent)]
    NotAnAccount(#[from] NotAnAccount),
    /// An `otpauth://` link of a kind Tessera does not compute.
    #[error("'{0}' codes are not supported: Tessera reads totp, hotp and steam accounts")]
    UnknownType(String),
    /// The link has no `secret` parameter.
    #[error("the link has no secret: scan the site's QR code again, or copy the whole link")]
    MissingSecret,
    /// The secret could not be read.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// An algorithm Tessera cannot compute.
    #[error(
        "the link asks for the '{0}' algorithm, which Tessera cannot compute: only SHA1, SHA256 and \
         SHA512 codes are supported"
    )]
    Algorithm(String),
    /// A `digits` parameter that is not 4 to 10.
    #[error("the link asks for '{0}' digits: codes must have between 4 and 10 digits")]
    Digits(String),
    /// A `period` parameter that is not a positive whole number.
    #[error("the link's period '{0}' is not a whole number of seconds above zero")]
    Period(String),
    /// A `counter` parameter that is not a whole number that fits 64 bits.
    #[error("the link's counter '{0}' is not a whole number from 0 to 18446744073709551615")]
    Counter(String),
    /// Percent-encoded bytes that are not UTF-8 text.
    #[error("the link's {0} is not readable text: scan the QR code again or copy the link again")]
    NotText(&'static str),
    /// A Google Authenticator export that could not be read.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// A QR code of a move from another device that could not be read or does not fit.
    #[error(transparent)]
    Transfer(#[from] crate::transfer::TransferError),
}

/// Something worth telling the user about a link that could nevertheless be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// The label and the `issuer` parameter name different issuers; both were kept.
    IssuerConflict {
        /// The issuer before the colon in the label.
        label: String,
        /// The `issuer` parameter.
        parameter: String,
    },
    /// A counter-based link without a counter; counting starts at 0.
    MissingCounter,
    /// A parameter given more than once; the first was used.
    RepeatedParameter(String),
}

impl Warning {
    /// A stable name for the warning, for the app's translated messages
    /// (`preview.warning.<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            Warning::IssuerConflict { .. } => "issuer_conflict",
            Warning::MissingCounter => "missing_counter",
            Warning::RepeatedParameter(_) => "repeated_parameter",
        }
    }

    /// The words from the link that the warning's message quotes, by the name the message
    /// gives them.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        match self {
            Warning::IssuerConflict { label, parameter } => {
                vec![("label", label.clone()), ("parameter", parameter.clone())]
            }
            Warning::MissingCounter => Vec::new(),
            Warning::RepeatedParameter(key) => vec![("parameter", key.clone())],
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::IssuerConflict { label, parameter } => write!(
                f,
                "the link names two issuers, '{label}' in its label and '{parameter}' in its issuer \
                 parameter: Tessera shows '{parameter}'; rename the account if that is wrong"
            ),
            Warning::MissingCounter => f.write_str(
                "the counter-based link has no counter, so counting starts at 0: if the site \
                 refuses the first code, press 'next code' until it is accepted",
            ),
            Warning::RepeatedParameter(key) => {
                write!(
                    f,
                    "the link gives '{key}' more than once: Tessera used the first"
                )
            }
        }
    }
}

/// What a scanned or pasted text holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scanned {
    /// One account, from an `otpauth://` link.
    Account(ParsedLink),
    /// One part of a Google Authenticator export (there may be more parts to scan).
    Export(ExportPart),
}

/// Reads anything scanned or pasted: an `otpauth://` link, a Google Authenticator export, or
/// something else, which is recognised and explained in the error.
pub fn read_scanned(text: &str) -> Result<Scanned, LinkError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(LinkError::Empty);
    }
    if migration::is_export_link(text) {
        return Ok(Scanned::Export(migration::read_export(text)?));
    }
    if otpauth::is_otpauth_link(text) {
        return Ok(Scanned::Account(read_otpauth(text)?));
    }
    Err(NotAnAccount::recognise(text).into())
}

/// Whether a link parameter is one that Tessera reads itself (and so cannot be kept as an extra).
pub fn is_reserved_parameter(key: &str) -> bool {
    otpauth::RESERVED_PARAMETERS
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(key))
}

/// Compares a link's scheme (`otpauth:`, `otpauth-migration:`) ignoring case, and returns what
/// follows `scheme://`.
pub(crate) fn strip_scheme<'a>(text: &'a str, scheme: &str) -> Option<&'a str> {
    let prefix = text.as_bytes().get(..scheme.len() + 3)?;
    let (name, slashes) = prefix.split_at(scheme.len());
    if name.eq_ignore_ascii_case(scheme.as_bytes()) && slashes == b"://" {
        // The prefix is ASCII, so the rest starts on a character boundary.
        text.get(scheme.len() + 3..)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_link_is_an_account() {
        let scanned = read_scanned("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert!(matches!(scanned, Scanned::Account(_)));
    }

    #[test]
    fn whitespace_alone_is_empty() {
        assert_eq!(read_scanned(" \n"), Err(LinkError::Empty));
    }

    #[test]
    fn schemes_compare_without_case_and_never_split_a_character() {
        assert_eq!(strip_scheme("OTPAUTH://totp/x", "otpauth"), Some("totp/x"));
        assert_eq!(strip_scheme("otpauth:/totp", "otpauth"), None);
        assert_eq!(strip_scheme("otpautéé://", "otpauth"), None);
    }

    #[test]
    fn a_warning_names_its_code_and_quotes_the_links_own_words() {
        let link =
            "otpauth://totp/Shop:alice?secret=JBSWY3DPEHPK3PXP&issuer=Store&digits=6&digits=8";
        let Scanned::Account(parsed) = read_scanned(link).unwrap() else {
            panic!("not an account")
        };
        let named: Vec<_> = parsed
            .warnings
            .iter()
            .map(|warning| (warning.code(), warning.parameters()))
            .collect();
        assert_eq!(
            named,
            [
                (
                    "repeated_parameter",
                    vec![("parameter", "digits".to_string())]
                ),
                (
                    "issuer_conflict",
                    vec![
                        ("label", "Shop".to_string()),
                        ("parameter", "Store".to_string())
                    ]
                ),
            ]
        );
    }
}
