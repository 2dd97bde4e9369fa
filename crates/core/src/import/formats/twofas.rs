//! 2FAS Authenticator's backup (`.2fas`), plain or encrypted, schema versions 1 to 4.
//!
//! Learned from the apps' source: twofas/2fas-android 5.5.3 (`data/services/.../domain/
//! BackupContent.kt`, `BackupService.kt`, `BackupGroup.kt`, `mapper/ServiceMapper.kt`;
//! `core/cipher/.../backup/BackupCipherImpl.kt`, `DataEncrypted.kt`,
//! `internal/BackupKeyGeneratorPbkdf.kt`, `internal/CipherAes.kt`) and twofas/2fas-ios 5.4.4
//! (`TwoFAS/Data/MainRepository/DataTypes/ExchangeData.swift`, `ExchangeData2.swift`,
//! `ExchangeConsts.swift`, `TwoFAS/Protection/ExchangeFileEncryption.swift`,
//! `TwoFAS/Data/Interactors/ImportFromFileInteractor+Parsers.swift`).
//!
//! A backup is one JSON object: `schemaVersion`, `services` (one object per account), `groups`
//! (`id`, `name`), and in an encrypted backup `servicesEncrypted` and `reference` instead of the
//! services. Both are `base64(ciphertext with tag):base64(salt):base64(iv)`: AES-256-GCM under a
//! key from PBKDF2-HMAC-SHA256 (10,000 iterations) over the password's UTF-8 bytes. The
//! reference is a fixed text sealed under the same key, there to tell a wrong password from a
//! damaged file; the groups stay in the clear.
//!
//! The schemas differ in what a service carries: 1 has no `tokenType` (every account was TOTP),
//! 2 adds it with HOTP counters, 3 adds the icon collection, `source` and `link`, 4 adds STEAM.
//! One reader serves all four, taking a missing field as 2FAS does (TOTP, SHA1, 6 digits, 30
//! seconds). The service's `name` is what 2FAS shows as the service, so it is the issuer
//! (`otp.issuer`, the issuer of the link it was added from, only when the name is empty), and
//! `otp.account` (older Android backups: `otp.label`) is the account name.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use crate::import::crypto::{Pbkdf2Hash, open_aes_gcm, pbkdf2_key};
use crate::import::{EntryFields, Format, Found, FoundAccount, ImportError, UnusableReason, json};
use crate::otp::Secret;
use crate::vault::Details;

/// A 2FAS backup.
pub struct TwoFas;

/// The newest schema 2FAS writes, and what a backup without a version is taken as (as 2FAS's
/// Android app does).
const NEWEST_SCHEMA: i64 = 4;

/// 2FAS's PBKDF2 iterations, fixed in both apps.
const ITERATIONS: u32 = 10_000;

const APP: &str = "2FAS";

impl Format for TwoFas {
    fn id(&self) -> &'static str {
        "2fas"
    }

    fn app(&self) -> &'static str {
        "2FAS Authenticator"
    }

    fn recognises(&self, file: &[u8]) -> bool {
        json::starts_with(file, b'{')
            && json::parse(file).is_some_and(|document| {
                document.as_object().is_some_and(|object| {
                    object.contains_key("schemaVersion")
                        && (object.get("services").is_some_and(Value::is_array)
                            || object
                                .get("servicesEncrypted")
                                .is_some_and(Value::is_string))
                })
            })
    }

    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError> {
        let document = json::parse(file)
            .ok_or_else(|| ImportError::damaged(APP, "it is not complete JSON"))?;
        let backup = document
            .as_object()
            .ok_or_else(|| ImportError::damaged(APP, "it is not a 2FAS backup"))?;
        let schema = match backup.get("schemaVersion") {
            None | Some(Value::Null) => NEWEST_SCHEMA,
            Some(version) => version
                .as_i64()
                .ok_or_else(|| ImportError::damaged(APP, "its schema version is not a number"))?,
        };
        if !(1..=NEWEST_SCHEMA).contains(&schema) {
            return Err(ImportError::UnsupportedVersion {
                app: APP,
                version: format!("schema {schema}"),
            });
        }
        let present = |key| json::text(backup, key).filter(|text| !text.trim().is_empty());
        let (sealed, reference) = (present("servicesEncrypted"), present("reference"));
        let decrypted;
        let services = match (sealed, reference) {
            (Some(sealed), reference) => {
                decrypted = decrypt(sealed, reference, password)?;
                &decrypted
            }
            // 2FAS takes a backup with a reference for an encrypted one.
            (None, Some(_)) => {
                return Err(ImportError::damaged(
                    APP,
                    "it is encrypted but its accounts are missing",
                ));
            }
            (None, None) => backup
                .get("services")
                .ok_or_else(|| ImportError::damaged(APP, "it has no accounts list"))?,
        };
        let services = services
            .as_array()
            .ok_or_else(|| ImportError::damaged(APP, "its accounts are not a list"))?;
        let groups = groups(backup);

        // Both apps list services by their position, whatever their order in the file.
        let mut ordered: Vec<&Value> = services.iter().collect();
        ordered.sort_by_key(|service| {
            service
                .pointer("/order/position")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX)
        });
        let mut found = Found::default();
        for service in ordered {
            let service = service
                .as_object()
                .ok_or_else(|| ImportError::damaged(APP, "an account in it is not an object"))?;
            let (label, entry) = read_service(service, &groups);
            found.push(&label, entry);
        }
        Ok(found)
    }
}

/// The group names by their ids.
fn groups(backup: &Map<String, Value>) -> Vec<(&str, &str)> {
    backup
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .filter_map(|group| Some((json::text(group, "id")?, json::text(group, "name")?)))
        .collect()
}

/// One service: how the user knows it, and its account or why there is none.
fn read_service(
    service: &Map<String, Value>,
    groups: &[(&str, &str)],
) -> (String, Result<FoundAccount, UnusableReason>) {
    let empty = Map::new();
    let otp = service
        .get("otp")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let non_empty = |text: Option<&str>| {
        text.map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_string)
    };
    let fields = EntryFields {
        issuer: non_empty(json::text(service, "name")).or(non_empty(json::text(otp, "issuer"))),
        name: non_empty(json::text(otp, "account"))
            .or(non_empty(json::text(otp, "label")))
            .unwrap_or_default(),
        kind: json::text(otp, "tokenType").map(str::to_string),
        algorithm: json::text(otp, "algorithm").map(str::to_string),
        details: Details {
            group: json::text(service, "groupId").and_then(|id| {
                groups
                    .iter()
                    .find(|(group, _)| *group == id)
                    .map(|(_, name)| name.to_string())
            }),
            ..Details::default()
        },
        ..EntryFields::default()
    };
    (fields.label(), complete(fields, service, otp))
}

/// The account of a service whose names are read: its numbers and secret, and then the rules
/// every format shares.
fn complete(
    mut fields: EntryFields,
    service: &Map<String, Value>,
    otp: &Map<String, Value>,
) -> Result<FoundAccount, UnusableReason> {
    fields.digits = json::integer(otp, "digits")?;
    fields.period = json::integer(otp, "period")?;
    fields.counter = json::integer(otp, "counter")?;
    fields.secret = json::text(service, "secret")
        .map(Secret::from_base32)
        .transpose()?;
    fields.into_account()
}

/// The services of an encrypted backup, checked against its reference first.
fn decrypt(
    sealed_services: &str,
    reference: Option<&str>,
    password: Option<&str>,
) -> Result<Value, ImportError> {
    let password = password.ok_or(ImportError::NeedsPassword {
        app: "2FAS Authenticator",
    })?;
    let services = Sealed::read(sealed_services)
        .ok_or_else(|| ImportError::damaged(APP, "its encrypted accounts are cut or changed"))?;
    let mut key = None;
    if let Some(reference) = reference {
        let reference = Sealed::read(reference)
            .ok_or_else(|| ImportError::damaged(APP, "its password check is cut or changed"))?;
        let reference_key = derive(password, &reference.salt)?;
        reference
            .open(reference_key.as_ref())
            .ok_or(ImportError::WrongPassword)?;
        if reference.salt == services.salt {
            key = Some(reference_key);
        }
    }
    let key = match key {
        Some(key) => key,
        None => derive(password, &services.salt)?,
    };
    let plain = services.open(key.as_ref()).ok_or(match reference {
        // The password opened the reference: the accounts were changed since.
        Some(_) => ImportError::damaged(APP, "its encrypted accounts were changed"),
        None => ImportError::WrongPassword,
    })?;
    serde_json::from_slice(&plain)
        .map_err(|_| ImportError::damaged(APP, "its decrypted accounts are not readable"))
}

fn derive(password: &str, salt: &[u8]) -> Result<zeroize::Zeroizing<[u8; 32]>, ImportError> {
    pbkdf2_key(Pbkdf2Hash::Sha256, password.as_bytes(), salt, ITERATIONS)
        .ok_or_else(|| ImportError::damaged(APP, "its key cannot be derived"))
}

/// One sealed value: `ciphertext:salt:iv`, each in base64.
struct Sealed {
    ciphertext: Vec<u8>,
    salt: Vec<u8>,
    iv: Vec<u8>,
}

impl Sealed {
    fn read(text: &str) -> Option<Sealed> {
        let mut parts = text.trim().split(':');
        let mut next = || STANDARD.decode(parts.next()?).ok();
        let sealed = Sealed {
            ciphertext: next()?,
            salt: next()?,
            iv: next()?,
        };
        (parts.next().is_none() && sealed.iv.len() == 12).then_some(sealed)
    }

    fn open(&self, key: &[u8]) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        open_aes_gcm(key, &self.iv, &self.ciphertext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_from_a_newer_2fas_says_so() {
        let file = br#"{"schemaVersion":5,"services":[]}"#;
        assert!(TwoFas.recognises(file));
        assert_eq!(
            TwoFas.read(file, None).unwrap_err(),
            ImportError::UnsupportedVersion {
                app: APP,
                version: "schema 5".into()
            }
        );
    }

    #[test]
    fn sealed_values_need_three_parts_and_a_96_bit_iv() {
        assert!(Sealed::read("AAAA:AAAA:AAAAAAAAAAAAAAAA").is_some());
        assert!(Sealed::read("AAAA:AAAA").is_none());
        assert!(Sealed::read("AAAA:AAAA:AAAA").is_none());
        assert!(Sealed::read("AAAA:AAAA:AAAAAAAAAAAAAAAA:AAAA").is_none());
        assert!(Sealed::read("AA!A:AAAA:AAAAAAAAAAAAAAAA").is_none());
    }

    #[test]
    fn other_json_is_not_a_2fas_backup() {
        assert!(!TwoFas.recognises(br#"{"services":[]}"#));
        assert!(!TwoFas.recognises(br#"[{"schemaVersion":1}]"#));
        assert!(!TwoFas.recognises(b"otpauth://totp/a?secret=JBSWY3DP"));
    }
}
