//! `tessera backups` as a user meets it: a folder and a password once, then a backup after every
//! change the command line makes, the newest N kept; a folder that cannot be written warns and
//! keeps the change; a backup restores with `tessera import`.

mod common;

use std::path::{Path, PathBuf};

use common::Run;

const PASSWORD: &str = "a vault passphrase";
const BACKUP_PASSWORD: &str = "the backup passphrase";

/// A vault opened by a password (no key store is needed), and the way to run `tessera` on it.
fn vault(folder: &Path) -> Run<'static> {
    let path = folder.join("vault.tessera");
    let leaked: &'static Path = Box::leak(path.into_boxed_path());
    let tessera = Run::new(leaked)
        .without_key_store()
        .env("TESSERA_PASSWORD", PASSWORD);
    tessera.ok(&["init", "--password"]);
    tessera
}

/// The backups in the folder, oldest first (by the time and number in their names).
fn backups(folder: &Path) -> Vec<PathBuf> {
    tessera_core::backup::folder::backups_in(folder)
        .unwrap()
        .into_iter()
        .map(|file| file.path)
        .collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[test]
fn every_change_is_backed_up_the_newest_are_kept_and_one_restores_with_import() {
    let folder = tempfile::tempdir().unwrap();
    let tessera = vault(folder.path());
    let dir = folder.path().join("Backups");
    let dir_text = dir.display().to_string();
    tessera.ok(&[
        "add",
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    ]);
    let on = tessera
        .env("TESSERA_BACKUP_PASSWORD", BACKUP_PASSWORD)
        .run(&["backups", "folder", &dir_text, "--keep", "3"]);
    assert!(on.status.success(), "{}", stderr(&on));
    assert!(
        stderr(&on).contains(&format!("automatic backups go to {dir_text}")),
        "{}",
        stderr(&on)
    );
    assert_eq!(backups(&dir).len(), 1);

    // Six changes, one of each kind the command line makes.
    tessera.ok(&[
        "add",
        "otpauth://hotp/Forge:bob?secret=GEZDGNBVGY3TQOJQ&counter=4",
    ]);
    tessera.ok(&["rename", "1", "--name", "alice@example.com"]);
    tessera.ok(&["rm", "1"]);
    tessera.ok(&["trash", "restore", "1"]);
    tessera.ok(&["code", "bob"]);
    let links = folder.path().join("links.txt");
    std::fs::write(
        &links,
        "otpauth://totp/Bank:carol?secret=MFRGGZDFMZTWQ2LK&algorithm=SHA256&digits=8\n",
    )
    .unwrap();
    let imported = tessera.run(&["import", &links.display().to_string(), "--yes"]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(
        !stderr(&imported).contains("warning"),
        "{}",
        stderr(&imported)
    );
    assert_eq!(backups(&dir).len(), 3, "{:?}", backups(&dir));

    // The list: when, how many accounts, size, name, oldest first; the newest holds all three.
    let listed = tessera.ok(&["backups", "list"]);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    let newest: Vec<&str> = lines[2].split('\t').collect();
    assert_eq!(newest[1], "3", "{listed}");
    assert!(
        newest[0].ends_with('Z') && newest[0].contains('T'),
        "{listed}"
    );
    assert_eq!(
        dir.join(newest[3]),
        *backups(&dir).last().unwrap(),
        "{listed}"
    );

    // Restoring is importing the newest backup into a new vault: the same accounts, the
    // counter moved on.
    let other = tempfile::tempdir().unwrap();
    let restored = vault(other.path());
    restored
        .env("TESSERA_IMPORT_PASSWORD", BACKUP_PASSWORD)
        .ok(&[
            "import",
            &dir.join(newest[3]).display().to_string(),
            "--yes",
        ]);
    // The same accounts in the same order (numbered afresh in the new vault).
    let accounts = |run: &Run| -> Vec<String> {
        run.ok(&["list"])
            .lines()
            .map(|line| line.split_once('\t').unwrap().1.to_string())
            .collect()
    };
    assert_eq!(accounts(&restored), accounts(&tessera));
    let next = |run: &Run| run.ok(&["code", "bob"]);
    assert_eq!(
        next(&restored),
        next(&tessera),
        "the same next counter code"
    );

    // Backing up now adds one and keeps three; a smaller number kept takes effect at once.
    tessera.ok(&["backups", "now"]);
    assert_eq!(backups(&dir).len(), 3);
    tessera.ok(&["backups", "keep", "2"]);
    assert_eq!(backups(&dir).len(), 2);
}

#[test]
fn a_folder_that_cannot_be_written_warns_and_the_change_is_kept() {
    let folder = tempfile::tempdir().unwrap();
    let tessera = vault(folder.path());
    let dir = folder.path().join("Backups");
    let dir_text = dir.display().to_string();
    tessera
        .env("TESSERA_BACKUP_PASSWORD", BACKUP_PASSWORD)
        .ok(&["backups", "folder", &dir_text]);
    // The drive taken away, and a file where the folder was (a read-only folder does not stop
    // root, who runs these tests in CI).
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, b"not a folder").unwrap();

    let added = tessera.run(&[
        "add",
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    ]);
    let said = stderr(&added);
    assert!(added.status.success(), "{said}");
    assert!(
        said.contains("warning: the change is saved, but the automatic backup was not written")
            && said.contains(&format!("{dir_text} is not a folder")),
        "{said}"
    );
    assert_eq!(tessera.ok(&["list"]).lines().count(), 1);

    // The list says the last backup failed; backing up now names the folder.
    let listed = tessera.run(&["backups", "list"]);
    assert!(
        stderr(&listed).contains("warning: the last backup, at "),
        "{}",
        stderr(&listed)
    );
    tessera.refused(&["backups", "now"], "is not a folder");

    // Put right, the next change is backed up without a warning.
    std::fs::remove_file(&dir).unwrap();
    std::fs::create_dir(&dir).unwrap();
    let renamed = tessera.run(&["rename", "1", "--name", "alice@example.com"]);
    assert!(
        !stderr(&renamed).contains("warning"),
        "{}",
        stderr(&renamed)
    );
    assert_eq!(backups(&dir).len(), 1);
    let listed = tessera.run(&["backups", "list"]);
    assert!(!stderr(&listed).contains("warning"), "{}", stderr(&listed));
}

#[test]
fn passwords_come_from_standard_input_and_backups_can_be_turned_off() {
    let folder = tempfile::tempdir().unwrap();
    let tessera = vault(folder.path());
    let dir = folder.path().join("Backups");
    let dir_text = dir.display().to_string();
    tessera.refused(&["backups", "now"], "automatic backups are off");
    tessera.refused(&["backups", "list"], "automatic backups are off");
    // The backup password first, then the vault's.
    let vault_by_stdin = Run::new(Box::leak(
        folder.path().join("vault.tessera").into_boxed_path(),
    ))
    .without_key_store();
    vault_by_stdin
        .stdin(&format!("{BACKUP_PASSWORD}\n{PASSWORD}\n"))
        .ok(&[
            "backups",
            "folder",
            &dir_text,
            "--backup-password-stdin",
            "--password-stdin",
        ]);
    // The first backup (of no accounts yet) opens with the key the vault keeps.
    let listed = tessera.ok(&["backups", "list"]);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert_eq!(listed.split('\t').nth(1), Some("0"), "{listed}");

    tessera.stdin("\n").refused(
        &["backups", "folder", &dir_text, "--backup-password-stdin"],
        "the backup password is empty",
    );
    tessera.refused(
        &["backups", "folder", &dir_text, "--keep", "0"],
        "keep between 1 and 1000",
    );

    let off = tessera.run(&["backups", "folder", "--off"]);
    assert!(
        stderr(&off).contains(&format!("the backups in {dir_text} stay there")),
        "{}",
        stderr(&off)
    );
    tessera.ok(&[
        "add",
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    ]);
    assert_eq!(backups(&dir).len(), 1, "no backup once they are off");
}
