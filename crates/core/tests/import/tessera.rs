//! Tessera's own backup (`docs/backup-format.md`), restored by importing it. Both directions are
//! checked against a second implementation written from the document alone (the Python peer):
//! it decrypts what Tessera writes, and Tessera restores what it writes. The bodies the peer is
//! given and compared with are built here from the accounts' fields, as the document describes
//! them, not by the code under test.

use serde_json::{Value, json};
use tessera_core::backup::{Protection, SealedBackup, write_backup};
use tessera_core::import::formats::tessera::Tessera;
use tessera_core::import::{Format, ImportError, ImportSession, UnusableReason};
use tessera_core::vault::slots::password::PasswordParams;
use tessera_core::vault::slots::recovery::RecoveryCode;
use tessera_core::vault::{Details, Duplicates, NewPassword, Vault};
use tessera_core::{Account, Algorithm, Kind, Secret};

use crate::backup_peer::{python_reads, python_writes};
use crate::expected::{self, Carries};

const PASSWORD: &str = "correct horse battery staple";
/// Argon2id parameters small enough for tests that derive many times (bounds: 8 KiB, 1 pass).
const MEMORY_KIB: u32 = 64;

fn params() -> PasswordParams {
    PasswordParams::new(MEMORY_KIB, 1, 1).unwrap()
}

/// The shared accounts, each with details, and with what links keep beyond them: extra
/// parameters, and an issuer given only as a parameter.
fn accounts() -> Vec<(Account, Details)> {
    expected::all()
        .into_iter()
        .enumerate()
        .map(|(index, mut account)| {
            if index == 0 {
                account.extra_parameters = vec![
                    ("image".into(), "https://example.com/logo.png".into()),
                    ("color".into(), "#ff0000".into()),
                ];
            }
            if index == 3 {
                account.label_issuer = None;
            }
            let details = Details {
                icon: (index % 2 == 0).then(|| format!("icon-{index}")),
                note: if index == 1 {
                    "Notfallcodes: Schublade \"B\"\nZeile 2 — ✓".into()
                } else {
                    String::new()
                },
                group: (index % 3 == 0).then(|| "Work".to_string()),
            };
            (account, details)
        })
        .collect()
}

/// What a format cannot usually carry, all at once: the largest counter, ten digits, SHA512, no
/// issuer in the label, an empty name.
fn extremes() -> Vec<(Account, Details)> {
    let mut hotp = Account::totp(
        Some("Forge"),
        "",
        Secret::from_bytes((0..64).collect()).unwrap(),
    );
    hotp.kind = Kind::Hotp { counter: u64::MAX };
    hotp.algorithm = Algorithm::Sha512;
    hotp.digits = 10;
    hotp.label_issuer = None;
    let mut steam = Account::totp(
        None,
        "gamer",
        Secret::from_base32("IZSGK2LOMVZXG5DSMVXGIZLSMVZQ").unwrap(),
    );
    steam.kind = Kind::Steam { period: u32::MAX };
    steam.digits = 5;
    vec![
        (hotp, Details::default()),
        (
            steam,
            Details {
                icon: Some("https://example.com/steam.png".into()),
                note: "x".repeat(5_000),
                group: Some("Spiele".into()),
            },
        ),
    ]
}

fn both(code: &RecoveryCode) -> Protection {
    Protection::password(PASSWORD, params())
        .and_then(|protection| protection.with_recovery_code(code))
        .unwrap()
}

fn restored(file: &[u8], text: &str) -> Vec<(Account, Details)> {
    let found = Tessera.read(file, Some(text)).expect("the backup restores");
    assert!(found.unusable.is_empty(), "{:?}", found.unusable);
    found
        .accounts
        .into_iter()
        .map(|found| (found.account, found.details))
        .collect()
}

/// One account as the document describes it; `secret` is its base32 (the body) or hex (what the
/// peer prints).
fn entry(account: &Account, details: &Details, secret: (&str, String)) -> Value {
    let mut entry = json!({
        "issuer": account.issuer,
        "label_issuer": account.label_issuer,
        "name": account.name,
        "algorithm": account.algorithm.name(),
        "digits": account.digits,
        "kind": account.kind.name(),
        "extra_parameters": account.extra_parameters,
        "icon": details.icon,
        "note": details.note,
        "group": details.group,
    });
    entry[secret.0] = json!(secret.1);
    match account.kind {
        Kind::Totp { period } | Kind::Steam { period } => entry["period"] = json!(period),
        Kind::Hotp { counter } => entry["counter"] = json!(counter),
    }
    entry
}

/// The body's JSON for these accounts.
fn document(accounts: &[(Account, Details)]) -> Value {
    let accounts: Vec<Value> = accounts
        .iter()
        .map(|(account, details)| {
            let secret = account.secret.to_base32().to_string();
            entry(account, details, ("secret", secret))
        })
        .collect();
    json!({ "accounts": accounts })
}

/// What the peer prints for a backup of these accounts.
fn peer_view(accounts: &[(Account, Details)], opened_by: &str) -> Value {
    let accounts: Vec<Value> = accounts
        .iter()
        .map(|(account, details)| {
            let hex = account
                .secret
                .as_bytes()
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            entry(account, details, ("secret_hex", hex))
        })
        .collect();
    json!({ "opened_by": opened_by, "accounts": accounts })
}

/// The password key's data rewritten with other parameters text (and its length field with it).
fn with_params_text(file: &[u8], text: &str) -> Vec<u8> {
    assert_eq!(file[11], 1, "the password's key comes first");
    let length = usize::from(u16::from_be_bytes([file[12], file[13]]));
    let old_text_len = length - 16 - 60;
    let mut edited = file[..12].to_vec();
    edited.extend_from_slice(&((text.len() + 76) as u16).to_be_bytes());
    edited.extend_from_slice(text.as_bytes());
    edited.extend_from_slice(&file[14 + old_text_len..]);
    edited
}

#[test]
fn a_backup_restores_every_account_with_its_details() {
    let code = RecoveryCode::generate().unwrap();
    let file = write_backup(&accounts(), &both(&code)).unwrap();
    expected::assert_reads(
        &Tessera,
        &file,
        Some(PASSWORD),
        &expected::carried(Carries::ALL),
    );
    assert_eq!(restored(&file, PASSWORD), accounts());
    assert_eq!(restored(&file, &code.display()), accounts());
}

#[test]
fn restoring_into_a_vault_is_an_import_with_a_preview() {
    let code = RecoveryCode::generate().unwrap();
    let file = write_backup(&accounts(), &Protection::recovery_code(&code).unwrap()).unwrap();
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, _) = Vault::create(
        &folder.path().join("vault.tessera"),
        &NewPassword("a passphrase", PasswordParams::new(8 * 1024, 1, 1).unwrap()),
    )
    .unwrap();
    let mut session = ImportSession::new();
    let format = session
        .add_file(&file, None, Some(&code.display()))
        .unwrap();
    assert_eq!(format.id(), "tessera");
    let preview = session.preview(&vault).unwrap();
    assert_eq!(preview.accounts.len(), accounts().len());
    session.add_to(&mut vault, Duplicates::Refuse).unwrap();
    let restored: Vec<_> = vault
        .list()
        .unwrap()
        .entries
        .into_iter()
        .map(|entry| (entry.account, entry.details))
        .collect();
    assert_eq!(restored, accounts());
}

#[test]
fn the_recovery_code_alone_restores_however_it_is_typed() {
    let code = RecoveryCode::generate().unwrap();
    let file = write_backup(&accounts(), &Protection::recovery_code(&code).unwrap()).unwrap();
    let sloppy = code.display().to_lowercase().replace('-', " ");
    assert_eq!(restored(&file, &sloppy), accounts());
    assert!(!SealedBackup::parse(&file).unwrap().has_password());
}

#[test]
fn what_no_format_carries_comes_back_too() {
    let file = write_backup(
        &extremes(),
        &Protection::password(PASSWORD, params()).unwrap(),
    )
    .unwrap();
    assert_eq!(restored(&file, PASSWORD), extremes());
}

#[test]
fn a_wrong_password_or_code_is_refused_and_no_bit_flip_goes_unnoticed() {
    let code = RecoveryCode::generate().unwrap();
    let file = write_backup(&accounts(), &both(&code)).unwrap();
    assert_eq!(
        Tessera.read(&file, Some("Correct horse battery staple")),
        Err(ImportError::WrongPassword)
    );
    let other = RecoveryCode::generate().unwrap();
    assert_eq!(
        Tessera.read(&file, Some(&other.display())),
        Err(ImportError::WrongPassword)
    );
    expected::assert_encrypted(&Tessera, &file, PASSWORD);
    expected::assert_encrypted(&Tessera, &file, &code.display());
    let code_only = write_backup(&accounts(), &Protection::recovery_code(&code).unwrap()).unwrap();
    expected::assert_encrypted(&Tessera, &code_only, &code.display());
}

#[test]
fn a_shortened_backup_is_refused() {
    let code = RecoveryCode::generate().unwrap();
    let file = write_backup(&accounts(), &both(&code)).unwrap();
    expected::assert_truncation_refused(&Tessera, &file, Some(PASSWORD));
    expected::assert_truncation_refused(&Tessera, &file, Some(&code.display()));
}

#[test]
fn huge_key_derivation_parameters_are_damage_found_before_deriving() {
    let file = write_backup(
        &accounts(),
        &Protection::password(PASSWORD, params()).unwrap(),
    )
    .unwrap();
    let unchanged = with_params_text(&file, &format!("argon2id;v=19;m={MEMORY_KIB};t=1;p=1;"));
    assert_eq!(
        unchanged, file,
        "the test's editor keeps what it does not change"
    );
    for text in [
        "argon2id;v=19;m=4194304;t=1;p=1;",
        "argon2id;v=19;m=64;t=4294967295;p=1;",
        "argon2id;v=19;m=64;t=1;p=16;",
        "argon2id;v=19;m=+64;t=1;p=1;",
    ] {
        let edited = with_params_text(&file, text);
        let started = std::time::Instant::now();
        let error = Tessera.read(&edited, Some(PASSWORD)).unwrap_err();
        assert!(
            matches!(&error, ImportError::Damaged { detail, .. } if detail.contains("out of bounds")),
            "{text}: {error}"
        );
        assert!(started.elapsed().as_secs() < 5, "{text} was derived with");
        assert_eq!(python_reads(&edited, PASSWORD), Err(4), "{text}");
    }
}

#[test]
fn a_backup_from_a_newer_tessera_says_to_update() {
    let file = write_backup(
        &accounts(),
        &Protection::password(PASSWORD, params()).unwrap(),
    )
    .unwrap();
    let mut newer = file.clone();
    newer[8..10].copy_from_slice(&2u16.to_be_bytes());
    for password in [None, Some(PASSWORD)] {
        let error = Tessera.read(&newer, password).unwrap_err();
        assert_eq!(
            error,
            ImportError::UnsupportedVersion {
                app: "Tessera",
                version: "2".into()
            }
        );
        assert!(error.to_string().contains("update Tessera"), "{error}");
    }
    assert_eq!(python_reads(&newer, PASSWORD), Err(3));
}

#[test]
fn the_size_tells_the_number_of_accounts_only_roughly() {
    let protection = Protection::password(PASSWORD, params()).unwrap();
    let one = write_backup(&accounts()[..1], &protection).unwrap();
    let seven = write_backup(&accounts(), &protection).unwrap();
    assert_eq!(one.len(), seven.len());
}

#[test]
fn the_python_peer_decrypts_what_tessera_writes() {
    let code = RecoveryCode::generate().unwrap();
    let mut all = accounts();
    all.extend(extremes());
    let file = write_backup(&all, &both(&code)).unwrap();
    assert_eq!(
        python_reads(&file, PASSWORD),
        Ok(peer_view(&all, "password"))
    );
    assert_eq!(
        python_reads(&file, &code.display()),
        Ok(peer_view(&all, "recovery"))
    );
    assert_eq!(python_reads(&file, "wrong"), Err(2));
}

#[test]
fn tessera_restores_what_the_python_peer_writes() {
    let code = RecoveryCode::generate().unwrap();
    let mut all = accounts();
    all.extend(extremes());
    let by_password = python_writes(&document(&all), Some((PASSWORD, MEMORY_KIB, 1)), None);
    assert_eq!(restored(&by_password, PASSWORD), all);
    let by_both = python_writes(
        &document(&all),
        Some((PASSWORD, MEMORY_KIB, 2)),
        Some(&code.display()),
    );
    assert_eq!(restored(&by_both, &code.display()), all);
    assert_eq!(restored(&by_both, PASSWORD), all);
    let by_code = python_writes(&document(&all), None, Some(&code.display()));
    assert_eq!(restored(&by_code, &code.display()), all);
}

#[test]
fn an_entry_tessera_cannot_use_is_listed_and_the_rest_restored() {
    let all = accounts();
    let mut body = document(&all);
    body["accounts"][1]["algorithm"] = json!("MD5");
    body["accounts"][2]["kind"] = json!("yandex");
    body["accounts"][4]["digits"] = json!(12);
    let file = python_writes(&body, Some((PASSWORD, MEMORY_KIB, 1)), None);
    let found = Tessera.read(&file, Some(PASSWORD)).unwrap();
    let reasons: Vec<_> = found
        .unusable
        .iter()
        .map(|unusable| (unusable.label.as_str(), &unusable.reason))
        .collect();
    assert_eq!(reasons.len(), 3);
    assert_eq!(
        reasons[0],
        (
            "Bank of Zürich (Jörg SStraße)",
            &UnusableReason::Algorithm("MD5".into())
        )
    );
    assert_eq!(reasons[1].1, &UnusableReason::Kind("yandex".into()));
    assert!(matches!(reasons[2].1, UnusableReason::Account(_)));
    let rest: Vec<_> = found
        .accounts
        .into_iter()
        .map(|found| (found.account, found.details))
        .collect();
    let expected: Vec<_> = all
        .into_iter()
        .enumerate()
        .filter(|(index, _)| ![1, 2, 4].contains(index))
        .map(|(_, account)| account)
        .collect();
    assert_eq!(rest, expected);
}
