//! Proton Authenticator's export written as the app writes it (`exporter.rs`,
//! `password_exporter.rs`): TOTP entries as links with the name alone in the label and the
//! parameters form-encoded, Steam entries as `steam://` and a name; plain or sealed.

use base64::Engine;
use ring::aead;
use serde_json::{Value, json};
use tessera_core::Account;
use tessera_core::account::Kind;
use tessera_core::import::formats::proton::Proton;
use tessera_core::import::{Format, UnusableReason};

use crate::expected::{self, Carries};

const PASSWORD: &str = "proton ✓ password";

/// Proton's label encoding (`urlencoding::encode`): all but `A-Z a-z 0-9 - . _ ~` escaped.
fn label_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// The query's form encoding (`url`'s `query_pairs_mut`): a space is `+`, and `* - . _` stay.
fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b' ' => "+".to_string(),
            b if b.is_ascii_alphanumeric() || b"*-._".contains(&b) => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

fn entry(account: &Account, n: usize) -> Value {
    let (uri, kind, name) = match account.kind {
        Kind::Steam { .. } => (
            format!("steam://{}", account.secret.to_base32().as_str()),
            "Steam",
            account.name.clone(),
        ),
        Kind::Totp { period } => {
            let mut uri = format!(
                "otpauth://totp/{}?secret={}",
                label_encode(&account.name),
                account.secret.to_base32().as_str()
            );
            if let Some(issuer) = account.issuer() {
                uri.push_str(&format!("&issuer={}", form_encode(issuer)));
            }
            uri.push_str(&format!(
                "&algorithm={}&digits={}&period={period}",
                account.algorithm.name(),
                account.digits
            ));
            (uri, "Totp", account.name.clone())
        }
        Kind::Hotp { .. } => unreachable!("Proton Authenticator has no HOTP"),
    };
    json!({
        "id": format!("01J9Z{n:021}"),
        "content": {"uri": uri, "entry_type": kind, "name": name},
        "note": if n == 0 { Value::from("backup codes in the safe") } else { Value::Null },
    })
}

fn carried() -> Vec<Account> {
    expected::carried(Carries {
        hotp: false,
        ..Carries::ALL
    })
}

fn export() -> Vec<u8> {
    let entries: Vec<Value> = carried()
        .iter()
        .enumerate()
        .map(|(n, account)| entry(account, n))
        .collect();
    serde_json::to_vec(&json!({"version": 1, "entries": entries})).unwrap()
}

fn seal(plain: &[u8], password: &str) -> Vec<u8> {
    let salt = [0x61u8; 16];
    let nonce = [0x07u8; 12];
    let mut key = [0u8; 32];
    argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(19 * 1024, 2, 1, Some(32)).unwrap(),
    )
    .hash_password_into(password.as_bytes(), &salt, &mut key)
    .unwrap();
    let key = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, &key).unwrap());
    let mut sealed = plain.to_vec();
    key.seal_in_place_append_tag(
        aead::Nonce::assume_unique_for_key(nonce),
        aead::Aad::from(b"proton.authenticator.export.v1"),
        &mut sealed,
    )
    .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    serde_json::to_vec(&json!({
        "version": 1,
        "salt": b64.encode(salt),
        "content": b64.encode([nonce.as_slice(), &sealed].concat()),
    }))
    .unwrap()
}

#[test]
fn a_plain_export_yields_every_account_and_its_note() {
    let file = export();
    expected::assert_reads(&Proton, &file, None, &carried());
    let found = Proton.read(&file, None).unwrap();
    assert_eq!(found.accounts[0].details.note, "backup codes in the safe");
    expected::assert_truncation_refused(&Proton, &file, None);
}

#[test]
fn a_sealed_export_yields_every_account() {
    let file = seal(&export(), PASSWORD);
    expected::assert_reads(&Proton, &file, Some(PASSWORD), &carried());
    expected::assert_encrypted(&Proton, &file, PASSWORD);
    expected::assert_truncation_refused(&Proton, &file, Some(PASSWORD));
}

#[test]
fn an_entry_of_another_kind_is_listed_and_the_rest_read() {
    let mut file: Value = serde_json::from_slice(&export()).unwrap();
    file["entries"].as_array_mut().unwrap().push(json!({
        "id": "x",
        "content": {"uri": "otpauth://hotp/Old?secret=JBSWY3DPEHPK3PXP&counter=3", "entry_type": "Hotp", "name": "Old"},
        "note": null,
    }));
    let found = Proton
        .read(&serde_json::to_vec(&file).unwrap(), None)
        .unwrap();
    assert_eq!(found.accounts.len(), carried().len());
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(
        found.unusable[0].reason,
        UnusableReason::Kind("Hotp".into())
    );
}
