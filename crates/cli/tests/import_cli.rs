//! `tessera import` as a user meets it: the list first, then all or nothing; files it cannot
//! read are refused and change nothing.

mod common;

use std::path::{Path, PathBuf};

use common::Run;

const PASSWORD: &str = "a vault passphrase";

fn file_bytes(path: &Path) -> Vec<Vec<u8>> {
    ["", "-wal"]
        .iter()
        .map(|suffix| std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default())
        .collect()
}

/// A vault opened by a password (no key store is needed), and the way to run `tessera` on it.
fn vault(folder: &tempfile::TempDir) -> (PathBuf, Run<'static>) {
    let path = folder.path().join("vault.tessera");
    let leaked: &'static Path = Box::leak(path.clone().into_boxed_path());
    let tessera = Run::new(leaked)
        .without_key_store()
        .env("TESSERA_PASSWORD", PASSWORD);
    tessera.ok(&["init", "--password"]);
    (path, tessera)
}

fn write(folder: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = folder.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

const LIST: &str = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP\n\
    otpauth://hotp/Forge:bob?secret=GEZDGNBVGY3TQOJQ&counter=4\n\
    otpauth://motp/Old:carol?secret=JBSWY3DPEHPK3PXP\n\
    otpauth://totp/Bank:dave?secret=MFRGGZDFMZTWQ2LK&algorithm=SHA256&digits=8\n";

#[test]
fn a_file_is_listed_then_added_whole_and_a_second_import_adds_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let (_, tessera) = vault(&folder);
    let file = write(&folder, "links.txt", LIST.as_bytes());
    let output = tessera.run(&["import", &file, "--yes"]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    );
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("Example\talice\ttotp"), "{stderr}");
    assert!(stderr.contains("Forge\tbob\thotp"), "{stderr}");
    assert_eq!(stdout, "added 3 accounts\n");
    assert!(
        stderr.contains("'line 3': 'motp' codes are not supported"),
        "{stderr}"
    );
    let listed = tessera.ok(&["list"]);
    assert_eq!(listed.lines().count(), 3, "{listed}");

    let again = tessera.run(&["import", &file, "--yes"]);
    let said = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(2), "{said}");
    assert!(
        said.contains("already in the vault (account 1): skipped"),
        "{said}"
    );
    assert!(said.contains("there is nothing to add"), "{said}");
    assert_eq!(tessera.ok(&["list"]).lines().count(), 3);
    let again = tessera.run(&["import", &file, "--yes", "--keep-both"]);
    assert!(again.status.success());
    assert_eq!(tessera.ok(&["list"]).lines().count(), 6);
}

#[test]
fn unknown_damaged_and_missing_files_are_refused_and_change_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let (path, tessera) = vault(&folder);
    let before = file_bytes(&path);
    let noise = write(&folder, "noise.bin", &[0x9f; 300]);
    tessera.refused(&["import", &noise, "--yes"], "does not recognise this file");
    let missing = folder.path().join("nothing.json").display().to_string();
    tessera.refused(&["import", &missing, "--yes"], "there is no file at");
    tessera.refused(
        &["import", &noise, "--from", "wordperfect", "--yes"],
        "no import format called 'wordperfect'",
    );
    assert_eq!(file_bytes(&path), before, "nothing was written");
}

#[test]
fn without_a_terminal_to_confirm_on_nothing_is_added_unless_told() {
    let folder = tempfile::tempdir().unwrap();
    let (_, tessera) = vault(&folder);
    let file = write(&folder, "links.txt", LIST.as_bytes());
    let output = tessera.run(&["import", &file]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--yes"));
    assert_eq!(tessera.ok(&["list"]), "");
}

#[test]
fn the_help_lists_every_format() {
    let help = Run::plain().ok(&["import", "--help"]);
    for format in tessera_core::import::FORMATS {
        assert!(help.contains(format.id()), "{} in {help}", format.id());
    }
}
