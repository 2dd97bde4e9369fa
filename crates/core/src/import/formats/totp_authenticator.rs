//! TOTP Authenticator (BinaryBoxApps, `com.authenticator.authservice2`): its backup file and its
//! internal preferences (`shared_prefs/TOTP_Authenticator_Preferences.xml`).
//!
//! The app publishes no description; learned from beemdevelopment/Aegis (February 2026):
//! `importers/TotpAuthenticatorImporter.java` and its test files `totp_authenticator.bin` and
//! `totp_authenticator_internal.xml`. The preferences hold `STATIC_TOTP_CODES_LIST`, a JSON array
//! of accounts: `issuer`, `name`, `key` in the base `base` says (16, 32 or 64), `digits` and
//! `period` (as text). The backup is base64 of AES-256-CBC (PKCS#7 padding, an IV of zeros, the
//! key the SHA-256 of the password's UTF-8 bytes) over a JSON object whose one member's name is
//! that same array as text (its value the time of the backup). A backup made without a password
//! of the user's is sealed with the word the app uses instead, `TotpAuthenticator`; it is tried
//! first, so such a backup needs no password.
//!
//! Every account is time-based with SHA1, as the app makes them; `digits` and `period` are read
//! as stored (six digits and 30 seconds where they are missing).

use base64::Engine;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::import::crypto::{open_aes_cbc, sha256_key};
use crate::import::json::{self, Object};
use crate::import::{EntryFields, Format, Found, ImportError, UnusableReason, android_prefs};
use crate::otp::Secret;

use super::aegis::hex_decode;

const APP: &str = "TOTP Authenticator";
const LIST: &str = "STATIC_TOTP_CODES_LIST";
/// What the app seals a backup with when the user gave no password.
const APP_PASSWORD: &str = "TotpAuthenticator";

/// TOTP Authenticator's backups and preferences.
pub struct TotpAuthenticator;

impl Format for TotpAuthenticator {
    fn id(&self) -> &'static str {
        "totp-authenticator"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        if android_prefs::looks_like_prefs(file) {
            return file
                .windows(LIST.len())
                .any(|window| window == LIST.as_bytes());
        }
        sealed(file).is_some_and(|sealed| sealed.len() >= 16 && sealed.len().is_multiple_of(16))
    }

    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError> {
        if android_prefs::looks_like_prefs(file) {
            let entries = android_prefs::read_strings(file).ok_or_else(|| {
                ImportError::damaged(APP, "it is not a complete preferences file")
            })?;
            let list = entries
                .iter()
                .find(|(name, _)| name == LIST)
                .map(|(_, list)| list.as_str())
                .ok_or_else(|| ImportError::damaged(APP, "it holds no list of accounts"))?;
            return read_list(list.as_bytes());
        }
        let sealed = sealed(file)
            .filter(|sealed| !sealed.is_empty() && sealed.len().is_multiple_of(16))
            .ok_or_else(|| ImportError::damaged(APP, "it is not a whole backup"))?;
        let list = match open(&sealed, APP_PASSWORD) {
            Some(list) => list,
            None => match password {
                None => return Err(ImportError::NeedsPassword { app: APP }),
                Some(password) => open(&sealed, password).ok_or(ImportError::WrongPassword)?,
            },
        };
        read_list(list.as_bytes())
    }
}

/// The bytes of a backup: base64 text (lines allowed).
fn sealed(file: &[u8]) -> Option<Vec<u8>> {
    let text: Vec<u8> = file
        .iter()
        .copied()
        .filter(|byte| !byte.is_ascii_whitespace())
        .collect();
    if text.is_empty()
        || !text
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'='))
    {
        return None;
    }
    base64::engine::general_purpose::STANDARD.decode(&text).ok()
}

/// The list of accounts inside a backup, when `password` opens it: the padding is right and what
/// comes out is the JSON object the app writes.
fn open(sealed: &[u8], password: &str) -> Option<Zeroizing<String>> {
    let key = sha256_key(password.as_bytes());
    let plain = open_aes_cbc(key.as_ref(), &[0u8; 16], sealed)?;
    let backup: serde_json::Map<String, Value> = serde_json::from_slice(&plain).ok()?;
    let (list, _) = backup.into_iter().next()?;
    Some(Zeroizing::new(list))
}

fn read_list(list: &[u8]) -> Result<Found, ImportError> {
    let Some(Value::Array(accounts)) = json::parse(list) else {
        return Err(ImportError::damaged(
            APP,
            "its accounts are not a JSON list",
        ));
    };
    let mut found = Found::default();
    for account in &accounts {
        let Some(account) = account.as_object() else {
            return Err(ImportError::damaged(APP, "an account is not an object"));
        };
        let mut fields = EntryFields {
            issuer: json::text(account, "issuer").map(str::to_string),
            name: json::text(account, "name").unwrap_or_default().to_string(),
            ..EntryFields::default()
        };
        let label = fields.label();
        let read = (|| {
            fields.secret = Some(secret(account)?);
            fields.digits = json::integer(account, "digits")?;
            fields.period = json::integer(account, "period")?;
            fields.into_account()
        })();
        found.push(&label, read);
    }
    Ok(found)
}

/// The key, in the base the account names.
fn secret(account: &Object) -> Result<Secret, UnusableReason> {
    let key = json::text(account, "key")
        .map(str::trim)
        .unwrap_or_default();
    if key.is_empty() {
        return Err(UnusableReason::NoSecret);
    }
    let bad = |what: &str| UnusableReason::Field {
        name: "key",
        value: what.to_string(),
    };
    let bytes = match json::integer(account, "base")? {
        Some(16) => hex_decode(key).ok_or_else(|| bad("not hex"))?,
        None | Some(32) => return Ok(Secret::from_base32(key)?),
        Some(64) => base64::engine::general_purpose::STANDARD
            .decode(key)
            .map_err(|_| bad("not base64"))?,
        Some(other) => {
            return Err(UnusableReason::Field {
                name: "base",
                value: other.to_string(),
            });
        }
    };
    Ok(Secret::from_bytes(bytes)?)
}
