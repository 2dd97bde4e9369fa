//! andOTP's backups: the plain JSON list, and the encrypted backups of the new format (andOTP
//! 0.6.3 and later) and of the old one.
//!
//! Learned from andOTP/andOTP's source at its last release (`app/src/main/java/org/shadowice/
//! flocke/andotp/Database/Entry.java` for the entries, `Utilities/BackupHelper.java`,
//! `Utilities/EncryptionHelper.java`, `Utilities/Constants.java` and
//! `Tasks/EncryptedRestoreTask.java` for the encryption).
//!
//! The plain backup is a JSON list of entries: `secret` (base32), `issuer`, `label` (the account
//! name), `digits`, `type` (`TOTP`, `HOTP`, `STEAM` or `MOTP`), `algorithm`, `period` (TOTP
//! only), `counter` (HOTP only), `thumbnail`, `tags`. The encrypted backup of the new format is
//! the iteration count (4 bytes, big-endian), a 12-byte salt, a 12-byte IV and that list sealed
//! with AES-256-GCM under a key from PBKDF2-HMAC-SHA1 over the password; the old format is the
//! IV and the sealed list alone, under the SHA-256 of the password.
//!
//! Nothing in an encrypted backup says what it is, and the old format is random bytes from the
//! first: a new-format backup is recognised by the iteration count andOTP writes (140,000 to
//! 160,000), an old one only when the user names the format (`--from andotp`). Reading tries the
//! new format, then the old. The first tag becomes the account's group (the others are kept in
//! its note); thumbnails are andOTP's own pictures and are not kept; mOTP entries are listed as
//! unusable.

use std::ops::RangeInclusive;

use serde_json::{Map, Value};

use crate::import::crypto::{Pbkdf2Hash, open_aes_gcm, pbkdf2_key, sha256_key};
use crate::import::{EntryFields, Format, Found, FoundAccount, ImportError, UnusableReason, json};
use crate::otp::Secret;
use crate::vault::Details;

/// An andOTP backup, plain or encrypted.
pub struct AndOtp;

const APP: &str = "andOTP";

const ITERATIONS_LENGTH: usize = 4;
const SALT_LENGTH: usize = 12;
const IV_LENGTH: usize = 12;
const TAG_LENGTH: usize = 16;

/// The iteration counts andOTP writes: a random one in this range for each backup.
const WRITTEN_ITERATIONS: RangeInclusive<u32> = 140_000..=160_000;

/// More than any andOTP backup has: a file asking for more is not one (and would keep the user
/// waiting for minutes to find out).
const MOST_ITERATIONS: u32 = 10_000_000;

impl Format for AndOtp {
    fn id(&self) -> &'static str {
        "andotp"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        if json::starts_with(file, b'[') {
            return json::parse(file).is_some_and(|document| {
                document
                    .as_array()
                    .and_then(|entries| entries.first())
                    .and_then(Value::as_object)
                    .is_some_and(|entry| {
                        entry.contains_key("secret") && entry.contains_key("label")
                    })
            });
        }
        !is_text(file)
            && file.len() >= ITERATIONS_LENGTH + SALT_LENGTH + IV_LENGTH + TAG_LENGTH
            && iterations(file).is_some_and(|count| WRITTEN_ITERATIONS.contains(&count))
    }

    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError> {
        if json::starts_with(file, b'[') && is_text(file) {
            return read_entries(file);
        }
        if is_text(file) {
            return Err(ImportError::damaged(
                APP,
                "it is neither andOTP's list of accounts nor an encrypted andOTP backup",
            ));
        }
        let password = password.ok_or(ImportError::NeedsPassword { app: APP })?;
        read_entries(&decrypt(file, password)?)
    }
}

/// Whether the file is text (an encrypted backup is not: its bytes are random, and a new-format
/// one starts with a zero byte).
fn is_text(file: &[u8]) -> bool {
    !file.contains(&0) && std::str::from_utf8(file).is_ok()
}

/// The iteration count a new-format backup starts with.
fn iterations(file: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(
        file.get(..ITERATIONS_LENGTH)?.try_into().ok()?,
    ))
}

/// The plain list in an encrypted backup, of either format.
fn decrypt(file: &[u8], password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, ImportError> {
    if file.len() < IV_LENGTH + TAG_LENGTH {
        return Err(ImportError::damaged(APP, "it is too short to be a backup"));
    }
    let header = ITERATIONS_LENGTH + SALT_LENGTH;
    if let Some(count) = iterations(file).filter(|count| (1..=MOST_ITERATIONS).contains(count))
        && file.len() >= header + IV_LENGTH + TAG_LENGTH
    {
        let salt = &file[ITERATIONS_LENGTH..header];
        if let Some(key) = pbkdf2_key(Pbkdf2Hash::Sha1, password.as_bytes(), salt, count)
            && let Some(plain) = open_aes_gcm(
                key.as_ref(),
                &file[header..header + IV_LENGTH],
                &file[header + IV_LENGTH..],
            )
        {
            return Ok(plain);
        }
    }
    let key = sha256_key(password.as_bytes());
    open_aes_gcm(key.as_ref(), &file[..IV_LENGTH], &file[IV_LENGTH..])
        .ok_or(ImportError::WrongPassword)
}

/// The entries of the plain list.
fn read_entries(list: &[u8]) -> Result<Found, ImportError> {
    let document =
        json::parse(list).ok_or_else(|| ImportError::damaged(APP, "it is not complete JSON"))?;
    let entries = document
        .as_array()
        .ok_or_else(|| ImportError::damaged(APP, "it is not a list of accounts"))?;
    let mut found = Found::default();
    for entry in entries {
        let entry = entry
            .as_object()
            .ok_or_else(|| ImportError::damaged(APP, "an entry in it is not an object"))?;
        let fields = EntryFields {
            issuer: json::text(entry, "issuer").map(str::to_string),
            name: json::text(entry, "label").unwrap_or_default().to_string(),
            kind: json::text(entry, "type").map(str::to_string),
            algorithm: json::text(entry, "algorithm").map(str::to_string),
            details: tags(entry),
            ..EntryFields::default()
        };
        found.push(&fields.label(), complete(fields, entry));
    }
    Ok(found)
}

/// The group (the first tag) and, when there are more tags, a note naming them all.
fn tags(entry: &Map<String, Value>) -> Details {
    let tags: Vec<&str> = entry
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .collect();
    Details {
        group: tags.first().map(|tag| tag.to_string()),
        note: match tags.len() {
            0 | 1 => String::new(),
            _ => format!("Tags in andOTP: {}", tags.join(", ")),
        },
        icon: None,
    }
}

/// The account of an entry whose names are read: its numbers and secret, and then the rules
/// every format shares.
fn complete(
    mut fields: EntryFields,
    entry: &Map<String, Value>,
) -> Result<FoundAccount, UnusableReason> {
    fields.digits = json::integer(entry, "digits")?;
    fields.period = json::integer(entry, "period")?;
    fields.counter = json::integer(entry, "counter")?;
    fields.secret = json::text(entry, "secret")
        .map(Secret::from_base32)
        .transpose()?;
    fields.into_account()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_andotps_own_iteration_counts_make_bytes_look_like_a_backup() {
        let mut file = vec![0x9c; 60];
        file[..4].copy_from_slice(&150_000u32.to_be_bytes());
        assert!(AndOtp.recognises(&file));
        file[..4].copy_from_slice(&1_000u32.to_be_bytes());
        assert!(!AndOtp.recognises(&file));
        assert!(!AndOtp.recognises(&file[..20]));
    }

    #[test]
    fn text_that_is_not_a_list_is_not_taken_for_an_encrypted_backup() {
        assert!(matches!(
            AndOtp.read(br#"{"services": []}"#, Some("pw")),
            Err(ImportError::Damaged { .. })
        ));
        assert!(!AndOtp.recognises(br#"[{"name": "x"}]"#));
        assert!(!AndOtp.recognises(b"[]"));
    }

    #[test]
    fn several_tags_make_a_group_and_a_note() {
        let entry = serde_json::json!({"tags": ["Work", " ", "Mail"]});
        let details = tags(entry.as_object().unwrap());
        assert_eq!(details.group.as_deref(), Some("Work"));
        assert_eq!(details.note, "Tags in andOTP: Work, Mail");
    }
}
