//! A vault written by an earlier version of Tessera still opens with its password and holds
//! exactly what was put in it. The file is checked in (`tests/fixtures/`, written by
//! `examples/vault_fixture.rs`), so a change of format that forgets old vaults fails here.

use std::path::Path;

use tessera_core::vault::{Details, Entry, LockedVault, Password, SlotKind};
use tessera_core::{Account, Algorithm, Kind, Secret, Vault};

const PASSWORD: &str = "fixture password, not a secret";

fn secret(base32: &str) -> Secret {
    Secret::from_base32(base32).unwrap()
}

/// A copy of a checked-in vault in a temporary folder: opening may write (the trash purge, a
/// migration, the write-ahead log), and the checked-in file must stay as it was written.
fn copy_of(name: &str, folder: &Path) -> std::path::PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let copy = folder.join(name);
    std::fs::copy(&fixture, &copy).unwrap_or_else(|error| panic!("{}: {error}", fixture.display()));
    copy
}

/// The trash is emptied 30 days after a removal, and the fixture's removal is older than that:
/// move it to now in the copy, so that the trashed account is still there to be checked.
fn keep_the_trash(path: &Path) {
    let raw = rusqlite::Connection::open(path).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    raw.execute(
        "UPDATE accounts SET removed_at = ?1 WHERE removed_at IS NOT NULL",
        [now],
    )
    .unwrap();
}

fn unlock(path: &Path) -> Vault {
    LockedVault::open(path)
        .unwrap()
        .unlock(&Password(PASSWORD))
        .unwrap()
}

#[test]
fn a_schema_2_vault_opens_with_its_password_and_keeps_every_account() {
    let folder = tempfile::tempdir().unwrap();
    let path = copy_of("vault-schema-2.tessera", folder.path());
    keep_the_trash(&path);

    let locked = LockedVault::open(&path).unwrap();
    let kinds: Vec<SlotKind> = locked
        .slots()
        .unwrap()
        .iter()
        .map(|slot| slot.kind)
        .collect();
    assert_eq!(kinds, vec![SlotKind::Password]);
    let vault = unlock(&path);

    let mut github = Account::totp(Some("GitHub"), "octocat", secret("JBSWY3DPEHPK3PXP"));
    github.extra_parameters = vec![(
        "image".to_string(),
        "https://example.com/octocat.png".to_string(),
    )];
    let expected = vec![
        Entry {
            id: 1,
            account: github,
            details: Details {
                icon: Some("github".into()),
                note: "backup codes in the drawer".into(),
                group: Some("Work".into()),
            },
        },
        Entry {
            id: 2,
            account: Account {
                issuer: Some("Café Bank".into()),
                label_issuer: None,
                name: "zoë@example.com".into(),
                secret: secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
                algorithm: Algorithm::Sha1,
                digits: 8,
                kind: Kind::Hotp { counter: 5 },
                extra_parameters: Vec::new(),
            },
            details: Details::default(),
        },
        Entry {
            id: 3,
            account: Account {
                issuer: Some("Steam".into()),
                label_issuer: Some("Steam".into()),
                name: "gabe".into(),
                secret: secret("MFRGGZDFMZTWQ2LK"),
                algorithm: Algorithm::Sha1,
                digits: 5,
                kind: Kind::Steam { period: 30 },
                extra_parameters: Vec::new(),
            },
            details: Details::default(),
        },
    ];
    let listing = vault.list().unwrap();
    assert!(listing.unreadable.is_empty(), "{:?}", listing.unreadable);
    assert_eq!(listing.entries, expected);

    let trash: Vec<Entry> = vault
        .trash()
        .unwrap()
        .into_iter()
        .map(|trashed| trashed.entry)
        .collect();
    assert_eq!(
        trash,
        vec![Entry {
            id: 4,
            account: Account {
                issuer: None,
                label_issuer: Some("Old Mail".into()),
                name: "me@old.example".into(),
                secret: secret("KRSXG5CTMVRXEZLU"),
                algorithm: Algorithm::Sha512,
                digits: 7,
                kind: Kind::Totp { period: 60 },
                extra_parameters: Vec::new(),
            },
            details: Details {
                note: "closed in 2025".into(),
                ..Details::default()
            },
        }]
    );
}

#[test]
fn the_schema_2_vault_refuses_a_wrong_password() {
    let folder = tempfile::tempdir().unwrap();
    let path = copy_of("vault-schema-2.tessera", folder.path());
    let result = LockedVault::open(&path)
        .unwrap()
        .unlock(&Password("fixture password, not a secreT"));
    assert_eq!(result.err(), Some(tessera_core::VaultError::WrongPassword));
}

#[test]
fn the_schema_2_vault_counts_on_from_its_stored_hotp_counter() {
    let folder = tempfile::tempdir().unwrap();
    let path = copy_of("vault-schema-2.tessera", folder.path());
    let mut vault = unlock(&path);
    // The secret is RFC 4226's ("12345678901234567890"), stored at counter 5: the code shown is
    // the last eight digits of appendix D's truncated value 868254676 for count 5.
    assert_eq!(vault.next_hotp_code(2).unwrap().text, "68254676");
    assert_eq!(
        vault.get(2).unwrap().account.kind,
        Kind::Hotp { counter: 6 }
    );
}
