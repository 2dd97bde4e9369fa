//! Authenticator Pro (now Stratum): its backups, plain, encrypted and encrypted in the old way.
//!
//! Learned from jamie-mh/AuthenticatorPro (October 2024): `Stratum.Core/src/Backup/Backup.cs`
//! and `Entity/*.cs` for the JSON (Newtonsoft's names: `Authenticators`, `Categories`,
//! `AuthenticatorCategories`; enums as numbers: `AuthenticatorType.cs`,
//! `Generator/HashAlgorithm.cs`), `Backup/Encryption/StrongBackupEncryption.cs` (the header
//! `AUTHENTICATORPRO`, a 16-byte salt, a 12-byte nonce, then AES-256-GCM with its tag; the key
//! from Argon2id with 64 MiB, 3 passes, 4 lanes) and `LegacyBackupEncryption.cs` (the header
//! `AuthenticatorPro`, a 20-byte salt, a 16-byte IV, then AES-256-CBC with PKCS#7 padding; the
//! key from PBKDF2-HMAC-SHA1 with 64,000 rounds). Its internal database
//! (`Stratum.Droid/src/Database.cs`, tables `authenticator`, `category`,
//! `authenticatorcategory`) holds the same fields and is read too, when it is not encrypted.
//!
//! The app always has an issuer: an account added without one took its name as the issuer, and
//! is read back that way. An account in several categories goes to the first one's group.

use std::collections::HashMap;

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use ring::aead;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::import::database;
use crate::import::json::{self, Object};
use crate::import::{EntryFields, Format, Found, ImportError, UnusableReason};
use crate::otp::Secret;
use crate::vault::Details;

const APP: &str = "Authenticator Pro";

const STRONG_HEADER: &[u8] = b"AUTHENTICATORPRO";
const STRONG_SALT: usize = 16;
const STRONG_NONCE: usize = 12;
const STRONG_TAG: usize = 16;

const LEGACY_HEADER: &[u8] = b"AuthenticatorPro";
const LEGACY_SALT: usize = 20;
const LEGACY_IV: usize = 16;
const LEGACY_ROUNDS: u32 = 64_000;

const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

/// Authenticator Pro's (Stratum's) backups and database.
pub struct AuthenticatorPro;

impl Format for AuthenticatorPro {
    fn id(&self) -> &'static str {
        "authenticatorpro"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        file.starts_with(STRONG_HEADER)
            || file.starts_with(LEGACY_HEADER)
            || (file.starts_with(SQLITE_HEADER)
                && database::has_table(file, "authenticatorcategory"))
            || serde_json::from_slice::<Value>(file)
                .is_ok_and(|value| value.get("Authenticators").is_some_and(Value::is_array))
    }

    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError> {
        if file.starts_with(SQLITE_HEADER) {
            return read_database(file);
        }
        let encrypted = file.starts_with(STRONG_HEADER) || file.starts_with(LEGACY_HEADER);
        let password = match password {
            Some(password) if encrypted => password,
            None if encrypted => return Err(ImportError::NeedsPassword { app: APP }),
            _ => return read_json(file),
        };
        let plain = if file.starts_with(STRONG_HEADER) {
            open_strong(&file[STRONG_HEADER.len()..], password)?
        } else {
            open_legacy(&file[LEGACY_HEADER.len()..], password)?
        };
        read_json(&plain)
    }
}

/// Decrypts the body of a backup made since version 1.20 (Argon2id and AES-GCM).
fn open_strong(body: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    if body.len() < STRONG_SALT + STRONG_NONCE + STRONG_TAG {
        return Err(ImportError::damaged(APP, "it is too short"));
    }
    let (salt, rest) = body.split_at(STRONG_SALT);
    let (nonce, sealed) = rest.split_at(STRONG_NONCE);
    let params = argon2::Params::new(64 * 1024, 3, 4, Some(32))
        .map_err(|_| ImportError::damaged(APP, "its key settings are out of range"))?;
    let mut key = Zeroizing::new([0u8; 32]);
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, key.as_mut())
        .map_err(|_| ImportError::damaged(APP, "its key cannot be derived"))?;
    let key = aead::LessSafeKey::new(
        aead::UnboundKey::new(&aead::AES_256_GCM, key.as_ref())
            .map_err(|_| ImportError::damaged(APP, "its key cannot be used"))?,
    );
    let nonce = aead::Nonce::try_assume_unique_for_key(nonce)
        .map_err(|_| ImportError::damaged(APP, "its nonce is not 12 bytes"))?;
    let mut buffer = Zeroizing::new(sealed.to_vec());
    // GCM cannot tell a wrong password from a damaged file; a wrong password is far more likely.
    let plain_len = key
        .open_in_place(nonce, aead::Aad::empty(), buffer.as_mut())
        .map_err(|_| ImportError::WrongPassword)?
        .len();
    buffer.truncate(plain_len);
    Ok(buffer)
}

/// Decrypts the body of a backup made before version 1.20 (PBKDF2 and AES-CBC). CBC has no
/// check of its own, so a password is wrong when the padding or the JSON inside does not read.
fn open_legacy(body: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    if body.len() < LEGACY_SALT + LEGACY_IV + 16
        || !(body.len() - LEGACY_SALT - LEGACY_IV).is_multiple_of(16)
    {
        return Err(ImportError::damaged(APP, "it is cut short"));
    }
    let (salt, rest) = body.split_at(LEGACY_SALT);
    let (iv, sealed) = rest.split_at(LEGACY_IV);
    let mut key = Zeroizing::new([0u8; 32]);
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA1,
        std::num::NonZeroU32::new(LEGACY_ROUNDS).unwrap_or(std::num::NonZeroU32::MIN),
        salt,
        password.as_bytes(),
        key.as_mut(),
    );
    let mut buffer = Zeroizing::new(sealed.to_vec());
    let plain_len = cbc::Decryptor::<aes::Aes256>::new_from_slices(key.as_ref(), iv)
        .map_err(|_| ImportError::damaged(APP, "its IV is not 16 bytes"))?
        .decrypt_padded_mut::<Pkcs7>(buffer.as_mut())
        .map_err(|_| ImportError::WrongPassword)?
        .len();
    buffer.truncate(plain_len);
    if serde_json::from_slice::<Value>(&buffer).is_err() {
        return Err(ImportError::WrongPassword);
    }
    Ok(buffer)
}

/// Reads a plain backup, or the JSON inside an encrypted one.
fn read_json(plain: &[u8]) -> Result<Found, ImportError> {
    let backup: Value = serde_json::from_slice(plain)
        .map_err(|_| ImportError::damaged(APP, "its contents are not JSON"))?;
    let authenticators = backup
        .get("Authenticators")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::damaged(APP, "it has no list of authenticators"))?;
    let names: HashMap<&str, &str> = objects(backup.get("Categories"))
        .filter_map(|category| Some((json::text(category, "Id")?, json::text(category, "Name")?)))
        .collect();
    let mut groups = Groups::default();
    for link in objects(backup.get("AuthenticatorCategories")) {
        if let (Some(secret), Some(name)) = (
            json::text(link, "AuthenticatorSecret"),
            json::text(link, "CategoryId").and_then(|id| names.get(id)),
        ) {
            groups.add(secret, name);
        }
    }
    let mut found = Found::default();
    for authenticator in authenticators {
        let Some(authenticator) = authenticator.as_object() else {
            return Err(ImportError::damaged(
                APP,
                "an authenticator is not an object",
            ));
        };
        let fields = Fields {
            kind: json::integer(authenticator, "Type"),
            issuer: json::text(authenticator, "Issuer"),
            username: json::text(authenticator, "Username"),
            secret: json::text(authenticator, "Secret"),
            algorithm: json::integer(authenticator, "Algorithm"),
            digits: json::integer(authenticator, "Digits"),
            period: json::integer(authenticator, "Period"),
            counter: json::integer(authenticator, "Counter"),
        };
        fields.push_into(&mut found, &groups);
    }
    Ok(found)
}

fn objects(list: Option<&Value>) -> impl Iterator<Item = &Object> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

/// The category each authenticator (named by its secret, as the app links them) is shown in:
/// the first that names it.
#[derive(Default)]
struct Groups(HashMap<String, String>);

impl Groups {
    fn add(&mut self, secret: &str, name: &str) {
        self.0
            .entry(secret.to_string())
            .or_insert_with(|| name.to_string());
    }

    fn of(&self, secret: &str) -> Option<String> {
        self.0.get(secret).cloned()
    }
}

/// One authenticator's fields, from the JSON or the database.
struct Fields<'a> {
    kind: Result<Option<i64>, UnusableReason>,
    issuer: Option<&'a str>,
    username: Option<&'a str>,
    secret: Option<&'a str>,
    algorithm: Result<Option<i64>, UnusableReason>,
    digits: Result<Option<i64>, UnusableReason>,
    period: Result<Option<i64>, UnusableReason>,
    counter: Result<Option<i64>, UnusableReason>,
}

impl Fields<'_> {
    fn push_into(self, found: &mut Found, groups: &Groups) {
        let mut entry = EntryFields {
            issuer: self.issuer.map(str::to_string),
            name: self.username.unwrap_or_default().to_string(),
            details: Details {
                group: self.secret.and_then(|secret| groups.of(secret)),
                ..Details::default()
            },
            ..EntryFields::default()
        };
        let label = entry.label();
        let read = || -> Result<_, UnusableReason> {
            entry.kind = Some(
                match self.kind? {
                    Some(1) => "hotp",
                    None | Some(2) => "totp",
                    Some(3) => return Err(UnusableReason::Kind("mOTP".into())),
                    Some(4) => "steam",
                    Some(5) => return Err(UnusableReason::Kind("Yandex".into())),
                    Some(other) => {
                        return Err(UnusableReason::Field {
                            name: "Type",
                            value: other.to_string(),
                        });
                    }
                }
                .to_string(),
            );
            entry.algorithm = Some(
                match self.algorithm? {
                    None | Some(0) => "SHA1",
                    Some(1) => "SHA256",
                    Some(2) => "SHA512",
                    Some(other) => return Err(UnusableReason::Algorithm(other.to_string())),
                }
                .to_string(),
            );
            entry.digits = self.digits?;
            entry.period = self.period?;
            entry.counter = self.counter?;
            let secret = self.secret.filter(|secret| !secret.trim().is_empty());
            entry.secret = secret.map(Secret::from_base32).transpose()?;
            entry.into_account()
        };
        found.push(&label, read());
    }
}

/// Reads the app's internal database (`authenticator.db3`) when it is not encrypted.
fn read_database(file: &[u8]) -> Result<Found, ImportError> {
    let connection = database::open(file).map_err(|error| match error {
        database::OpenError::Cut => ImportError::damaged(APP, "the database is cut short"),
        database::OpenError::Unreadable => {
            ImportError::damaged(APP, "it is not a database Tessera can read")
        }
    })?;
    let damaged = |_| ImportError::damaged(APP, "its tables are not the app's");
    let mut groups = Groups::default();
    {
        let mut statement = connection
            .prepare(
                "SELECT l.authenticatorSecret, c.name FROM authenticatorcategory l \
                 JOIN category c ON c.id = l.categoryId ORDER BY l.rowid",
            )
            .map_err(damaged)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, Option<String>>(0)?,
                    row.get::<_, Option<String>>(1)?,
                ))
            })
            .map_err(damaged)?;
        for row in rows {
            if let (Some(secret), Some(name)) = row.map_err(damaged)? {
                groups.add(&secret, &name);
            }
        }
    }
    let mut statement = connection
        .prepare(
            "SELECT type, issuer, username, secret, algorithm, digits, period, counter \
             FROM authenticator ORDER BY ranking, rowid",
        )
        .map_err(damaged)?;
    type Row = (
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<Zeroizing<String>>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let rows = statement
        .query_map([], |row| -> rusqlite::Result<Row> {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get::<_, Option<String>>(3)?.map(Zeroizing::new),
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
                row.get(7)?,
            ))
        })
        .map_err(damaged)?;
    let mut found = Found::default();
    for row in rows {
        let (kind, issuer, username, secret, algorithm, digits, period, counter) =
            row.map_err(damaged)?;
        Fields {
            kind: Ok(kind),
            issuer: issuer.as_deref(),
            username: username.as_deref(),
            secret: secret.as_deref().map(String::as_str),
            algorithm: Ok(algorithm),
            digits: Ok(digits),
            period: Ok(period),
            counter: Ok(counter),
        }
        .push_into(&mut found, &groups);
    }
    Ok(found)
}
