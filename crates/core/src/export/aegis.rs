//! Aegis's encrypted vault file, written so that Aegis can import it: leaving Tessera should be as
//! easy as coming. The format and its key handling are those [`crate::import::formats::aegis`]
//! reads (Aegis's `docs/vault.md`): one password slot with Aegis's own scrypt parameters, a random
//! master key, and the current content version with its group list.
//!
//! What Aegis cannot hold from an account is left out: an icon (Tessera's are names, Aegis's
//! pictures) and the issuer written in a link's label where it differs from the issuer shown.

use std::collections::HashMap;

use base64::Engine;
use ring::aead::NONCE_LEN;
use ring::rand::{SecureRandom, SystemRandom};
use serde::Serialize;
use serde_json::ser::PrettyFormatter;
use zeroize::Zeroizing;

use crate::account::{Account, Kind};
use crate::import::formats::aegis::{
    CONTENT_VERSION, FILE_VERSION, KEY_LEN, PASSWORD_SLOT, SCRYPT_LOG_N, SCRYPT_P, SCRYPT_R,
    TAG_LEN, hex_encode, password_key, seal,
};
use crate::vault::Details;

use super::ExportError;

#[derive(Serialize)]
struct VaultFile<'a> {
    version: u64,
    header: Header,
    db: &'a str,
}

#[derive(Serialize)]
struct Header {
    slots: [PasswordSlot; 1],
    params: CryptParams,
}

#[derive(Serialize)]
struct PasswordSlot {
    #[serde(rename = "type")]
    kind: i64,
    uuid: String,
    key: String,
    key_params: CryptParams,
    n: u64,
    r: u32,
    p: u32,
    salt: String,
    /// Not affected by the password-encoding bug Aegis repaired in 2019 (its issue #95).
    repaired: bool,
    is_backup: bool,
}

#[derive(Serialize)]
struct CryptParams {
    nonce: String,
    tag: String,
}

#[derive(Serialize)]
struct Content<'a> {
    version: u64,
    entries: Vec<Entry<'a>>,
    groups: Vec<Group<'a>>,
    icons_optimized: bool,
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: &'a str,
    issuer: &'a str,
    note: &'a str,
    favorite: bool,
    icon: Option<()>,
    icon_mime: Option<()>,
    icon_hash: Option<()>,
    info: Info<'a>,
    groups: Vec<&'a str>,
}

#[derive(Serialize)]
struct Info<'a> {
    secret: &'a str,
    algo: &'static str,
    digits: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

#[derive(Serialize)]
struct Group<'a> {
    uuid: &'a str,
    name: &'a str,
}

/// An encrypted Aegis vault file holding `accounts`, opened by `password`.
///
/// Each call makes a new master key, salt and nonces, so two exports of the same accounts differ.
/// The key derivation takes as long as Aegis's (scrypt with 32 MiB of memory).
pub fn write_aegis(
    accounts: &[(Account, Details)],
    password: &str,
) -> Result<Vec<u8>, ExportError> {
    let random = SystemRandom::new();
    let content = content_json(accounts, &random)?;

    let mut master_key = Zeroizing::new([0u8; KEY_LEN]);
    let mut salt = [0u8; KEY_LEN];
    let mut slot_nonce = [0u8; NONCE_LEN];
    let mut content_nonce = [0u8; NONCE_LEN];
    for bytes in [
        master_key.as_mut_slice(),
        &mut salt,
        &mut slot_nonce,
        &mut content_nonce,
    ] {
        random.fill(bytes).map_err(|_| ExportError::NoRandomness)?;
    }
    let password_key = password_key(password, &salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        .unwrap_or_else(|| unreachable!("Aegis's scrypt parameters are valid"));
    let (wrapped_key, key_tag) = seal(password_key.as_ref(), slot_nonce, master_key.as_ref());
    let (sealed_content, content_tag) = seal(master_key.as_ref(), content_nonce, &content);

    let db = base64::engine::general_purpose::STANDARD.encode(sealed_content);
    let file = VaultFile {
        version: FILE_VERSION,
        header: Header {
            slots: [PasswordSlot {
                kind: PASSWORD_SLOT,
                uuid: uuid(&random)?,
                key: hex_encode(&wrapped_key),
                key_params: crypt_params(slot_nonce, key_tag),
                n: 1 << SCRYPT_LOG_N,
                r: SCRYPT_R,
                p: SCRYPT_P,
                salt: hex_encode(&salt),
                repaired: true,
                is_backup: false,
            }],
            params: crypt_params(content_nonce, content_tag),
        },
        db: &db,
    };
    let mut out = Vec::with_capacity(db.len() + 1024);
    write_pretty(&file, &mut out);
    Ok(out)
}

/// The content as Aegis writes it (indented by four spaces), wiped when dropped.
fn content_json(
    accounts: &[(Account, Details)],
    random: &SystemRandom,
) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    let secrets: Vec<Zeroizing<String>> = accounts
        .iter()
        .map(|(account, _)| account.secret.to_base32())
        .collect();
    let mut group_uuids: HashMap<&str, String> = HashMap::new();
    let mut groups = Vec::new();
    for name in accounts
        .iter()
        .filter_map(|(_, details)| details.group.as_deref())
    {
        if !group_uuids.contains_key(name) {
            group_uuids.insert(name, uuid(random)?);
            groups.push(name);
        }
    }
    let mut entries = Vec::with_capacity(accounts.len());
    for ((account, details), secret) in accounts.iter().zip(&secrets) {
        let (kind, period, counter) = match account.kind {
            Kind::Totp { period } => ("totp", Some(period), None),
            Kind::Steam { period } => ("steam", Some(period), None),
            Kind::Hotp { counter } => ("hotp", None, Some(counter)),
        };
        entries.push(Entry {
            kind,
            uuid: uuid(random)?,
            name: &account.name,
            issuer: account.issuer().unwrap_or(""),
            note: &details.note,
            favorite: false,
            icon: None,
            icon_mime: None,
            icon_hash: None,
            info: Info {
                secret,
                algo: account.algorithm.name(),
                digits: account.code_length(),
                period,
                counter,
            },
            groups: details
                .group
                .as_deref()
                .and_then(|name| group_uuids.get(name))
                .map(String::as_str)
                .into_iter()
                .collect(),
        });
    }
    let content = Content {
        version: CONTENT_VERSION,
        entries,
        groups: groups
            .iter()
            .map(|name| Group {
                uuid: &group_uuids[name],
                name,
            })
            .collect(),
        icons_optimized: true,
    };
    // Room for every entry up front, so that growing the buffer leaves no copies of secrets.
    let mut json = Zeroizing::new(Vec::with_capacity(1024 + 640 * accounts.len()));
    write_pretty(&content, &mut json);
    Ok(json)
}

fn crypt_params(nonce: [u8; NONCE_LEN], tag: [u8; TAG_LEN]) -> CryptParams {
    CryptParams {
        nonce: hex_encode(&nonce),
        tag: hex_encode(&tag),
    }
}

/// JSON indented by four spaces, as Aegis writes its files.
fn write_pretty(value: &impl Serialize, out: &mut Vec<u8>) {
    let mut serializer =
        serde_json::Serializer::with_formatter(out, PrettyFormatter::with_indent(b"    "));
    // Plain structs of strings and numbers always serialize.
    value
        .serialize(&mut serializer)
        .unwrap_or_else(|_| unreachable!("strings and numbers serialize"));
}

/// A random (version 4) UUID, as Aegis gives every entry, group and slot.
fn uuid(random: &SystemRandom) -> Result<String, ExportError> {
    let mut bytes = [0u8; 16];
    random
        .fill(&mut bytes)
        .map_err(|_| ExportError::NoRandomness)?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex_encode(&bytes);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}
