//! Aegis's vault file, plain or encrypted with a password: what Aegis exports, and what it keeps on
//! the phone and in its automatic backups. Aegis's own key handling (scrypt, AES-256-GCM) lives
//! here too, since [`crate::export::aegis`] writes the same file.
//!
//! Learned from beemdevelopment/Aegis at v3.4.2: `docs/vault.md` (the file and its encryption) and
//! the code under `app/src/main/java/com/beemdevelopment/aegis/`: `vault/VaultFile.java`,
//! `vault/Vault.java`, `vault/VaultEntry.java`, `vault/VaultGroup.java`, `vault/slots/Slot.java`,
//! `vault/slots/PasswordSlot.java`, `otp/OtpInfo.java`. The content versions come from the history
//! of `Vault.java` (earlier `db/Database.java`), every one of which Aegis still reads:
//!
//! - **1** (the first release, v0.1, 2019): an entry's group is a name in `group`.
//! - **2** (icon packs, 2020): icons gain `icon_mime` and `icon_hash`; groups unchanged.
//! - **3** (2023): an entry lists the UUIDs of its groups in `groups`, and the content names them
//!   in a `groups` list of its own.
//!
//! Taken as Aegis reads them: a non-mOTP entry whose algorithm is MD5 (a slip Aegis's editor once
//! allowed) makes SHA1 codes; a group UUID the content does not name is no group; `groups` wins
//! over `group` when an entry has both. An entry in several groups goes in the first Tessera knows
//! of, since a Tessera account has one group. Icons (pictures) and favourites are not carried.

use std::collections::HashMap;

use base64::Engine;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::Secret;
use crate::import::{EntryFields, Format, Found, ImportError, UnusableReason};
use crate::otp::SecretError;
use crate::vault::Details;

/// Aegis's vault file.
pub struct Aegis;

const APP: &str = "Aegis";

/// The file version Aegis writes and reads (`VaultFile.VERSION`); it has never changed.
pub(crate) const FILE_VERSION: u64 = 1;
/// The newest content version (`Vault.VERSION`).
pub(crate) const CONTENT_VERSION: u64 = 3;
/// The slot type of a password slot (0 is a raw key, 2 a key behind the phone's biometrics).
pub(crate) const PASSWORD_SLOT: i64 = 1;
/// The scrypt parameters Aegis derives every password key with: N = 2^15, r = 8, p = 1.
pub(crate) const SCRYPT_LOG_N: u8 = 15;
pub(crate) const SCRYPT_R: u32 = 8;
pub(crate) const SCRYPT_P: u32 = 1;
/// The length of the master key, of the key derived from a password, and of the salt Aegis makes.
pub(crate) const KEY_LEN: usize = 32;
/// The length of an AES-GCM tag, which Aegis keeps apart from the ciphertext.
pub(crate) const TAG_LEN: usize = 16;

/// More memory than this for scrypt (128 · r · N bytes) is a file Aegis did not write (it uses
/// 32 MiB), and would let a crafted file exhaust the machine.
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// More parallel passes than this likewise (Aegis uses 1).
const MAX_SCRYPT_P: u32 = 16;
/// Password slots tried, at most: Aegis has a password and at most a backup password.
const MAX_PASSWORD_SLOTS: usize = 4;

/// The outer file: `{"version": 1, "header": {...}, "db": ...}`.
#[derive(Deserialize)]
struct VaultFile<'a> {
    version: u64,
    header: Header,
    /// The content: an object when plain, base64 of its ciphertext when encrypted.
    #[serde(borrow)]
    db: &'a RawValue,
}

/// Both fields null for a plain file.
#[derive(Deserialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<CryptParams>,
}

/// One way of opening the file: the master key wrapped by a credential.
#[derive(Deserialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: i64,
    /// The wrapped master key (hex).
    key: String,
    key_params: CryptParams,
    /// Password slots only: the scrypt parameters and salt (hex).
    n: Option<u64>,
    r: Option<u32>,
    p: Option<u32>,
    salt: Option<String>,
}

/// The nonce and tag of one AES-GCM encryption, in hex.
#[derive(Deserialize)]
struct CryptParams {
    nonce: String,
    tag: String,
}

/// The content: the entries and (from version 3) the groups.
#[derive(Deserialize)]
struct Content<'a> {
    version: u64,
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
    /// Each read alone: Aegis skips a group it cannot read and keeps the rest.
    #[serde(borrow, default)]
    groups: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Group {
    uuid: String,
    name: String,
}

/// One entry, every field as lenient as Aegis is or more.
#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    issuer: Option<String>,
    note: Option<String>,
    /// Content versions 1 and 2: the group's name.
    group: Option<String>,
    /// Content version 3: the UUIDs of the groups.
    groups: Option<Vec<String>>,
    info: Info,
}

/// What a code is made from.
#[derive(Deserialize)]
struct Info {
    secret: Option<SecretText>,
    algo: Option<String>,
    digits: Option<i64>,
    period: Option<i64>,
    counter: Option<i64>,
}

/// An entry's name and issuer alone, to name an entry that cannot be read otherwise.
#[derive(Deserialize)]
struct Names {
    name: Option<String>,
    issuer: Option<String>,
}

/// The base32 text of a secret, wiped when dropped.
struct SecretText(Zeroizing<String>);

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| SecretText(Zeroizing::new(text)))
    }
}

/// Just enough of the outer file to know it is Aegis's.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "version")]
    _version: u64,
    #[serde(rename = "header")]
    _header: ProbeHeader,
    #[serde(rename = "db")]
    _db: IgnoredAny,
}

#[derive(Deserialize)]
struct ProbeHeader {
    #[serde(rename = "slots")]
    _slots: IgnoredAny,
    #[serde(rename = "params")]
    _params: IgnoredAny,
}

impl Format for Aegis {
    fn id(&self) -> &'static str {
        "aegis"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        serde_json::from_slice::<Probe>(without_bom(file)).is_ok()
    }

    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError> {
        let file: VaultFile = serde_json::from_slice(without_bom(file)).map_err(not_json)?;
        if file.version > FILE_VERSION {
            return Err(ImportError::UnsupportedVersion {
                app: APP,
                version: format!("file version {}", file.version),
            });
        }
        match (file.header.slots, file.header.params) {
            (None, None) => read_content(file.db.get().as_bytes()),
            (Some(slots), Some(params)) => {
                let password = password.ok_or(ImportError::NeedsPassword { app: APP })?;
                let sealed: String = serde_json::from_str(file.db.get())
                    .map_err(|_| damaged("its encrypted entries are not text"))?;
                let sealed = base64::engine::general_purpose::STANDARD
                    .decode(sealed.trim())
                    .map_err(|_| damaged("its encrypted entries are not base64"))?;
                let master_key = master_key(&slots, password)?;
                let content = open(&master_key, &params, &sealed)
                    .map_err(|_| damaged("its entries do not match its key"))?;
                read_content(&content)
            }
            _ => Err(damaged(
                "its header has the encryption settings only in part",
            )),
        }
    }
}

/// The master key, from the first password slot the password opens.
fn master_key(slots: &[Slot], password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let mut password_slots = slots
        .iter()
        .filter(|slot| slot.kind == PASSWORD_SLOT)
        .take(MAX_PASSWORD_SLOTS)
        .peekable();
    if password_slots.peek().is_none() {
        return Err(damaged(
            "it has no password: it opens only with the fingerprint on the phone that made it, so \
             export it from Aegis with a password",
        ));
    }
    for slot in password_slots {
        let (Some(n), Some(r), Some(p), Some(salt)) = (slot.n, slot.r, slot.p, &slot.salt) else {
            return Err(damaged("a password slot lacks its scrypt settings"));
        };
        let salt = hex_decode(salt).ok_or_else(|| damaged("a password slot's salt is not hex"))?;
        let log_n = scrypt_log_n(n, r, p)
            .ok_or_else(|| damaged("a password slot's scrypt settings are not Aegis's"))?;
        let key = password_key(password, &salt, log_n, r, p)
            .ok_or_else(|| damaged("a password slot's scrypt settings are not Aegis's"))?;
        let wrapped =
            hex_decode(&slot.key).ok_or_else(|| damaged("a password slot's key is not hex"))?;
        match open(key.as_ref(), &slot.key_params, &wrapped) {
            Ok(master_key) if master_key.len() == KEY_LEN => return Ok(master_key),
            Ok(_) => return Err(damaged("a password slot holds a key of the wrong length")),
            Err(Unopened::Malformed) => {
                return Err(damaged("a password slot's nonce or tag is not Aegis's"));
            }
            Err(Unopened::Tag) => {}
        }
    }
    Err(ImportError::WrongPassword)
}

/// The base-2 logarithm of `n`, if the parameters are ones this reader runs: `n` a power of two
/// and the memory and passes within bounds.
fn scrypt_log_n(n: u64, r: u32, p: u32) -> Option<u8> {
    let memory = 128u64.checked_mul(u64::from(r))?.checked_mul(n)?;
    (n.is_power_of_two() && n > 1 && r > 0 && (1..=MAX_SCRYPT_P).contains(&p))
        .then_some(())
        .filter(|()| memory <= MAX_SCRYPT_MEMORY)
        .and_then(|()| u8::try_from(n.trailing_zeros()).ok())
}

/// The key scrypt derives from a password (its UTF-8 bytes, as Aegis passes it), or `None` for
/// parameters scrypt refuses.
pub(crate) fn password_key(
    password: &str,
    salt: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
) -> Option<Zeroizing<[u8; KEY_LEN]>> {
    let params = scrypt::Params::new(log_n, r, p).ok()?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    scrypt::scrypt(password.as_bytes(), salt, &params, key.as_mut()).ok()?;
    Some(key)
}

/// Why AES-GCM did not open something.
enum Unopened {
    /// The nonce or tag is not hex of the right length.
    Malformed,
    /// The key is wrong or the ciphertext was changed.
    Tag,
}

/// Opens AES-256-GCM ciphertext whose nonce and tag Aegis keeps apart, as hex.
fn open(key: &[u8], params: &CryptParams, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, Unopened> {
    let nonce = hex_decode(&params.nonce)
        .and_then(|nonce| <[u8; NONCE_LEN]>::try_from(nonce).ok())
        .ok_or(Unopened::Malformed)?;
    let tag = hex_decode(&params.tag)
        .filter(|tag| tag.len() == TAG_LEN)
        .ok_or(Unopened::Malformed)?;
    let key = UnboundKey::new(&AES_256_GCM, key).map_err(|_| Unopened::Malformed)?;
    let mut buffer = Zeroizing::new(Vec::with_capacity(sealed.len() + TAG_LEN));
    buffer.extend_from_slice(sealed);
    buffer.extend_from_slice(&tag);
    let length = LessSafeKey::new(key)
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut buffer,
        )
        .map_err(|_| Unopened::Tag)?
        .len();
    buffer.truncate(length);
    Ok(buffer)
}

/// The ciphertext of `plaintext` under `key` with `nonce`, and its tag, as Aegis stores them.
pub(crate) fn seal(
    key: &[u8],
    nonce: [u8; NONCE_LEN],
    plaintext: &[u8],
) -> (Vec<u8>, [u8; TAG_LEN]) {
    // A 32-byte key is always a valid AES-256 key, and sealing fails only past 64 GiB.
    let key = LessSafeKey::new(
        UnboundKey::new(&AES_256_GCM, key).unwrap_or_else(|_| unreachable!("a 32-byte key")),
    );
    let mut sealed = plaintext.to_vec();
    let tag = key
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut sealed,
        )
        .unwrap_or_else(|_| unreachable!("far less than 64 GiB"));
    let mut tag_bytes = [0u8; TAG_LEN];
    tag_bytes.copy_from_slice(tag.as_ref());
    (sealed, tag_bytes)
}

/// Reads the (plain or decrypted) content.
fn read_content(content: &[u8]) -> Result<Found, ImportError> {
    let content: Content = serde_json::from_slice(content).map_err(not_json)?;
    if content.version > CONTENT_VERSION {
        return Err(ImportError::UnsupportedVersion {
            app: APP,
            version: format!("content version {}", content.version),
        });
    }
    let groups: HashMap<String, String> = content
        .groups
        .iter()
        .filter_map(|group| serde_json::from_str::<Group>(group.get()).ok())
        .map(|group| (group.uuid.to_ascii_lowercase(), group.name))
        .collect();
    let mut found = Found::default();
    for (index, entry) in content.entries.iter().enumerate() {
        match serde_json::from_str::<Entry>(entry.get()) {
            Ok(entry) => {
                let (label, account) = read_entry(entry, &groups);
                found.push(&label, account);
            }
            Err(_) => found.push(
                &unreadable_label(entry, index),
                Err(UnusableReason::Field {
                    name: "entry",
                    value: "not as Aegis writes it".to_string(),
                }),
            ),
        }
    }
    Ok(found)
}

/// One entry's label and account (or why it has none).
fn read_entry(
    entry: Entry,
    groups: &HashMap<String, String>,
) -> (String, Result<crate::import::FoundAccount, UnusableReason>) {
    let group = match entry.groups {
        Some(uuids) => uuids
            .iter()
            .find_map(|uuid| groups.get(&uuid.to_ascii_lowercase()))
            .cloned(),
        None => entry.group,
    };
    let kind = entry.kind.unwrap_or_else(|| "totp".to_string());
    let algorithm = match entry.info.algo {
        Some(algo) if algo.eq_ignore_ascii_case("MD5") && kind != "motp" => None,
        algo => algo,
    };
    let mut fields = EntryFields {
        issuer: entry.issuer,
        name: entry.name.unwrap_or_default(),
        secret: None,
        kind: Some(kind),
        algorithm,
        digits: entry.info.digits,
        period: entry.info.period,
        counter: entry.info.counter,
        details: Details {
            icon: None,
            note: entry.note.unwrap_or_default(),
            group: group
                .map(|group| group.trim().to_string())
                .filter(|group| !group.is_empty()),
        },
    };
    let label = fields.label();
    match entry.info.secret.map(|text| Secret::from_base32(&text.0)) {
        None | Some(Err(SecretError::Empty)) => (label, Err(UnusableReason::NoSecret)),
        Some(Err(error)) => (label, Err(UnusableReason::Secret(error))),
        Some(Ok(secret)) => {
            fields.secret = Some(secret);
            (label, fields.into_account())
        }
    }
}

/// A label for an entry that could not be read: its names if they can be, else its place.
fn unreadable_label(entry: &RawValue, index: usize) -> String {
    match serde_json::from_str::<Names>(entry.get()) {
        Ok(names) if names.name.is_some() || names.issuer.is_some() => EntryFields {
            issuer: names.issuer,
            name: names.name.unwrap_or_default(),
            ..EntryFields::default()
        }
        .label(),
        _ => format!("entry {}", index + 1),
    }
}

/// The file without a byte-order mark some editors add.
fn without_bom(file: &[u8]) -> &[u8] {
    file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(file)
}

/// The error for content that is not the JSON expected. Never quotes the content (it may hold
/// secrets), only where the trouble is.
fn not_json(error: serde_json::Error) -> ImportError {
    if error.is_eof() {
        damaged("it is cut short")
    } else {
        damaged(format!(
            "it is not the JSON Aegis writes, at line {} column {}",
            error.line(),
            error.column()
        ))
    }
}

fn damaged(detail: impl Into<String>) -> ImportError {
    ImportError::damaged(APP, detail)
}

/// Lower-case hex, as Aegis writes it.
pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|byte| {
            [
                DIGITS[usize::from(byte >> 4)],
                DIGITS[usize::from(byte & 15)],
            ]
        })
        .map(char::from)
        .collect()
}

/// Hex in either case, or `None`.
pub(crate) fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim().as_bytes();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks_exact(2)
        .map(|pair| {
            let high = char::from(pair[0]).to_digit(16)?;
            let low = char::from(pair[1]).to_digit(16)?;
            u8::try_from(high * 16 + low).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_reads_back_what_it_writes_in_either_case() {
        let bytes = [0x00, 0x7f, 0xab, 0xff];
        assert_eq!(hex_encode(&bytes), "007fabff");
        assert_eq!(hex_decode("007FABff").unwrap(), bytes);
        assert_eq!(hex_decode("abc"), None);
        assert_eq!(hex_decode("zz"), None);
    }

    #[test]
    fn scrypt_settings_beyond_aegis_are_refused_before_any_work() {
        assert_eq!(scrypt_log_n(1 << 15, 8, 1), Some(15));
        assert_eq!(scrypt_log_n(32767, 8, 1), None, "not a power of two");
        assert_eq!(scrypt_log_n(1 << 30, 8, 1), None, "128 GiB of memory");
        assert_eq!(scrypt_log_n(1 << 15, 8, 1000), None, "a thousand passes");
        assert_eq!(scrypt_log_n(1 << 15, 0, 1), None);
        assert_eq!(scrypt_log_n(u64::MAX, u32::MAX, 1), None);
    }

    #[test]
    fn sealing_and_opening_agree_and_a_changed_byte_is_noticed() {
        let key = [7u8; KEY_LEN];
        let (sealed, tag) = seal(&key, [1; NONCE_LEN], b"entries");
        let params = CryptParams {
            nonce: hex_encode(&[1; NONCE_LEN]),
            tag: hex_encode(&tag),
        };
        assert_eq!(
            open(&key, &params, &sealed).ok().unwrap().as_slice(),
            b"entries"
        );
        let mut changed = sealed.clone();
        changed[0] ^= 1;
        assert!(matches!(open(&key, &params, &changed), Err(Unopened::Tag)));
    }

    #[test]
    fn a_file_of_another_shape_is_not_aegis() {
        assert!(!Aegis.recognises(b"{\"services\": []}"));
        assert!(!Aegis.recognises(b"otpauth://totp/a?secret=JBSWY3DPEHPK3PXP"));
        assert!(Aegis.recognises(
            b"\xEF\xBB\xBF{\"version\": 1, \"header\": {\"slots\": null, \"params\": null}, \"db\": {}}"
        ));
    }
}
