//! Every kind of slot behind the one trait, on real vault files: each wraps and unwraps the vault
//! key, a wrong credential is its own error, the last slot stays, and a change of several slots
//! (app lock on: a password in, the device slot out) is made whole or not at all.
//!
//! The device slot's key store and the biometric keys are stand-ins of the same traits here: the
//! real Secret Service is tested in `device_slot.rs`, and a phone's biometric hardware cannot run
//! on this machine (docs/app.md says what was not verified on a phone).

mod stand_ins;

use std::path::{Path, PathBuf};

use stand_ins::{FakeBiometrics, MemoryKeyStore};

use tessera_core::vault::slots::password::PasswordParams;
use tessera_core::vault::{
    Biometric, BiometricError, Details, Device, Duplicates, LockedVault, NewBiometric, NewDevice,
    NewPassword, NewRecovery, NewSlot, Password, Platform, Recovery, SlotKind,
};
use tessera_core::{Account, Secret, Vault, VaultError};

fn quick() -> PasswordParams {
    PasswordParams::new(8 * 1024, 1, 1).unwrap()
}

/// A new slot whose making fails, after the ones before it in a change were made.
struct Refusing;

impl NewSlot for Refusing {
    fn kind(&self) -> SlotKind {
        SlotKind::Password
    }
    fn make(&self, _entry: &str) -> Result<tessera_core::vault::slots::MadeSlot, VaultError> {
        Err(VaultError::NoRandomness)
    }
}

fn vault_with(folder: &Path, first: &dyn NewSlot) -> (Vault, PathBuf) {
    let path = folder.join("vault.tessera");
    let (mut vault, _) = Vault::create(&path, first).unwrap();
    vault
        .add(
            Account::totp(
                Some("Example"),
                "ada",
                Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
            ),
            Details::default(),
            Duplicates::Refuse,
        )
        .unwrap();
    (vault, path)
}

fn names(vault: &Vault) -> Vec<String> {
    let listing = vault.list().unwrap();
    listing
        .entries
        .iter()
        .map(|entry| entry.account.name.clone())
        .collect()
}

fn kinds(path: &Path) -> Vec<SlotKind> {
    LockedVault::open(path)
        .unwrap()
        .slots()
        .unwrap()
        .iter()
        .map(|slot| slot.kind)
        .collect()
}

#[test]
fn every_kind_of_slot_opens_the_same_vault() {
    let folder = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::default();
    let biometrics = FakeBiometrics::default();
    let (mut vault, path) = vault_with(folder.path(), &NewPassword("pw", quick()));
    vault.add_slot(&NewDevice(&store)).unwrap();
    vault.add_slot(&NewBiometric(&biometrics)).unwrap();
    let code = vault.add_slot(&NewRecovery).unwrap().recovery_code.unwrap();
    drop(vault);
    for credential in [
        &Password("pw") as &dyn tessera_core::vault::Credential,
        &Device(&store),
        &Biometric(&biometrics),
        &Recovery(&code.display()),
    ] {
        let vault = LockedVault::open(&path)
            .unwrap()
            .unlock(credential)
            .unwrap();
        assert_eq!(names(&vault), ["ada"], "{:?}", credential.kind());
    }
}

#[test]
fn a_wrong_credential_of_each_kind_is_its_own_error_and_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::default();
    let (mut vault, path) = vault_with(folder.path(), &NewPassword("pw", quick()));
    vault.add_slot(&NewRecovery).unwrap();
    vault.add_slot(&NewDevice(&store)).unwrap();
    drop(vault);
    let before = std::fs::read(&path).unwrap();
    let open = || LockedVault::open(&path).unwrap();
    assert_eq!(
        open().unlock(&Password("wrong")).unwrap_err(),
        VaultError::WrongPassword
    );
    assert_eq!(
        open()
            .unlock(&Recovery("0000-0000-0000-0000-0000-0000"))
            .unwrap_err(),
        VaultError::WrongRecoveryCode
    );
    assert_eq!(
        open().unlock(&Recovery("not a code")).unwrap_err(),
        VaultError::NotARecoveryCode
    );
    assert_eq!(
        open()
            .unlock(&Device(&MemoryKeyStore::default()))
            .unwrap_err(),
        VaultError::KeyStoreEntryMissing
    );
    assert!(matches!(
        open()
            .unlock(&Biometric(&FakeBiometrics::default()))
            .unwrap_err(),
        VaultError::NoSlotOfKind {
            kind: "biometric",
            ..
        }
    ));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_biometric_slot_whose_key_was_invalidated_says_so_and_is_kept() {
    let folder = tempfile::tempdir().unwrap();
    let biometrics = FakeBiometrics::default();
    let (mut vault, path) = vault_with(folder.path(), &NewPassword("pw", quick()));
    vault.add_slot(&NewBiometric(&biometrics)).unwrap();
    drop(vault);
    *biometrics.cancel.borrow_mut() = true;
    assert_eq!(
        LockedVault::open(&path)
            .unwrap()
            .unlock(&Biometric(&biometrics))
            .unwrap_err(),
        VaultError::Biometric(BiometricError::Cancelled)
    );
    *biometrics.cancel.borrow_mut() = false;
    biometrics.enrol_new_finger();
    let refused = LockedVault::open(&path)
        .unwrap()
        .unlock(&Biometric(&biometrics))
        .unwrap_err();
    assert_eq!(refused, VaultError::Biometric(BiometricError::Invalidated));
    assert!(refused.to_string().contains("password or recovery code"));
    assert_eq!(kinds(&path), [SlotKind::Password, SlotKind::Biometric]);
    assert!(
        LockedVault::open(&path)
            .unwrap()
            .unlock(&Password("pw"))
            .is_ok()
    );
}

#[test]
fn app_lock_on_puts_a_password_in_and_takes_the_device_slot_out_in_one_change() {
    let folder = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::default();
    let (mut vault, path) = vault_with(folder.path(), &NewDevice(&store));
    assert!(vault.opens_without_asking().unwrap());
    let device_slot = vault.slots().unwrap()[0].id;
    let platform = Platform {
        key_store: Some(&store),
        biometric: None,
    };
    let added = vault
        .change_slots(
            &[&NewPassword("pw", quick()), &NewRecovery],
            &[device_slot],
            &platform,
            &[],
        )
        .unwrap();
    assert!(added[0].recovery_code.is_none());
    assert!(added[1].recovery_code.is_some());
    assert!(!vault.opens_without_asking().unwrap());
    assert_eq!(kinds(&path), [SlotKind::Password, SlotKind::Recovery]);
    assert!(
        store.0.borrow().is_empty(),
        "the device key is deleted from the key store"
    );
    drop(vault);
    assert!(
        !LockedVault::open(&path)
            .unwrap()
            .opens_without_asking()
            .unwrap()
    );
    assert!(matches!(
        LockedVault::open(&path)
            .unwrap()
            .unlock(&Device(&store))
            .unwrap_err(),
        VaultError::NoSlotOfKind { .. }
    ));
    let mut vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Password("pw"))
        .unwrap();
    assert_eq!(names(&vault), ["ada"]);
    vault.add_slot(&NewDevice(&store)).unwrap();
    drop(vault);
    assert!(
        LockedVault::open(&path)
            .unwrap()
            .opens_without_asking()
            .unwrap()
    );
}

#[test]
fn a_change_that_fails_part_way_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::default();
    let (mut vault, path) = vault_with(folder.path(), &NewDevice(&store));
    let device_slot = vault.slots().unwrap()[0].id;
    let biometrics = FakeBiometrics::default();
    let platform = Platform {
        key_store: Some(&store),
        biometric: Some(&biometrics),
    };
    let failed = vault.change_slots(
        &[&NewBiometric(&biometrics), &Refusing],
        &[device_slot],
        &platform,
        &[],
    );
    assert_eq!(failed.unwrap_err(), VaultError::NoRandomness);
    assert_eq!(kinds(&path), [SlotKind::Device]);
    assert!(
        biometrics.keys.borrow().is_empty(),
        "the new platform key is deleted again"
    );
    assert_eq!(store.0.borrow().len(), 1, "the device key is kept");
    drop(vault);
    assert!(
        LockedVault::open(&path)
            .unwrap()
            .unlock(&Device(&store))
            .is_ok()
    );
}

#[test]
fn the_last_slot_cannot_go_even_in_a_change_of_several() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = vault_with(folder.path(), &NewPassword("pw", quick()));
    let recovery = vault.add_slot(&NewRecovery).unwrap().id;
    let password = vault.slots().unwrap()[0].id;
    assert_eq!(
        vault
            .change_slots(&[], &[password, recovery], &Platform::default(), &[])
            .unwrap_err(),
        VaultError::LastSlot
    );
    assert_eq!(kinds(&path), [SlotKind::Password, SlotKind::Recovery]);
    vault
        .remove_slot(recovery, &Platform::default(), &[])
        .unwrap();
    assert_eq!(
        vault.remove_slot(password, &Platform::default(), &[]),
        Err(VaultError::LastSlot)
    );
}
