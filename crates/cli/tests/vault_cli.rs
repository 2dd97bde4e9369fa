//! The vault from the command line, as a desktop user or a script meets it. The device slot uses
//! the real Secret Service that `scripts/test.sh` starts; "no key store" is a D-Bus address with
//! nothing behind it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Run;

fn vault_in(folder: &tempfile::TempDir) -> PathBuf {
    folder.path().join("vault.tessera")
}

fn file_bytes(path: &Path) -> Vec<Vec<u8>> {
    ["", "-wal"]
        .iter()
        .map(|suffix| std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default())
        .collect()
}

const GITHUB: &str =
    "otpauth://totp/GitHub:octocat?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub";

#[test]
fn init_add_list_and_code_with_the_device_key_store() {
    let folder = tempfile::tempdir().unwrap();
    let path = vault_in(&folder);
    let tessera = Run::new(&path);
    tessera.ok(&["init"]);
    assert!(path.exists());
    assert_eq!(tessera.ok(&["list", "--json"]).trim(), "[]");
    let added = tessera.ok(&["add", GITHUB]);
    assert!(added.starts_with("added 1\tGitHub (octocat)"), "{added}");
    let listed = tessera.ok(&["list", "--json"]);
    let value: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(
        value,
        serde_json::json!([{"id": 1, "issuer": "GitHub", "account": "octocat", "kind": "totp"}])
    );
    assert!(!listed.contains("GEZDGNBV"));
    let code = tessera.ok(&["code", "github", "--at", "59"]);
    assert_eq!(code, "287082\t1s\tGitHub (octocat)\n"); // RFC 6238's SHA1 key at 59 s, 6 digits
}

#[test]
fn a_google_export_is_added_whole_or_not_at_all() {
    let links = common::export_of_25_accounts();
    let folder = tempfile::tempdir().unwrap();
    let path = vault_in(&folder);
    let tessera = Run::new(&path);
    tessera.ok(&["init"]);
    tessera.refused(&["add", &links[0], &links[2]], "part 2 is missing");
    assert_eq!(tessera.ok(&["list", "--json"]).trim(), "[]");
    let added = tessera.ok(&["add", &links[0], &links[1], &links[2]]);
    assert_eq!(added.lines().count(), 25);
    tessera.refused(
        &["add", &links[0], &links[1], &links[2]],
        "already in the vault",
    );
    let listed: serde_json::Value = serde_json::from_str(&tessera.ok(&["list", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 25);
}

#[test]
fn duplicates_rename_remove_and_restore() {
    let folder = tempfile::tempdir().unwrap();
    let path = vault_in(&folder);
    let tessera = Run::new(&path);
    tessera.ok(&["init"]);
    tessera.ok(&["add", GITHUB]);
    tessera.refused(&["add", GITHUB], "already in the vault (account 1)");
    assert!(
        tessera
            .ok(&["add", "--keep-both", GITHUB])
            .starts_with("added 2")
    );
    assert_eq!(
        tessera.ok(&["rename", "2", "--name", "octocat-work"]),
        "renamed 2\tGitHub (octocat-work)\n"
    );
    tessera.refused(&["rename", "2"], "--issuer");
    tessera.ok(&["rm", "1"]);
    assert_eq!(tessera.ok(&["list"]).lines().count(), 1);
    let trash = tessera.ok(&["trash", "list"]);
    assert!(
        trash.starts_with("1\tGitHub (octocat)\t29 days left")
            || trash.starts_with("1\tGitHub (octocat)\t30 days left"),
        "{trash}"
    );
    tessera.ok(&["trash", "restore", "1"]);
    assert_eq!(
        tessera
            .ok(&["list"])
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect::<Vec<_>>(),
        vec!["2", "1"]
    );
    tessera.refused(&["rm", "42"], "no account 42");
}

#[test]
fn counter_based_codes_move_on_each_time() {
    let folder = tempfile::tempdir().unwrap();
    let path = vault_in(&folder);
    let tessera = Run::new(&path);
    tessera.ok(&["init"]);
    tessera.ok(&[
        "add",
        "otpauth://hotp/Bank:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0",
    ]);
    let first = tessera.ok(&["code", "bank"]);
    let second = tessera.ok(&["code", "alice"]);
    assert_eq!(
        (first.split('\t').next(), second.split('\t').next()),
        (Some("755224"), Some("287082"))
    );
    tessera.ok(&["add", "otpauth://totp/Bank:bob?secret=JBSWY3DPEHPK3PXP"]);
    tessera.refused(&["code", "bank"], "ask by number");
    // By number, as the message says, even when another account's name holds the digit (RFC
    // 4226 at counter 2).
    tessera.ok(&["add", "otpauth://totp/Shop1:carol?secret=JBSWY3DPEHPK3PXP"]);
    let third = tessera.ok(&["code", "1"]);
    assert_eq!(third.lines().count(), 1, "{third}");
    assert!(third.starts_with("359152\t-\tBank (alice)"), "{third}");
    tessera.refused(&["code", "nothing-like-this"], "no account matches");
}

#[test]
fn without_a_key_store_the_password_protects_the_vault_and_says_so() {
    let folder = tempfile::tempdir().unwrap();
    let path = vault_in(&folder);
    let tessera = Run::new(&path).without_key_store();
    tessera.refused(&["init"], "tessera init --password");
    assert!(!path.exists(), "a refused init leaves no file");

    let output = tessera
        .env("TESSERA_PASSWORD", "hunter2 is weak")
        .run(&["init", "--password"]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{message}");
    assert!(message.contains("password alone"), "{message}");
    assert!(message.contains("Argon2id, 64 MiB"), "{message}");

    tessera
        .env("TESSERA_PASSWORD", "hunter2 is weak")
        .ok(&["add", GITHUB]);
    let before = file_bytes(&path);
    tessera
        .env("TESSERA_PASSWORD", "hunter3 is weak")
        .refused(&["list"], "wrong password");
    tessera.refused(&["list"], "--password-stdin");
    assert_eq!(
        file_bytes(&path),
        before,
        "a wrong password changes nothing"
    );
    let listed = Run::new(&path)
        .without_key_store()
        .stdin("hunter2 is weak\n")
        .ok(&["--password-stdin", "list"]);
    assert!(listed.contains("octocat"), "{listed}");
}

#[test]
fn a_recovery_code_opens_the_vault_when_the_device_cannot() {
    let folder = tempfile::tempdir().unwrap();
    let path = vault_in(&folder);
    let tessera = Run::new(&path);
    tessera.ok(&["init"]);
    tessera.ok(&["add", GITHUB]);
    let code = tessera.ok(&["slots", "add-recovery"]).trim().to_string();
    assert_eq!(code.len(), 29, "{code}");
    assert_eq!(tessera.ok(&["slots", "list"]), "1\tdevice\n2\trecovery\n");
    assert_eq!(
        Run::new(&path).without_key_store().ok(&["slots", "status"]),
        "opens without asking (app lock off)\tdevice,recovery\n"
    );
    let elsewhere = Run::new(&path).without_key_store();
    elsewhere.refused(&["list"], "recovery code");
    let listed = Run::new(&path)
        .without_key_store()
        .stdin(&format!("{}\n", code.to_lowercase()))
        .ok(&["--recovery", "--password-stdin", "list"]);
    assert!(listed.contains("octocat"));
    tessera.refused(&["slots", "remove", "9"], "no slot 9");
    // Removing the device slot re-keys the vault: the recovery slot that stays is wrapped again
    // under its code, which is asked for.
    tessera.refused(&["slots", "remove", "1"], "TESSERA_RECOVERY_CODE");
    tessera
        .env("TESSERA_RECOVERY_CODE", &code)
        .ok(&["slots", "remove", "1"]);
    assert_eq!(
        tessera.ok(&["slots", "status"]),
        "asks before opening (app lock on)\trecovery\n"
    );
    tessera.refused(&["slots", "add-biometric"], "phone");
    Run::new(&path).stdin(&format!("{code}\n")).refused(
        &["--recovery", "--password-stdin", "slots", "remove", "2"],
        "only way left",
    );
}

#[test]
fn files_that_are_not_vaults_and_missing_vaults_are_explained() {
    let folder = tempfile::tempdir().unwrap();
    let missing = folder.path().join("none.tessera");
    Run::new(&missing).refused(&["list"], "tessera init");
    let junk = folder.path().join("junk.tessera");
    std::fs::write(&junk, b"not a database at all, just words").unwrap();
    Run::new(&junk).refused(&["list"], "not a Tessera vault");
    assert_eq!(
        std::fs::read(&junk).unwrap(),
        b"not a database at all, just words"
    );
}

#[test]
fn the_default_vault_is_in_the_apps_data_folder() {
    let folder = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("init")
        .env_remove("TESSERA_VAULT")
        .env("XDG_DATA_HOME", folder.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        folder
            .path()
            .join("app.tessera.authenticator/vault.tessera")
            .exists()
    );
}

#[test]
fn a_password_can_be_added_and_changed_from_scripts() {
    let folder = tempfile::tempdir().unwrap();
    let path = vault_in(&folder);
    let tessera = Run::new(&path);
    tessera.ok(&["init"]);
    tessera
        .env("TESSERA_NEW_PASSWORD", "first one")
        .ok(&["slots", "add-password"]);
    tessera
        .stdin("second one\n")
        .ok(&["--password-stdin", "slots", "change-password"]);
    let elsewhere = Run::new(&path).without_key_store();
    elsewhere
        .env("TESSERA_PASSWORD", "first one")
        .refused(&["list"], "wrong password");
    elsewhere
        .env("TESSERA_PASSWORD", "second one")
        .ok(&["list"]);
}

/// The sealed value of each account row, as a copy of the file shows it.
fn sealed_accounts(path: &Path) -> Vec<Vec<u8>> {
    let raw = rusqlite::Connection::open(path).unwrap();
    let mut statement = raw
        .prepare("SELECT sealed FROM accounts ORDER BY id")
        .unwrap();
    statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn slots_rekey_seals_every_account_again_and_every_slot_still_opens_them() {
    let folder = tempfile::tempdir().unwrap();
    let path = vault_in(&folder);
    let tessera = Run::new(&path).without_key_store();
    let with_password = tessera.env("TESSERA_PASSWORD", "first password");
    with_password.ok(&["init", "--password"]);
    with_password.ok(&["add", GITHUB]);
    let code = with_password
        .ok(&["slots", "add-recovery"])
        .trim()
        .to_string();
    let before = file_bytes(&path);
    let sealed_before = sealed_accounts(&path);

    // Unlocked with the password, the recovery slot that stays needs its code: without one, or
    // with a wrong one, nothing changes.
    with_password.refused(&["slots", "rekey"], "TESSERA_RECOVERY_CODE");
    tessera
        .stdin("first password\nAAAA-AAAA-AAAA-AAAA-AAAA-AAAA\n")
        .refused(
            &["--password-stdin", "slots", "rekey"],
            "needs your recovery code: give it, or remove slot 2 too",
        );
    assert_eq!(
        file_bytes(&path),
        before,
        "a refused re-key changes nothing"
    );

    // The password, then the code, one line each.
    let rekeyed = tessera.stdin(&format!("first password\n{code}\n")).ok(&[
        "--password-stdin",
        "slots",
        "rekey",
    ]);
    assert_eq!(rekeyed, "re-keyed\tslots 1,2\n");
    let sealed_after = sealed_accounts(&path);
    assert_eq!(sealed_after.len(), 1);
    assert_ne!(sealed_after, sealed_before, "the account is sealed again");

    // Unlocked with the recovery code, the password is what is asked for.
    tessera.stdin(&format!("{code}\nfirst password\n")).ok(&[
        "--recovery",
        "--password-stdin",
        "slots",
        "rekey",
    ]);
    assert_ne!(sealed_accounts(&path), sealed_after);

    let listed = with_password.ok(&["list"]);
    assert!(listed.contains("octocat"), "{listed}");
    let listed =
        tessera
            .stdin(&format!("{code}\n"))
            .ok(&["--recovery", "--password-stdin", "list"]);
    assert!(listed.contains("octocat"), "{listed}");
}
