//! What a file or a scan holds: the accounts it can give, and the entries it cannot, with why.

use std::fmt;

use crate::account::{Account, AccountError};
use crate::link::LinkError;
use crate::otp::SecretError;
use crate::vault::Details;

/// One account found, with what the user had added to it in the other app (a note, a group, an
/// icon's name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundAccount {
    /// The account.
    pub account: Account,
    /// Its note, group and icon, where the other app had them.
    pub details: Details,
}

/// Why an entry cannot become an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnusableReason {
    /// A kind of code Tessera does not compute (Yandex, mOTP, a push-only entry…).
    Kind(String),
    /// A hash function Tessera does not compute (MD5).
    Algorithm(String),
    /// The entry has no secret.
    NoSecret,
    /// The other app keeps the secret encrypted with a key that never leaves the phone (Android's
    /// keystore), so a copy of its files cannot give it.
    SealedOnDevice,
    /// The secret cannot be read.
    Secret(SecretError),
    /// The account's settings are out of range.
    Account(AccountError),
    /// A field holds something that is not what the format allows.
    Field {
        /// The field's name in the file.
        name: &'static str,
        /// What it holds.
        value: String,
    },
}

impl UnusableReason {
    /// A stable name for the reason, for the app's translated messages.
    pub fn code(&self) -> &'static str {
        match self {
            UnusableReason::Kind(_) => "unusable_kind",
            UnusableReason::Algorithm(_) => "unusable_algorithm",
            UnusableReason::NoSecret => "unusable_no_secret",
            UnusableReason::SealedOnDevice => "unusable_sealed",
            UnusableReason::Secret(_) => "unusable_secret",
            UnusableReason::Account(AccountError::Digits(_)) => "unusable_digits",
            UnusableReason::Account(AccountError::ZeroPeriod) => "unusable_period",
            UnusableReason::Account(AccountError::LabelIssuerColon) => "unusable_issuer_colon",
            UnusableReason::Account(AccountError::Untrimmed(_)) => "unusable_untrimmed",
            UnusableReason::Account(AccountError::ReservedParameter(_)) => {
                "unusable_reserved_parameter"
            }
            UnusableReason::Field { .. } => "unusable_field",
        }
    }

    /// The reason's one parameter, shown inside its message (the kind, the algorithm, the field,
    /// the number of digits, the parameter's name).
    pub fn parameter(&self) -> Option<String> {
        match self {
            UnusableReason::Kind(kind) | UnusableReason::Algorithm(kind) => Some(kind.clone()),
            UnusableReason::Field { name, .. } => Some((*name).to_string()),
            UnusableReason::Account(AccountError::Digits(digits)) => Some(digits.to_string()),
            UnusableReason::Account(AccountError::ReservedParameter(name)) => Some(name.clone()),
            UnusableReason::NoSecret
            | UnusableReason::SealedOnDevice
            | UnusableReason::Secret(_)
            | UnusableReason::Account(_) => None,
        }
    }
}

impl fmt::Display for UnusableReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnusableReason::Kind(kind) => {
                write!(
                    f,
                    "'{kind}' codes are not supported: Tessera makes TOTP, HOTP and Steam codes"
                )
            }
            UnusableReason::Algorithm(name) => write!(
                f,
                "the '{name}' algorithm is not supported: only SHA1, SHA256 and SHA512"
            ),
            UnusableReason::NoSecret => f.write_str("it has no secret"),
            UnusableReason::SealedOnDevice => f.write_str(
                "the app keeps its secret encrypted with a key that never leaves the phone: set \
                 the account up again from the service's security settings",
            ),
            UnusableReason::Secret(error) => error.fmt(f),
            UnusableReason::Account(error) => error.fmt(f),
            UnusableReason::Field { name, value } => {
                write!(
                    f,
                    "its '{name}' is '{value}', which the format does not allow"
                )
            }
        }
    }
}

impl From<SecretError> for UnusableReason {
    fn from(error: SecretError) -> Self {
        UnusableReason::Secret(error)
    }
}

impl From<LinkError> for UnusableReason {
    /// Why an account link (in a file, or in a field of one) is not an account.
    fn from(error: LinkError) -> Self {
        match error {
            LinkError::UnknownType(kind) => UnusableReason::Kind(kind),
            LinkError::Algorithm(name) => UnusableReason::Algorithm(name),
            LinkError::MissingSecret => UnusableReason::NoSecret,
            LinkError::Secret(error) => UnusableReason::Secret(error),
            other => UnusableReason::Field {
                name: "link",
                value: other.to_string(),
            },
        }
    }
}

impl From<crate::link::migration::Unusable> for UnusableReason {
    /// Why an entry of a Google export is not an account, in the terms every other format uses.
    fn from(reason: crate::link::migration::Unusable) -> Self {
        use crate::link::migration::Unusable as Export;
        let field = |name, value: String| UnusableReason::Field { name, value };
        match reason {
            Export::Md5 => UnusableReason::Algorithm("MD5".to_string()),
            Export::UnknownAlgorithm(number) => field("algorithm", number.to_string()),
            Export::UnknownDigits(number) => field("digits", number.to_string()),
            Export::UnknownKind(number) => field("type", number.to_string()),
            Export::NegativeCounter(counter) => field("counter", counter.to_string()),
            Export::NoSecret => UnusableReason::NoSecret,
        }
    }
}

impl From<AccountError> for UnusableReason {
    fn from(error: AccountError) -> Self {
        UnusableReason::Account(error)
    }
}

/// An entry that cannot be used, named so that the user can find it in the other app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unusable {
    /// The issuer and name as the file gives them.
    pub label: String,
    /// Why it cannot be used.
    pub reason: UnusableReason,
}

/// Everything one file gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// The accounts, in the file's order.
    pub accounts: Vec<FoundAccount>,
    /// The entries that cannot be used.
    pub unusable: Vec<Unusable>,
}

impl Found {
    /// Adds an entry: its account, or the reason it cannot be used.
    pub fn push(&mut self, label: &str, entry: Result<FoundAccount, UnusableReason>) {
        match entry {
            Ok(found) => self.accounts.push(found),
            Err(reason) => self.unusable.push(Unusable {
                label: label.to_string(),
                reason,
            }),
        }
    }
}
