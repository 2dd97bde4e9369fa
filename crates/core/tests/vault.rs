//! The vault as its users meet it, on real SQLite files: sealed at rest, slots, every operation,
//! and errors that change nothing.

use std::path::{Path, PathBuf};

use tessera_core::vault::seal::Key;
use tessera_core::vault::slots::password::{self, PasswordParams};
use tessera_core::vault::{
    Details, Duplicates, Edit, LockedVault, NewPassword, NewRecovery, Password, Platform, Recovery,
    SlotKind,
};
use tessera_core::{Account, Kind, Secret, Vault, VaultError};

const PASSWORD: &str = "correct horse battery staple";

/// Fast Argon2 parameters: the tests are about the vault, not about the cost of guessing.
fn quick() -> PasswordParams {
    PasswordParams::new(8 * 1024, 1, 1).unwrap()
}

fn new_vault(folder: &Path) -> (Vault, PathBuf) {
    let path = folder.join("vault.tessera");
    let (vault, _) = Vault::create(&path, &NewPassword(PASSWORD, quick())).unwrap();
    (vault, path)
}

fn unlock(path: &Path) -> Result<Vault, VaultError> {
    LockedVault::open(path)?.unlock(&Password(PASSWORD))
}

fn account(issuer: &str, name: &str, secret: &str) -> Account {
    Account::totp(Some(issuer), name, Secret::from_base32(secret).unwrap())
}

/// Adds a time-based account and returns its number.
fn add(vault: &mut Vault, issuer: &str, name: &str, secret: &str) -> i64 {
    vault
        .add(
            account(issuer, name, secret),
            Details::default(),
            Duplicates::Refuse,
        )
        .unwrap()
}

fn names(vault: &Vault) -> Vec<String> {
    vault
        .list()
        .unwrap()
        .entries
        .iter()
        .map(|entry| entry.account.name.clone())
        .collect()
}

/// The bytes of the vault file and its write-ahead log (the shared-memory index is rebuilt by
/// every reader, so it is left out).
fn file_bytes(path: &Path) -> Vec<Vec<u8>> {
    ["", "-wal", "-journal"]
        .iter()
        .map(|suffix| std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default())
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn accounts_survive_closing_and_unlocking_again() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "GitHub", "octocat", "JBSWY3DPEHPK3PXP");
    add(&mut vault, "Bank", "alice", "GEZDGNBVGY3TQOJQ");
    drop(vault);
    let vault = unlock(&path).unwrap();
    assert_eq!(names(&vault), vec!["octocat", "alice"]);
    assert_eq!(
        vault.list().unwrap().entries[0]
            .account
            .secret
            .to_base32()
            .as_str(),
        "JBSWY3DPEHPK3PXP"
    );
}

#[test]
fn nothing_readable_is_in_the_files() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let secret = Secret::from_base32("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U").unwrap();
    let raw = secret.as_bytes().to_vec();
    let details = Details {
        note: "backup codes in the blue folder".into(),
        group: Some("Workgroupname".into()),
        ..Details::default()
    };
    vault
        .add(
            Account::totp(Some("Zanzibar Bank"), "quentin@example.org", secret),
            details,
            Duplicates::Refuse,
        )
        .unwrap();
    let check = |files: Vec<Vec<u8>>| {
        let all: Vec<u8> = files.concat();
        assert!(all.len() > 1000, "the files were read");
        for needle in [
            &b"MFRGGZDFMZTWQ2LK"[..],
            &raw,
            b"Zanzibar",
            b"quentin",
            b"blue folder",
            b"Workgroupname",
        ] {
            assert!(
                !contains(&all, needle),
                "{:?} found in the vault files",
                String::from_utf8_lossy(needle)
            );
        }
    };
    let files = file_bytes(&path);
    assert!(
        !files[1].is_empty(),
        "the write is still in the write-ahead log"
    );
    check(files);
    drop(vault);
    let files = file_bytes(&path);
    assert!(
        files[1].is_empty(),
        "the write-ahead log was folded into the file"
    );
    check(files);
}

#[test]
fn a_record_moved_to_another_row_is_refused_and_the_rest_still_open() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let first = add(&mut vault, "A", "first", "JBSWY3DPEHPK3PXP");
    let second = add(&mut vault, "B", "second", "GEZDGNBVGY3TQOJQ");
    let third = add(&mut vault, "C", "third", "MFRGGZDFMZTWQ2LK");
    drop(vault);
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE accounts SET sealed = (SELECT sealed FROM accounts WHERE id = ?1) WHERE id = ?2",
        [first, second],
    )
    .unwrap();
    drop(raw);
    let vault = unlock(&path).unwrap();
    let listing = vault.list().unwrap();
    assert_eq!(listing.unreadable, vec![second]);
    assert_eq!(
        listing.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![first, third]
    );
    assert_eq!(
        vault.get(second).unwrap_err(),
        VaultError::UnreadableAccount(second)
    );
    assert!(
        VaultError::UnreadableAccount(second)
            .to_string()
            .contains("damaged")
    );
}

#[test]
fn an_exact_duplicate_is_refused_unless_both_are_wanted() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, _) = new_vault(folder.path());
    let id = add(&mut vault, "GitHub", "octocat", "JBSWY3DPEHPK3PXP");
    let again = vault.add(
        account("GitHub", "octocat", "jbsw y3dp ehpk 3pxp"),
        Details::default(),
        Duplicates::Refuse,
    );
    assert_eq!(
        again,
        Err(VaultError::Duplicate {
            existing: id,
            label: "GitHub (octocat)".into()
        })
    );
    assert_eq!(names(&vault).len(), 1);
    vault
        .add(
            account("GitHub", "octocat", "JBSWY3DPEHPK3PXP"),
            Details::default(),
            Duplicates::KeepBoth,
        )
        .unwrap();
    assert_eq!(names(&vault).len(), 2);
    // Another secret at the same site is another account.
    add(&mut vault, "GitHub", "octocat", "GEZDGNBVGY3TQOJQ");
}

#[test]
fn an_import_that_fails_adds_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, _) = new_vault(folder.path());
    add(&mut vault, "Taken", "x", "JBSWY3DPEHPK3PXP");
    let batch = vec![
        (
            account("New", "one", "GEZDGNBVGY3TQOJQ"),
            Details::default(),
        ),
        (
            account("Taken", "x", "JBSWY3DPEHPK3PXP"),
            Details::default(),
        ),
    ];
    assert!(matches!(
        vault.add_all(batch, Duplicates::Refuse),
        Err(VaultError::Duplicate { .. })
    ));
    assert_eq!(names(&vault), vec!["x"]);
}

#[test]
fn edits_change_only_what_was_asked() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let id = add(&mut vault, "Old Name", "alice", "JBSWY3DPEHPK3PXP");
    let edit = Edit {
        issuer: Some(Some("New Name".into())),
        note: Some("recovery codes in the safe".into()),
        group: Some(Some("Work".into())),
        icon: Some(Some("github".into())),
        ..Edit::default()
    };
    vault.edit(id, edit).unwrap();
    vault
        .edit(
            id,
            Edit {
                name: Some("alice@example.com".into()),
                ..Edit::default()
            },
        )
        .unwrap();
    drop(vault);
    let entry = unlock(&path).unwrap().get(id).unwrap();
    assert_eq!(
        (entry.account.issuer(), entry.account.name.as_str()),
        (Some("New Name"), "alice@example.com")
    );
    assert_eq!(entry.account.issuer_conflict(), None);
    assert_eq!(
        (
            entry.details.note.as_str(),
            entry.details.group.as_deref(),
            entry.details.icon.as_deref()
        ),
        ("recovery codes in the safe", Some("Work"), Some("github"))
    );
    assert_eq!(
        entry.account.secret.to_base32().as_str(),
        "JBSWY3DPEHPK3PXP"
    );
}

#[test]
fn the_users_order_is_kept() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let ids: Vec<_> = ["a", "b", "c", "d"]
        .iter()
        .enumerate()
        .map(|(n, name)| {
            vault
                .add(
                    account("X", name, &"JBSWY3DPEHPK3PX"[..(12 + n)]),
                    Details::default(),
                    Duplicates::Refuse,
                )
                .unwrap()
        })
        .collect();
    vault.reorder(&[ids[2], ids[0]]).unwrap();
    assert_eq!(names(&vault), vec!["c", "a", "b", "d"]);
    vault.move_to(ids[3], 0).unwrap();
    drop(vault);
    let mut vault = unlock(&path).unwrap();
    assert_eq!(names(&vault), vec!["d", "c", "a", "b"]);
    assert_eq!(vault.reorder(&[999]), Err(VaultError::AccountNotFound(999)));
}

#[test]
fn removed_accounts_wait_in_the_trash_and_come_back() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let keep = add(&mut vault, "K", "keep", "JBSWY3DPEHPK3PXP");
    let gone = add(&mut vault, "G", "gone", "GEZDGNBVGY3TQOJQ");
    vault.remove(gone).unwrap();
    assert_eq!(names(&vault), vec!["keep"]);
    assert_eq!(
        vault
            .trash()
            .unwrap()
            .iter()
            .map(|t| t.entry.account.name.as_str())
            .collect::<Vec<_>>(),
        vec!["gone"]
    );
    assert_eq!(vault.remove(gone), Err(VaultError::AccountNotFound(gone)));
    vault.restore(gone).unwrap();
    assert_eq!(names(&vault), vec!["keep", "gone"]);
    assert!(vault.trash().unwrap().is_empty());
    // Thirty days later, the trash is emptied (unlocking does it, at the time of the unlock).
    vault.remove(keep).unwrap();
    let now = vault.trash().unwrap()[0].removed_at;
    assert_eq!(vault.purge_expired_trash_at(now + 29 * 86_400), Ok(0));
    assert_eq!(vault.trash().unwrap().len(), 1);
    assert_eq!(vault.purge_expired_trash_at(now + 31 * 86_400), Ok(1));
    assert!(vault.trash().unwrap().is_empty());
    assert_eq!(vault.restore(keep), Err(VaultError::AccountNotFound(keep)));
    drop(vault);
    let count: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM accounts", [], |row| row.get(0))
        .unwrap();
    assert_eq!(count, 1, "deleted from the file, not only hidden");
}

#[test]
fn each_hotp_code_is_shown_once_even_from_two_programs_at_once() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let mut hotp = account("Bank", "token", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    hotp.kind = Kind::Hotp { counter: 0 };
    let id = vault
        .add(hotp.clone(), Details::default(), Duplicates::Refuse)
        .unwrap();
    assert_eq!(vault.next_hotp_code(id).unwrap().text, "755224"); // RFC 4226, counter 0
    assert_eq!(vault.next_hotp_code(id).unwrap().text, "287082"); // counter 1
    drop(vault);
    let counters: Vec<u64> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let path = path.clone();
                scope.spawn(move || {
                    let mut vault = unlock(&path).unwrap();
                    (0..15)
                        .map(|_| vault.next_hotp_code(id).unwrap().counter)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    let mut sorted = counters.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        (2..32).collect::<Vec<u64>>(),
        "every counter used exactly once"
    );
    let vault = unlock(&path).unwrap();
    assert_eq!(
        vault.get(id).unwrap().account.kind,
        Kind::Hotp { counter: 32 }
    );
}

#[test]
fn codes_for_a_moment_cover_the_time_based_accounts_in_order() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, _) = new_vault(folder.path());
    let totp = add(&mut vault, "A", "a", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    let mut hotp = account("B", "b", "JBSWY3DPEHPK3PXP");
    hotp.kind = Kind::Hotp { counter: 3 };
    vault
        .add(hotp, Details::default(), Duplicates::Refuse)
        .unwrap();
    let codes = vault.codes_at(59).unwrap();
    assert_eq!(codes.len(), 1);
    assert_eq!(
        (codes[0].0, codes[0].1.text.as_str(), codes[0].1.valid_until),
        (totp, "287082", Some(60))
    );
}

#[test]
fn a_wrong_password_is_refused_and_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "A", "a", "JBSWY3DPEHPK3PXP");
    drop(vault);
    let before = file_bytes(&path);
    let error = LockedVault::open(&path)
        .unwrap()
        .unlock(&Password("Correct horse battery staple"))
        .unwrap_err();
    assert_eq!(error, VaultError::WrongPassword);
    assert!(error.to_string().contains("wrong password"));
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn adding_a_slot_leaves_the_accounts_as_sealed_and_removing_one_seals_them_again() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "A", "a", "JBSWY3DPEHPK3PXP");
    let sealed = || -> Vec<u8> {
        rusqlite::Connection::open(&path)
            .unwrap()
            .query_row("SELECT sealed FROM accounts", [], |r| r.get(0))
            .unwrap()
    };
    let sealed_before = sealed();
    let added = vault.add_slot(&NewRecovery).unwrap();
    let code = added
        .recovery_code
        .expect("a recovery slot gives its code once");
    let password_slot = vault.slots().unwrap()[0].id;
    drop(vault);
    assert_eq!(sealed(), sealed_before, "adding a slot re-seals nothing");

    let typed = code.display().to_lowercase().replace('-', " ");
    let mut vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Recovery(&typed))
        .unwrap();
    assert_eq!(names(&vault), vec!["a"]);
    // The recovery code that unlocked the vault is the slot that stays: nothing more is asked.
    vault
        .remove_slot(password_slot, &Platform::default(), &[])
        .unwrap();
    assert_ne!(sealed(), sealed_before, "removing a slot re-keys");
    assert_eq!(names(&vault), vec!["a"]);
    assert_eq!(
        vault
            .slots()
            .unwrap()
            .iter()
            .map(|s| s.kind)
            .collect::<Vec<_>>(),
        vec![SlotKind::Recovery]
    );
    assert_eq!(
        vault.remove_slot(added.id, &Platform::default(), &[]),
        Err(VaultError::LastSlot)
    );
    assert_eq!(
        vault.remove_slot(77, &Platform::default(), &[]),
        Err(VaultError::SlotNotFound(77))
    );
    let sealed_after = sealed();
    vault
        .add_slot(&NewPassword("a new password", quick()))
        .unwrap();
    drop(vault);
    assert_eq!(sealed(), sealed_after, "adding a slot re-seals nothing");
    assert_eq!(unlock(&path).unwrap_err(), VaultError::WrongPassword);
    assert!(
        LockedVault::open(&path)
            .unwrap()
            .unlock(&Password("a new password"))
            .is_ok()
    );
    let wrong_code = LockedVault::open(&path)
        .unwrap()
        .unlock(&Recovery("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"));
    assert_eq!(wrong_code.unwrap_err(), VaultError::WrongRecoveryCode);
    let not_a_code = LockedVault::open(&path).unwrap().unlock(&Recovery("hello"));
    assert_eq!(not_a_code.unwrap_err(), VaultError::NotARecoveryCode);
}

#[test]
fn a_vault_without_a_password_slot_says_how_it_can_be_unlocked() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("v.tessera");
    Vault::create(&path, &NewRecovery).unwrap();
    let error = unlock(&path).unwrap_err();
    assert!(
        matches!(
            error,
            VaultError::NoSlotOfKind {
                kind: "password",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("recovery code"), "{error}");
}

#[test]
fn files_that_are_not_vaults_are_refused_untouched() {
    let folder = tempfile::tempdir().unwrap();
    let missing = folder.path().join("nothing-here.tessera");
    assert!(matches!(
        LockedVault::open(&missing),
        Err(VaultError::NotFound(_))
    ));
    assert!(!missing.exists(), "opening does not create");

    let random = folder.path().join("random.tessera");
    std::fs::write(&random, vec![0x5a; 8192]).unwrap();
    assert!(matches!(
        LockedVault::open(&random),
        Err(VaultError::NotAVault(_))
    ));
    assert_eq!(std::fs::read(&random).unwrap(), vec![0x5a; 8192]);

    let other_sqlite = folder.path().join("other.sqlite");
    rusqlite::Connection::open(&other_sqlite)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let before = std::fs::read(&other_sqlite).unwrap();
    assert!(matches!(
        LockedVault::open(&other_sqlite),
        Err(VaultError::NotAVault(_))
    ));
    assert_eq!(std::fs::read(&other_sqlite).unwrap(), before);

    let (vault, path) = new_vault(folder.path());
    drop(vault);
    assert!(matches!(
        Vault::create(&path, &NewRecovery),
        Err(VaultError::AlreadyExists(_))
    ));
}

#[test]
fn a_vault_from_a_newer_tessera_is_refused_untouched() {
    let folder = tempfile::tempdir().unwrap();
    let (vault, path) = new_vault(folder.path());
    drop(vault);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 9")
        .unwrap();
    let before = file_bytes(&path);
    let error = LockedVault::open(&path).err().unwrap();
    assert_eq!(
        error,
        VaultError::NewerVersion {
            found: 9,
            supported: tessera_core::vault::SCHEMA_VERSION
        }
    );
    assert!(error.to_string().contains("update Tessera"));
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn a_damaged_file_is_reported_as_damaged() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    for n in 0..40 {
        vault
            .add(
                account("X", &format!("user{n}"), "JBSWY3DPEHPK3PXP"),
                Details::default(),
                Duplicates::KeepBoth,
            )
            .unwrap();
    }
    drop(vault);
    let mut bytes = std::fs::read(&path).unwrap();
    // Every page but the first (the header and the schema), whatever the tables' layout.
    for byte in &mut bytes[4096..] {
        *byte = 0xff;
    }
    std::fs::write(&path, &bytes).unwrap();
    // The file's pages after the first are ones SQLite cannot read: the vault reports damage
    // (not "not a vault", which would tell the user the wrong file was chosen), naming the file.
    let result = LockedVault::open(&path)
        .and_then(|locked| locked.unlock(&Password(PASSWORD)))
        .and_then(|vault| vault.list());
    assert_eq!(
        result.err(),
        Some(VaultError::Damaged(path.display().to_string()))
    );
}

#[test]
fn a_damaged_record_is_named_and_the_rest_still_open() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let first = add(&mut vault, "A", "first", "JBSWY3DPEHPK3PXP");
    let second = add(&mut vault, "B", "second", "GEZDGNBVGY3TQOJQ");
    drop(vault);
    // One bit of the second record's ciphertext flipped, as a bad sector might.
    let raw = rusqlite::Connection::open(&path).unwrap();
    let mut sealed: Vec<u8> = raw
        .query_row(
            "SELECT sealed FROM accounts WHERE id = ?1",
            [second],
            |row| row.get(0),
        )
        .unwrap();
    sealed[20] ^= 0x01;
    raw.execute(
        "UPDATE accounts SET sealed = ?1 WHERE id = ?2",
        rusqlite::params![sealed, second],
    )
    .unwrap();
    drop(raw);
    let vault = unlock(&path).unwrap();
    let listing = vault.list().unwrap();
    assert_eq!(listing.unreadable, vec![second]);
    assert_eq!(
        listing.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![first]
    );
    assert_eq!(
        vault.get(second).unwrap_err(),
        VaultError::UnreadableAccount(second)
    );
}

#[test]
fn debug_output_shows_no_secret() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, _) = new_vault(folder.path());
    add(&mut vault, "A", "a", "JBSWY3DPEHPK3PXP");
    let shown = format!("{vault:?} {:?}", vault.list().unwrap());
    assert!(
        !shown.contains("JBSW") && !shown.contains("72, 101"),
        "{shown}"
    );
}

#[test]
fn changing_the_password_keeps_the_accounts_and_retires_the_old_one() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "A", "a", "JBSWY3DPEHPK3PXP");
    let slot = vault.slots().unwrap()[0].id;
    vault
        .change_password(
            slot,
            "a better passphrase",
            quick(),
            &Platform::default(),
            &[],
        )
        .unwrap();
    assert_eq!(
        vault.change_password(99, "x", quick(), &Platform::default(), &[]),
        Err(VaultError::SlotNotFound(99))
    );
    drop(vault);
    assert_eq!(unlock(&path).unwrap_err(), VaultError::WrongPassword);
    let vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Password("a better passphrase"))
        .unwrap();
    assert_eq!(names(&vault), vec!["a"]);
}

#[test]
fn approval_servers_are_sealed_kept_and_forgotten() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let record = br#"{"server":"https://approvals.example","key":"a-device-private-key"}"#;
    let id = vault.add_approval_server(record).unwrap();
    drop(vault);
    assert!(
        !file_bytes(&path)
            .iter()
            .any(|bytes| contains(bytes, b"a-device-private-key")),
        "the enrollment is sealed at rest"
    );
    let mut vault = unlock(&path).unwrap();
    let stored = vault.approval_servers().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].0, &stored[0].1[..]), (id, &record[..]));
    vault.remove_approval_server(id).unwrap();
    assert!(vault.approval_servers().unwrap().is_empty());
    assert_eq!(
        vault.remove_approval_server(id),
        Err(VaultError::ApprovalServerNotFound(id))
    );
}

#[test]
fn a_version_1_vault_gains_the_approval_servers_table_and_keeps_its_accounts() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    add(
        &mut vault,
        "Example",
        "alice@example.com",
        "JBSWY3DPEHPK3PXP",
    );
    drop(vault);
    as_written_by_version(&path, 1);
    let mut vault = unlock(&path).unwrap();
    assert_eq!(names(&vault), vec!["alice@example.com"]);
    let id = vault.add_approval_server(b"enrollment").unwrap();
    assert_eq!(vault.approval_servers().unwrap()[0].0, id);
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, tessera_core::vault::SCHEMA_VERSION);
}

/// Replaces the Argon2 text of the vault's password slot, keeping its salt, as someone who can
/// edit the file would.
fn set_password_parameters(path: &Path, text: &str) {
    let raw = rusqlite::Connection::open(path).unwrap();
    let params: Vec<u8> = raw
        .query_row(
            "SELECT params FROM slots WHERE kind = 'password'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let mut edited = text.as_bytes().to_vec();
    edited.extend_from_slice(&params[params.len() - 16..]);
    raw.execute(
        "UPDATE slots SET params = ?1 WHERE kind = 'password'",
        [edited],
    )
    .unwrap();
}

#[test]
fn a_password_slot_edited_to_run_for_hours_is_reported_damaged_at_once() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "A", "a", "JBSWY3DPEHPK3PXP");
    let recovery = vault
        .add_slot(&NewRecovery)
        .unwrap()
        .recovery_code
        .unwrap()
        .display();
    drop(vault);
    set_password_parameters(&path, "argon2id;v=19;m=8192;t=4294967295;p=1;");
    let before = file_bytes(&path);
    let (done, outcome) = std::sync::mpsc::channel();
    let unlocking = path.clone();
    // Before the bound, this unlock ran 2^32 - 1 Argon2 passes: hours, not a test failure.
    std::thread::spawn(move || {
        let _ = done.send(unlock(&unlocking).map(|_| ()));
    });
    let error = outcome
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the unlock returned instead of deriving for hours")
        .unwrap_err();
    assert!(
        matches!(&error, VaultError::Damaged(at) if at.contains("password slot 1")),
        "{error:?}"
    );
    assert!(error.to_string().contains("damaged"), "{error}");
    assert_eq!(file_bytes(&path), before);
    // The other slots still open the vault, so the damaged one can be removed.
    let vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Recovery(&recovery))
        .unwrap();
    assert_eq!(names(&vault), vec!["a"]);
}

#[test]
fn stored_argon2_parameters_outside_what_tessera_writes_are_refused() {
    let salt = [7u8; 16];
    let read = |text: &str| {
        let mut bytes = text.as_bytes().to_vec();
        bytes.extend_from_slice(&salt);
        PasswordParams::from_bytes(&bytes)
    };
    // What the tests make, and the strongest that calibration makes, still read.
    let small = read("argon2id;v=19;m=1024;t=1;p=1;").unwrap();
    assert_eq!(
        (small.memory_kib, small.iterations, small.parallelism),
        (1024, 1, 1)
    );
    let strongest = read("argon2id;v=19;m=65536;t=64;p=1;").unwrap();
    assert_eq!(strongest.salt, salt);
    for refused in [
        "argon2id;v=19;m=8192;t=4294967295;p=1;",
        "argon2id;v=19;m=8192;t=65;p=1;",
        "argon2id;v=19;m=8192;t=0;p=1;",
        "argon2id;v=19;m=65537;t=1;p=1;",
        "argon2id;v=19;m=4294967295;t=1;p=1;",
        "argon2id;v=19;m=7;t=1;p=1;",
        "argon2id;v=19;m=8192;t=1;p=2;",
        "argon2id;v=19;m=8192;t=1;p=0;",
        "argon2id;v=19;m=8192;t=+1;p=1;",
        "argon2id;v=19;t=1;m=8192;p=1;",
        "argon2id;v=19;m=8192;t=1;p=1;t=99;",
        "argon2id;v=19;m=8192;t=1;",
        "argon2id;v=19;m=8192;t=1;p=1",
        "argon2i;v=19;m=8192;t=1;p=1;",
    ] {
        assert!(read(refused).is_err(), "{refused} was read");
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs one test of this file again in a child process with umask 022, where files made the
/// ordinary way are readable by every user; `child` names the folder it is to work in.
#[cfg(unix)]
fn run_under_umask_022(test: &str, child: &str, folder: &Path) {
    let output = std::process::Command::new("sh")
        .args(["-c", "umask 022 && exec \"$0\" \"$@\""])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(child, folder)
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{printed}");
    assert!(
        printed.contains("1 passed"),
        "the child ran the test: {printed}"
    );
}

#[cfg(unix)]
#[test]
fn a_new_vault_its_log_and_its_folders_are_private_even_under_umask_022() {
    const CHILD: &str = "TESSERA_UMASK_022_VAULT";
    let name = "a_new_vault_its_log_and_its_folders_are_private_even_under_umask_022";
    if let Some(folder) = std::env::var_os(CHILD) {
        let folder = PathBuf::from(folder);
        let witness = folder.join("made the ordinary way");
        std::fs::write(&witness, b"").unwrap();
        assert_eq!(mode(&witness), 0o644, "the umask is 022");
        let path = folder.join("data/app/vault.tessera");
        let (mut vault, _) = Vault::create(&path, &NewPassword(PASSWORD, quick())).unwrap();
        add(&mut vault, "A", "a", "JBSWY3DPEHPK3PXP");
        // While the vault is open, the write-ahead log and its index are there.
        for file in ["vault.tessera", "vault.tessera-wal", "vault.tessera-shm"] {
            assert_eq!(mode(&folder.join("data/app").join(file)), 0o600, "{file}");
        }
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    run_under_umask_022(name, CHILD, folder.path());
    assert_eq!(mode(&folder.path().join("data")), 0o700);
    assert_eq!(mode(&folder.path().join("data/app")), 0o700);
    assert_eq!(mode(&folder.path().join("data/app/vault.tessera")), 0o600);
    assert_eq!(
        names(&unlock(&folder.path().join("data/app/vault.tessera")).unwrap()),
        vec!["a"]
    );
}

#[cfg(unix)]
#[test]
fn a_vault_that_others_can_read_is_made_private_when_opened() {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().unwrap();
    let (vault, path) = new_vault(folder.path());
    drop(vault);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut vault = unlock(&path).unwrap();
    add(&mut vault, "A", "a", "JBSWY3DPEHPK3PXP");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(Path::new(&format!("{}-wal", path.display()))), 0o600);
}

/// The vault key, found by hand as `docs/vault-format.md` says: the password slot's key by
/// Argon2id, then its wrapped key opened.
fn vault_key_by_hand(raw: &rusqlite::Connection) -> (String, Key) {
    let vault_id: String = raw
        .query_row("SELECT vault_id FROM vault", [], |row| row.get(0))
        .unwrap();
    let (slot, params, wrapped): (i64, Vec<u8>, Vec<u8>) = raw
        .query_row(
            "SELECT id, params, wrapped_key FROM slots WHERE kind = 'password'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    let slot_key =
        password::derive(PASSWORD, &PasswordParams::from_bytes(&params).unwrap()).unwrap();
    let context = format!("tessera/slot/{vault_id}/{slot}/password");
    let key = slot_key.open(&wrapped, context.as_bytes()).unwrap();
    (vault_id, Key::from_slice(&key).unwrap())
}

/// Makes a vault what an older Tessera wrote: every row sealed under `version`, no list of
/// sealed records, and `user_version` set back.
fn as_written_by_version(path: &Path, version: i64) {
    let raw = rusqlite::Connection::open(path).unwrap();
    let (vault_id, key) = vault_key_by_hand(&raw);
    for table in ["accounts", "approval_servers"] {
        let rows: Vec<(i64, Vec<u8>, i64)> = raw
            .prepare(&format!("SELECT id, sealed, sealed_version FROM {table}"))
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (id, sealed, was) in rows {
            let context = |v: i64| format!("tessera/{table}/{vault_id}/{id}/{v}").into_bytes();
            let plaintext = key.open(&sealed, &context(was)).unwrap();
            raw.execute(
                &format!("UPDATE {table} SET sealed = ?1, sealed_version = ?2 WHERE id = ?3"),
                rusqlite::params![
                    key.seal(&plaintext, &context(version)).unwrap(),
                    version,
                    id
                ],
            )
            .unwrap();
        }
    }
    raw.execute_batch(&format!(
        "ALTER TABLE vault DROP COLUMN manifest; PRAGMA user_version = {version};"
    ))
    .unwrap();
    if version < 4 {
        raw.execute_batch("DROP TABLE automatic_backups").unwrap();
    }
    if version < 2 {
        raw.execute_batch("DROP TABLE approval_servers").unwrap();
    }
}

/// The sealed value and sealed version of an account row, as someone copying the file sees it.
fn sealed_row(path: &Path, id: i64) -> (Vec<u8>, i64) {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT sealed, sealed_version FROM accounts WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap()
}

fn put_back(path: &Path, id: i64, (sealed, version): &(Vec<u8>, i64)) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute(
            "UPDATE accounts SET sealed = ?1, sealed_version = ?2 WHERE id = ?3",
            rusqlite::params![sealed, version, id],
        )
        .unwrap();
}

fn hotp_account(vault: &mut Vault) -> i64 {
    let mut hotp = account("Bank", "token", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    hotp.kind = Kind::Hotp { counter: 0 };
    vault
        .add(hotp, Details::default(), Duplicates::Refuse)
        .unwrap()
}

#[test]
fn an_older_sealed_value_of_a_counter_copied_back_is_refused_not_shown_again() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let id = hotp_account(&mut vault);
    let other = add(&mut vault, "Mail", "alice", "JBSWY3DPEHPK3PXP");
    assert_eq!(vault.next_hotp_code(id).unwrap().text, "755224"); // RFC 4226, counter 0
    let at_counter_1 = sealed_row(&path, id);
    assert_eq!(vault.next_hotp_code(id).unwrap().text, "287082"); // counter 1
    drop(vault);
    put_back(&path, id, &at_counter_1);
    let mut vault = unlock(&path).unwrap();
    let listing = vault.list().unwrap();
    assert_eq!(listing.unreadable, vec![id]);
    assert_eq!(
        listing
            .entries
            .iter()
            .map(|entry| entry.id)
            .collect::<Vec<_>>(),
        vec![other]
    );
    assert_eq!(vault.get(id), Err(VaultError::UnreadableAccount(id)));
    // Counter 1's code, 287082, is not shown a second time.
    assert_eq!(
        vault.next_hotp_code(id),
        Err(VaultError::UnreadableAccount(id))
    );
    // Refusing it rewrote nothing: the older value is still there for the user to see.
    drop(vault);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let written: Vec<u8> = raw
        .query_row("SELECT sealed FROM accounts WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(
        written, at_counter_1.0,
        "the refused value was left as it was"
    );
    drop(raw);
    // As the error says, the damaged account can be removed (and added again).
    let mut vault = unlock(&path).unwrap();
    vault.remove(id).unwrap();
    assert!(vault.list().unwrap().unreadable.is_empty());
    assert!(
        vault.trash().unwrap().is_empty(),
        "a damaged account is not shown in the trash"
    );
}

#[test]
fn a_removal_time_edited_in_the_file_does_not_purge_the_account() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let kept = add(&mut vault, "Bank", "alice", "JBSWY3DPEHPK3PXP");
    let other = add(&mut vault, "Mail", "bob", "GEZDGNBVGY3TQOJQ");
    drop(vault);
    let edit = |removed_at: &str| {
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute(
                &format!("UPDATE accounts SET removed_at = {removed_at} WHERE id = ?1"),
                [kept],
            )
            .unwrap();
    };
    edit("unixepoch() - 31 * 86400");
    let mut vault = unlock(&path).unwrap();
    // Not purged, not hidden in the trash: shown as damaged.
    let listing = vault.list().unwrap();
    assert_eq!(listing.unreadable, vec![kept]);
    assert_eq!(names(&vault), vec!["bob"]);
    assert!(vault.trash().unwrap().is_empty());
    assert_eq!(vault.restore(kept), Err(VaultError::AccountNotFound(kept)));
    assert_eq!(vault.purge_expired_trash_at(i64::MAX), Ok(0));
    drop(vault);
    // The row is still in the file, and with the edit undone it is whole.
    edit("NULL");
    let vault = unlock(&path).unwrap();
    assert_eq!(names(&vault), vec!["alice", "bob"]);
    assert_eq!(vault.list().unwrap().entries[1].id, other);
}

#[test]
fn a_trashed_account_whose_removal_time_is_moved_back_is_not_purged_early() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let gone = add(&mut vault, "Bank", "alice", "JBSWY3DPEHPK3PXP");
    vault.remove(gone).unwrap();
    let removed_at = vault.trash().unwrap()[0].removed_at;
    drop(vault);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE accounts SET removed_at = removed_at - 31 * 86400 WHERE id = ?1",
            [gone],
        )
        .unwrap();
    let mut vault = unlock(&path).unwrap();
    let count = |path: &Path| -> i64 {
        rusqlite::Connection::open(path)
            .unwrap()
            .query_row("SELECT count(*) FROM accounts", [], |row| row.get(0))
            .unwrap()
    };
    assert_eq!(count(&path), 1, "not purged at the unlock");
    // It is deleted when its real 30 days are over, not before.
    assert_eq!(
        vault.purge_expired_trash_at(removed_at + 29 * 86_400),
        Ok(0)
    );
    assert_eq!(
        vault.purge_expired_trash_at(removed_at + 31 * 86_400),
        Ok(1)
    );
    assert_eq!(count(&path), 0);
}

#[test]
fn an_unenrolled_approval_server_put_back_in_the_file_is_refused() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let id = vault.add_approval_server(b"enrollment").unwrap();
    let row: (Vec<u8>, i64, i64, i64) = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT sealed, sealed_version, created_at, updated_at FROM approval_servers",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .unwrap();
    vault.remove_approval_server(id).unwrap();
    drop(vault);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO approval_servers (id, sealed, sealed_version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![id, row.0, row.1, row.2, row.3],
        )
        .unwrap();
    let vault = unlock(&path).unwrap();
    assert!(
        matches!(vault.approval_servers(), Err(VaultError::Damaged(at)) if at.contains("approval server 1"))
    );
}

#[test]
fn a_version_2_vault_is_resealed_once_and_then_refuses_its_older_rows() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let id = hotp_account(&mut vault);
    vault.next_hotp_code(id).unwrap();
    let server = vault.add_approval_server(b"enrollment").unwrap();
    drop(vault);
    as_written_by_version(&path, 2);
    let from_version_2 = sealed_row(&path, id);
    assert_eq!(from_version_2.1, 2);
    let mut vault = unlock(&path).unwrap();
    assert_eq!(
        vault.get(id).unwrap().account.kind,
        Kind::Hotp { counter: 1 }
    );
    assert_eq!(vault.approval_servers().unwrap()[0].0, server);
    assert_eq!(
        sealed_row(&path, id).1,
        tessera_core::vault::SCHEMA_VERSION,
        "sealed again under the new version at the first unlock"
    );
    vault.next_hotp_code(id).unwrap();
    drop(vault);
    // The row as version 2 had it, put back, is refused like any older value.
    put_back(&path, id, &from_version_2);
    let vault = unlock(&path).unwrap();
    assert_eq!(vault.get(id), Err(VaultError::UnreadableAccount(id)));
    drop(vault);
    // Nor can the list of sealed records be removed to let it in: its rows need it.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("UPDATE vault SET manifest = NULL", [])
        .unwrap();
    let error = unlock(&path).unwrap_err();
    assert!(
        matches!(&error, VaultError::Damaged(at) if at.contains("list of sealed records")),
        "{error:?}"
    );
}

#[test]
fn an_account_deleted_from_the_file_is_named_as_damaged_and_can_be_removed() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, path) = new_vault(folder.path());
    let deleted = add(&mut vault, "Bank", "alice", "JBSWY3DPEHPK3PXP");
    add(&mut vault, "Mail", "bob", "GEZDGNBVGY3TQOJQ");
    drop(vault);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("DELETE FROM accounts WHERE id = ?1", [deleted])
        .unwrap();
    let mut vault = unlock(&path).unwrap();
    assert_eq!(vault.list().unwrap().unreadable, vec![deleted]);
    assert_eq!(names(&vault), vec!["bob"]);
    // The user is told to remove it and add it again: removing it forgets it.
    vault.remove(deleted).unwrap();
    assert!(vault.list().unwrap().unreadable.is_empty());
    assert_eq!(
        vault.remove(deleted),
        Err(VaultError::AccountNotFound(deleted))
    );
}
