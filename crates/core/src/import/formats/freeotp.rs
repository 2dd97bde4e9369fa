//! FreeOTP: the SharedPreferences file it keeps its tokens in (`tokens.xml`, versions 1.x, also
//! what FreeOTP+ kept before its database), and the encrypted backup of versions 2.x, both as the
//! app keeps it (`tokenBackup.xml`) and as it writes it out ("external backup": the same entries
//! as a serialised Java map, `copyBackupToExternal`).
//!
//! Learned from freeotp/freeotp-android: `Token.java` and `TokenPersistence.java` as of 2018
//! (commit 8dfb8f8's parent) for 1.x: entries named `issuer:label` holding the token as Gson JSON
//! (`issuerExt`, `issuerInt`, `issuerAlt`, `label`, `labelAlt`, `type`, `algo`, `secret` as
//! signed bytes, `digits`, `counter`, `period`), the very first versions' `otpauth://` links, and
//! `tokenOrder`; and as of February 2026 for 2.x (`TokenPersistence.java`,
//! `encryptor/MasterKey.java`, `encryptor/EncryptedKey.java`): a `masterKey` (PBKDF2 over the
//! password, then AES-GCM) that unwraps each token's secret (AES-GCM, the key's algorithm name as
//! associated data), the tokens themselves beside them under `UUID-token`.
//!
//! Taken as the app meant it: no `algo` (2.x writes none for links without one) is SHA1, no
//! `digits` is 6 (5 for Steam), no `period` is 30; an issuer of exactly `Steam` makes Steam codes,
//! as FreeOTP computes them. The counter is taken as stored.

use ring::aead;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::import::json::{self, Object};
use crate::import::{
    EntryFields, Format, Found, ImportError, UnusableReason, android_prefs, java_map,
};
use crate::link::{Scanned, read_scanned};
use crate::otp::Secret;

const APP: &str = "FreeOTP";
const ORDER: &str = "tokenOrder";
const MASTER: &str = "masterKey";
/// Far above the 100,000 rounds FreeOTP uses, and low enough that a file cannot hang the import.
const MAX_ROUNDS: u32 = 10_000_000;

/// FreeOTP's token files.
pub struct FreeOtp;

impl Format for FreeOtp {
    fn id(&self) -> &'static str {
        "freeotp"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        let has = |name: &str| {
            file.windows(name.len())
                .any(|window| window == name.as_bytes())
        };
        if java_map::looks_like_map(file) {
            return has(MASTER);
        }
        android_prefs::looks_like_prefs(file)
            && [ORDER, MASTER].iter().any(|name| {
                let attribute = format!("name=\"{name}\"");
                file.windows(attribute.len())
                    .any(|window| window == attribute.as_bytes())
            })
    }

    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError> {
        let entries = if java_map::looks_like_map(file) {
            java_map::read_map(file)
                .ok_or_else(|| ImportError::damaged(APP, "its backup is cut short or altered"))?
        } else {
            android_prefs::read_strings(file)
                .ok_or_else(|| ImportError::damaged(APP, "it is not a complete preferences file"))?
        };
        if let Some((_, master)) = entries.iter().find(|(name, _)| name == MASTER) {
            let password = password.ok_or(ImportError::NeedsPassword { app: APP })?;
            return read_backup(&entries, master, password);
        }
        read_tokens(&entries)
    }
}

/// Reads a 1.x `tokens.xml`: tokens in the order `tokenOrder` gives, then any it left out.
fn read_tokens(entries: &[(String, String)]) -> Result<Found, ImportError> {
    let order: Vec<String> = match entries.iter().find(|(name, _)| name == ORDER) {
        Some((_, order)) => serde_json::from_str(order)
            .map_err(|_| ImportError::damaged(APP, "its token order is not a list"))?,
        None => Vec::new(),
    };
    let tokens: Vec<&(String, String)> = entries.iter().filter(|(name, _)| name != ORDER).collect();
    let mut ordered: Vec<&(String, String)> = order
        .iter()
        .filter_map(|id| tokens.iter().copied().find(|(name, _)| name == id))
        .collect();
    ordered.extend(
        tokens
            .iter()
            .copied()
            .filter(|(name, _)| !order.contains(name)),
    );
    let mut found = Found::default();
    for (name, value) in ordered {
        let value = value.trim();
        if value.starts_with("otpauth://") {
            found.push(name, read_link(value));
            continue;
        }
        match serde_json::from_str::<Value>(value) {
            Ok(Value::Object(token)) => {
                let fields = token_fields(&token);
                let label = fields
                    .as_ref()
                    .map_or_else(|_| name.clone(), EntryFields::label);
                found.push(&label, fields.and_then(EntryFields::into_account));
            }
            _ => {
                return Err(ImportError::damaged(
                    APP,
                    format!("the token '{name}' is not one FreeOTP wrote"),
                ));
            }
        }
    }
    Ok(found)
}

/// A token kept as a link by FreeOTP's first versions, with the names the user gave it.
fn read_link(link: &str) -> Result<crate::import::FoundAccount, UnusableReason> {
    let mut account = match read_scanned(link) {
        Ok(Scanned::Account(parsed)) => parsed.account,
        Ok(Scanned::Export(_)) => {
            return Err(UnusableReason::Field {
                name: "token",
                value: "a Google export link".into(),
            });
        }
        Err(error) => return Err(UnusableReason::from(error)),
    };
    let mut extra = std::mem::take(&mut account.extra_parameters);
    if let Some((_, issuer)) = extra
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("issuerAlt"))
    {
        account.set_issuer(Some(issuer));
    }
    if let Some((_, name)) = extra
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("labelAlt"))
    {
        account.name = name.trim().to_string();
    }
    extra.retain(|(key, _)| {
        !key.eq_ignore_ascii_case("issuerAlt") && !key.eq_ignore_ascii_case("labelAlt")
    });
    account.extra_parameters = extra;
    account.validate()?;
    Ok(crate::import::FoundAccount {
        account,
        details: Default::default(),
    })
}

/// The fields of one token as FreeOTP and FreeOTP+ write it with Gson. The names the user edited
/// (`issuerAlt`, `labelAlt`) win over the ones the link gave.
pub(crate) fn token_fields(token: &Object) -> Result<EntryFields, UnusableReason> {
    let non_empty = |name| json::text(token, name).filter(|text| !text.is_empty());
    let issuer = non_empty("issuerAlt")
        .or_else(|| non_empty("issuerExt"))
        .or_else(|| non_empty("issuerInt"));
    let name = json::text(token, "labelAlt")
        .or_else(|| json::text(token, "label"))
        .unwrap_or_default();
    let kind = match json::text(token, "type")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("TOTP") if issuer == Some("Steam") => "steam".to_string(),
        None => "totp".to_string(),
        Some(other) => other.to_ascii_lowercase(),
    };
    let mut fields = EntryFields {
        issuer: issuer.map(str::to_string),
        name: name.to_string(),
        kind: Some(kind),
        algorithm: json::text(token, "algo").map(str::to_string),
        ..EntryFields::default()
    };
    fields.digits = json::integer(token, "digits")?;
    fields.period = json::integer(token, "period")?;
    fields.counter = json::integer(token, "counter")?;
    fields.secret = match token.get("secret") {
        None | Some(Value::Null) => None,
        Some(secret) => Some(Secret::from_bytes(json::byte_array(secret).ok_or(
            UnusableReason::Field {
                name: "secret",
                value: "not a list of bytes".into(),
            },
        )?)?),
    };
    Ok(fields)
}

/// Reads a 2.x backup: unwraps the master key with the password, then each token's secret.
fn read_backup(
    entries: &[(String, String)],
    master: &str,
    password: &str,
) -> Result<Found, ImportError> {
    let master: Object = serde_json::from_str(master)
        .map_err(|_| ImportError::damaged(APP, "its master key is not JSON"))?;
    let kdf = match json::text(&master, "mAlgorithm") {
        Some(name) if name.eq_ignore_ascii_case("PBKDF2withHmacSHA512") => {
            ring::pbkdf2::PBKDF2_HMAC_SHA512
        }
        Some(name) if name.eq_ignore_ascii_case("PBKDF2withHmacSHA1") => {
            ring::pbkdf2::PBKDF2_HMAC_SHA1
        }
        Some(other) => {
            return Err(ImportError::UnsupportedVersion {
                app: APP,
                version: format!("key derivation {other}"),
            });
        }
        None => {
            return Err(ImportError::damaged(
                APP,
                "its master key names no derivation",
            ));
        }
    };
    let rounds = json::integer(&master, "mIterations")
        .ok()
        .flatten()
        .and_then(|rounds| u32::try_from(rounds).ok())
        .and_then(std::num::NonZeroU32::new)
        .filter(|rounds| rounds.get() <= MAX_ROUNDS)
        .ok_or_else(|| ImportError::damaged(APP, "its master key's rounds are out of range"))?;
    let salt = master
        .get("mSalt")
        .and_then(json::byte_array)
        .filter(|salt| !salt.is_empty() && salt.len() <= 64)
        .ok_or_else(|| ImportError::damaged(APP, "its master key has no salt"))?;
    let wrapped = master
        .get("mEncryptedKey")
        .and_then(Value::as_object)
        .ok_or_else(|| ImportError::damaged(APP, "its master key is missing"))?;
    // Java derives as many bits as the salt has, and encodes the password as UTF-8.
    let mut password_key = Zeroizing::new(vec![0u8; salt.len()]);
    ring::pbkdf2::derive(kdf, rounds, &salt, password.as_bytes(), &mut password_key);
    let master_key = unwrap_key(wrapped, &password_key)
        .map_err(|error| error.unwrap_or(ImportError::WrongPassword))?;

    let mut found = Found::default();
    for (uuid, value) in entries {
        if uuid == MASTER || uuid.ends_with("-token") {
            continue;
        }
        let token = entries
            .iter()
            .find(|(name, _)| *name == format!("{uuid}-token"))
            .and_then(|(_, token)| serde_json::from_str::<Object>(token).ok())
            .ok_or_else(|| ImportError::damaged(APP, "a token's details are missing"))?;
        let wrapped = serde_json::from_str::<Object>(value)
            .ok()
            .and_then(|holder| json::text(&holder, "key").map(str::to_string))
            .and_then(|key| serde_json::from_str::<Object>(&key).ok())
            .ok_or_else(|| ImportError::damaged(APP, "a token's key is not JSON"))?;
        let secret = unwrap_key(&wrapped, &master_key).map_err(|error| {
            error.unwrap_or_else(|| ImportError::damaged(APP, "a token's key does not open"))
        })?;
        let fields = token_fields(&token).map(|mut fields| {
            fields.secret = Secret::from_bytes(secret.to_vec()).ok();
            fields
        });
        let label = fields
            .as_ref()
            .map_or_else(|_| uuid.clone(), EntryFields::label);
        found.push(&label, fields.and_then(EntryFields::into_account));
    }
    Ok(found)
}

/// Opens one of FreeOTP's `EncryptedKey`s (AES-GCM; the algorithm name of the wrapped key as
/// associated data). `Err(None)` when the key does not open it; `Err(Some(…))` when it is damaged.
fn unwrap_key(wrapped: &Object, key: &[u8]) -> Result<Zeroizing<Vec<u8>>, Option<ImportError>> {
    let damaged = |detail: &str| Some(ImportError::damaged(APP, detail.to_string()));
    if !json::text(wrapped, "mCipher")
        .is_some_and(|cipher| cipher.eq_ignore_ascii_case("AES/GCM/NoPadding"))
    {
        return Err(damaged("a key is wrapped with a cipher other than AES-GCM"));
    }
    let algorithm =
        json::text(wrapped, "mToken").ok_or_else(|| damaged("a key has no algorithm"))?;
    let nonce = wrapped
        .get("mParameters")
        .and_then(json::byte_array)
        .and_then(|parameters| gcm_nonce(&parameters))
        .ok_or_else(|| damaged("a key's parameters are not AES-GCM's"))?;
    let mut sealed = Zeroizing::new(
        wrapped
            .get("mCipherText")
            .and_then(json::byte_array)
            .ok_or_else(|| damaged("a key has no ciphertext"))?,
    );
    let key = aead::UnboundKey::new(&aead::AES_256_GCM, key)
        .map_err(|_| damaged("a key is not 256 bits"))?;
    let plain_len = aead::LessSafeKey::new(key)
        .open_in_place(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(algorithm.as_bytes()),
            sealed.as_mut_slice(),
        )
        .map_err(|_| None)?
        .len();
    sealed.truncate(plain_len);
    Ok(sealed)
}

/// The nonce from Java's encoding of GCM parameters: `SEQUENCE { OCTET STRING nonce, INTEGER
/// tag length in bytes }`, with a 12-byte nonce and a 16-byte tag (what Android uses).
fn gcm_nonce(der: &[u8]) -> Option<[u8; 12]> {
    let [0x30, length, 0x04, 12, rest @ ..] = der else {
        return None;
    };
    if usize::from(*length) != der.len() - 2 {
        return None;
    }
    let (nonce, tag) = rest.split_at_checked(12)?;
    (tag == [0x02, 0x01, 16])
        .then(|| nonce.try_into().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcm_parameters_are_read_as_java_writes_them() {
        let mut der = vec![0x30, 17, 0x04, 12];
        der.extend([7; 12]);
        der.extend([0x02, 0x01, 16]);
        assert_eq!(gcm_nonce(&der), Some([7; 12]));
        der[16] = 12;
        assert_eq!(gcm_nonce(&der), None);
        assert_eq!(gcm_nonce(&der[..10]), None);
    }
}
