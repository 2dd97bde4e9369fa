//! Authy's token preferences, written as the Android app keeps them: a SharedPreferences file whose
//! `….key` entry is Gson's JSON array of tokens, each with its secret plain (`decryptedSecret`) or
//! sealed with the backup password (`encryptedSecret`, `salt`: PBKDF2-HMAC-SHA1, 1,000 rounds,
//! AES-256-CBC with an IV of zeros).

use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use serde_json::{Value, json};
use tessera_core::account::Kind;
use tessera_core::import::formats::authy::Authy;
use tessera_core::import::{Format, Found, ImportError, UnusableReason};
use tessera_core::{Account, Secret};

use crate::android::{gson_value, prefs};
use crate::expected::{self, Carries};

const PASSWORD: &str = "correct horse ßtaple";
const KEY: &str = "com.authy.storage.tokens.authenticator.key";

/// What Authy keeps of another service's account: time-based, SHA1, 30 seconds, its digits.
const CARRIES: Carries = Carries {
    hotp: false,
    steam: false,
    algorithms: false,
    digits: true,
    periods: false,
};

fn seal(secret: &str, salt: &str, password: &str) -> String {
    let mut key = [0u8; 32];
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA1,
        std::num::NonZeroU32::new(1000).unwrap(),
        salt.as_bytes(),
        password.as_bytes(),
        &mut key,
    );
    let mut buffer = secret.as_bytes().to_vec();
    let length = buffer.len();
    buffer.resize(length + 16, 0);
    let sealed = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &[0u8; 16])
        .unwrap()
        .encrypt_padded_mut::<Pkcs7>(&mut buffer, length)
        .unwrap()
        .to_vec();
    base64::engine::general_purpose::STANDARD.encode(sealed)
}

/// A token as Authy stores an account added from a QR code; sealed when `password` is given.
fn token(index: usize, account: &Account, password: Option<&str>) -> Value {
    let issuer = account.issuer();
    let (original, shown) = match issuer {
        Some(issuer) => (
            format!("{issuer}:{}", account.name),
            format!("{issuer}: {}", account.name),
        ),
        None => (account.name.clone(), account.name.clone()),
    };
    let secret = account.secret.to_base32().to_string();
    let salt: String = (0..32)
        .map(|n| {
            char::from(b"abcdefghijklmnopqrstuvwxyzABCDEF0123456789"[(n * 7 + index * 13) % 42])
        })
        .collect();
    let (plain, sealed, salt) = match password {
        None => (Value::from(secret), Value::Null, Value::Null),
        Some(password) => (
            Value::Null,
            Value::from(seal(&secret, &salt, password)),
            Value::from(salt),
        ),
    };
    json!({
        "accountType": "authenticator",
        "decryptedSecret": plain,
        "digits": account.code_length(),
        "encryptedSecret": sealed,
        "logo": issuer,
        "originalIssuer": issuer,
        "originalName": original,
        "timestamp": 1_608_374_963 + index,
        "salt": salt,
        "upload_state": "notUploaded",
        "hidden": false,
        "id": (1_608_374_963 + index).to_string(),
        "isNew": false,
        "name": shown,
    })
}

fn file(tokens: &[Value]) -> Vec<u8> {
    prefs(&[
        (KEY.to_string(), gson_value(&Value::Array(tokens.to_vec()))),
        (
            "com.authy.storage.tokens.authenticator.version".to_string(),
            "3".to_string(),
        ),
    ])
    .into_bytes()
}

fn tokens(password: Option<&str>) -> Vec<Value> {
    expected::carried(CARRIES)
        .iter()
        .enumerate()
        .map(|(index, account)| token(index, account, password))
        .collect()
}

#[test]
fn plain_tokens_yield_every_account_authy_can_hold() {
    let file = file(&tokens(None));
    expected::assert_reads(&Authy, &file, None, &expected::carried(CARRIES));
    expected::assert_truncation_refused(&Authy, &file, None);
}

#[test]
fn tokens_sealed_with_the_backup_password_yield_every_account() {
    let file = file(&tokens(Some(PASSWORD)));
    expected::assert_reads(&Authy, &file, Some(PASSWORD), &expected::carried(CARRIES));
    expected::assert_truncation_refused(&Authy, &file, Some(PASSWORD));
    assert!(matches!(
        Authy.read(&file, None),
        Err(ImportError::NeedsPassword { app: "Authy" })
    ));
    assert_eq!(
        Authy.read(&file, Some("correct horse staple")).unwrap_err(),
        ImportError::WrongPassword
    );
    // The names are not sealed (Authy keeps them plain); every change to a sealed secret is
    // noticed.
    for (index, _) in tokens(None).iter().enumerate() {
        for position in [0usize, 5, 16, 31] {
            let mut changed = tokens(Some(PASSWORD));
            let sealed = changed[index]["encryptedSecret"]
                .as_str()
                .unwrap()
                .to_string();
            let mut bytes = base64::engine::general_purpose::STANDARD
                .decode(sealed)
                .unwrap();
            let position = position.min(bytes.len() - 1);
            bytes[position] ^= 0x01;
            changed[index]["encryptedSecret"] =
                Value::from(base64::engine::general_purpose::STANDARD.encode(bytes));
            assert!(
                Authy.read(&file_of(&changed), Some(PASSWORD)).is_err(),
                "a change at byte {position} of token {index}'s secret was not noticed"
            );
        }
    }
}

fn file_of(tokens: &[Value]) -> Vec<u8> {
    file(tokens)
}

#[test]
fn authys_own_tokens_and_unreadable_secrets() {
    let mut list = tokens(None);
    // Authy's own token: a hex seed, 7 digits every 10 seconds, named by its service.
    let seed: Vec<u8> = (1u8..=16).collect();
    list.push(json!({
        "secretSeed": seed.iter().map(|byte| format!("{byte:02x}")).collect::<String>(),
        "digits": 7,
        "name": "Twitch",
        "accountType": "twitch",
        "id": "44120935",
    }));
    let mut broken = token(9, &expected::all()[0], None);
    broken["decryptedSecret"] = json!("not base32 at all!");
    broken["name"] = json!("Broken: eve");
    broken["originalName"] = json!("Broken:eve");
    broken["originalIssuer"] = json!("Broken");
    list.push(broken);
    let found = Authy.read(&file(&list), None).unwrap();
    let mut twitch = Account::totp(Some("Twitch"), "", Secret::from_bytes(seed).unwrap());
    twitch.digits = 7;
    twitch.kind = Kind::Totp { period: 10 };
    let mut want = expected::carried(CARRIES);
    want.push(twitch);
    expected::assert_yields(
        &Found {
            accounts: found.accounts.clone(),
            unusable: Vec::new(),
        },
        &want,
    );
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(found.unusable[0].label, "Broken (eve)");
    assert!(matches!(
        found.unusable[0].reason,
        UnusableReason::Secret(_)
    ));
}
