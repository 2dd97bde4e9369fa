//! TOTP Authenticator's preferences and backups, written as the app writes them: a JSON array of
//! accounts (the key in hex, digits and period as text, the name in lower case), kept in the
//! preferences under `STATIC_TOTP_CODES_LIST`, or as the one member's name of a JSON object sealed
//! with AES-256-CBC (the SHA-256 of the password as key, an IV of zeros) and written as base64.

use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use serde_json::{Value, json};
use tessera_core::account::Kind;
use tessera_core::import::formats::totp_authenticator::TotpAuthenticator;
use tessera_core::import::{Format, Found, UnusableReason};
use tessera_core::{Account, Secret};

use crate::android::{gson_value, prefs};
use crate::expected::{self, Carries};

const PASSWORD: &str = "correct horse ßtaple";

/// What the app keeps: time-based, SHA1, its digits and period.
const CARRIES: Carries = Carries {
    hotp: false,
    steam: false,
    algorithms: false,
    digits: true,
    periods: true,
};

fn entry(account: &Account) -> Value {
    let period = match account.kind {
        Kind::Totp { period } => period,
        _ => 30,
    };
    let key: String = account
        .secret
        .as_bytes()
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect();
    json!({
        "accountHeaderLabel": "",
        "allowNotifications": false,
        "base": 16,
        "digits": account.code_length().to_string(),
        "fileName": "",
        "iconLabel": "",
        "iconPath": "",
        "isFavorite": false,
        "isSelected": false,
        "isWidgetActive": false,
        "issuer": account.issuer().unwrap_or_default(),
        "key": key,
        "name": account.name.to_lowercase(),
        "period": period.to_string(),
        "setIconFromDrawable": true,
        "source": 0,
        "timeRemaining": 0,
        "totpCode": "",
        "widgetId": 0,
    })
}

fn list(entries: &[Value]) -> String {
    gson_value(&Value::Array(entries.to_vec()))
}

fn entries() -> Vec<Value> {
    expected::carried(CARRIES).iter().map(entry).collect()
}

/// The accounts as the app keeps them: names in lower case.
fn as_kept() -> Vec<Account> {
    expected::carried(CARRIES)
        .into_iter()
        .map(|mut account| {
            account.name = account.name.to_lowercase();
            account
        })
        .collect()
}

fn preferences(entries: &[Value]) -> Vec<u8> {
    prefs(&[
        ("SORT_ACCOUNT_BY".to_string(), "CUSTOM".to_string()),
        ("STATIC_TOTP_CODES_LIST".to_string(), list(entries)),
        ("SET_SCREENSHOT_FLAG".to_string(), "COMPLETED".to_string()),
    ])
    .into_bytes()
}

fn backup(entries: &[Value], password: &str) -> Vec<u8> {
    let mut object = serde_json::Map::new();
    object.insert(list(entries), Value::from("1608293023"));
    let mut buffer = serde_json::to_vec(&Value::Object(object)).unwrap();
    let key = ring::digest::digest(&ring::digest::SHA256, password.as_bytes());
    let length = buffer.len();
    buffer.resize(length + 16, 0);
    let sealed = cbc::Encryptor::<aes::Aes256>::new_from_slices(key.as_ref(), &[0u8; 16])
        .unwrap()
        .encrypt_padded_mut::<Pkcs7>(&mut buffer, length)
        .unwrap()
        .to_vec();
    base64::engine::general_purpose::STANDARD
        .encode(sealed)
        .into_bytes()
}

#[test]
fn the_apps_preferences_yield_every_account_it_can_hold() {
    let file = preferences(&entries());
    expected::assert_reads(&TotpAuthenticator, &file, None, &as_kept());
    expected::assert_truncation_refused(&TotpAuthenticator, &file, None);
}

#[test]
fn a_backup_with_a_password_yields_every_account() {
    let file = backup(&entries(), PASSWORD);
    expected::assert_reads(&TotpAuthenticator, &file, Some(PASSWORD), &as_kept());
    expected::assert_encrypted(&TotpAuthenticator, &file, PASSWORD);
    expected::assert_truncation_refused(&TotpAuthenticator, &file, Some(PASSWORD));
}

#[test]
fn a_backup_without_a_password_of_the_users_needs_none() {
    let file = backup(&entries(), "TotpAuthenticator");
    expected::assert_reads(&TotpAuthenticator, &file, None, &as_kept());
    expected::assert_reads(&TotpAuthenticator, &file, Some("anything"), &as_kept());
    expected::assert_truncation_refused(&TotpAuthenticator, &file, None);
}

#[test]
fn keys_in_every_base_are_read_and_an_unknown_base_is_listed() {
    let secret: Vec<u8> = (10u8..30).collect();
    let mut account = Account::totp(
        Some("Grid"),
        "ana",
        Secret::from_bytes(secret.clone()).unwrap(),
    );
    account.digits = 7;
    account.kind = Kind::Totp { period: 20 };
    let mut in_base32 = entry(&account);
    in_base32["base"] = json!(32);
    in_base32["key"] = json!(account.secret.to_base32().as_str());
    let mut in_base64 = entry(&account);
    in_base64["base"] = json!(64);
    in_base64["key"] = json!(base64::engine::general_purpose::STANDARD.encode(&secret));
    let mut in_base10 = entry(&account);
    in_base10["base"] = json!(10);
    let mut list = entries();
    list.extend([in_base32, in_base64, in_base10]);
    let found = TotpAuthenticator.read(&preferences(&list), None).unwrap();
    let mut want = as_kept();
    want.extend([account.clone(), account]);
    expected::assert_yields(
        &Found {
            accounts: found.accounts.clone(),
            unusable: Vec::new(),
        },
        &want,
    );
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(found.unusable[0].label, "Grid (ana)");
    assert_eq!(
        found.unusable[0].reason,
        UnusableReason::Field {
            name: "base",
            value: "10".into()
        }
    );
}
