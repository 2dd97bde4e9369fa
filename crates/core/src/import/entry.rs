//! One entry as other apps store it (separate fields, names as each app spells them), turned into
//! an account by one set of rules, so that every format reads kinds, algorithms and digits alike.

use crate::account::{Account, DEFAULT_DIGITS, DEFAULT_PERIOD, Kind};
use crate::otp::{Algorithm, Secret};
use crate::vault::Details;

use super::found::{FoundAccount, UnusableReason};

/// The fields of one entry, as a format found them. Empty fields take what the app meant when it
/// left them out: TOTP, SHA1, 6 digits, 30 seconds, counter 0.
#[derive(Clone, Debug, Default)]
pub struct EntryFields {
    /// The issuer ("Example"), if any.
    pub issuer: Option<String>,
    /// The account name at the service.
    pub name: String,
    /// The secret, read by the format (base32, hex or raw bytes, as the app keeps it).
    pub secret: Option<Secret>,
    /// The kind as the app names it: `totp`, `hotp`, `steam` (any case); others are refused.
    pub kind: Option<String>,
    /// The algorithm as the app names it (`SHA1`, `sha256`, `HmacSHA512`…).
    pub algorithm: Option<String>,
    /// The number of digits.
    pub digits: Option<i64>,
    /// The period in seconds (time-based kinds).
    pub period: Option<i64>,
    /// The counter (counter-based kinds).
    pub counter: Option<i64>,
    /// The note, group and icon the user had.
    pub details: Details,
}

impl EntryFields {
    /// How the user would recognise the entry in the other app: "Issuer (name)" or either alone.
    pub fn label(&self) -> String {
        match (self.issuer.as_deref().map(str::trim), self.name.trim()) {
            (Some(issuer), "") if !issuer.is_empty() => issuer.to_string(),
            (Some(issuer), name) if !issuer.is_empty() => format!("{issuer} ({name})"),
            (_, "") => "an entry without a name".to_string(),
            (_, name) => name.to_string(),
        }
    }

    /// The account these fields describe, or why they describe none Tessera can use.
    pub fn into_account(self) -> Result<FoundAccount, UnusableReason> {
        let secret = self.secret.ok_or(UnusableReason::NoSecret)?;
        // The kind before the algorithm: an mOTP entry's MD5 is part of being mOTP, and "mOTP is
        // not supported" is what the user can act on.
        let kind_name = self.kind.as_deref().map(str::trim).unwrap_or("totp");
        if !matches!(
            kind_name.to_ascii_lowercase().as_str(),
            "" | "totp" | "steam" | "hotp"
        ) {
            return Err(UnusableReason::Kind(kind_name.to_string()));
        }
        let algorithm = match self.algorithm.as_deref().map(str::trim) {
            None | Some("") => Algorithm::Sha1,
            Some(name) => name
                .parse()
                .map_err(|_| UnusableReason::Algorithm(name.to_string()))?,
        };
        let period = match self.period {
            None | Some(0) => DEFAULT_PERIOD,
            Some(period) => u32::try_from(period).map_err(|_| UnusableReason::Field {
                name: "period",
                value: period.to_string(),
            })?,
        };
        let kind = match kind_name.to_ascii_lowercase().as_str() {
            "" | "totp" => Kind::Totp { period },
            "steam" => Kind::Steam { period },
            "hotp" => Kind::Hotp {
                counter: u64::try_from(self.counter.unwrap_or(0)).map_err(|_| {
                    UnusableReason::Field {
                        name: "counter",
                        value: self.counter.unwrap_or(0).to_string(),
                    }
                })?,
            },
            _ => return Err(UnusableReason::Kind(kind_name.to_string())),
        };
        let digits = match (kind, self.digits) {
            (Kind::Steam { .. }, _) | (_, None | Some(0)) => DEFAULT_DIGITS,
            (_, Some(digits)) => u8::try_from(digits).map_err(|_| UnusableReason::Field {
                name: "digits",
                value: digits.to_string(),
            })?,
        };
        let issuer = self
            .issuer
            .map(|issuer| issuer.trim().to_string())
            .filter(|issuer| !issuer.is_empty());
        let mut account = Account::totp(None, self.name.trim(), secret);
        account.set_issuer(issuer.as_deref());
        account.algorithm = algorithm;
        account.digits = digits;
        account.kind = kind;
        account.validate()?;
        Ok(FoundAccount {
            account,
            details: self.details,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> EntryFields {
        EntryFields {
            issuer: Some(" Example ".into()),
            name: "alice".into(),
            secret: Some(Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap()),
            ..EntryFields::default()
        }
    }

    #[test]
    fn what_an_app_leaves_out_is_what_it_meant() {
        let found = fields().into_account().unwrap();
        assert_eq!(found.account.issuer(), Some("Example"));
        assert_eq!(found.account.algorithm, Algorithm::Sha1);
        assert_eq!(found.account.digits, 6);
        assert_eq!(found.account.kind, Kind::Totp { period: 30 });
    }

    #[test]
    fn kinds_and_algorithms_are_read_as_apps_spell_them() {
        let mut entry = fields();
        entry.kind = Some("HOTP".into());
        entry.counter = Some(7);
        entry.algorithm = Some("HmacSHA256".into());
        let found = entry.into_account().unwrap();
        assert_eq!(found.account.kind, Kind::Hotp { counter: 7 });
        assert_eq!(found.account.algorithm, Algorithm::Sha256);
    }

    #[test]
    fn what_cannot_be_computed_says_why() {
        let mut entry = fields();
        entry.kind = Some("yandex".into());
        assert_eq!(
            entry.into_account().unwrap_err(),
            UnusableReason::Kind("yandex".into())
        );
        let mut entry = fields();
        entry.kind = Some("motp".into());
        entry.algorithm = Some("MD5".into());
        assert_eq!(
            entry.into_account().unwrap_err(),
            UnusableReason::Kind("motp".into())
        );
        let mut entry = fields();
        entry.algorithm = Some("MD5".into());
        assert_eq!(
            entry.into_account().unwrap_err(),
            UnusableReason::Algorithm("MD5".into())
        );
        let mut entry = fields();
        entry.digits = Some(12);
        assert!(matches!(
            entry.into_account(),
            Err(UnusableReason::Account(_))
        ));
        let mut entry = fields();
        entry.counter = Some(-1);
        entry.kind = Some("hotp".into());
        assert!(matches!(
            entry.into_account(),
            Err(UnusableReason::Field {
                name: "counter",
                ..
            })
        ));
        let mut entry = fields();
        entry.secret = None;
        assert_eq!(entry.into_account().unwrap_err(), UnusableReason::NoSecret);
    }

    #[test]
    fn labels_name_the_entry_as_the_other_app_showed_it() {
        assert_eq!(fields().label(), "Example (alice)");
        let mut entry = fields();
        entry.name = String::new();
        assert_eq!(entry.label(), "Example");
        assert_eq!(EntryFields::default().label(), "an entry without a name");
    }
}
