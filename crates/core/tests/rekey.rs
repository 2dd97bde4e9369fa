//! Re-keying (issue 15), on real vault files: after a slot is removed or a password changed, an
//! old copy of the file and the credential given up open nothing written since; every slot that
//! stays still opens every record; a slot that cannot be wrapped again refuses the re-key and
//! changes nothing; and a re-key whose transaction fails leaves the vault as it was.
//!
//! The attacks are made by hand from the plain columns, as `docs/vault-format.md` ("Decrypting a
//! vault by hand") tells anyone with a copy of the file: the old slot row and its credential give
//! the old vault key, which is then tried on every sealed value of the current file.

mod stand_ins;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};
use stand_ins::{FakeBiometrics, MemoryKeyStore};
use tessera_core::vault::seal::Key;
use tessera_core::vault::slots::password::{self, PasswordParams};
use tessera_core::vault::slots::recovery::{self, RecoveryCode};
use tessera_core::vault::{
    Biometric, Details, Device, Duplicates, LockedVault, NewBiometric, NewDevice, NewPassword,
    NewRecovery, Password, Platform, Recovery, SlotKind,
};
use tessera_core::{Account, Kind, Secret, Vault, VaultError};

const PASSWORD: &str = "correct horse battery staple";

fn quick() -> PasswordParams {
    PasswordParams::new(8 * 1024, 1, 1).unwrap()
}

fn new_vault(folder: &Path) -> (Vault, PathBuf) {
    let path = folder.join("vault.tessera");
    let (vault, _) = Vault::create(&path, &NewPassword(PASSWORD, quick())).unwrap();
    (vault, path)
}

fn add(vault: &mut Vault, name: &str) -> i64 {
    vault
        .add(
            Account::totp(
                Some("Example"),
                name,
                Secret::from_bytes(name.as_bytes().to_vec()).unwrap(),
            ),
            Details::default(),
            Duplicates::Refuse,
        )
        .unwrap()
}

fn names(vault: &Vault) -> Vec<String> {
    let listing = vault.list().unwrap();
    assert!(listing.unreadable.is_empty(), "{:?}", listing.unreadable);
    listing
        .entries
        .iter()
        .map(|entry| entry.account.name.clone())
        .collect()
}

/// A copy of the vault as someone could have taken it: the write-ahead log folded into the file
/// first, then the file copied.
fn copy_of(path: &Path, folder: &Path) -> PathBuf {
    Connection::open(path)
        .unwrap()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            row.get::<_, i64>(0)
        })
        .unwrap();
    let copy = folder.join("old-copy.tessera");
    std::fs::copy(path, &copy).unwrap();
    copy
}

/// A slot row as stored: its number, parameters and wrapped vault key.
struct SlotRow {
    id: i64,
    params: Vec<u8>,
    wrapped: Vec<u8>,
}

fn vault_id(path: &Path) -> String {
    Connection::open(path)
        .unwrap()
        .query_row("SELECT vault_id FROM vault", [], |row| row.get(0))
        .unwrap()
}

fn slot_row(path: &Path, id: i64) -> SlotRow {
    Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT id, params, wrapped_key FROM slots WHERE id = ?1",
            [id],
            |row| {
                Ok(SlotRow {
                    id: row.get(0)?,
                    params: row.get(1)?,
                    wrapped: row.get(2)?,
                })
            },
        )
        .unwrap()
}

/// The vault key a slot row gives with its slot key, as "Decrypting a vault by hand" says.
fn unwrap_by_hand(vault_id: &str, slot: &SlotRow, kind: &str, slot_key: &Key) -> Key {
    let context = format!("tessera/slot/{vault_id}/{}/{kind}", slot.id);
    let bytes = slot_key
        .open(&slot.wrapped, context.as_bytes())
        .expect("the old slot row opens with its old credential");
    Key::from_slice(&bytes).unwrap()
}

/// Every sealed value in the file (accounts, approval servers, the manifest) with its associated
/// data, as `docs/vault-format.md` gives them.
fn sealed_values(path: &Path) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let raw = Connection::open(path).unwrap();
    let vault_id = vault_id(path);
    let mut values = Vec::new();
    for table in ["accounts", "approval_servers"] {
        let mut statement = raw
            .prepare(&format!("SELECT id, sealed, sealed_version FROM {table}"))
            .unwrap();
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, Vec<u8>>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (id, sealed, version) = row.unwrap();
            let context = format!("tessera/{table}/{vault_id}/{id}/{version}");
            values.push((format!("{table} {id}"), sealed, context.into_bytes()));
        }
    }
    let manifest: Vec<u8> = raw
        .query_row("SELECT manifest FROM vault", [], |row| row.get(0))
        .unwrap();
    values.push((
        "manifest".into(),
        manifest,
        format!("tessera/manifest/{vault_id}").into_bytes(),
    ));
    values
}

/// The names of the sealed values in the file that `key` opens.
fn opened_by(path: &Path, key: &Key) -> Vec<String> {
    sealed_values(path)
        .into_iter()
        .filter(|(_, sealed, context)| key.open(sealed, context).is_ok())
        .map(|(name, _, _)| name)
        .collect()
}

/// A copy of the current file with the old copy's slot row put back in place of (or beside) the
/// current one: the splice of someone who can write the file.
fn spliced(current: &Path, old: &SlotRow, kind: &str, folder: &Path) -> PathBuf {
    let copy = folder.join("spliced.tessera");
    Connection::open(current)
        .unwrap()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            row.get::<_, i64>(0)
        })
        .unwrap();
    std::fs::copy(current, &copy).unwrap();
    Connection::open(&copy)
        .unwrap()
        .execute(
            "INSERT OR REPLACE INTO slots (id, kind, params, wrapped_key, created_at) VALUES (?1, ?2, ?3, ?4, 0)",
            params![old.id, kind, old.params, old.wrapped],
        )
        .unwrap();
    copy
}

#[test]
fn an_old_copy_and_a_removed_recovery_code_open_nothing_added_since() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "before");
    vault.add_approval_server(b"enrollment before").unwrap();
    let added = vault.add_slot(&NewRecovery).unwrap();
    let code = added.recovery_code.unwrap();
    let old = copy_of(&path, folder.path());

    vault
        .remove_slot(added.id, &Platform::default(), &[])
        .unwrap();
    add(&mut vault, "after");
    vault.add_approval_server(b"enrollment after").unwrap();
    drop(vault);

    // The old copy's recovery slot and the code give the old vault key, which opens the old copy.
    let old_slot = slot_row(&old, added.id);
    let slot_key = recovery::derive(&code, &old_slot.params);
    let old_key = unwrap_by_hand(&vault_id(&old), &old_slot, "recovery", &slot_key);
    assert_eq!(
        opened_by(&old, &old_key).len(),
        3,
        "accounts 1, server 1, manifest"
    );
    // In the current file it opens nothing: not what was added since, and not what was there
    // before either (sealed again under the new key).
    assert_eq!(opened_by(&path, &old_key), Vec::<String>::new());
    assert_eq!(sealed_values(&path).len(), 5);

    // The old slot row spliced into the current file unwraps only the old key: the vault does
    // not open with the removed code.
    let spliced = spliced(&path, &old_slot, "recovery", folder.path());
    let refused = LockedVault::open(&spliced)
        .unwrap()
        .unlock(&Recovery(&code.display()))
        .unwrap_err();
    assert!(matches!(refused, VaultError::Damaged(_)), "{refused:?}");

    let vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Password(PASSWORD))
        .unwrap();
    assert_eq!(names(&vault), ["before", "after"]);
    let servers: Vec<Vec<u8>> = vault
        .approval_servers()
        .unwrap()
        .into_iter()
        .map(|(_, bytes)| bytes.to_vec())
        .collect();
    assert_eq!(
        servers,
        [b"enrollment before".to_vec(), b"enrollment after".to_vec()]
    );
}

#[test]
fn an_old_copy_and_the_old_password_open_nothing_added_since() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "before");
    let code = vault.add_slot(&NewRecovery).unwrap().recovery_code.unwrap();
    let password_slot = vault.slots().unwrap()[0].id;
    let old = copy_of(&path, folder.path());

    // The recovery slot stays: its code is given so that the new key is wrapped for it too.
    vault
        .change_password(
            password_slot,
            "a better passphrase",
            quick(),
            &Platform::default(),
            &[&Recovery(&code.display())],
        )
        .unwrap();
    add(&mut vault, "after");
    drop(vault);

    let old_slot = slot_row(&old, password_slot);
    let slot_key = password::derive(
        PASSWORD,
        &PasswordParams::from_bytes(&old_slot.params).unwrap(),
    )
    .unwrap();
    let old_key = unwrap_by_hand(&vault_id(&old), &old_slot, "password", &slot_key);
    assert_eq!(
        opened_by(&old, &old_key).len(),
        2,
        "account 1 and the manifest"
    );
    assert_eq!(opened_by(&path, &old_key), Vec::<String>::new());

    // The old password slot put back over the new one opens only the old key.
    let spliced = spliced(&path, &old_slot, "password", folder.path());
    let refused = LockedVault::open(&spliced)
        .unwrap()
        .unlock(&Password(PASSWORD))
        .unwrap_err();
    assert!(matches!(refused, VaultError::Damaged(_)), "{refused:?}");

    for credential in [
        &Password("a better passphrase") as &dyn tessera_core::vault::Credential,
        &Recovery(&code.display()),
    ] {
        let vault = LockedVault::open(&path)
            .unwrap()
            .unlock(credential)
            .unwrap();
        assert_eq!(
            names(&vault),
            ["before", "after"],
            "{:?}",
            credential.kind()
        );
    }
    assert_eq!(
        LockedVault::open(&path)
            .unwrap()
            .unlock(&Password(PASSWORD))
            .unwrap_err(),
        VaultError::WrongPassword
    );
}

#[test]
fn every_slot_that_stays_opens_every_record_after_a_rekey() {
    let folder = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::default();
    let biometrics = FakeBiometrics::default();
    let (mut vault, path) = new_vault(folder.path());
    vault.add_slot(&NewDevice(&store)).unwrap();
    vault.add_slot(&NewBiometric(&biometrics)).unwrap();
    let removed = vault.add_slot(&NewRecovery).unwrap();
    let kept_code = vault.add_slot(&NewRecovery).unwrap().recovery_code.unwrap();
    vault
        .add_slot(&NewPassword("a second password", quick()))
        .unwrap();
    add(&mut vault, "listed");
    let trashed = add(&mut vault, "trashed");
    vault.remove(trashed).unwrap();
    let mut hotp = Account::totp(
        Some("Bank"),
        "token",
        Secret::from_bytes(vec![7; 20]).unwrap(),
    );
    hotp.kind = Kind::Hotp { counter: 41 };
    let hotp = vault
        .add(hotp, Details::default(), Duplicates::Refuse)
        .unwrap();
    vault.add_approval_server(b"enrollment").unwrap();
    drop(vault);

    // Unlocked with the device: the first password and the other recovery code are asked for,
    // the biometric slot gives its key after a check.
    let platform = Platform {
        key_store: Some(&store),
        biometric: Some(&biometrics),
    };
    let mut vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Device(&store))
        .unwrap();
    let asked: Vec<(i64, SlotKind)> = vault
        .slots_to_ask_for(&[removed.id], None)
        .unwrap()
        .iter()
        .map(|slot| (slot.id, slot.kind))
        .collect();
    assert_eq!(
        asked,
        [
            (1, SlotKind::Password),
            (5, SlotKind::Recovery),
            (6, SlotKind::Password)
        ]
    );
    vault
        .remove_slot(
            removed.id,
            &platform,
            &[
                &Password(PASSWORD),
                &Password("a second password"),
                &Recovery(&kept_code.display()),
            ],
        )
        .unwrap();
    drop(vault);

    let kept_code = kept_code.display();
    for credential in [
        &Password(PASSWORD) as &dyn tessera_core::vault::Credential,
        &Password("a second password"),
        &Device(&store),
        &Biometric(&biometrics),
        &Recovery(&kept_code),
    ] {
        let mut vault = LockedVault::open(&path)
            .unwrap()
            .unlock(credential)
            .unwrap();
        assert_eq!(
            names(&vault),
            ["listed", "token"],
            "{:?}",
            credential.kind()
        );
        let trash = vault.trash().unwrap();
        assert_eq!(trash.len(), 1);
        assert_eq!(trash[0].entry.account.name, "trashed");
        assert_eq!(
            vault.approval_servers().unwrap()[0].1.as_slice(),
            b"enrollment"
        );
        assert_eq!(
            vault.get(hotp).unwrap().account.kind,
            Kind::Hotp { counter: 41 }
        );
        vault.restore(trashed).unwrap();
        vault.remove(trashed).unwrap();
    }
    assert_eq!(
        LockedVault::open(&path)
            .unwrap()
            .unlock(&Recovery(&removed.recovery_code.unwrap().display()))
            .unwrap_err(),
        VaultError::WrongRecoveryCode
    );
}

#[test]
fn a_slot_that_cannot_be_wrapped_again_refuses_the_rekey_and_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let biometrics = FakeBiometrics::default();
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "kept");
    let recovery = vault.add_slot(&NewRecovery).unwrap();
    let code = recovery.recovery_code.unwrap().display();
    let biometric = vault.add_slot(&NewBiometric(&biometrics)).unwrap().id;
    let with_biometrics = Platform {
        key_store: None,
        biometric: Some(&biometrics),
    };
    let before = sealed_values(&path);
    let slots_before = LockedVault::open(&path).unwrap().slots().unwrap();

    // No code given, or a wrong one: the recovery slot is named.
    let other_code = RecoveryCode::generate().unwrap().display();
    for given in [
        &[][..],
        &[&Recovery(&other_code) as &dyn tessera_core::vault::Credential],
    ] {
        let refused = vault.rekey(&with_biometrics, given).unwrap_err();
        assert_eq!(
            refused,
            VaultError::SlotCannotBeKept {
                id: recovery.id,
                needs: "your recovery code".into()
            }
        );
        assert!(
            refused.to_string().contains("remove slot 2 too"),
            "{refused}"
        );
    }
    assert_eq!(
        vault.rekey(&with_biometrics, &[&Recovery("not a code")]),
        Err(VaultError::NotARecoveryCode)
    );
    // Without biometric keys here (a desktop), the biometric slot cannot stay.
    assert_eq!(
        vault.rekey(&Platform::default(), &[&Recovery(&code)]),
        Err(VaultError::SlotCannotBeKept {
            id: biometric,
            needs: "your fingerprint or face".into()
        })
    );
    // A cancelled check is said as it is.
    *biometrics.cancel.borrow_mut() = true;
    assert_eq!(
        vault.rekey(&with_biometrics, &[&Recovery(&code)]),
        Err(VaultError::Biometric(
            tessera_core::vault::BiometricError::Cancelled
        ))
    );
    *biometrics.cancel.borrow_mut() = false;
    // A slot of a kind from a newer Tessera cannot be wrapped by this one.
    let raw = Connection::open(&path).unwrap();
    raw.execute(
        "INSERT INTO slots (id, kind, params, wrapped_key, created_at) VALUES (9, 'hardware-token', x'00', x'00', 0)",
        [],
    )
    .unwrap();
    let refused = vault
        .rekey(&with_biometrics, &[&Recovery(&code)])
        .unwrap_err();
    assert!(
        matches!(&refused, VaultError::SlotCannotBeKept { id: 9, needs } if needs.contains("newer version")),
        "{refused:?}"
    );
    raw.execute("DELETE FROM slots WHERE id = 9", []).unwrap();

    assert_eq!(sealed_values(&path), before, "nothing was sealed again");
    assert_eq!(
        LockedVault::open(&path).unwrap().slots().unwrap(),
        slots_before
    );
    assert_eq!(names(&vault), ["kept"]);
    vault.rekey(&with_biometrics, &[&Recovery(&code)]).unwrap();
    assert_ne!(sealed_values(&path), before);
    drop(vault);
    let vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Biometric(&biometrics))
        .unwrap();
    assert_eq!(names(&vault), ["kept"]);
}

#[test]
fn a_rekey_on_request_replaces_the_key_in_the_file_and_in_memory() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "before");
    let old = copy_of(&path, folder.path());
    let old_slot = slot_row(&old, 1);
    let slot_key = password::derive(
        PASSWORD,
        &PasswordParams::from_bytes(&old_slot.params).unwrap(),
    )
    .unwrap();
    let old_key = unwrap_by_hand(&vault_id(&old), &old_slot, "password", &slot_key);

    vault.rekey(&Platform::default(), &[]).unwrap();
    // The vault goes on with the new key: what it writes now opens after the next unlock.
    add(&mut vault, "after");
    assert_eq!(names(&vault), ["before", "after"]);
    drop(vault);
    assert_eq!(opened_by(&path, &old_key), Vec::<String>::new());
    let new_key = unwrap_by_hand(&vault_id(&path), &slot_row(&path, 1), "password", &slot_key);
    assert_ne!(new_key.as_bytes(), old_key.as_bytes());
    assert_eq!(opened_by(&path, &new_key).len(), 3);
    let vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Password(PASSWORD))
        .unwrap();
    assert_eq!(names(&vault), ["before", "after"]);
}

#[test]
fn a_rekey_whose_transaction_fails_leaves_the_vault_as_it_was() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "kept");
    let code = vault.add_slot(&NewRecovery).unwrap().recovery_code.unwrap();
    let before = sealed_values(&path);
    // The write fails after every row was sealed again, when the slots are wrapped again.
    let raw = Connection::open(&path).unwrap();
    raw.execute_batch(
        "CREATE TRIGGER no_slot_updates BEFORE UPDATE ON slots BEGIN SELECT RAISE(ABORT, 'refused'); END;",
    )
    .unwrap();
    let failed = vault.rekey(&Platform::default(), &[&Recovery(&code.display())]);
    assert!(
        matches!(&failed, Err(VaultError::Storage(message)) if message.contains("refused")),
        "{failed:?}"
    );
    raw.execute_batch("DROP TRIGGER no_slot_updates").unwrap();
    assert_eq!(sealed_values(&path), before, "the rows were rolled back");

    // The vault in memory kept its key, and both slots still open the file.
    add(&mut vault, "after");
    drop(vault);
    for credential in [
        &Password(PASSWORD) as &dyn tessera_core::vault::Credential,
        &Recovery(&code.display()),
    ] {
        let vault = LockedVault::open(&path)
            .unwrap()
            .unlock(credential)
            .unwrap();
        assert_eq!(names(&vault), ["kept", "after"]);
    }
}

#[test]
fn a_rekey_made_by_another_program_is_told_apart_from_damage_and_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let code = vault.add_slot(&NewRecovery).unwrap().recovery_code.unwrap();
    let mut elsewhere = LockedVault::open(&path)
        .unwrap()
        .unlock(&Password(PASSWORD))
        .unwrap();
    elsewhere
        .rekey(&Platform::default(), &[&Recovery(&code.display())])
        .unwrap();
    // This one still holds the old key: wrapping it into a new slot would make a slot that
    // opens nothing, and re-keying from it would fail half-way.
    assert_eq!(
        vault.add_slot(&NewRecovery).unwrap_err(),
        VaultError::ChangedElsewhere
    );
    assert_eq!(
        vault.rekey(&Platform::default(), &[&Recovery(&code.display())]),
        Err(VaultError::ChangedElsewhere)
    );
    assert_eq!(LockedVault::open(&path).unwrap().slots().unwrap().len(), 2);
    // Nor is its list of sealed records, which no longer opens with the old key, taken for
    // damage: the way out is to unlock again, not to restore a backup.
    let reading = vault.list().unwrap_err();
    assert_eq!(reading, VaultError::ChangedElsewhere);
    assert!(reading.to_string().contains("unlock it again"), "{reading}");
    assert_eq!(
        vault
            .add(
                Account::totp(None, "late", Secret::from_bytes(vec![1; 10]).unwrap()),
                Details::default(),
                Duplicates::KeepBoth,
            )
            .unwrap_err(),
        VaultError::ChangedElsewhere
    );
    drop(vault);
    let vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Password(PASSWORD))
        .unwrap();
    assert_eq!(names(&vault), Vec::<String>::new());
}
