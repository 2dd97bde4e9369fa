//! An account: what a service handed out (its issuer, the user's name there, the shared secret)
//! and how its codes are made.

use std::fmt;

use crate::otp::code::{self, MAX_DIGITS, MIN_DIGITS};
use crate::otp::{Algorithm, Code, Secret};

/// The usual TOTP period, in seconds.
pub const DEFAULT_PERIOD: u32 = 30;
/// The usual number of digits.
pub const DEFAULT_DIGITS: u8 = 6;

/// How an account's codes advance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Time-based codes (RFC 6238): a new code every `period` seconds.
    Totp {
        /// Seconds each code lasts (30 nearly everywhere).
        period: u32,
    },
    /// Counter-based codes (RFC 4226): a new code each time the user asks for one.
    Hotp {
        /// The counter the next code is computed for.
        counter: u64,
    },
    /// Steam Guard: time-based, written as five letters and digits.
    Steam {
        /// Seconds each code lasts (Steam uses 30).
        period: u32,
    },
}

impl Kind {
    /// The name used in links and JSON: `totp`, `hotp` or `steam`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Totp { .. } => "totp",
            Kind::Hotp { .. } => "hotp",
            Kind::Steam { .. } => "steam",
        }
    }

    /// The period of a time-based account.
    pub fn period(self) -> Option<u32> {
        match self {
            Kind::Totp { period } | Kind::Steam { period } => Some(period),
            Kind::Hotp { .. } => None,
        }
    }

    /// The counter of a counter-based account.
    pub fn counter(self) -> Option<u64> {
        match self {
            Kind::Hotp { counter } => Some(counter),
            Kind::Totp { .. } | Kind::Steam { .. } => None,
        }
    }
}

/// Why an account cannot be used as it stands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// Digits outside what any service uses.
    #[error("codes of {0} digits are not supported: use between 4 and 10 digits")]
    Digits(u8),
    /// A zero period.
    #[error("the code period must be at least one second")]
    ZeroPeriod,
    /// An issuer that could not be written into a link's label.
    #[error("the issuer written before the account name may not contain ':'")]
    LabelIssuerColon,
    /// Leading or trailing spaces, or an empty issuer, which a link cannot keep apart from none.
    #[error("the {0} has spaces at its start or end, or is empty")]
    Untrimmed(&'static str),
    /// An extra link parameter that clashes with one Tessera reads itself.
    #[error("the extra link parameter '{0}' has a name Tessera uses itself")]
    ReservedParameter(String),
}

/// One account at one service: the shared secret and everything needed to show its codes.
///
/// A link can name the issuer twice, in the label (`Example:alice`) and in the `issuer`
/// parameter. Both are kept, so that a link reads back as it was written; [`Account::issuer`] is
/// the one to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The issuer from the link's `issuer` parameter.
    pub issuer: Option<String>,
    /// The issuer written before the colon in the link's label.
    pub label_issuer: Option<String>,
    /// The user's name at the service (often an e-mail address); may be empty.
    pub name: String,
    /// The shared secret.
    pub secret: Secret,
    /// The HMAC hash function.
    pub algorithm: Algorithm,
    /// How many digits a code has (4 to 10); Steam codes always have five characters.
    pub digits: u8,
    /// How the codes advance, with the period or the counter.
    pub kind: Kind,
    /// Link parameters Tessera does not read itself (`image`, `color`, …), kept in their order
    /// so that writing the link again loses nothing.
    pub extra_parameters: Vec<(String, String)>,
}

impl Account {
    /// A time-based account with the usual settings (SHA1, 6 digits, 30 seconds).
    pub fn totp(issuer: Option<&str>, name: &str, secret: Secret) -> Account {
        Account {
            issuer: issuer.map(str::to_string),
            label_issuer: issuer.map(str::to_string),
            name: name.to_string(),
            secret,
            algorithm: Algorithm::Sha1,
            digits: DEFAULT_DIGITS,
            kind: Kind::Totp {
                period: DEFAULT_PERIOD,
            },
            extra_parameters: Vec::new(),
        }
    }

    /// The issuer to show: the `issuer` parameter, else the one in the label.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref().or(self.label_issuer.as_deref())
    }

    /// Sets the issuer everywhere it is kept (as when the user edits it).
    pub fn set_issuer(&mut self, issuer: Option<&str>) {
        let issuer = issuer.map(str::trim).filter(|issuer| !issuer.is_empty());
        self.issuer = issuer.map(str::to_string);
        self.label_issuer = issuer
            .filter(|issuer| !issuer.contains(':'))
            .map(str::to_string);
    }

    /// Both issuers, when the label and the parameter disagree (ignoring case).
    pub fn issuer_conflict(&self) -> Option<(&str, &str)> {
        match (self.label_issuer.as_deref(), self.issuer.as_deref()) {
            (Some(label), Some(parameter)) if !label.eq_ignore_ascii_case(parameter) => {
                Some((label, parameter))
            }
            _ => None,
        }
    }

    /// The number of characters in a code: `digits`, or five for Steam.
    pub fn code_length(&self) -> usize {
        match self.kind {
            Kind::Steam { .. } => code::STEAM_LENGTH,
            Kind::Totp { .. } | Kind::Hotp { .. } => usize::from(self.digits),
        }
    }

    /// Checks what a link or the vault could not keep: digits and period in range, and issuer and
    /// names that read back unchanged.
    pub fn validate(&self) -> Result<(), AccountError> {
        if !(MIN_DIGITS..=MAX_DIGITS).contains(&self.digits) {
            return Err(AccountError::Digits(self.digits));
        }
        if self.kind.period() == Some(0) {
            return Err(AccountError::ZeroPeriod);
        }
        if let Some(label_issuer) = &self.label_issuer {
            if label_issuer.contains(':') {
                return Err(AccountError::LabelIssuerColon);
            }
            if label_issuer.is_empty() || label_issuer.trim() != label_issuer {
                return Err(AccountError::Untrimmed("issuer in the label"));
            }
        }
        if let Some(issuer) = &self.issuer
            && (issuer.is_empty() || issuer.trim() != issuer)
        {
            return Err(AccountError::Untrimmed("issuer"));
        }
        if self.name.trim() != self.name {
            return Err(AccountError::Untrimmed("account name"));
        }
        for (key, _) in &self.extra_parameters {
            if crate::link::is_reserved_parameter(key) {
                return Err(AccountError::ReservedParameter(key.clone()));
            }
        }
        Ok(())
    }

    /// The code at a moment (Unix seconds). For HOTP, the code at the current counter, whatever
    /// the moment.
    pub fn code_at(&self, unix_seconds: u64) -> Code {
        let counter = match self.kind {
            Kind::Totp { period } | Kind::Steam { period } => code::time_step(unix_seconds, period),
            Kind::Hotp { counter } => counter,
        };
        let value = code::truncated_value(&self.secret, self.algorithm, counter);
        let text = match self.kind {
            Kind::Steam { .. } => code::steam(value),
            Kind::Totp { .. } | Kind::Hotp { .. } => code::decimal(value, self.digits),
        };
        let window = self.kind.period().map(|period| {
            let from = counter.saturating_mul(u64::from(period.max(1)));
            (from, from.saturating_add(u64::from(period.max(1))))
        });
        Code {
            text,
            counter,
            valid_from: window.map(|(from, _)| from),
            valid_until: window.map(|(_, until)| until),
        }
    }
}

/// `Issuer (name)`, or whichever of the two there is: how an account is named in messages.
impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.issuer(), self.name.is_empty()) {
            (Some(issuer), false) => write!(f, "{issuer} ({})", self.name),
            (Some(issuer), true) => f.write_str(issuer),
            (None, false) => f.write_str(&self.name),
            (None, true) => f.write_str("an account without a name"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Account {
        Account::totp(
            Some("Example"),
            "alice@example.com",
            Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
        )
    }

    #[test]
    fn a_totp_code_knows_its_window() {
        let code = example().code_at(61);
        assert_eq!(code.counter, 2);
        assert_eq!((code.valid_from, code.valid_until), (Some(60), Some(90)));
        assert_eq!(code.seconds_left(61), Some(29));
        assert_eq!(code.text.len(), 6);
    }

    #[test]
    fn hotp_codes_ignore_the_clock() {
        let mut account = example();
        account.kind = Kind::Hotp { counter: 5 };
        assert_eq!(account.code_at(0), account.code_at(1_000_000));
        assert_eq!(account.code_at(0).valid_until, None);
    }

    #[test]
    fn the_far_future_does_not_overflow() {
        let mut account = example();
        account.kind = Kind::Totp { period: 600 };
        let code = account.code_at(u64::MAX);
        assert_eq!(code.valid_until, Some(u64::MAX));
    }

    #[test]
    fn steam_codes_are_five_characters() {
        let mut account = example();
        account.kind = Kind::Steam { period: 30 };
        assert_eq!(account.code_at(1_700_000_000).text.len(), 5);
        assert_eq!(account.code_length(), 5);
    }

    #[test]
    fn the_parameter_issuer_is_the_one_shown() {
        let mut account = example();
        account.label_issuer = Some("Old name".into());
        assert_eq!(account.issuer(), Some("Example"));
        assert_eq!(account.issuer_conflict(), Some(("Old name", "Example")));
        account.set_issuer(Some("New"));
        assert_eq!(account.issuer_conflict(), None);
    }

    #[test]
    fn validation_names_what_is_wrong() {
        let mut account = example();
        account.digits = 11;
        assert_eq!(account.validate(), Err(AccountError::Digits(11)));
        let mut account = example();
        account.kind = Kind::Totp { period: 0 };
        assert_eq!(account.validate(), Err(AccountError::ZeroPeriod));
        assert_eq!(example().validate(), Ok(()));
    }

    #[test]
    fn display_names_the_account_for_messages() {
        assert_eq!(example().to_string(), "Example (alice@example.com)");
    }
}
