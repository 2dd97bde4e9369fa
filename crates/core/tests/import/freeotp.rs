//! FreeOTP's token files written as the app writes them: 1.x's `tokens.xml` (Gson JSON of each
//! token in a SharedPreferences file, the first versions' links among them) and 2.x's encrypted
//! `tokenBackup.xml`.

use ring::aead;
use serde_json::{Value, json};
use tessera_core::account::Kind;
use tessera_core::import::formats::freeotp::FreeOtp;
use tessera_core::import::{Format, ImportError, UnusableReason};
use tessera_core::{Account, Algorithm};

use crate::android::{gson, gson_value, java_bytes, prefs};
use crate::expected::{self, Carries};

const PASSWORD: &str = "FreeOTP pässword";

/// The id FreeOTP files a token under: `issuer:label`, or the label alone.
fn token_id(account: &Account) -> String {
    match account.issuer() {
        Some(issuer) => format!("{issuer}:{}", account.name),
        None => account.name.clone(),
    }
}

/// A token as FreeOTP 1.x's `Token` class is written by Gson (the counter is the next one).
fn token_1x(account: &Account) -> String {
    let (kind, period, counter) = match account.kind {
        Kind::Hotp { counter } => ("HOTP", 30, counter),
        Kind::Totp { period } | Kind::Steam { period } => ("TOTP", period, 0),
    };
    gson(&[
        (
            "issuerInt",
            account.issuer().map(Value::from).unwrap_or(Value::Null),
        ),
        (
            "issuerExt",
            Value::from(account.issuer().unwrap_or_default()),
        ),
        ("label", Value::from(account.name.clone())),
        ("type", Value::from(kind)),
        ("algo", Value::from(account.algorithm.name())),
        ("secret", java_bytes(account.secret.as_bytes())),
        ("digits", Value::from(account.code_length())),
        ("counter", Value::from(counter)),
        ("period", Value::from(period)),
    ])
}

fn tokens_xml(accounts: &[Account]) -> String {
    let order: Vec<String> = accounts.iter().map(token_id).collect();
    let mut entries: Vec<(String, String)> = accounts
        .iter()
        .rev()
        .map(|account| (token_id(account), token_1x(account)))
        .collect();
    entries.insert(1, ("tokenOrder".into(), gson_value(&json!(order))));
    prefs(&entries)
}

#[test]
fn a_1x_token_file_yields_every_account_in_the_apps_order() {
    let file = tokens_xml(&expected::all());
    expected::assert_reads(
        &FreeOtp,
        file.as_bytes(),
        None,
        &expected::carried(Carries::ALL),
    );
    expected::assert_truncation_refused(&FreeOtp, file.as_bytes(), None);
}

#[test]
fn the_first_versions_links_and_a_missing_algorithm_are_read() {
    let accounts = expected::carried(Carries {
        hotp: false,
        steam: false,
        algorithms: false,
        digits: false,
        periods: false,
    });
    let mut entries: Vec<(String, String)> = Vec::new();
    // The first versions kept a link; `issuerAlt` and `labelAlt` held the names the user gave.
    entries.push((
        "Old:alice".into(),
        format!(
            "otpauth://totp/Old:alice?secret={}&issuerAlt=Example&labelAlt=alice%40example.com",
            accounts[0].secret.to_base32().as_str()
        ),
    ));
    // A token whose algorithm is null (Gson then leaves it out).
    let no_algorithm = token_1x(&accounts[1]).replace("\"algo\":\"SHA1\",", "");
    assert!(!no_algorithm.contains("algo"));
    entries.push((token_id(&accounts[1]), no_algorithm));
    entries.push((
        "tokenOrder".into(),
        gson_value(&json!(["Old:alice", token_id(&accounts[1])])),
    ));
    let file = prefs(&entries);
    expected::assert_reads(&FreeOtp, file.as_bytes(), None, &accounts);
}

#[test]
fn an_md5_token_is_listed_and_the_rest_read() {
    let accounts = expected::all();
    let mut file = tokens_xml(&accounts);
    let md5 = token_1x(&accounts[0])
        .replace("SHA1", "MD5")
        .replace("Example", "Legacy");
    file = file.replace(
        "</map>",
        &format!(
            "    <string name=\"Legacy:alice@example.com\">{}</string>\n</map>",
            md5.replace('"', "&quot;")
        ),
    );
    let found = FreeOtp.read(file.as_bytes(), None).unwrap();
    assert_eq!(found.accounts.len(), accounts.len());
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(found.unusable[0].label, "Legacy (alice@example.com)");
    assert_eq!(
        found.unusable[0].reason,
        UnusableReason::Algorithm("MD5".into())
    );
}

/// FreeOTP 2.x's `EncryptedKey` as Gson writes it: AES-GCM with the wrapped key's algorithm name
/// as associated data, the parameters in Java's DER encoding.
fn encrypted_key(key: &[u8], plain: &[u8], algorithm: &str, nonce: [u8; 12]) -> Value {
    let sealing = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, key).unwrap());
    let mut sealed = plain.to_vec();
    sealing
        .seal_in_place_append_tag(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(algorithm.as_bytes()),
            &mut sealed,
        )
        .unwrap();
    let mut parameters = vec![0x30, 17, 0x04, 12];
    parameters.extend(nonce);
    parameters.extend([0x02, 0x01, 16]);
    json!({
        "mCipherText": java_bytes(&sealed),
        "mParameters": java_bytes(&parameters),
        "mCipher": "AES/GCM/NoPadding",
        "mToken": algorithm,
    })
}

/// A 2.x token (`Token.java` since 2018): no secret, nullable fields left out, the algorithm
/// only when the link named one.
fn token_2x(account: &Account) -> String {
    let (kind, period, counter) = match account.kind {
        Kind::Hotp { counter } => ("HOTP", Value::Null, Value::from(counter)),
        Kind::Totp { period } | Kind::Steam { period } => {
            ("TOTP", Value::from(period), Value::Null)
        }
    };
    let algorithm = match account.algorithm {
        Algorithm::Sha1 => Value::Null,
        other => Value::from(other.name()),
    };
    let digits = match account.kind {
        Kind::Steam { .. } => Value::Null,
        _ => Value::from(account.digits),
    };
    gson(&[
        ("algo", algorithm),
        (
            "issuerExt",
            account.issuer().map(Value::from).unwrap_or(Value::Null),
        ),
        (
            "issuerInt",
            account.issuer().map(Value::from).unwrap_or(Value::Null),
        ),
        ("label", Value::from(account.name.clone())),
        ("period", period),
        ("digits", digits),
        ("type", Value::from(kind)),
        ("counter", counter),
        ("lastUsed", Value::from(1_760_000_000_000u64)),
    ])
}

fn backup_2x(accounts: &[Account], password: &str) -> String {
    prefs(&backup_entries(accounts, password))
}

/// Java's serialisation of a `HashMap<String, String>` (`ObjectOutputStream.writeObject`), as
/// FreeOTP 2.x writes its external backup: the class description, the map's fields, then its
/// capacity, size and entries as block data and texts.
fn java_map(entries: &[(String, String)]) -> Vec<u8> {
    fn utf(out: &mut Vec<u8>, text: &str) {
        // Modified UTF-8 differs from UTF-8 only for NUL and beyond U+FFFF, which none hold.
        out.extend((text.len() as u16).to_be_bytes());
        out.extend(text.as_bytes());
    }
    let mut out = vec![0xac, 0xed, 0x00, 0x05, 0x73, 0x72];
    utf(&mut out, "java.util.HashMap");
    out.extend(0x0507_dac1_c316_60d1u64.to_be_bytes());
    out.push(0x03);
    out.extend(2u16.to_be_bytes());
    out.push(b'F');
    utf(&mut out, "loadFactor");
    out.push(b'I');
    utf(&mut out, "threshold");
    out.extend([0x78, 0x70]);
    out.extend(0.75f32.to_be_bytes());
    out.extend(48u32.to_be_bytes());
    out.extend([0x77, 0x08]);
    out.extend(64u32.to_be_bytes());
    out.extend((entries.len() as u32).to_be_bytes());
    let mut written: Vec<&str> = Vec::new();
    for text in entries.iter().flat_map(|(key, value)| [key, value]) {
        if let Some(index) = written.iter().position(|earlier| earlier == text) {
            out.push(0x71);
            out.extend((0x7e_0000u32 + 2 + index as u32).to_be_bytes());
        } else {
            out.push(0x74);
            utf(&mut out, text);
            written.push(text);
        }
    }
    out.push(0x78);
    out
}

fn backup_entries(accounts: &[Account], password: &str) -> Vec<(String, String)> {
    let salt = [0x42u8; 32];
    let mut password_key = [0u8; 32];
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA512,
        std::num::NonZeroU32::new(100_000).unwrap(),
        &salt,
        password.as_bytes(),
        &mut password_key,
    );
    let master_key = [0x0fu8; 32];
    let master = json!({
        "mEncryptedKey": encrypted_key(&password_key, &master_key, "AES", [1; 12]),
        "mAlgorithm": "PBKDF2withHmacSHA512",
        "mIterations": 100_000,
        "mSalt": java_bytes(&salt),
    });
    let mut entries = vec![("masterKey".to_string(), gson_value(&master))];
    for (n, account) in accounts.iter().enumerate() {
        let uuid = format!("5d3c0f4e-77aa-4c1e-9c2b-00000000000{n}");
        let algorithm = format!("Hmac{}", account.algorithm.name());
        let key = encrypted_key(
            &master_key,
            account.secret.as_bytes(),
            &algorithm,
            [n as u8 + 2; 12],
        );
        entries.push((
            uuid.clone(),
            gson_value(&json!({ "key": gson_value(&key) })),
        ));
        entries.push((format!("{uuid}-token"), token_2x(account)));
    }
    entries
}

#[test]
fn a_2x_backup_yields_every_account() {
    let file = backup_2x(&expected::all(), PASSWORD);
    expected::assert_reads(
        &FreeOtp,
        file.as_bytes(),
        Some(PASSWORD),
        &expected::carried(Carries::ALL),
    );
    expected::assert_truncation_refused(&FreeOtp, file.as_bytes(), Some(PASSWORD));
}

#[test]
fn a_2x_backup_needs_its_password() {
    // FreeOTP seals the secrets but not the tokens' names and settings beside them, so only the
    // password and the sealed parts can be checked, not every bit of the file.
    let file = backup_2x(&expected::all(), PASSWORD);
    assert!(matches!(
        FreeOtp.read(file.as_bytes(), None),
        Err(ImportError::NeedsPassword { .. })
    ));
    assert_eq!(
        FreeOtp.read(file.as_bytes(), Some("not it")).unwrap_err(),
        ImportError::WrongPassword
    );
    let sealed_byte = file.find("mCipherText&quot;:[").unwrap() + 20;
    let mut flipped = file.clone().into_bytes();
    flipped[sealed_byte] = if flipped[sealed_byte] == b'1' {
        b'2'
    } else {
        b'1'
    };
    assert!(FreeOtp.read(&flipped, Some(PASSWORD)).is_err());
}

#[test]
fn a_2x_external_backup_yields_every_account() {
    let mut accounts = expected::all();
    // Two tokens with the same details: Java writes the second's text as a reference.
    let mut twin = accounts[0].clone();
    twin.secret = tessera_core::Secret::from_bytes(vec![0x3c; 20]).unwrap();
    accounts.push(twin);
    let file = java_map(&backup_entries(&accounts, PASSWORD));
    assert!(file.windows(3).any(|window| window == [0x71, 0x00, 0x7e]));
    expected::assert_reads(&FreeOtp, &file, Some(PASSWORD), &accounts);
    expected::assert_truncation_refused(&FreeOtp, &file, Some(PASSWORD));
    assert!(matches!(
        FreeOtp.read(&file, None),
        Err(ImportError::NeedsPassword { .. })
    ));
    assert_eq!(
        FreeOtp.read(&file, Some("not it")).unwrap_err(),
        ImportError::WrongPassword
    );
}
