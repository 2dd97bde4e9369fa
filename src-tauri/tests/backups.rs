//! Settings → Backups through Tauri's own IPC on a real vault and real folders: turning automatic
//! backups on, a backup after every change the app makes, the warning while a folder cannot be
//! written, and that the backup password never comes back.

mod common;

use common::{App, SECRET};
use serde_json::{Value, json};
use tessera_core::backup::folder::backups_in;
use tessera_core::backup::read_backup;
use tessera_core::vault::{LockedVault, Password};

const BACKUP_PASSWORD: &str = "backup passphrase 7f3a";

fn link(issuer: &str, name: &str, kind: &str) -> String {
    let counter = if kind == "hotp" { "&counter=3" } else { "" };
    format!("otpauth://{kind}/{issuer}:{name}?secret={SECRET}&issuer={issuer}{counter}")
}

fn add(app: &mut App, issuer: &str, name: &str, kind: &str) -> i64 {
    let preview = app.ok("preview_link", json!({"text": link(issuer, name, kind)}));
    let ids = app.ok(
        "confirm_import",
        json!({"token": preview["token"], "keepDuplicates": false}),
    );
    ids[0].as_i64().unwrap()
}

fn count(folder: &std::path::Path) -> usize {
    backups_in(folder).unwrap().len()
}

/// Settings: pick the folder (the stand-in for the dialog), then the password and the number.
fn turn_on(app: &mut App, keep: u32) -> std::path::PathBuf {
    let folder = app.folder.path().join("Backups");
    app.state().set_pick_folder(folder.clone());
    let picked = app.ok("pick_backup_folder", json!({}));
    assert_eq!(picked, json!(folder.display().to_string()));
    let on = app.ok(
        "turn_on_backups",
        json!({"folder": picked, "password": BACKUP_PASSWORD, "keep": keep}),
    );
    assert_eq!(on["on"], true);
    assert_eq!(on["keep"], keep);
    folder
}

#[test]
fn turned_on_in_settings_every_change_the_app_makes_is_backed_up() {
    let mut app = App::new();
    let off = app.ok("backup_status", json!({}));
    assert_eq!(off["on"], false);
    assert_eq!(off["keep"], 10);
    assert_eq!(off["folderPicker"], true, "desktops pick folders");
    let folder = turn_on(&mut app, 3);
    let on = app.ok("backup_status", json!({}));
    assert_eq!(on["folder"], json!(folder.display().to_string()));
    assert_eq!(on["lastWrittenAccounts"], 0);
    assert!(on["lastWrittenAt"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(on["failure"], Value::Null);
    assert_eq!(count(&folder), 1);

    let github = add(&mut app, "GitHub", "octocat", "totp");
    let bank = add(&mut app, "Bank", "token", "hotp");
    app.ok(
        "edit_account",
        json!({"id": github, "edit": {"note": "codes in the drawer"}}),
    );
    app.ok("next_hotp_code", json!({"id": bank}));
    app.ok("move_account", json!({"id": bank, "place": 0}));
    app.ok("remove_account", json!({"id": github}));
    app.ok("undo_remove", json!({"id": github}));
    assert_eq!(count(&folder), 3, "the newest three kept");

    // The newest backup is the vault now: both accounts, the note, the counter moved on.
    let status = app.ok("backup_status", json!({}));
    assert_eq!(status["lastWrittenAccounts"], 2);
    let name = status["lastWrittenName"].as_str().unwrap();
    let found = read_backup(&std::fs::read(folder.join(name)).unwrap(), BACKUP_PASSWORD).unwrap();
    let names: Vec<String> = found
        .accounts
        .iter()
        .map(|found| found.account.name.clone())
        .collect();
    assert_eq!(names, ["token", "octocat"]);
    assert_eq!(found.accounts[1].details.note, "codes in the drawer");
    assert_eq!(
        found.accounts[0].account.kind,
        tessera_core::Kind::Hotp { counter: 4 }
    );

    // Backing up now, a smaller number kept, then off: the files stay.
    app.ok("back_up_now", json!({}));
    let fewer = app.ok("change_backups", json!({"keep": 2}));
    assert_eq!(fewer["keep"], 2);
    assert_eq!(count(&folder), 2);
    assert_eq!(app.ok("turn_off_backups", json!({}))["on"], false);
    add(&mut app, "Shop", "carol", "totp");
    assert_eq!(count(&folder), 2);
    app.assert_never_answered(BACKUP_PASSWORD);
}

#[test]
fn a_folder_that_cannot_be_written_is_shown_until_a_backup_succeeds() {
    let mut app = App::new();
    let folder = turn_on(&mut app, 3);
    // A file where the folder was: a read-only folder does not stop root, who runs the tests.
    std::fs::remove_dir_all(&folder).unwrap();
    std::fs::write(&folder, b"not a folder").unwrap();

    let id = add(&mut app, "GitHub", "octocat", "totp");
    assert_eq!(
        app.ok("list_accounts", json!({}))[0]["id"],
        id,
        "the change is kept"
    );
    let status = app.ok("backup_status", json!({}));
    let failure = &status["failure"];
    assert_eq!(failure["error"]["code"], "backup_not_a_folder");
    assert_eq!(
        failure["error"]["detail"],
        json!(folder.display().to_string())
    );
    assert!(failure["at"].as_i64().unwrap() > 1_700_000_000);
    let now = app.call("back_up_now", json!({})).unwrap_err();
    assert_eq!(now["code"], "backup_not_a_folder");

    // Kept in the vault, not in the app: another start (here the command line's way in) sees it.
    let vault = LockedVault::open(&app.vault_path())
        .unwrap()
        .unlock(&Password("pw"))
        .unwrap();
    let kept = vault.automatic_backups().unwrap().unwrap();
    assert_eq!(kept.last_failure.unwrap().code, "not_a_folder");
    drop(vault);

    std::fs::remove_file(&folder).unwrap();
    std::fs::create_dir(&folder).unwrap();
    app.ok("edit_account", json!({"id": id, "edit": {"note": "fixed"}}));
    let status = app.ok("backup_status", json!({}));
    assert_eq!(status["failure"], Value::Null);
    assert_eq!(status["lastWrittenAccounts"], 1);
}

#[test]
fn a_folder_or_password_that_will_not_do_is_refused_and_nothing_changes() {
    let mut app = App::new();
    let file = app.folder.path().join("notes.txt");
    std::fs::write(&file, b"mine").unwrap();
    let folder = app.folder.path().join("Backups").display().to_string();
    let refused = |app: &mut App, args: Value| app.call("turn_on_backups", args).unwrap_err();
    let not_a_folder = refused(
        &mut app,
        json!({"folder": file.display().to_string(), "password": BACKUP_PASSWORD, "keep": 3}),
    );
    assert_eq!(not_a_folder["code"], "backup_not_a_folder");
    assert_eq!(
        refused(
            &mut app,
            json!({"folder": folder, "password": "", "keep": 3})
        )["code"],
        "backup_password_needed"
    );
    assert_eq!(
        refused(
            &mut app,
            json!({"folder": folder, "password": BACKUP_PASSWORD, "keep": 0})
        )["code"],
        "backup_keep"
    );
    assert_eq!(
        refused(
            &mut app,
            json!({"folder": "Backups", "password": BACKUP_PASSWORD, "keep": 3})
        )["code"],
        "backup_folder_unusable"
    );
    assert_eq!(app.ok("backup_status", json!({}))["on"], false);
    assert_eq!(
        app.call("back_up_now", json!({})).unwrap_err()["code"],
        "backups_off"
    );
    assert_eq!(
        app.call("change_backups", json!({"keep": 4})).unwrap_err()["code"],
        "backups_off"
    );
    assert!(!app.folder.path().join("Backups").exists());
    app.assert_never_answered(BACKUP_PASSWORD);
}
