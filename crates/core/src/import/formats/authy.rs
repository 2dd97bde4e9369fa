//! Authy (Twilio): the SharedPreferences files the Android app keeps its tokens in
//! (`shared_prefs/com.authy.storage.tokens.authenticator.xml` for other services' accounts,
//! `com.authy.storage.tokens.authy.xml` for Authy's own), copied from a rooted phone or a backup
//! of the app's data. Twilio offers no export.
//!
//! Twilio publishes no description; learned from beemdevelopment/Aegis (February 2026):
//! `importers/AuthyImporter.java` and its test files `authy_plain.xml` and `authy_encrypted.xml`.
//! The entry `….key` holds a JSON array of tokens: `name` (as shown), `originalName` (the label
//! of the QR code), `originalIssuer`, `accountType`, `digits`, and the secret as
//! `decryptedSecret` (base32) or, when the user set a backup password, `encryptedSecret` with a
//! `salt`: PBKDF2-HMAC-SHA1 over the password with the salt's UTF-8 bytes, 1,000 rounds, a 256-bit
//! key, then AES-256-CBC with PKCS#7 padding and an IV of zeros; inside, the base32 secret.
//! Authy's own tokens carry `secretSeed` (hex) and make codes every 10 seconds.
//!
//! Authy made SHA1 codes every 30 seconds for other services; those are taken as such. The
//! server's newer tokens carry their own rounds and IV (`key_derivation_iterations`,
//! `unique_iv` in hex); where a token has them they are used.

use base64::Engine;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::import::crypto::{Pbkdf2Hash, open_aes_cbc, pbkdf2_key};
use crate::import::json::{self, Object};
use crate::import::{EntryFields, Format, Found, ImportError, UnusableReason, android_prefs};
use crate::otp::Secret;

use super::aegis::hex_decode;

const APP: &str = "Authy";
const KEYS: [&str; 2] = [
    "com.authy.storage.tokens.authenticator.key",
    "com.authy.storage.tokens.authy.key",
];
const ROUNDS: u32 = 1000;
/// The most rounds a token may ask for: far above what Authy uses, low enough that a damaged
/// file cannot stall the import.
const MOST_ROUNDS: i64 = 10_000_000;

/// Authy's token preferences.
pub struct Authy;

impl Format for Authy {
    fn id(&self) -> &'static str {
        "authy"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        android_prefs::looks_like_prefs(file)
            && KEYS.iter().any(|key| {
                file.windows(key.len())
                    .any(|window| window == key.as_bytes())
            })
    }

    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError> {
        let entries = android_prefs::read_strings(file)
            .ok_or_else(|| ImportError::damaged(APP, "it is not a complete preferences file"))?;
        let mut tokens: Vec<Object> = Vec::new();
        let mut any = false;
        for (_, value) in entries
            .iter()
            .filter(|(name, _)| KEYS.contains(&name.as_str()))
        {
            any = true;
            let Some(Value::Array(list)) = json::parse(value.as_bytes()) else {
                return Err(ImportError::damaged(APP, "its tokens are not a JSON list"));
            };
            for token in list {
                match token {
                    Value::Object(token) => tokens.push(token),
                    _ => return Err(ImportError::damaged(APP, "a token is not an object")),
                }
            }
        }
        if !any {
            return Err(ImportError::damaged(APP, "it holds no tokens"));
        }
        let sealed = tokens.iter().any(|token| {
            !token.contains_key("decryptedSecret") && !token.contains_key("secretSeed")
        });
        let password = match password {
            None if sealed => return Err(ImportError::NeedsPassword { app: APP }),
            password => password,
        };
        let mut found = Found::default();
        for token in &tokens {
            let own = token.contains_key("secretSeed");
            let mut fields = if own {
                authy_names(token)
            } else {
                service_names(token)
            };
            let label = fields.label();
            let secret = match (own, password) {
                (true, _) => Ok(hex(json::text(token, "secretSeed").unwrap_or_default())),
                (false, _) if token.contains_key("decryptedSecret") => Ok(base32(
                    json::text(token, "decryptedSecret").unwrap_or_default(),
                )),
                (false, Some(password)) => unseal(token, password)?.map(|plain| base32(&plain)),
                (false, None) => return Err(ImportError::NeedsPassword { app: APP }),
            };
            let read = || -> Result<_, UnusableReason> {
                fields.secret = Some(secret.map_err(|_| UnusableReason::NoSecret)??);
                fields.digits = json::integer(token, "digits")?;
                if own {
                    fields.period = Some(10);
                }
                fields.into_account()
            };
            found.push(&label, read());
        }
        Ok(found)
    }
}

/// Another service's token: the issuer as the QR code gave it (or the part of the label before
/// its colon, or of the shown name before " - ", or the kind of account Authy recognised), and the
/// shown name without that issuer in front.
fn service_names(token: &Object) -> EntryFields {
    let shown = json::text(token, "name").unwrap_or_default().trim();
    let original = json::text(token, "originalName").unwrap_or_default();
    let issuer = json::text(token, "originalIssuer")
        .map(str::trim)
        .filter(|issuer| !issuer.is_empty())
        .map(str::to_string)
        .or_else(|| {
            original
                .split_once(':')
                .map(|(issuer, _)| issuer.trim().to_string())
        })
        .or_else(|| {
            shown
                .split_once(" - ")
                .map(|(issuer, _)| issuer.trim().to_string())
        })
        .or_else(|| {
            json::text(token, "accountType")
                .filter(|kind| !kind.is_empty() && *kind != "authenticator")
                .map(|kind| {
                    let mut chars = kind.chars();
                    chars
                        .next()
                        .map(|first| first.to_uppercase().chain(chars).collect())
                        .unwrap_or_default()
                })
        })
        .filter(|issuer: &String| !issuer.is_empty());
    let name = match issuer
        .as_deref()
        .and_then(|issuer| shown.strip_prefix(issuer))
    {
        Some(rest) => rest
            .trim_start()
            .strip_prefix(':')
            .or_else(|| rest.strip_prefix(" - "))
            .unwrap_or(rest),
        None => shown,
    };
    EntryFields {
        issuer,
        name: name.trim().to_string(),
        ..EntryFields::default()
    }
}

/// Authy's own token: its name is the service's.
fn authy_names(token: &Object) -> EntryFields {
    EntryFields {
        issuer: json::text(token, "name").map(str::to_string),
        ..EntryFields::default()
    }
}

/// The base32 secret sealed in a token with the backup password; `Err` for the whole file when
/// the password does not open it (every token is sealed with the same one), `Ok(Err)` when the
/// token's own fields cannot be read.
fn unseal(token: &Object, password: &str) -> Result<Result<Zeroizing<String>, ()>, ImportError> {
    let (Some(sealed), Some(salt)) = (
        json::text(token, "encryptedSecret"),
        json::text(token, "salt"),
    ) else {
        return Ok(Err(()));
    };
    let Ok(sealed) = base64::engine::general_purpose::STANDARD.decode(sealed.trim()) else {
        return Err(ImportError::damaged(APP, "a sealed secret is not base64"));
    };
    let rounds = match json::integer(token, "key_derivation_iterations")
        .ok()
        .flatten()
        .or_else(|| {
            json::integer(token, "keyDerivationIterations")
                .ok()
                .flatten()
        }) {
        None => ROUNDS,
        Some(rounds @ 1..=MOST_ROUNDS) => rounds as u32,
        Some(_) => {
            return Err(ImportError::damaged(
                APP,
                "a token's rounds are out of range",
            ));
        }
    };
    let iv = match json::text(token, "unique_iv").or_else(|| json::text(token, "uniqueIv")) {
        None => [0u8; 16],
        Some(text) => hex_decode(text.trim())
            .and_then(|iv| <[u8; 16]>::try_from(iv).ok())
            .ok_or_else(|| ImportError::damaged(APP, "a token's IV is not 16 bytes of hex"))?,
    };
    let key = pbkdf2_key(
        Pbkdf2Hash::Sha1,
        password.as_bytes(),
        salt.as_bytes(),
        rounds,
    )
    .ok_or_else(|| ImportError::damaged(APP, "a token's rounds are out of range"))?;
    // CBC checks only its padding: a secret that is not base32 text also means the password
    // (or the file) is not right.
    let plain = open_aes_cbc(key.as_ref(), &iv, &sealed).ok_or(ImportError::WrongPassword)?;
    let text = std::str::from_utf8(&plain).map_err(|_| ImportError::WrongPassword)?;
    let text = Zeroizing::new(text.trim().to_string());
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '=' | ' ' | '-'))
        || Secret::from_base32(&text).is_err()
    {
        return Err(ImportError::WrongPassword);
    }
    Ok(Ok(text))
}

fn base32(text: &str) -> Result<Secret, UnusableReason> {
    let text: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !matches!(c, ' ' | '-')).collect());
    if text.is_empty() {
        return Err(UnusableReason::NoSecret);
    }
    Ok(Secret::from_base32(&text)?)
}

fn hex(text: &str) -> Result<Secret, UnusableReason> {
    let bytes = hex_decode(text.trim()).ok_or(UnusableReason::Field {
        name: "secretSeed",
        value: "not hex".to_string(),
    })?;
    Ok(Secret::from_bytes(bytes)?)
}
