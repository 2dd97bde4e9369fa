//! The body's plaintext: the accounts as one JSON object, padded with spaces to a multiple of
//! 4 KiB so that the file's size tells the number of accounts only roughly.
//!
//! JSON, because a second implementation in any language can read it from the document alone;
//! secrets in base32, as in links. Every field of an account and its details is carried, exactly:
//! no defaults are filled in, so a backup restores what was backed up. The schema is fixed for a
//! format version: a reader refuses members it does not know (they could only be something a newer
//! Tessera wrote, and dropping them silently would lose it).
//!
//! The plaintext is written into one buffer of the right size at once (no copies left behind by a
//! growing buffer) and wiped when dropped, like every secret read back.

use std::io::Write;

use serde::ser::SerializeSeq;
use serde::{Deserialize, Serialize, Serializer};
use zeroize::Zeroizing;

use super::error::BackupError;
use crate::account::{Account, Kind};
use crate::import::{EntryFields, Found, FoundAccount, UnusableReason};
use crate::otp::{Algorithm, Secret};
use crate::vault::Details;

/// The plaintext's length is a multiple of this.
pub const PADDING: usize = 4096;

/// The plaintext for these accounts: JSON, then spaces up to a multiple of [`PADDING`].
pub fn encode(accounts: &[(Account, Details)]) -> Zeroizing<Vec<u8>> {
    let body = Body {
        accounts: Accounts(accounts),
    };
    let mut counted = Counted(0);
    // Writing to a counter and to a Vec cannot fail, and every value here is serialisable.
    let _ = serde_json::to_writer(&mut counted, &body);
    let length = counted.0.div_ceil(PADDING).max(1) * PADDING;
    let mut plaintext = Zeroizing::new(Vec::with_capacity(length));
    let _ = serde_json::to_writer(&mut *plaintext, &body);
    plaintext.resize(length, b' ');
    plaintext
}

/// The accounts in a plaintext. An entry that cannot be used (an algorithm or kind Tessera does
/// not compute, digits out of range: what another implementation might write) is listed with the
/// reason; a plaintext that is not the schema's JSON is damage.
pub fn decode(plaintext: &[u8]) -> Result<Found, BackupError> {
    let body: BodyIn = serde_json::from_slice(plaintext)
        // serde's messages can quote the text they stumbled on, a secret among it: none is kept.
        .map_err(|_| BackupError::Damaged("its accounts are not in the backup's JSON schema"))?;
    let mut found = Found::default();
    for entry in body.accounts {
        let label = EntryFields {
            issuer: entry.issuer.clone().or(entry.label_issuer.clone()),
            name: entry.name.clone(),
            ..EntryFields::default()
        }
        .label();
        found.push(&label, entry.into_account());
    }
    Ok(found)
}

#[derive(Serialize)]
struct Body<'a> {
    accounts: Accounts<'a>,
}

/// The accounts, serialised one at a time (so that one base32 secret at a time exists).
struct Accounts<'a>(&'a [(Account, Details)]);

impl Serialize for Accounts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (account, details) in self.0 {
            seq.serialize_element(&EntryOut::new(account, details))?;
        }
        seq.end()
    }
}

/// One account as written. The members and their order are those of `docs/backup-format.md`.
#[derive(Serialize)]
struct EntryOut<'a> {
    issuer: Option<&'a str>,
    label_issuer: Option<&'a str>,
    name: &'a str,
    secret: Zeroizing<String>,
    algorithm: &'static str,
    digits: u8,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
    extra_parameters: &'a [(String, String)],
    icon: Option<&'a str>,
    note: &'a str,
    group: Option<&'a str>,
}

impl<'a> EntryOut<'a> {
    fn new(account: &'a Account, details: &'a Details) -> EntryOut<'a> {
        EntryOut {
            issuer: account.issuer.as_deref(),
            label_issuer: account.label_issuer.as_deref(),
            name: &account.name,
            secret: account.secret.to_base32(),
            algorithm: account.algorithm.name(),
            digits: account.digits,
            kind: account.kind.name(),
            period: account.kind.period(),
            counter: account.kind.counter(),
            extra_parameters: &account.extra_parameters,
            icon: details.icon.as_deref(),
            note: &details.note,
            group: details.group.as_deref(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BodyIn {
    accounts: Vec<EntryIn>,
}

/// One account as read: numbers as JSON gives them, checked when the account is made.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryIn {
    issuer: Option<String>,
    label_issuer: Option<String>,
    name: String,
    secret: Zeroizing<String>,
    algorithm: String,
    digits: u64,
    kind: String,
    #[serde(default)]
    period: Option<u64>,
    #[serde(default)]
    counter: Option<u64>,
    extra_parameters: Vec<(String, String)>,
    icon: Option<String>,
    note: String,
    group: Option<String>,
}

impl EntryIn {
    fn into_account(self) -> Result<FoundAccount, UnusableReason> {
        let algorithm = match self.algorithm.as_str() {
            "SHA1" => Algorithm::Sha1,
            "SHA256" => Algorithm::Sha256,
            "SHA512" => Algorithm::Sha512,
            _ => return Err(UnusableReason::Algorithm(self.algorithm)),
        };
        let field = |name: &'static str, value: Option<u64>| UnusableReason::Field {
            name,
            value: value.map_or_else(|| "missing".to_string(), |value| value.to_string()),
        };
        let period = || match self.period {
            Some(period) if self.counter.is_none() => {
                u32::try_from(period).map_err(|_| field("period", Some(period)))
            }
            Some(_) => Err(field("counter", self.counter)),
            None => Err(field("period", None)),
        };
        let kind = match self.kind.as_str() {
            "totp" => Kind::Totp { period: period()? },
            "steam" => Kind::Steam { period: period()? },
            "hotp" => match (self.counter, self.period) {
                (Some(counter), None) => Kind::Hotp { counter },
                (None, _) => return Err(field("counter", None)),
                (Some(_), period) => return Err(field("period", period)),
            },
            _ => return Err(UnusableReason::Kind(self.kind)),
        };
        let account = Account {
            issuer: self.issuer,
            label_issuer: self.label_issuer,
            name: self.name,
            secret: Secret::from_base32(&self.secret)?,
            algorithm,
            digits: u8::try_from(self.digits).map_err(|_| field("digits", Some(self.digits)))?,
            kind,
            extra_parameters: self.extra_parameters,
        };
        account.validate()?;
        Ok(FoundAccount {
            account,
            details: Details {
                icon: self.icon,
                note: self.note,
                group: self.group,
            },
        })
    }
}

/// A writer that only counts, to size the plaintext's buffer before writing it.
struct Counted(usize);

impl Write for Counted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> Vec<(Account, Details)> {
        let mut hotp = Account::totp(
            Some("Forge"),
            "bob",
            Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
        );
        hotp.kind = Kind::Hotp { counter: u64::MAX };
        hotp.label_issuer = None;
        hotp.algorithm = Algorithm::Sha512;
        hotp.digits = 10;
        hotp.extra_parameters = vec![("image".into(), "https://example.com/a.png".into())];
        vec![
            (
                Account::totp(None, "", Secret::from_base32("GEZDGNBV").unwrap()),
                Details::default(),
            ),
            (
                hotp,
                Details {
                    icon: Some("github".into()),
                    note: "codes in the drawer \"B\"\n".into(),
                    group: Some("Work".into()),
                },
            ),
        ]
    }

    #[test]
    fn every_field_comes_back_and_the_length_is_padded() {
        let plaintext = encode(&accounts());
        assert_eq!(plaintext.len() % PADDING, 0);
        let found = decode(&plaintext).unwrap();
        let back: Vec<_> = found
            .accounts
            .into_iter()
            .map(|found| (found.account, found.details))
            .collect();
        assert_eq!(back, accounts());
    }

    #[test]
    fn the_json_is_the_documented_schema() {
        let plaintext = encode(&accounts()[1..]);
        let text = std::str::from_utf8(&plaintext).unwrap().trim_end();
        assert_eq!(
            text,
            "{\"accounts\":[{\"issuer\":\"Forge\",\"label_issuer\":null,\"name\":\"bob\",\
             \"secret\":\"JBSWY3DPEHPK3PXP\",\"algorithm\":\"SHA512\",\"digits\":10,\
             \"kind\":\"hotp\",\"counter\":18446744073709551615,\
             \"extra_parameters\":[[\"image\",\"https://example.com/a.png\"]],\
             \"icon\":\"github\",\"note\":\"codes in the drawer \\\"B\\\"\\n\",\"group\":\"Work\"}]}"
        );
    }

    #[test]
    fn an_entry_tessera_cannot_use_is_listed_and_unknown_members_are_damage() {
        let entry = |algorithm: &str, extra: &str| {
            format!(
                "{{\"issuer\":\"X\",\"label_issuer\":null,\"name\":\"a\",\"secret\":\"GEZDGNBV\",\
                 \"algorithm\":\"{algorithm}\",\"digits\":6,\"kind\":\"totp\",\"period\":30,\
                 \"extra_parameters\":[],\"icon\":null,\"note\":\"\",\"group\":null{extra}}}"
            )
        };
        let file = format!(
            "{{\"accounts\":[{},{}]}}   ",
            entry("MD5", ""),
            entry("SHA1", "")
        );
        let found = decode(file.as_bytes()).unwrap();
        assert_eq!(found.accounts.len(), 1);
        assert_eq!(found.unusable[0].label, "X (a)");
        assert_eq!(
            found.unusable[0].reason,
            UnusableReason::Algorithm("MD5".into())
        );
        let newer = format!(
            "{{\"accounts\":[{}]}}",
            entry("SHA1", ",\"favourite\":true")
        );
        assert!(matches!(
            decode(newer.as_bytes()),
            Err(BackupError::Damaged(_))
        ));
    }
}
