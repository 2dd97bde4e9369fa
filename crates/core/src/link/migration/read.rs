//! Reading one export link into accounts.

use base64::Engine;
use prost::Message;
use zeroize::Zeroizing;

use super::ExportError;
use super::proto::{self, MigrationPayload, OtpParameters};
use crate::account::{Account, DEFAULT_DIGITS, DEFAULT_PERIOD, Kind};
use crate::link::{percent, strip_scheme};
use crate::otp::{Algorithm, Secret};

/// The most base64 text an export link may carry: a version-40 QR code holds under 3 KB, so
/// anything near this is not one of Google's exports.
const MAX_DATA_LENGTH: usize = 64 * 1024;

/// Where a part sits in its export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartOf {
    /// The number shared by the parts of one export.
    pub batch_id: i32,
    /// This part's position, from 0.
    pub index: i32,
    /// How many parts the export has (at least 1).
    pub size: i32,
    /// The format version the exporting app wrote.
    pub version: i32,
}

/// An entry of an export that Tessera cannot turn into an account (MD5, say), with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnusableEntry {
    /// The entry's position in its part, from 0.
    pub position: usize,
    /// The issuer and name, as the export gives them, for telling the user which entry it is.
    pub label: String,
    /// Why it cannot be used.
    pub reason: Unusable,
}

/// Why an entry of a Google export cannot become an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unusable {
    /// Its codes are made with MD5.
    Md5,
    /// An algorithm number the format did not have when this was written.
    UnknownAlgorithm(i32),
    /// A number of digits the format did not have when this was written.
    UnknownDigits(i32),
    /// A kind of code the format did not have when this was written.
    UnknownKind(i32),
    /// A counter below zero.
    NegativeCounter(i64),
    /// No secret.
    NoSecret,
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unusable::Md5 => "it uses MD5, which Tessera cannot compute codes with",
            Unusable::UnknownAlgorithm(_) => {
                "it uses an algorithm this version of Tessera does not know"
            }
            Unusable::UnknownDigits(_) => {
                "it uses a number of digits this version of Tessera does not know"
            }
            Unusable::UnknownKind(_) => {
                "it is a kind of code this version of Tessera does not know"
            }
            Unusable::NegativeCounter(_) => "its counter is negative",
            Unusable::NoSecret => "it has no secret",
        })
    }
}

/// One link of a Google Authenticator export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportPart {
    /// The accounts Tessera can use, in the export's order.
    pub accounts: Vec<Account>,
    /// The entries it cannot use.
    pub unusable: Vec<UnusableEntry>,
    /// Where this part sits in its export.
    pub part_of: PartOf,
}

/// Whether the text is a Google Authenticator export link (of any kind).
pub fn is_export_link(text: &str) -> bool {
    strip_scheme(text.trim(), "otpauth-migration").is_some()
}

/// Reads one `otpauth-migration://offline?data=…` link.
pub fn read_export(link: &str) -> Result<ExportPart, ExportError> {
    let rest = strip_scheme(link.trim(), "otpauth-migration").ok_or(ExportError::NotOffline)?;
    let (host, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !host.trim_end_matches('/').eq_ignore_ascii_case("offline") {
        return Err(ExportError::NotOffline);
    }
    let data = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| key.eq_ignore_ascii_case("data"))
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
        .ok_or(ExportError::NoData)?;
    if data.len() > MAX_DATA_LENGTH {
        return Err(ExportError::TooLarge);
    }
    let bytes = decode_base64(data)?;
    let mut payload = MigrationPayload::decode(bytes.as_slice())
        .map_err(|_| ExportError::Damaged("not a valid export"))?;

    let size = payload.batch_size.max(1);
    if payload.batch_index < 0 || payload.batch_index >= size {
        return Err(ExportError::BadPosition {
            index: i64::from(payload.batch_index) + 1,
            size: i64::from(size),
        });
    }
    let part_of = PartOf {
        batch_id: payload.batch_id,
        index: payload.batch_index,
        size,
        version: payload.version,
    };

    let mut accounts = Vec::new();
    let mut unusable = Vec::new();
    for (position, mut entry) in payload.otp_parameters.drain(..).enumerate() {
        match to_account(&mut entry) {
            Ok(account) => accounts.push(account),
            Err(reason) => unusable.push(UnusableEntry {
                position,
                label: label_of(&entry),
                reason,
            }),
        }
    }
    Ok(ExportPart {
        accounts,
        unusable,
        part_of,
    })
}

/// Decodes the `data` parameter, forgiving what scanners and chat apps do to it: percent-escapes,
/// `+` turned into a space, URL-safe letters, missing padding.
fn decode_base64(data: &str) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    // `percent::decode` could read a `+` as a space; base64 has no spaces, so turn them back.
    let text =
        Zeroizing::new(percent::decode(data).map_err(|_| ExportError::Damaged("not base64"))?);
    let cleaned: Zeroizing<String> = Zeroizing::new(
        text.chars()
            .filter(|c| !matches!(c, '=' | '\r' | '\n' | '\t'))
            .map(|c| match c {
                ' ' => '+',
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect(),
    );
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(cleaned.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| ExportError::Damaged("not base64"))
}

fn to_account(entry: &mut OtpParameters) -> Result<Account, Unusable> {
    let algorithm = match entry.algorithm {
        0 | proto::ALGORITHM_SHA1 => Algorithm::Sha1,
        proto::ALGORITHM_SHA256 => Algorithm::Sha256,
        proto::ALGORITHM_SHA512 => Algorithm::Sha512,
        proto::ALGORITHM_MD5 => return Err(Unusable::Md5),
        other => return Err(Unusable::UnknownAlgorithm(other)),
    };
    let digits = match entry.digits {
        0 | proto::DIGITS_SIX => DEFAULT_DIGITS,
        proto::DIGITS_EIGHT => 8,
        other => return Err(Unusable::UnknownDigits(other)),
    };
    let kind = match entry.r#type {
        0 | proto::TYPE_TOTP => Kind::Totp {
            period: DEFAULT_PERIOD,
        },
        proto::TYPE_HOTP => Kind::Hotp {
            counter: u64::try_from(entry.counter)
                .map_err(|_| Unusable::NegativeCounter(entry.counter))?,
        },
        other => return Err(Unusable::UnknownKind(other)),
    };
    let secret =
        Secret::from_bytes(std::mem::take(&mut entry.secret)).map_err(|_| Unusable::NoSecret)?;
    let (label_issuer, name) = split_label(&entry.name);
    let issuer = Some(entry.issuer.trim())
        .filter(|issuer| !issuer.is_empty())
        .map(str::to_string);
    Ok(Account {
        issuer,
        label_issuer,
        name,
        secret,
        algorithm,
        digits,
        kind,
        extra_parameters: Vec::new(),
    })
}

/// Google keeps the label of the link it scanned, so the name is often `Issuer:name`.
fn split_label(label: &str) -> (Option<String>, String) {
    match label.split_once(':') {
        Some((issuer, name)) if !issuer.trim().is_empty() => {
            (Some(issuer.trim().to_string()), name.trim().to_string())
        }
        Some((_, name)) => (None, name.trim().to_string()),
        None => (None, label.trim().to_string()),
    }
}

fn label_of(entry: &OtpParameters) -> String {
    match (entry.issuer.trim(), entry.name.trim()) {
        ("", name) => name.to_string(),
        (issuer, "") => issuer.to_string(),
        (issuer, name) => format!("{issuer} ({name})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a payload as a link, the way Google Authenticator does.
    fn encode(payload: &MigrationPayload) -> String {
        let data = base64::engine::general_purpose::STANDARD.encode(payload.encode_to_vec());
        format!(
            "otpauth-migration://offline?data={}",
            percent::encode(&data)
        )
    }

    fn entry(
        name: &str,
        issuer: &str,
        algorithm: i32,
        digits: i32,
        kind: i32,
        counter: i64,
    ) -> OtpParameters {
        OtpParameters {
            secret: b"Hello!\xde\xad\xbe\xef".to_vec(),
            name: name.into(),
            issuer: issuer.into(),
            algorithm,
            digits,
            r#type: kind,
            counter,
        }
    }

    fn payload(entries: Vec<OtpParameters>) -> MigrationPayload {
        MigrationPayload {
            otp_parameters: entries,
            version: 1,
            batch_size: 1,
            batch_index: 0,
            batch_id: 77,
        }
    }

    #[test]
    fn every_field_of_an_entry_is_read() {
        let link = encode(&payload(vec![
            entry(
                "Example:alice@google.com",
                "Example",
                proto::ALGORITHM_SHA1,
                proto::DIGITS_SIX,
                proto::TYPE_TOTP,
                0,
            ),
            entry(
                "bob",
                "Bank",
                proto::ALGORITHM_SHA512,
                proto::DIGITS_EIGHT,
                proto::TYPE_HOTP,
                42,
            ),
        ]));
        let part = read_export(&link).unwrap();
        assert_eq!(
            part.part_of,
            PartOf {
                batch_id: 77,
                index: 0,
                size: 1,
                version: 1
            }
        );
        let [alice, bob] = part.accounts.as_slice() else {
            panic!("two accounts expected")
        };
        assert_eq!(
            (
                alice.issuer(),
                alice.label_issuer.as_deref(),
                alice.name.as_str()
            ),
            (Some("Example"), Some("Example"), "alice@google.com")
        );
        assert_eq!(alice.secret.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
        assert_eq!(
            (alice.kind, alice.digits, alice.algorithm),
            (Kind::Totp { period: 30 }, 6, Algorithm::Sha1)
        );
        assert_eq!(
            (bob.kind, bob.digits, bob.algorithm),
            (Kind::Hotp { counter: 42 }, 8, Algorithm::Sha512)
        );
    }

    #[test]
    fn unusable_entries_are_named_and_the_rest_kept() {
        let link = encode(&payload(vec![
            entry(
                "old",
                "Legacy",
                proto::ALGORITHM_MD5,
                proto::DIGITS_SIX,
                proto::TYPE_TOTP,
                0,
            ),
            entry(
                "ok",
                "Fine",
                proto::ALGORITHM_SHA1,
                proto::DIGITS_SIX,
                proto::TYPE_TOTP,
                0,
            ),
            entry(
                "neg",
                "Odd",
                proto::ALGORITHM_SHA1,
                proto::DIGITS_SIX,
                proto::TYPE_HOTP,
                -1,
            ),
        ]));
        let part = read_export(&link).unwrap();
        assert_eq!(part.accounts.len(), 1);
        assert_eq!(
            part.unusable
                .iter()
                .map(|u| (u.position, u.label.as_str()))
                .collect::<Vec<_>>(),
            vec![(0, "Legacy (old)"), (2, "Odd (neg)")]
        );
        assert_eq!(part.unusable[0].reason, Unusable::Md5);
    }

    #[test]
    fn sloppy_copies_of_the_data_still_read() {
        let link = encode(&payload(vec![entry("a", "b", 1, 1, 2, 0)]));
        let data = link.split_once("data=").unwrap().1;
        let raw = percent::decode(data).unwrap();
        for sloppy in [
            format!("otpauth-migration://offline?data={raw}"),
            format!(
                "OTPAUTH-MIGRATION://OFFLINE?data={}",
                raw.replace('+', " ").trim_end_matches('=')
            ),
            format!(
                "otpauth-migration://offline?data={}",
                raw.replace('+', "-").replace('/', "_")
            ),
        ] {
            assert_eq!(read_export(&sloppy).unwrap().accounts.len(), 1, "{sloppy}");
        }
    }

    #[test]
    fn damage_is_reported_not_guessed() {
        let cases = [
            (
                "otpauth-migration://online?data=AAAA",
                ExportError::NotOffline,
            ),
            ("otpauth-migration://offline", ExportError::NoData),
            ("otpauth-migration://offline?data=", ExportError::NoData),
            (
                "otpauth-migration://offline?data=%%%%",
                ExportError::Damaged("not base64"),
            ),
            (
                "otpauth-migration://offline?data=CgUKAw",
                ExportError::Damaged("not a valid export"),
            ),
        ];
        for (link, expected) in cases {
            assert_eq!(read_export(link), Err(expected), "{link}");
        }
        let huge = format!(
            "otpauth-migration://offline?data={}",
            "A".repeat(MAX_DATA_LENGTH + 1)
        );
        assert_eq!(read_export(&huge), Err(ExportError::TooLarge));
    }

    #[test]
    fn a_part_outside_its_batch_is_refused() {
        let mut bad = payload(vec![]);
        bad.batch_index = 3;
        bad.batch_size = 2;
        assert_eq!(
            read_export(&encode(&bad)),
            Err(ExportError::BadPosition { index: 4, size: 2 })
        );
    }
}
