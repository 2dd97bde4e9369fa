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

/// A vault with the list's usable accounts in it.
fn filled(folder: &tempfile::TempDir) -> (PathBuf, Run<'static>) {
    let (path, tessera) = vault(folder);
    let file = write(folder, "links.txt", LIST.as_bytes());
    tessera.ok(&["import", &file, "--yes"]);
    (path, tessera)
}

#[test]
fn an_encrypted_export_restores_into_another_vault_and_a_wrong_password_changes_nothing() {
    for format in ["tessera", "aegis"] {
        let folder = tempfile::tempdir().unwrap();
        let (_, old) = filled(&folder);
        let out = folder.path().join(format!("export.{format}"));
        let out_text = out.display().to_string();
        old.env("TESSERA_EXPORT_PASSWORD", "export pass")
            .ok(&["export", "--format", format, "--out", &out_text]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{format}: readable by its owner only");
        }
        let strays: Vec<_> = std::fs::read_dir(folder.path())
            .unwrap()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().contains("partial"))
            .collect();
        assert!(strays.is_empty(), "no half-written file is left");

        let other = tempfile::tempdir().unwrap();
        let (new_path, new) = vault(&other);
        let before = file_bytes(&new_path);
        let wrong = new
            .env("TESSERA_IMPORT_PASSWORD", "not the password")
            .run(&["import", &out_text, "--yes"]);
        let said = String::from_utf8_lossy(&wrong.stderr);
        assert_eq!(wrong.status.code(), Some(2), "{format}: {said}");
        assert!(
            said.contains("the password is not right for this file"),
            "{said}"
        );
        assert_eq!(
            file_bytes(&new_path),
            before,
            "{format}: the vault is byte-identical"
        );

        new.env("TESSERA_IMPORT_PASSWORD", "export pass")
            .ok(&["import", &out_text, "--yes"]);
        assert_eq!(
            new.ok(&["list"]),
            old.ok(&["list"]),
            "{format}: the same accounts"
        );
        let code = |run: &Run| run.ok(&["code", "dave", "--at", "1700000000"]);
        assert_eq!(code(&new), code(&old), "{format}: the same codes");
    }
}

#[test]
fn an_unencrypted_export_must_be_asked_for_by_name() {
    let folder = tempfile::tempdir().unwrap();
    let (_, tessera) = filled(&folder);
    let out = folder.path().join("links.txt").display().to_string();
    tessera.refused(
        &["export", "--format", "otpauth", "--out", &out],
        "--unencrypted",
    );
    let output = tessera.run(&["export", "--format", "otpauth", "--unencrypted"]);
    let links = String::from_utf8(output.stdout).unwrap();
    assert_eq!(links.lines().count(), 3);
    assert!(
        links.lines().all(|line| line.starts_with("otpauth://")),
        "{links}"
    );
    tessera.refused(
        &["export", "--format", "pdf"],
        "no export format called 'pdf'",
    );
}
