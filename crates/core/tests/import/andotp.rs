//! andOTP backups, plain and encrypted in the new and the old format, written the way andOTP
//! writes them (`Entry.toJSON`, `BackupHelper.backupToFile`, `EncryptionHelper.encrypt`).

use ring::pbkdf2::PBKDF2_HMAC_SHA1;
use serde_json::{Value, json};
use tessera_core::account::Kind;
use tessera_core::import::formats::andotp::AndOtp;
use tessera_core::import::{Format, ImportError, UnusableReason};
use tessera_core::{Account, Secret};

use crate::expected::{self, Carries};
use crate::seal;

const PASSWORD: &str = "pässword for andOTP";

/// One entry as `Entry.toJSON` writes it: a period for TOTP only, a counter for HOTP only.
fn entry(account: &Account, tags: &[&str]) -> Value {
    let mut entry = json!({
        "secret": account.secret.to_base32().as_str(),
        "issuer": account.issuer().unwrap_or_default(),
        "label": account.name,
        "digits": account.digits,
        "type": account.kind.name().to_uppercase(),
        "algorithm": account.algorithm.name(),
        "thumbnail": "Default",
        "last_used": 1_700_000_000_000u64,
        "used_frequency": 3,
        "tags": tags,
    });
    match account.kind {
        Kind::Totp { period } => entry["period"] = json!(period),
        Kind::Hotp { counter } => entry["counter"] = json!(counter),
        Kind::Steam { .. } => {}
    }
    entry
}

fn list() -> Vec<u8> {
    let entries: Vec<Value> = expected::all()
        .iter()
        .enumerate()
        .map(|(index, account)| match index {
            1 => entry(account, &["Banking"]),
            2 => entry(account, &["Work", "Mail"]),
            _ => entry(account, &[]),
        })
        .collect();
    serde_json::to_vec(&entries).unwrap()
}

/// The new format: iterations, salt, IV, sealed list. andOTP draws the iteration count from
/// 140,000 to 160,000.
fn encrypted(iterations: u32) -> Vec<u8> {
    let salt = seal::bytes(12, 5);
    let iv = seal::bytes(12, 6);
    let key = seal::pbkdf2_key(PBKDF2_HMAC_SHA1, PASSWORD, &salt, iterations);
    let mut file = iterations.to_be_bytes().to_vec();
    file.extend(&salt);
    file.extend(&iv);
    file.extend(seal::aes_gcm(&key, &iv, &list()));
    file
}

/// The old format: IV and sealed list, the key the SHA-256 of the password.
fn encrypted_old() -> Vec<u8> {
    let key = ring::digest::digest(&ring::digest::SHA256, PASSWORD.as_bytes());
    let iv = seal::bytes(12, 7);
    let mut file = iv.clone();
    file.extend(seal::aes_gcm(key.as_ref(), &iv, &list()));
    file
}

#[test]
fn a_plain_backup_yields_every_account() {
    let file = list();
    expected::assert_reads(&AndOtp, &file, None, &expected::carried(Carries::ALL));
    expected::assert_truncation_refused(&AndOtp, &file, None);
}

#[test]
fn an_encrypted_backup_of_the_new_format_yields_every_account() {
    let file = encrypted(146_723);
    expected::assert_reads(
        &AndOtp,
        &file,
        Some(PASSWORD),
        &expected::carried(Carries::ALL),
    );
    // The checks below read the file a hundred times: a backup with fewer iterations (andOTP
    // writes the count in the file, and reads whatever count it finds) keeps them quick.
    let quick = encrypted(1_000);
    expected::assert_encrypted(&AndOtp, &quick, PASSWORD);
    expected::assert_truncation_refused(&AndOtp, &quick, Some(PASSWORD));
}

#[test]
fn an_encrypted_backup_of_the_old_format_is_read_when_named() {
    let file = encrypted_old();
    assert_eq!(
        tessera_core::import::recognise(&file).unwrap_err(),
        ImportError::Unknown,
        "random bytes are no other format either"
    );
    expected::assert_yields(
        &AndOtp.read(&file, Some(PASSWORD)).unwrap(),
        &expected::carried(Carries::ALL),
    );
    expected::assert_encrypted(&AndOtp, &file, PASSWORD);
    expected::assert_truncation_refused(&AndOtp, &file, Some(PASSWORD));
}

#[test]
fn the_first_tag_is_the_group_and_more_tags_are_noted() {
    let found = AndOtp.read(&list(), None).unwrap();
    let details = &found.accounts[2].details;
    assert_eq!(found.accounts[1].details.group.as_deref(), Some("Banking"));
    assert_eq!(found.accounts[1].details.note, "");
    assert_eq!(details.group.as_deref(), Some("Work"));
    assert_eq!(details.note, "Tags in andOTP: Work, Mail");
    assert_eq!(found.accounts[0].details.group, None);
}

#[test]
fn an_motp_entry_is_listed_and_the_rest_are_read() {
    let mut entries: Value = serde_json::from_slice(&list()).unwrap();
    // andOTP keeps an mOTP secret as the bytes of the text the user typed, in base32.
    let motp = Secret::from_bytes(b"0123456789abcdef".to_vec()).unwrap();
    entries.as_array_mut().unwrap().push(json!({
        "secret": motp.to_base32().as_str(),
        "issuer": "Old VPN",
        "label": "carol",
        "digits": 6,
        "type": "MOTP",
        "algorithm": "SHA1",
        "thumbnail": "Default",
        "last_used": 0,
        "used_frequency": 0,
        "tags": [],
    }));
    let found = AndOtp
        .read(&serde_json::to_vec(&entries).unwrap(), None)
        .unwrap();
    assert_eq!(found.accounts.len(), expected::all().len());
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(found.unusable[0].label, "Old VPN (carol)");
    assert_eq!(
        found.unusable[0].reason,
        UnusableReason::Kind("MOTP".into())
    );
}
