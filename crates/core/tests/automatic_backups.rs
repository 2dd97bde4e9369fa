//! Automatic backups on real files: one after every change, the newest N kept, each restorable by
//! importing it; a folder that cannot be written never loses the change; a writer killed in the
//! middle of a backup leaves the earlier ones readable.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use tessera_core::backup::automatic::DEFAULT_KEEP;
use tessera_core::backup::folder::{self, parse_name};
use tessera_core::backup::{AutomaticBackupError, FolderError, Protection, read_backup};
use tessera_core::import::ImportSession;
use tessera_core::vault::slots::password::PasswordParams;
use tessera_core::vault::{Details, Duplicates, Edit, LockedVault, NewPassword, Password};
use tessera_core::{Account, Kind, Secret, Vault, VaultError};

const PASSWORD: &str = "vault password";
const BACKUP_PASSWORD: &str = "backup password, kept apart";

/// Fast Argon2 parameters: these tests are about files, not about the cost of guessing.
fn quick() -> PasswordParams {
    PasswordParams::new(8 * 1024, 1, 1).unwrap()
}

fn protection() -> Protection {
    Protection::password(BACKUP_PASSWORD, quick()).unwrap()
}

fn new_vault(folder: &Path) -> (Vault, PathBuf) {
    let path = folder.join("vault.tessera");
    let (vault, _) = Vault::create(&path, &NewPassword(PASSWORD, quick())).unwrap();
    (vault, path)
}

fn unlock(path: &Path) -> Vault {
    LockedVault::open(path)
        .unwrap()
        .unlock(&Password(PASSWORD))
        .unwrap()
}

fn account(name: &str) -> Account {
    let secret = Secret::from_bytes(format!("{name} secret bytes").into_bytes()).unwrap();
    Account::totp(Some("Example"), name, secret)
}

fn add(vault: &mut Vault, name: &str) -> i64 {
    vault
        .add(account(name), Details::default(), Duplicates::Refuse)
        .unwrap()
}

/// The backups in the folder, oldest first.
fn backups(folder: &Path) -> Vec<PathBuf> {
    folder::backups_in(folder)
        .unwrap()
        .into_iter()
        .map(|file| file.path)
        .collect()
}

/// The accounts and details a vault lists, to compare with a restore.
fn contents(vault: &Vault) -> Vec<(Account, Details)> {
    vault
        .list()
        .unwrap()
        .entries
        .into_iter()
        .map(|entry| (entry.account, entry.details))
        .collect()
}

/// Restores a backup the way a user does: importing it into a new, empty vault.
fn restore(backup: &Path, into: &Path) -> Vec<(Account, Details)> {
    let (mut vault, _) =
        Vault::create(&into.join("restored.tessera"), &NewPassword("x", quick())).unwrap();
    let mut session = ImportSession::new();
    let format = session
        .add_file(&std::fs::read(backup).unwrap(), None, Some(BACKUP_PASSWORD))
        .unwrap();
    assert_eq!(format.id(), "tessera");
    session.add_to(&mut vault, Duplicates::Refuse).unwrap();
    contents(&vault)
}

#[test]
fn n_plus_three_changes_keep_exactly_n_and_the_newest_restores_the_vault() {
    let folder = tempfile::tempdir().unwrap();
    let backups_folder = folder.path().join("Backups");
    let (mut vault, _) = new_vault(folder.path());
    let first = add(&mut vault, "alice");
    let mut hotp = account("token");
    hotp.kind = Kind::Hotp { counter: 7 };
    let hotp = vault
        .add(hotp, Details::default(), Duplicates::Refuse)
        .unwrap();
    // Turning on writes the first backup at once (and makes the folder, owner-only).
    let written = vault
        .turn_on_automatic_backups(&backups_folder, DEFAULT_KEEP, &protection())
        .unwrap();
    assert_eq!(written.accounts, 2);
    assert_eq!(backups(&backups_folder).len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&backups_folder), 0o700);
        assert_eq!(mode(&backups(&backups_folder)[0]), 0o600);
    }

    // N + 3 changes of every kind: adding, editing, removing, restoring, a counter moving on,
    // reordering.
    let keep = DEFAULT_KEEP as usize;
    let mut changes = 0;
    let mut change = |vault: &mut Vault, n: usize| {
        match n % 6 {
            0 => {
                add(vault, &format!("user{n}"));
            }
            1 => {
                let note = Edit {
                    note: Some(format!("note {n}")),
                    group: Some(Some("Work".into())),
                    ..Edit::default()
                };
                vault.edit(first, note).unwrap();
            }
            2 => vault.remove(first).unwrap(),
            3 => vault.restore(first).unwrap(),
            4 => {
                vault.next_hotp_code(hotp).unwrap();
            }
            _ => vault.move_to(hotp, 0).unwrap(),
        }
        let outcome = vault
            .take_backup_outcome()
            .expect("a backup after the change");
        assert!(outcome.is_ok(), "{outcome:?}");
        changes += 1;
    };
    for n in 0..keep + 3 {
        change(&mut vault, n);
    }
    assert_eq!(changes, keep + 3);
    let kept = backups(&backups_folder);
    assert_eq!(kept.len(), keep, "{kept:?}");

    let status = vault.automatic_backups().unwrap().unwrap();
    assert_eq!(status.keep, DEFAULT_KEEP);
    assert_eq!(status.folder, backups_folder);
    assert_eq!(status.last_failure, None);
    let newest = kept.last().unwrap();
    assert_eq!(
        status.last_written.unwrap().name,
        newest.file_name().unwrap().to_str().unwrap()
    );
    // The newest backup is the vault as it is now: every field, the counter, the order.
    let restored = restore(newest, folder.path());
    assert_eq!(restored, contents(&vault));
    assert!(
        restored
            .iter()
            .any(|(account, _)| account.kind == Kind::Hotp { counter: 9 })
    );
    // Every backup kept reads with the password, and the listing opens each with the key the
    // vault keeps (no password asked) to count its accounts.
    for backup in &kept {
        read_backup(&std::fs::read(backup).unwrap(), BACKUP_PASSWORD).unwrap();
    }
    let listed = vault.backup_files().unwrap();
    assert_eq!(listed.len(), keep);
    assert_eq!(
        listed.last().unwrap().accounts,
        Some(contents(&vault).len())
    );
}

#[test]
fn each_backup_restores_the_accounts_as_they_were_at_that_change() {
    let folder = tempfile::tempdir().unwrap();
    let backups_folder = folder.path().join("Backups");
    let (mut vault, _) = new_vault(folder.path());
    vault
        .turn_on_automatic_backups(&backups_folder, 5, &protection())
        .unwrap();
    let mut states = vec![contents(&vault)];
    for name in ["alice", "bob", "carol"] {
        add(&mut vault, name);
        states.push(contents(&vault));
    }
    let kept = backups(&backups_folder);
    assert_eq!(kept.len(), states.len());
    for (backup, state) in kept.iter().zip(&states) {
        let into = tempfile::tempdir().unwrap();
        assert_eq!(&restore(backup, into.path()), state, "{}", backup.display());
    }
}

/// Makes `folder` impossible to write into: read-only where that stops this process (not as
/// root, which writes anyway), else a file put in its place. Returns the failure to expect.
fn make_unwritable(folder: &Path) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o500)).unwrap();
        let probe = folder.join("probe");
        if std::fs::write(&probe, b"").is_err() {
            return "denied";
        }
        std::fs::remove_file(probe).unwrap();
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    std::fs::remove_dir_all(folder).unwrap();
    std::fs::write(folder, b"not a folder any more").unwrap();
    "not_a_folder"
}

fn make_writable(folder: &Path) {
    if folder.is_file() {
        std::fs::remove_file(folder).unwrap();
        std::fs::create_dir(folder).unwrap();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}

#[test]
fn a_folder_that_cannot_be_written_shows_the_failure_and_the_change_still_lands() {
    let folder = tempfile::tempdir().unwrap();
    let backups_folder = folder.path().join("Backups");
    let (mut vault, path) = new_vault(folder.path());
    vault
        .turn_on_automatic_backups(&backups_folder, 3, &protection())
        .unwrap();
    let expected = make_unwritable(&backups_folder);

    let id = add(&mut vault, "alice");
    let outcome = vault.take_backup_outcome().unwrap().unwrap_err();
    assert_eq!(outcome.code(), expected, "{outcome}");
    assert!(
        outcome
            .to_string()
            .contains(&backups_folder.display().to_string())
    );
    assert_eq!(vault.get(id).unwrap().account.name, "alice");

    // The failure is kept in the vault: another program, or the app after a restart, sees it.
    drop(vault);
    let mut vault = unlock(&path);
    assert_eq!(vault.get(id).unwrap().account.name, "alice");
    let failure = vault
        .automatic_backups()
        .unwrap()
        .unwrap()
        .last_failure
        .expect("the failure is remembered");
    assert_eq!(failure.code, expected);
    assert!(failure.message.contains("Backups"), "{}", failure.message);
    assert!(matches!(
        vault.back_up_now(),
        Err(AutomaticBackupError::Folder(_))
    ));

    // Once the folder works again, the next change's backup clears the warning.
    make_writable(&backups_folder);
    add(&mut vault, "bob");
    assert!(vault.take_backup_outcome().unwrap().is_ok());
    let status = vault.automatic_backups().unwrap().unwrap();
    assert_eq!(status.last_failure, None);
    assert_eq!(status.last_written.unwrap().accounts, 2);
}

#[test]
fn a_drive_that_is_not_plugged_in_is_named_and_no_folder_is_made_in_its_place() {
    let folder = tempfile::tempdir().unwrap();
    let stick = folder.path().join("media/USB STICK");
    let (mut vault, _) = new_vault(folder.path());
    vault
        .turn_on_automatic_backups(&stick, 3, &protection())
        .unwrap();
    std::fs::remove_dir_all(folder.path().join("media")).unwrap();
    add(&mut vault, "alice");
    assert_eq!(
        vault.take_backup_outcome().unwrap().unwrap_err(),
        AutomaticBackupError::Folder(FolderError::Missing(stick.display().to_string()))
    );
    assert!(!folder.path().join("media").exists());
    assert_eq!(vault.list().unwrap().entries.len(), 1);
}

#[test]
fn turning_on_with_a_folder_that_does_not_work_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let (mut vault, _) = new_vault(folder.path());
    let file = folder.path().join("a file");
    std::fs::write(&file, b"mine").unwrap();
    assert_eq!(
        vault
            .turn_on_automatic_backups(&file, 3, &protection())
            .unwrap_err(),
        AutomaticBackupError::Folder(FolderError::NotAFolder(file.display().to_string()))
    );
    assert_eq!(
        vault
            .turn_on_automatic_backups(Path::new("relative"), 3, &protection())
            .unwrap_err()
            .code(),
        "relative"
    );
    assert_eq!(
        vault
            .turn_on_automatic_backups(folder.path(), 0, &protection())
            .unwrap_err(),
        AutomaticBackupError::Keep(0)
    );
    assert_eq!(vault.automatic_backups().unwrap(), None);
    assert_eq!(vault.back_up_now().unwrap_err(), AutomaticBackupError::Off);
    add(&mut vault, "alice");
    assert_eq!(
        vault.take_backup_outcome(),
        None,
        "off: no backup, no warning"
    );
}

#[test]
fn changing_the_number_kept_and_turning_off_need_no_password_and_keep_the_files() {
    let folder = tempfile::tempdir().unwrap();
    let backups_folder = folder.path().join("Backups");
    let (mut vault, _) = new_vault(folder.path());
    vault
        .turn_on_automatic_backups(&backups_folder, 5, &protection())
        .unwrap();
    for name in ["a", "b", "c", "d"] {
        add(&mut vault, name);
    }
    assert_eq!(backups(&backups_folder).len(), 5);
    vault.change_automatic_backups(None, Some(2)).unwrap();
    assert_eq!(backups(&backups_folder).len(), 2);
    let elsewhere = folder.path().join("Elsewhere");
    let written = vault
        .change_automatic_backups(Some(&elsewhere), None)
        .unwrap();
    assert_eq!(backups(&elsewhere).len(), 1);
    // The backup in the new folder opens with the password set before.
    read_backup(
        &std::fs::read(elsewhere.join(&written.name)).unwrap(),
        BACKUP_PASSWORD,
    )
    .unwrap();

    assert!(vault.turn_off_automatic_backups().unwrap());
    assert!(!vault.turn_off_automatic_backups().unwrap());
    add(&mut vault, "e");
    assert_eq!(vault.take_backup_outcome(), None);
    assert_eq!(backups(&elsewhere).len(), 1, "the files stay");
    assert_eq!(backups(&backups_folder).len(), 2);
}

#[test]
fn backups_made_with_another_password_are_listed_without_a_count() {
    let folder = tempfile::tempdir().unwrap();
    let backups_folder = folder.path().join("Backups");
    let (mut vault, _) = new_vault(folder.path());
    vault
        .turn_on_automatic_backups(&backups_folder, 5, &protection())
        .unwrap();
    add(&mut vault, "alice");
    let other = Protection::password("another password", quick()).unwrap();
    vault
        .turn_on_automatic_backups(&backups_folder, 5, &other)
        .unwrap();
    let counts: Vec<Option<usize>> = vault
        .backup_files()
        .unwrap()
        .iter()
        .map(|listed| listed.accounts)
        .collect();
    assert_eq!(counts, [None, None, Some(1)]);
}

#[test]
fn the_settings_are_sealed_and_an_older_copy_put_back_is_refused() {
    let folder = tempfile::tempdir().unwrap();
    let backups_folder = folder.path().join("Backups-f1e2d3");
    let (mut vault, path) = new_vault(folder.path());
    vault
        .turn_on_automatic_backups(&backups_folder, 3, &protection())
        .unwrap();
    let raw = || rusqlite::Connection::open(&path).unwrap();
    let older: Vec<u8> = raw()
        .query_row("SELECT sealed FROM automatic_backups", [], |row| row.get(0))
        .unwrap();
    add(&mut vault, "alice");
    drop(vault);
    // Neither the folder nor anything else of the settings is in the file in the clear.
    for suffix in ["", "-wal"] {
        let bytes = std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default();
        assert!(!bytes.windows(6).any(|window| window == b"f1e2d3"));
    }
    raw()
        .execute("UPDATE automatic_backups SET sealed = ?1", [older])
        .unwrap();
    let vault = unlock(&path);
    assert!(matches!(
        vault.automatic_backups(),
        Err(VaultError::Damaged(at)) if at.contains("automatic backup")
    ));
    drop(vault);
    // Deleting the row does not turn backups off unnoticed either.
    raw().execute("DELETE FROM automatic_backups", []).unwrap();
    let mut vault = unlock(&path);
    assert!(matches!(
        vault.automatic_backups(),
        Err(VaultError::Damaged(_))
    ));
    // The change is kept all the same, and the failed backup says why.
    add(&mut vault, "bob");
    assert_eq!(
        vault.take_backup_outcome().unwrap().unwrap_err().code(),
        "vault"
    );
    assert_eq!(vault.list().unwrap().entries.len(), 2);
}

const WRITER: &str = "TESSERA_BACKUP_WRITER";
const ROUNDS: u64 = 12;
const KEEP: u32 = 3;

#[test]
fn a_writer_killed_during_backups_leaves_the_earlier_ones_readable() {
    if let Ok(path) = std::env::var(WRITER) {
        back_up_until_killed(Path::new(&path));
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let backups_folder = folder.path().join("Backups");
    let (mut vault, path) = new_vault(folder.path());
    // Enough accounts, with notes, that a backup takes a while to write.
    let many: Vec<(Account, Details)> = (0..400)
        .map(|n| {
            let details = Details {
                note: format!("recovery codes for account {n}: ").repeat(8),
                ..Details::default()
            };
            (account(&format!("seed{n}")), details)
        })
        .collect();
    vault.add_all(many, Duplicates::Refuse).unwrap();
    vault
        .turn_on_automatic_backups(&backups_folder, KEEP, &protection())
        .unwrap();
    drop(vault);

    let mut random = 0x2545_f491_4f6c_dd1du64;
    let mut reported = 0;
    for round in 0..ROUNDS {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_writer_killed_during_backups_leaves_the_earlier_ones_readable",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WRITER, &path)
            .env("TESSERA_BACKUP_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
        });
        std::thread::sleep(Duration::from_millis(50 + random % 400));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let last_reported = reader
            .join()
            .unwrap()
            .into_iter()
            .filter_map(|line| {
                line.split_once("backed up ")
                    .map(|(_, rest)| rest.to_string())
            })
            .inspect(|_| reported += 1)
            .last();

        // Every file named as a backup reads whole with the password: never half-written.
        let kept = backups(&backups_folder);
        assert!(!kept.is_empty());
        assert!(
            kept.len() <= KEEP as usize + 1,
            "killed between writing and removing the oldest: one more at most, not {}",
            kept.len()
        );
        for backup in &kept {
            let found = read_backup(&std::fs::read(backup).unwrap(), BACKUP_PASSWORD)
                .unwrap_or_else(|error| panic!("{}: {error}", backup.display()));
            assert!(found.accounts.len() >= 400);
        }
        // The last backup the writer reported is still there (at most one came after it).
        if let Some(line) = last_reported {
            let (name, accounts) = line.split_once(' ').unwrap();
            let backup = backups_folder.join(name);
            let found = read_backup(&std::fs::read(&backup).unwrap(), BACKUP_PASSWORD).unwrap();
            assert_eq!(found.accounts.len().to_string(), accounts);
        }
        for file in std::fs::read_dir(&backups_folder).unwrap() {
            let name = file.unwrap().file_name().into_string().unwrap();
            assert!(
                parse_name(&name).is_some() || name.ends_with(".partial"),
                "{name}"
            );
        }
    }
    println!("{reported} backups were reported written over {ROUNDS} killed writers");
    assert!(
        reported >= ROUNDS as usize,
        "only {reported} backups were made"
    );

    // The next backup, undisturbed, brings the folder back to exactly the number kept.
    let mut vault = unlock(&path);
    vault.back_up_now().unwrap();
    assert_eq!(backups(&backups_folder).len(), KEEP as usize);
}

fn back_up_until_killed(path: &Path) {
    let round = std::env::var("TESSERA_BACKUP_ROUND").unwrap();
    let mut vault = unlock(path);
    let mut stdout = std::io::stdout();
    for n in 0.. {
        add(&mut vault, &format!("writer{round}-{n}"));
        let written = vault.take_backup_outcome().unwrap().unwrap();
        writeln!(stdout, "backed up {} {}", written.name, written.accounts).unwrap();
        stdout.flush().unwrap();
    }
}

#[test]
fn a_rekey_keeps_the_backup_settings_and_the_next_change_is_backed_up() {
    use tessera_core::vault::{NewRecovery, Platform};
    let folder = tempfile::tempdir().unwrap();
    let backups_folder = folder.path().join("Backups");
    let (mut vault, path) = new_vault(folder.path());
    add(&mut vault, "alice");
    let recovery = vault.add_slot(&NewRecovery).unwrap();
    vault
        .turn_on_automatic_backups(&backups_folder, 5, &protection())
        .unwrap();
    // Removing the recovery slot seals every record again under a new vault key, the backups'
    // settings with them.
    vault
        .remove_slot(recovery.id, &Platform::default(), &[])
        .unwrap();
    add(&mut vault, "bob");
    assert_eq!(
        backups(&backups_folder).len(),
        2,
        "the change after the re-key was backed up"
    );
    let reopened = unlock(&path);
    let settings = reopened.automatic_backups().unwrap().expect("still on");
    assert_eq!(settings.keep, 5);
    let newest = backups(&backups_folder).pop().unwrap();
    let names: Vec<String> = restore(&newest, folder.path())
        .into_iter()
        .map(|(account, _)| account.name)
        .collect();
    assert_eq!(names, ["alice", "bob"]);
}
