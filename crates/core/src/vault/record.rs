//! What one account row holds once opened: the account and the user's own details, as a protobuf
//! message that is sealed whole. Nothing in it is ever stored in the clear.

use std::fmt;

use prost::Message;
use zeroize::{Zeroize, Zeroizing};

use super::entry::Details;
use crate::account::{Account, Kind};
use crate::otp::{Algorithm, Secret};

const KIND_TOTP: i32 = 0;
const KIND_HOTP: i32 = 1;
const KIND_STEAM: i32 = 2;

/// The plaintext of an account row. The secret is wiped when dropped and hidden from `Debug`.
#[derive(Clone, PartialEq, prost::Message)]
#[prost(skip_debug)]
struct AccountRecord {
    #[prost(string, optional, tag = "1")]
    issuer: Option<String>,
    #[prost(string, optional, tag = "2")]
    label_issuer: Option<String>,
    #[prost(string, tag = "3")]
    name: String,
    #[prost(bytes = "vec", tag = "4")]
    secret: Vec<u8>,
    #[prost(int32, tag = "5")]
    algorithm: i32,
    #[prost(uint32, tag = "6")]
    digits: u32,
    #[prost(int32, tag = "7")]
    kind: i32,
    #[prost(uint32, tag = "8")]
    period: u32,
    #[prost(uint64, tag = "9")]
    counter: u64,
    #[prost(message, repeated, tag = "10")]
    extra_parameters: Vec<Parameter>,
    #[prost(string, optional, tag = "11")]
    icon: Option<String>,
    #[prost(string, tag = "12")]
    note: String,
    #[prost(string, optional, tag = "13")]
    group: Option<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Parameter {
    #[prost(string, tag = "1")]
    key: String,
    #[prost(string, tag = "2")]
    value: String,
}

impl Drop for AccountRecord {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl fmt::Debug for AccountRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccountRecord(<redacted>)")
    }
}

/// A record whose bytes open but do not make an account (written by a broken or newer Tessera).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadRecord;

/// The bytes to seal for an account and its details. Wiped when dropped.
pub fn encode(account: &Account, details: &Details) -> Zeroizing<Vec<u8>> {
    let (kind, period, counter) = match account.kind {
        Kind::Totp { period } => (KIND_TOTP, period, 0),
        Kind::Hotp { counter } => (KIND_HOTP, 0, counter),
        Kind::Steam { period } => (KIND_STEAM, period, 0),
    };
    let record = AccountRecord {
        issuer: account.issuer.clone(),
        label_issuer: account.label_issuer.clone(),
        name: account.name.clone(),
        secret: account.secret.as_bytes().to_vec(),
        algorithm: match account.algorithm {
            Algorithm::Sha1 => 1,
            Algorithm::Sha256 => 2,
            Algorithm::Sha512 => 3,
        },
        digits: u32::from(account.digits),
        kind,
        period,
        counter,
        extra_parameters: account
            .extra_parameters
            .iter()
            .map(|(key, value)| Parameter {
                key: key.clone(),
                value: value.clone(),
            })
            .collect(),
        icon: details.icon.clone(),
        note: details.note.clone(),
        group: details.group.clone(),
    };
    Zeroizing::new(record.encode_to_vec())
}

/// The account and details in an opened record.
pub fn decode(bytes: &[u8]) -> Result<(Account, Details), BadRecord> {
    let mut record = AccountRecord::decode(bytes).map_err(|_| BadRecord)?;
    let algorithm = match record.algorithm {
        1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        _ => return Err(BadRecord),
    };
    let kind = match record.kind {
        KIND_TOTP => Kind::Totp {
            period: record.period,
        },
        KIND_HOTP => Kind::Hotp {
            counter: record.counter,
        },
        KIND_STEAM => Kind::Steam {
            period: record.period,
        },
        _ => return Err(BadRecord),
    };
    let account = Account {
        issuer: record.issuer.take(),
        label_issuer: record.label_issuer.take(),
        name: std::mem::take(&mut record.name),
        secret: Secret::from_bytes(std::mem::take(&mut record.secret)).map_err(|_| BadRecord)?,
        algorithm,
        digits: u8::try_from(record.digits).map_err(|_| BadRecord)?,
        kind,
        extra_parameters: record
            .extra_parameters
            .drain(..)
            .map(|p| (p.key.clone(), p.value.clone()))
            .collect(),
    };
    account.validate().map_err(|_| BadRecord)?;
    let details = Details {
        icon: record.icon.take(),
        note: std::mem::take(&mut record.note),
        group: record.group.take(),
    };
    Ok((account, details))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_and_its_details_come_back_whole() {
        let mut account = Account::totp(
            Some("Example"),
            "alice",
            Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
        );
        account.kind = Kind::Hotp { counter: u64::MAX };
        account.algorithm = Algorithm::Sha512;
        account.extra_parameters = vec![("image".into(), "x.png".into())];
        let details = Details {
            icon: Some("github".into()),
            note: "work laptop".into(),
            group: Some("Work".into()),
        };
        assert_eq!(decode(&encode(&account, &details)), Ok((account, details)));
    }

    #[test]
    fn bytes_that_are_not_a_record_are_refused() {
        assert_eq!(decode(b"\xff\xff\xff"), Err(BadRecord));
        assert_eq!(decode(b""), Err(BadRecord)); // no secret
    }
}
