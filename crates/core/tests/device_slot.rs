//! Device slots against the real Secret Service: gnome-keyring in a private D-Bus session, which
//! `scripts/test.sh` starts (through `scripts/with-keyring.sh`).

use tessera_core::vault::key_store::{DesktopKeyStore, KeyStoreError};
use tessera_core::vault::{
    Details, Device, Duplicates, KeyStore, LockedVault, NewDevice, NewPassword, NewRecovery,
    Password, Platform, Recovery, SlotKind,
};
use tessera_core::{Account, Secret, Vault, VaultError};

fn key_store() -> DesktopKeyStore {
    DesktopKeyStore::connect().unwrap_or_else(|error| {
        panic!("{error}: run the tests with scripts/test.sh, which starts gnome-keyring")
    })
}

#[test]
fn a_device_slot_unlocks_without_asking_across_restarts() {
    let store = key_store();
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("vault.tessera");
    let (mut vault, _) = Vault::create(&path, &NewDevice(&store)).unwrap();
    vault
        .add(
            Account::totp(
                Some("GitHub"),
                "octocat",
                Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
            ),
            Details::default(),
            Duplicates::Refuse,
        )
        .unwrap();
    drop(vault);
    let again = key_store(); // a new connection, as a new process would make
    let vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Device(&again))
        .unwrap();
    assert_eq!(vault.list().unwrap().entries[0].account.name, "octocat");
    assert_eq!(vault.slots().unwrap()[0].kind, SlotKind::Device);
}

#[test]
fn a_lost_key_store_entry_is_named_and_the_password_still_works() {
    let store = key_store();
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("vault.tessera");
    let (mut vault, device) = Vault::create(&path, &NewDevice(&store)).unwrap();
    let params = tessera_core::vault::slots::password::PasswordParams::new(8 * 1024, 1, 1).unwrap();
    vault.add_slot(&NewPassword("fallback", params)).unwrap();
    drop(vault);
    let vault_id_entry = store_entry_of(&path, device.id);
    store.delete(&vault_id_entry).unwrap();
    let error = LockedVault::open(&path)
        .unwrap()
        .unlock(&Device(&store))
        .unwrap_err();
    assert_eq!(error, VaultError::KeyStoreEntryMissing);
    assert!(error.to_string().contains("password or recovery code"));
    assert!(
        LockedVault::open(&path)
            .unwrap()
            .unlock(&Password("fallback"))
            .is_ok()
    );
}

#[test]
fn removing_a_device_slot_deletes_its_key_from_the_key_store() {
    let store = key_store();
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("vault.tessera");
    let (mut vault, device) = Vault::create(&path, &NewDevice(&store)).unwrap();
    let code = vault.add_slot(&NewRecovery).unwrap().recovery_code.unwrap();
    let entry = store_entry_of(&path, device.id);
    assert_eq!(store.load(&entry).unwrap().len(), 32);
    // The recovery slot stays, and the re-key wraps the new vault key under its code.
    vault
        .remove_slot(
            device.id,
            &Platform {
                key_store: Some(&store),
                biometric: None,
            },
            &[&Recovery(&code.display())],
        )
        .unwrap();
    assert_eq!(store.load(&entry).unwrap_err(), KeyStoreError::Missing);
}

/// The key-store entry a device slot uses, read from the vault file's plain columns.
fn store_entry_of(path: &std::path::Path, slot: i64) -> String {
    let raw = rusqlite::Connection::open(path).unwrap();
    let params: Vec<u8> = raw
        .query_row("SELECT params FROM slots WHERE id = ?1", [slot], |row| {
            row.get(0)
        })
        .unwrap();
    String::from_utf8(params).unwrap()
}
