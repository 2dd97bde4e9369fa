//! Aegis's vault file, plain and encrypted, in every content version Aegis has written; and
//! Tessera's Aegis export, opened by a decryptor of these tests' own.
//!
//! The encoder and the decryptor here follow beemdevelopment/Aegis's `docs/vault.md` and its
//! `vault/` and `otp/` code (v3.4.2, and the history of `Vault.java` for content versions 1 and
//! 2), not Tessera's reader or writer: files are written as Aegis writes them, indented by four
//! spaces and with every `/` escaped as Android's JSON writer does.

use base64::Engine;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::{Value, json};
use tessera_core::export::aegis::write_aegis;
use tessera_core::import::formats::aegis::Aegis;
use tessera_core::import::{Format, ImportError, UnusableReason};
use tessera_core::vault::Details;
use tessera_core::{Account, Algorithm, Kind};

use crate::expected::{self, Carries};

const PASSWORD: &str = "correct horse battery staple ✓";

// ----- Aegis's format, as Aegis writes it -----

/// The shared accounts with notes and groups, as a user of Aegis would have them.
fn accounts() -> Vec<(Account, Details)> {
    expected::carried(Carries::ALL)
        .into_iter()
        .enumerate()
        .map(|(index, account)| {
            let details = Details {
                icon: None,
                note: ["", "backup codes: in the drawer", "", "PIN is not the code"][index % 4]
                    .to_string(),
                group: [Some("Work"), Some("Persönlich"), None][index % 3].map(str::to_string),
            };
            (account, details)
        })
        .collect()
}

fn uuid(kind: u32, index: usize) -> String {
    format!("{kind:08x}-7e55-4e7a-9c0d-{index:012x}")
}

/// One entry as Aegis writes it in content `version`.
fn entry(
    account: &Account,
    details: &Details,
    index: usize,
    version: u64,
    group_uuid: Option<&str>,
) -> Value {
    let mut info = json!({
        "secret": account.secret.to_base32().as_str(),
        "algo": account.algorithm.name(),
        "digits": account.code_length(),
    });
    match account.kind {
        Kind::Totp { period } | Kind::Steam { period } => info["period"] = json!(period),
        Kind::Hotp { counter } => info["counter"] = json!(counter),
    }
    let mut entry = json!({
        "type": account.kind.name(),
        "uuid": uuid(1, index),
        "name": account.name,
        "issuer": account.issuer().unwrap_or(""),
        "icon": null,
        "info": info,
    });
    if version >= 2 {
        entry["note"] = json!(details.note);
        entry["favorite"] = json!(index == 0);
        entry["icon_mime"] = Value::Null;
        entry["icon_hash"] = Value::Null;
    }
    if version >= 3 {
        entry["groups"] = json!(group_uuid.into_iter().collect::<Vec<_>>());
    } else if let Some(group) = &details.group {
        entry["group"] = json!(group);
    }
    entry
}

/// The content (`db`) as Aegis writes it in `version`: 3 names its groups in a list of its own.
fn content(version: u64, accounts: &[(Account, Details)]) -> Value {
    let mut groups: Vec<&str> = Vec::new();
    for group in accounts
        .iter()
        .filter_map(|(_, details)| details.group.as_deref())
    {
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    let group_uuid = |name: &str| uuid(2, groups.iter().position(|group| *group == name).unwrap());
    let entries: Vec<Value> = accounts
        .iter()
        .enumerate()
        .map(|(index, (account, details))| {
            let group = details.group.as_deref().map(group_uuid);
            entry(account, details, index, version, group.as_deref())
        })
        .collect();
    let mut content = json!({ "version": version, "entries": entries });
    if version >= 3 {
        content["groups"] = groups
            .iter()
            .map(|name| json!({ "uuid": group_uuid(name), "name": name }))
            .collect();
        content["icons_optimized"] = json!(true);
    }
    content
}

/// JSON as Aegis writes it: `JSONObject.toString(4)` on Android, which escapes every `/`.
fn aegis_json(value: &Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut serializer).unwrap();
    // A '/' only ever stands inside a string in JSON, where "\/" means the same.
    String::from_utf8(out).unwrap().replace('/', "\\/")
}

fn plain_file(content: &Value) -> Vec<u8> {
    aegis_json(&json!({
        "version": 1,
        "header": { "slots": null, "params": null },
        "db": content,
    }))
    .into_bytes()
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    SystemRandom::new().fill(&mut bytes).unwrap();
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex: {text}");
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&text[at..at + 2], 16).expect("hex"))
        .collect()
}

fn scrypt_key(password: &str, salt: &[u8], n: u64, r: u32, p: u32) -> [u8; 32] {
    let params = scrypt::Params::new(n.trailing_zeros() as u8, r, p).unwrap();
    let mut key = [0u8; 32];
    scrypt::scrypt(password.as_bytes(), salt, &params, &mut key).unwrap();
    key
}

fn aes_gcm(key: &[u8]) -> LessSafeKey {
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).unwrap())
}

/// AES-256-GCM with the tag apart, as Aegis keeps it: `(ciphertext, {"nonce", "tag"})`.
fn seal(key: &[u8], plaintext: &[u8]) -> (Vec<u8>, Value) {
    let nonce = random::<12>();
    let mut sealed = plaintext.to_vec();
    let tag = aes_gcm(key)
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut sealed,
        )
        .unwrap();
    let params = json!({ "nonce": hex(&nonce), "tag": hex(tag.as_ref()) });
    (sealed, params)
}

fn open(key: &[u8], params: &Value, sealed: &[u8]) -> Option<Vec<u8>> {
    let nonce: [u8; 12] = unhex(params["nonce"].as_str()?).try_into().ok()?;
    let mut buffer = sealed.to_vec();
    buffer.extend(unhex(params["tag"].as_str()?));
    let plaintext = aes_gcm(key)
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut buffer,
        )
        .ok()?;
    Some(plaintext.to_vec())
}

/// An encrypted file as Aegis writes it on a phone with fingerprint unlock: a biometric slot
/// (whose key stays in the phone) before the password slot, scrypt N = 2^15, r = 8, p = 1.
fn encrypted_file(content: &Value, password: &str) -> Vec<u8> {
    encrypted_file_with_slots(content, &[password])
}

/// An encrypted file whose first password is the vault's and the others backup passwords.
fn encrypted_file_with_slots(content: &Value, passwords: &[&str]) -> Vec<u8> {
    let master_key = random::<32>();
    let (biometric_key, biometric_params) = seal(&random::<32>(), &master_key);
    let mut slots = vec![json!({
        "type": 2,
        "uuid": uuid(3, 0),
        "key": hex(&biometric_key),
        "key_params": biometric_params,
    })];
    for (index, password) in passwords.iter().enumerate() {
        let salt = random::<32>();
        let password_key = scrypt_key(password, &salt, 1 << 15, 8, 1);
        let (wrapped, key_params) = seal(&password_key, &master_key);
        slots.push(json!({
            "type": 1,
            "uuid": uuid(3, index + 1),
            "key": hex(&wrapped),
            "key_params": key_params,
            "n": 32768,
            "r": 8,
            "p": 1,
            "salt": hex(&salt),
            "repaired": true,
            "is_backup": index > 0,
        }));
    }
    let (sealed, params) = seal(&master_key, aegis_json(content).as_bytes());
    aegis_json(&json!({
        "version": 1,
        "header": { "slots": slots, "params": params },
        "db": base64::engine::general_purpose::STANDARD.encode(sealed),
    }))
    .into_bytes()
}

fn just_accounts(accounts: &[(Account, Details)]) -> Vec<Account> {
    accounts
        .iter()
        .map(|(account, _)| account.clone())
        .collect()
}

// ----- Reading -----

#[test]
fn a_plain_file_of_every_content_version_yields_every_account() {
    let accounts = accounts();
    for version in 1..=3 {
        let file = plain_file(&content(version, &accounts));
        expected::assert_reads(&Aegis, &file, None, &just_accounts(&accounts));
        expected::assert_truncation_refused(&Aegis, &file, None);
    }
}

#[test]
fn an_encrypted_file_yields_every_account_to_its_password_alone() {
    let accounts = accounts();
    let file = encrypted_file(&content(3, &accounts), PASSWORD);
    expected::assert_reads(&Aegis, &file, Some(PASSWORD), &just_accounts(&accounts));
    expected::assert_encrypted(&Aegis, &file, PASSWORD);
    expected::assert_truncation_refused(&Aegis, &file, Some(PASSWORD));
}

#[test]
fn the_backup_password_opens_the_file_as_well() {
    let accounts = accounts();
    let file =
        encrypted_file_with_slots(&content(3, &accounts), &["the phone's password", PASSWORD]);
    expected::assert_reads(&Aegis, &file, Some(PASSWORD), &just_accounts(&accounts));
}

#[test]
fn notes_and_groups_come_along_in_every_content_version() {
    let accounts = accounts();
    for version in 1..=3 {
        let found = Aegis
            .read(&plain_file(&content(version, &accounts)), None)
            .unwrap();
        for (found, (_, details)) in found.accounts.iter().zip(&accounts) {
            assert_eq!(found.details.group, details.group, "version {version}");
            // Version 1 had no notes.
            let note = if version == 1 { "" } else { &details.note };
            assert_eq!(found.details.note, note, "version {version}");
        }
    }
}

#[test]
fn a_group_the_file_does_not_name_is_no_group() {
    let accounts = accounts();
    let mut content = content(3, &accounts);
    content["entries"][0]["groups"] = json!(["00000000-0000-4000-8000-000000000000"]);
    let found = Aegis.read(&plain_file(&content), None).unwrap();
    assert_eq!(found.accounts[0].details.group, None);
    assert_eq!(
        found.accounts[1].details.group.as_deref(),
        Some("Persönlich")
    );
}

#[test]
fn yandex_and_motp_entries_are_listed_and_the_rest_are_read() {
    let accounts = accounts();
    let mut content = content(3, &accounts);
    let entries = content["entries"].as_array_mut().unwrap();
    entries.insert(
        1,
        json!({
            "type": "yandex", "uuid": uuid(1, 100), "name": "ivan", "issuer": "Yandex",
            "note": "", "favorite": false, "icon": null, "icon_mime": null, "icon_hash": null,
            "info": { "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "algo": "SHA256",
                      "digits": 8, "period": 30, "pin": "5678" },
            "groups": [],
        }),
    );
    entries.push(json!({
        "type": "motp", "uuid": uuid(1, 101), "name": "pager", "issuer": "",
        "note": "", "favorite": false, "icon": null, "icon_mime": null, "icon_hash": null,
        "info": { "secret": "JBSWY3DPEHPK3PXP", "algo": "MD5", "digits": 6, "period": 10,
                  "pin": "1234" },
        "groups": [],
    }));
    let file = encrypted_file(&content, PASSWORD);
    let mut found = Aegis.read(&file, Some(PASSWORD)).unwrap();
    let unusable = std::mem::take(&mut found.unusable);
    expected::assert_yields(&found, &just_accounts(&accounts));
    let unusable: Vec<(&str, &UnusableReason)> = unusable
        .iter()
        .map(|entry| (entry.label.as_str(), &entry.reason))
        .collect();
    assert_eq!(
        unusable,
        [
            ("Yandex (ivan)", &UnusableReason::Kind("yandex".into())),
            ("pager", &UnusableReason::Kind("motp".into())),
        ]
    );
}

#[test]
fn md5_on_an_entry_other_than_motp_makes_sha1_codes_as_in_aegis() {
    let accounts = accounts();
    let mut content = content(3, &accounts);
    content["entries"][0]["info"]["algo"] = json!("MD5");
    let found = Aegis.read(&plain_file(&content), None).unwrap();
    assert_eq!(found.accounts[0].account.algorithm, Algorithm::Sha1);
    assert!(found.unusable.is_empty());
}

#[test]
fn an_entry_aegis_could_not_read_is_named_and_the_rest_are_read() {
    let accounts = accounts();
    let mut content = content(2, &accounts);
    content["entries"][2]["info"]["digits"] = json!("eight");
    content["entries"][3]["info"]["secret"] = json!("not base32!");
    let found = Aegis.read(&plain_file(&content), None).unwrap();
    assert_eq!(found.accounts.len(), accounts.len() - 2);
    assert_eq!(
        found.unusable[0].label,
        "Mail (小林 <kobayashi@example.jp>)"
    );
    assert_eq!(found.unusable[1].label, "Forge & \"Co\" (bob)");
    assert!(matches!(
        found.unusable[1].reason,
        UnusableReason::Secret(_)
    ));
}

#[test]
fn versions_newer_than_aegis_writes_are_refused_by_name() {
    let accounts = accounts();
    let mut newer = content(3, &accounts);
    newer["version"] = json!(4);
    assert!(matches!(
        Aegis.read(&plain_file(&newer), None),
        Err(ImportError::UnsupportedVersion { version, .. }) if version == "content version 4"
    ));
    let file = String::from_utf8(plain_file(&content(3, &accounts)))
        .unwrap()
        .replacen("\"version\": 1", "\"version\": 2", 1);
    assert!(matches!(
        Aegis.read(file.as_bytes(), None),
        Err(ImportError::UnsupportedVersion { version, .. }) if version == "file version 2"
    ));
}

#[test]
fn a_file_that_only_a_fingerprint_opens_says_to_export_with_a_password() {
    let mut file: Value =
        serde_json::from_slice(&encrypted_file(&content(3, &accounts()), PASSWORD)).unwrap();
    file["header"]["slots"].as_array_mut().unwrap().pop();
    let error = Aegis
        .read(aegis_json(&file).as_bytes(), Some(PASSWORD))
        .unwrap_err();
    assert!(error.to_string().contains("with a password"), "{error}");
}

// ----- Tessera's Aegis export -----

#[test]
fn an_export_reads_back_as_the_same_accounts_notes_and_groups() {
    let accounts = accounts();
    let file = write_aegis(&accounts, PASSWORD).unwrap();
    expected::assert_reads(&Aegis, &file, Some(PASSWORD), &just_accounts(&accounts));
    let found = Aegis.read(&file, Some(PASSWORD)).unwrap();
    let details: Vec<&Details> = found.accounts.iter().map(|found| &found.details).collect();
    assert_eq!(
        details,
        accounts
            .iter()
            .map(|(_, details)| details)
            .collect::<Vec<_>>()
    );
}

/// Checks a UUID the way Aegis's docs ask for one (version 4) and returns it.
fn assert_uuid(value: &Value) -> String {
    let text = value.as_str().expect("a UUID is a string");
    let bytes = text.as_bytes();
    assert_eq!(bytes.len(), 36, "{text}");
    for (at, byte) in bytes.iter().enumerate() {
        match at {
            8 | 13 | 18 | 23 => assert_eq!(*byte, b'-', "{text}"),
            _ => assert!(byte.is_ascii_hexdigit(), "{text}"),
        }
    }
    assert_eq!(bytes[14], b'4', "version 4: {text}");
    assert!(b"89abAB".contains(&bytes[19]), "variant: {text}");
    text.to_string()
}

fn assert_hex(value: &Value, bytes: usize) -> Vec<u8> {
    let text = value.as_str().expect("hex is a string");
    assert_eq!(text.len(), bytes * 2, "{text}");
    unhex(text)
}

/// Decrypts an Aegis file from `docs/vault.md` alone: the password slots' scrypt keys unwrap the
/// master key, which opens the base64 content. Checks every header field Aegis reads.
fn decrypt_as_aegis_documents(file: &[u8], password: &str) -> Value {
    let file: Value = serde_json::from_slice(file).expect("the file is JSON");
    assert_eq!(file["version"], 1);
    let header = &file["header"];
    let slots = header["slots"].as_array().expect("slots is a list");
    let mut master_key = None;
    for slot in slots {
        assert_uuid(&slot["uuid"]);
        assert_hex(&slot["key_params"]["nonce"], 12);
        assert_hex(&slot["key_params"]["tag"], 16);
        if slot["type"] != 1 {
            continue;
        }
        let (n, r, p) = (&slot["n"], &slot["r"], &slot["p"]);
        assert_eq!((n, r, p), (&json!(32768), &json!(8), &json!(1)));
        let salt = assert_hex(&slot["salt"], 32);
        let key = scrypt_key(password, &salt, 32768, 8, 1);
        let wrapped = assert_hex(&slot["key"], 32);
        master_key = master_key.or(open(&key, &slot["key_params"], &wrapped));
    }
    let master_key = master_key.expect("a password slot opens with the password");
    assert_hex(&header["params"]["nonce"], 12);
    assert_hex(&header["params"]["tag"], 16);
    let sealed = base64::engine::general_purpose::STANDARD
        .decode(file["db"].as_str().expect("db is a string when encrypted"))
        .expect("db is base64 with padding");
    let content = open(&master_key, &header["params"], &sealed).expect("the content opens");
    serde_json::from_slice(&content).expect("the content is JSON")
}

/// Aegis's base32 (Guava's, unpadded as Aegis writes it) to bytes.
fn aegis_base32(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    assert!(
        [0, 2, 4, 5, 7].contains(&(text.len() % 8)),
        "a base32 length: {text}"
    );
    let (mut bits, mut count, mut out) = (0u32, 0, Vec::new());
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|a| *a == c).expect("A-Z2-7") as u32;
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

#[test]
fn an_independent_decryptor_opens_the_export_and_finds_what_aegis_requires() {
    let accounts = accounts();
    let content = decrypt_as_aegis_documents(&write_aegis(&accounts, PASSWORD).unwrap(), PASSWORD);
    assert_eq!(content["version"], 3);
    let groups: Vec<(String, &str)> = content["groups"]
        .as_array()
        .expect("groups is a list")
        .iter()
        .map(|group| (assert_uuid(&group["uuid"]), group["name"].as_str().unwrap()))
        .collect();
    let entries = content["entries"].as_array().expect("entries is a list");
    assert_eq!(entries.len(), accounts.len());
    let mut uuids = Vec::new();
    for (entry, (account, details)) in entries.iter().zip(&accounts) {
        uuids.push(assert_uuid(&entry["uuid"]));
        let kind = entry["type"].as_str().expect("type is a string");
        assert_eq!(kind, account.kind.name(), "type is lower-case");
        assert_eq!(entry["name"], account.name.as_str());
        assert_eq!(entry["issuer"], account.issuer().unwrap_or(""), "a string");
        assert_eq!(entry["note"], details.note.as_str());
        assert_eq!(entry["favorite"], false);
        assert_eq!(entry["icon"], Value::Null);
        let info = &entry["info"];
        let secret = info["secret"].as_str().expect("the secret is a string");
        assert_eq!(aegis_base32(secret), account.secret.as_bytes());
        let algo = info["algo"].as_str().expect("algo is a string");
        assert!(["SHA1", "SHA256", "SHA512"].contains(&algo), "{algo}");
        assert_eq!(algo, account.algorithm.name());
        assert_eq!(info["digits"], account.code_length());
        match account.kind {
            Kind::Totp { period } => assert_eq!(info["period"], period),
            Kind::Hotp { counter } => assert_eq!(info["counter"], counter),
            Kind::Steam { period } => {
                assert_eq!(
                    (&info["algo"], &info["digits"]),
                    (&json!("SHA1"), &json!(5))
                );
                assert_eq!(info["period"], period);
            }
        }
        let group_names: Vec<&str> = entry["groups"]
            .as_array()
            .expect("groups is a list")
            .iter()
            .map(|uuid| {
                let uuid = assert_uuid(uuid);
                groups
                    .iter()
                    .find(|(group, _)| *group == uuid)
                    .expect("the entry's group is in the list")
                    .1
            })
            .collect();
        assert_eq!(
            group_names,
            details.group.as_deref().into_iter().collect::<Vec<_>>()
        );
    }
    uuids.sort();
    uuids.dedup();
    assert_eq!(uuids.len(), accounts.len(), "every entry has its own UUID");
}
