//! Proton Authenticator's export, plain or protected with a password.
//!
//! Learned from protonpass/proton-pass-common (July 2026): `proton-authenticator/src/entry/
//! exporter.rs` (`{"version": 1, "entries": [{"id", "content": {"uri", "entry_type", "name"},
//! "note"}]}`; a TOTP entry's `uri` is an `otpauth://` link, a Steam entry's is
//! `steam://BASE32SECRET` with its name beside it), `entry/password_exporter.rs` and `crypto.rs`
//! (`{"version": 1, "salt", "content"}`: the key from Argon2id with 19 MiB, 2 passes, 1 lane over
//! the 16-byte salt; the content a 12-byte nonce then AES-256-GCM with the associated data
//! `proton.authenticator.export.v1`, both base64).
//!
//! Proton Authenticator makes TOTP and Steam codes only; the note comes along.

use base64::Engine;
use ring::aead;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::import::json::{self, Object};
use crate::import::{EntryFields, Format, Found, FoundAccount, ImportError, UnusableReason};
use crate::link::{Scanned, read_scanned};

use crate::otp::Secret;
use crate::vault::Details;

const APP: &str = "Proton Authenticator";
const AAD: &[u8] = b"proton.authenticator.export.v1";
const NONCE: usize = 12;

/// Proton Authenticator's exports.
pub struct Proton;

impl Format for Proton {
    fn id(&self) -> &'static str {
        "proton"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        serde_json::from_slice::<Object>(file).is_ok_and(|export| {
            let plain = export
                .get("entries")
                .and_then(Value::as_array)
                .is_some_and(|entries| {
                    entries.iter().all(|entry| {
                        entry
                            .get("content")
                            .and_then(|content| content.get("uri"))
                            .is_some()
                    })
                });
            let sealed = export.len() == 3
                && ["version", "salt", "content"]
                    .iter()
                    .all(|name| export.contains_key(*name));
            export.contains_key("version") && (plain || sealed)
        })
    }

    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError> {
        let export: Object = serde_json::from_slice(file)
            .map_err(|_| ImportError::damaged(APP, "it is not complete JSON"))?;
        check_version(&export)?;
        if export.contains_key("entries") {
            return read_entries(&export);
        }
        let password = password.ok_or(ImportError::NeedsPassword { app: APP })?;
        let plain = open(&export, password)?;
        let inner: Object = serde_json::from_slice(&plain)
            .map_err(|_| ImportError::damaged(APP, "its contents are not JSON"))?;
        check_version(&inner)?;
        read_entries(&inner)
    }
}

fn check_version(export: &Object) -> Result<(), ImportError> {
    match json::integer(export, "version") {
        Ok(Some(1)) => Ok(()),
        Ok(Some(other)) => Err(ImportError::UnsupportedVersion {
            app: APP,
            version: other.to_string(),
        }),
        _ => Err(ImportError::damaged(APP, "it has no version")),
    }
}

fn open(export: &Object, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let base64 = |name: &str| {
        json::text(export, name)
            .and_then(|text| base64::engine::general_purpose::STANDARD.decode(text).ok())
            .ok_or_else(|| ImportError::damaged(APP, format!("its {name} is not base64")))
    };
    let salt = base64("salt")?;
    let content = base64("content")?;
    if salt.len() != 16 {
        return Err(ImportError::damaged(APP, "its salt is not 16 bytes"));
    }
    let (nonce, sealed) = content
        .split_at_checked(NONCE)
        .filter(|(_, sealed)| sealed.len() >= aead::AES_256_GCM.tag_len())
        .ok_or_else(|| ImportError::damaged(APP, "its content is too short"))?;
    let params = argon2::Params::new(19 * 1024, 2, 1, Some(32))
        .map_err(|_| ImportError::damaged(APP, "its key settings are out of range"))?;
    let mut key = Zeroizing::new([0u8; 32]);
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(password.as_bytes(), &salt, key.as_mut())
        .map_err(|_| ImportError::damaged(APP, "its key cannot be derived"))?;
    let key = aead::LessSafeKey::new(
        aead::UnboundKey::new(&aead::AES_256_GCM, key.as_ref())
            .map_err(|_| ImportError::damaged(APP, "its key cannot be used"))?,
    );
    let nonce = aead::Nonce::try_assume_unique_for_key(nonce)
        .map_err(|_| ImportError::damaged(APP, "its nonce is not 12 bytes"))?;
    let mut buffer = Zeroizing::new(sealed.to_vec());
    let plain_len = key
        .open_in_place(nonce, aead::Aad::from(AAD), buffer.as_mut())
        .map_err(|_| ImportError::WrongPassword)?
        .len();
    buffer.truncate(plain_len);
    Ok(buffer)
}

fn read_entries(export: &Object) -> Result<Found, ImportError> {
    let entries = export
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::damaged(APP, "it has no list of entries"))?;
    let mut found = Found::default();
    for (number, entry) in entries.iter().enumerate() {
        let entry = entry
            .as_object()
            .ok_or_else(|| ImportError::damaged(APP, "an entry is not an object"))?;
        let content = entry
            .get("content")
            .and_then(Value::as_object)
            .ok_or_else(|| ImportError::damaged(APP, "an entry has no content"))?;
        let name = json::text(content, "name").unwrap_or_default();
        let details = Details {
            note: json::text(entry, "note").unwrap_or_default().to_string(),
            ..Details::default()
        };
        let uri = json::text(content, "uri").unwrap_or_default();
        let label = if name.is_empty() {
            format!("entry {}", number + 1)
        } else {
            name.to_string()
        };
        let read = match json::text(content, "entry_type") {
            Some("Steam") => read_steam(uri, name, details),
            Some("Totp") | None => read_link(uri, details),
            Some(other) => Err(UnusableReason::Kind(other.to_string())),
        };
        found.push(&label, read);
    }
    Ok(found)
}

/// A Steam entry: `steam://SECRET` and the name the user gave it.
fn read_steam(uri: &str, name: &str, details: Details) -> Result<FoundAccount, UnusableReason> {
    let secret = uri
        .get(..8)
        .filter(|scheme| scheme.eq_ignore_ascii_case("steam://"))
        .map(|_| &uri[8..])
        .ok_or(UnusableReason::NoSecret)?;
    EntryFields {
        issuer: Some("Steam".to_string()),
        name: name.to_string(),
        secret: Some(Secret::from_base32(secret)?),
        kind: Some("steam".to_string()),
        details,
        ..EntryFields::default()
    }
    .into_account()
}

fn read_link(uri: &str, details: Details) -> Result<FoundAccount, UnusableReason> {
    match read_scanned(uri) {
        Ok(Scanned::Account(parsed)) => Ok(FoundAccount {
            account: parsed.account,
            details,
        }),
        Ok(Scanned::Export(_)) => Err(UnusableReason::Field {
            name: "uri",
            value: "a Google export link".to_string(),
        }),
        Err(error) => Err(UnusableReason::from(error)),
    }
}
