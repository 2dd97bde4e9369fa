//! The app's commands through Tauri's own IPC (`tauri::test`), on a real vault file: what the web
//! UI gets back, and that no response ever carries a secret.

mod common;

use common::{App, SECRET};
use serde_json::{Value, json};
use tauri::Manager;
use tessera_app_lib::AppState;

fn link(issuer: &str, name: &str) -> String {
    format!("otpauth://totp/{issuer}:{name}?secret={SECRET}&issuer={issuer}&digits=8")
}

#[test]
fn a_pasted_link_is_previewed_then_added_and_its_codes_arrive_with_their_window() {
    let mut app = App::new();
    let preview = app.ok("preview_link", json!({"text": link("GitHub", "octocat")}));
    assert_eq!(preview["accounts"][0]["issuer"], "GitHub");
    assert_eq!(preview["accounts"][0]["duplicateOf"], Value::Null);
    assert_eq!(
        app.ok("list_accounts", json!({})),
        json!([]),
        "a preview adds nothing"
    );
    let ids = app.ok(
        "confirm_import",
        json!({"token": preview["token"], "keepDuplicates": false}),
    );
    assert_eq!(ids, json!([1]));
    let accounts = app.ok("list_accounts", json!({}));
    assert_eq!(accounts[0]["name"], "octocat");
    assert_eq!(accounts[0]["digits"], 8);
    let codes = app.ok("current_codes", json!({}));
    let (from, until) = (
        codes[0]["validFrom"].as_u64().unwrap(),
        codes[0]["validUntil"].as_u64().unwrap(),
    );
    assert_eq!(until - from, 30);
    assert_eq!(codes[0]["code"].as_str().unwrap().len(), 8);
    assert_eq!(codes[0]["next"].as_str().unwrap().len(), 8);
    // The same link again is marked as a duplicate and skipped unless wanted.
    let again = app.ok("preview_link", json!({"text": link("GitHub", "octocat")}));
    assert_eq!(again["accounts"][0]["duplicateOf"], 1);
    let skipped = app.ok(
        "confirm_import",
        json!({"token": again["token"], "keepDuplicates": false}),
    );
    assert_eq!(skipped, json!([]));
    assert_eq!(
        app.ok("list_accounts", json!({})).as_array().unwrap().len(),
        1
    );
}

#[test]
fn another_apps_file_is_read_in_rust_and_an_encrypted_one_waits_for_its_password() {
    use tessera_core::vault::Details;
    let mut app = App::new();
    let folder = tempfile::tempdir().unwrap();
    let accounts: Vec<_> = [("Forge", "bob"), ("Bank", "dave")]
        .iter()
        .map(|(issuer, name)| {
            let parsed = tessera_core::link::read_otpauth(&link(issuer, name)).unwrap();
            (parsed.account, Details::default())
        })
        .collect();
    let file = folder.path().join("aegis-export.json");
    let bytes = tessera_core::export::aegis::write_aegis(&accounts, "file password").unwrap();
    std::fs::write(&file, bytes).unwrap();
    app.state().set_pick_file(file);

    let asked = app.call("preview_file", json!({})).unwrap_err();
    assert_eq!(
        asked,
        json!({"code": "file_needs_password", "detail": "Aegis"})
    );
    let wrong = app
        .call("preview_file_password", json!({"password": "not it"}))
        .unwrap_err();
    assert_eq!(wrong["code"], "file_wrong_password");
    let preview = app.ok(
        "preview_file_password",
        json!({"password": "file password"}),
    );
    let names: Vec<&str> = preview["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|account| account["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bob", "dave"]);
    assert_eq!(
        app.ok("list_accounts", json!({})),
        json!([]),
        "a preview adds nothing"
    );
    let ids = app.ok(
        "confirm_import",
        json!({"token": preview["token"], "keepDuplicates": false}),
    );
    assert_eq!(ids, json!([1, 2]));
    app.assert_never_answered(SECRET);

    let unknown = folder.path().join("notes.txt");
    std::fs::write(&unknown, b"my shopping list").unwrap();
    app.state().set_pick_file(unknown);
    assert_eq!(
        app.call("preview_file", json!({})).unwrap_err()["code"],
        "file_unknown"
    );
    assert_eq!(
        app.ok("list_accounts", json!({})).as_array().unwrap().len(),
        2
    );
}

#[test]
fn a_token_is_used_once() {
    let mut app = App::new();
    let preview = app.ok("preview_link", json!({"text": link("A", "a")}));
    app.ok(
        "confirm_import",
        json!({"token": preview["token"], "keepDuplicates": false}),
    );
    let error = app
        .call(
            "confirm_import",
            json!({"token": preview["token"], "keepDuplicates": false}),
        )
        .unwrap_err();
    assert_eq!(error["code"], "not_found");
}

#[test]
fn bad_links_come_back_as_catalogue_codes() {
    let mut app = App::new();
    for (text, code) in [
        ("WIFI:S:home;;", "not_an_account"),
        ("otpauth://totp/x?secret=JBSW1", "bad_secret"),
        ("otpauth://totp/x?secret=JBSWY3DP&digits=12", "bad_digits"),
        ("otpauth-migration://offline?data=!!!", "export_damaged"),
        ("", "invalid_link"),
    ] {
        let error = app.call("preview_link", json!({"text": text})).unwrap_err();
        assert_eq!(error["code"], code, "{text}");
    }
    let error = app
        .call(
            "preview_link",
            json!({"text": "otpauth://totp/x?secret=JBSWY3DPEHPK3PX1"}),
        )
        .unwrap_err();
    assert_eq!(
        error["detail"],
        Value::Null,
        "no character of a secret in a message"
    );
}

#[test]
fn the_form_is_checked_as_the_user_types_and_shows_the_first_code() {
    let mut app = App::new();
    let form = |secret: &str| json!({"form": {"issuer": "Bank", "name": "alice", "secret": secret, "kind": "totp", "algorithm": "SHA1", "digits": 6, "period": 30, "counter": 0}});
    let check = app.ok("check_manual", form("JBSW"));
    assert_eq!(
        (
            check["error"].clone(),
            check["firstCode"].as_str().map(str::len)
        ),
        (Value::Null, Some(6))
    );
    let check = app.ok("check_manual", form("JBSW0"));
    assert_eq!(check["error"]["code"], "bad_secret");
    assert_eq!(app.ok("add_manual", form("jbsw y3dp ehpk 3pxp")), json!(1));
    assert_eq!(app.ok("list_accounts", json!({}))[0]["issuer"], "Bank");
}

#[test]
fn editing_moving_removing_and_undoing() {
    let mut app = App::new();
    for name in ["a", "b", "c"] {
        let preview = app.ok("preview_link", json!({"text": link("X", name)}));
        app.ok(
            "confirm_import",
            json!({"token": preview["token"], "keepDuplicates": true}),
        );
    }
    let edited = app.ok(
        "edit_account",
        json!({"id": 2, "edit": {"name": "bee", "group": "Work", "note": "desk drawer"}}),
    );
    assert_eq!(
        (
            edited["name"].as_str(),
            edited["group"].as_str(),
            edited["issuer"].as_str()
        ),
        (Some("bee"), Some("Work"), Some("X"))
    );
    let cleared = app.ok("edit_account", json!({"id": 2, "edit": {"group": null}}));
    assert_eq!(cleared["group"], Value::Null);
    app.ok("move_account", json!({"id": 3, "place": 0}));
    let names = |app: &mut App| {
        app.ok("list_accounts", json!({}))
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&mut app), vec!["c", "a", "bee"]);
    app.ok("remove_account", json!({"id": 1}));
    assert_eq!(names(&mut app), vec!["c", "bee"]);
    app.ok("undo_remove", json!({"id": 1}));
    assert_eq!(names(&mut app), vec!["c", "bee", "a"]);
    assert_eq!(
        app.call("remove_account", json!({"id": 99})).unwrap_err()["code"],
        "not_found"
    );
}

#[test]
fn counter_based_codes_move_on_when_asked() {
    let mut app = App::new();
    let preview = app.ok(
        "preview_link",
        json!({"text": format!("otpauth://hotp/Bank:token?secret={SECRET}&counter=0")}),
    );
    app.ok(
        "confirm_import",
        json!({"token": preview["token"], "keepDuplicates": false}),
    );
    assert_eq!(
        app.ok("current_codes", json!({})),
        json!([]),
        "counter-based codes are shown only when asked"
    );
    assert_eq!(app.ok("next_hotp_code", json!({"id": 1}))["code"], "755224");
    assert_eq!(app.ok("next_hotp_code", json!({"id": 1}))["code"], "287082");
}

#[test]
fn a_links_warnings_arrive_as_codes_with_the_links_words_not_as_english() {
    let mut app = App::new();
    let text = format!("otpauth://totp/Shop:alice?secret={SECRET}&issuer=Store");
    let preview = app.ok("preview_link", json!({"text": text}));
    assert_eq!(
        preview["warnings"],
        json!([{"code": "issuer_conflict", "parameters": {"label": "Shop", "parameter": "Store"}}])
    );
}

#[test]
fn asking_for_a_next_code_that_cannot_be_is_named_not_called_a_failed_save() {
    let mut app = App::new();
    for text in [
        link("GitHub", "octocat"),
        format!(
            "otpauth://hotp/Bank:token?secret={SECRET}&counter={}",
            u64::MAX
        ),
    ] {
        let preview = app.ok("preview_link", json!({"text": text}));
        app.ok(
            "confirm_import",
            json!({"token": preview["token"], "keepDuplicates": false}),
        );
    }
    let time_based = app.call("next_hotp_code", json!({"id": 1})).unwrap_err();
    assert_eq!(
        time_based,
        json!({"code": "not_counter_based", "detail": null})
    );
    let used_up = app.call("next_hotp_code", json!({"id": 2})).unwrap_err();
    assert_eq!(
        used_up,
        json!({"code": "counter_exhausted", "detail": null})
    );
}

#[test]
fn the_about_screen_has_a_version() {
    let mut app = App::new();
    let about = app.ok("about", json!({}));
    assert_eq!(about["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn the_start_time_is_when_the_state_was_made() {
    let unix_ms = |time: std::time::SystemTime| {
        time.duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            * 1000.0
    };
    let before = unix_ms(std::time::SystemTime::now());
    let mut app = App::new();
    let after = unix_ms(std::time::SystemTime::now());
    let started = app.ok("started_at", json!({})).as_f64().unwrap();
    assert!(
        (before..=after).contains(&started),
        "{before} <= {started} <= {after}"
    );
}

#[test]
fn settings_are_kept_and_unknown_values_fall_back_to_the_system() {
    let mut app = App::new();
    let folder = tempfile::tempdir().unwrap();
    app.app
        .state::<AppState>()
        .set_settings_path(folder.path().join("settings.json"));
    assert_eq!(
        app.ok("settings", json!({})),
        json!({"language": "system", "theme": "system", "lockAfter": "30s", "screenProtection": true, "hideCodes": false})
    );
    app.ok(
        "set_settings",
        json!({"settings": {"language": "nl", "theme": "dark", "lockAfter": "immediately", "screenProtection": false, "hideCodes": true}}),
    );
    assert_eq!(
        app.ok("settings", json!({})),
        json!({"language": "nl", "theme": "dark", "lockAfter": "immediately", "screenProtection": false, "hideCodes": true})
    );
    app.ok(
        "set_settings",
        json!({"settings": {"language": "klingon", "theme": "dark", "lockAfter": "never"}}),
    );
    assert_eq!(app.ok("settings", json!({}))["language"], "system");
    assert_eq!(app.ok("settings", json!({}))["lockAfter"], "30s");
}

#[test]
fn a_picture_is_read_in_rust_and_only_a_preview_comes_back() {
    let mut app = App::new();
    let folder = tempfile::tempdir().unwrap();
    let picture = folder.path().join("code.png");
    let code = tessera_core::qr::encode(link("Picture", "pat").as_bytes()).unwrap();
    std::fs::write(&picture, code.to_png(4)).unwrap();
    app.app.state::<AppState>().set_pick_file(picture);
    let preview = app.ok("preview_picture", json!({}));
    assert_eq!(preview["accounts"][0]["issuer"], "Picture");

    let damaged = folder.path().join("damaged.png");
    let mut bytes = code.to_png(4);
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&damaged, bytes).unwrap();
    app.app.state::<AppState>().set_pick_file(damaged);
    assert_eq!(
        app.call("preview_picture", json!({})).unwrap_err()["code"],
        "picture_unreadable"
    );

    let plain = folder.path().join("plain.png");
    std::fs::write(&plain, tessera_core::qr::QrCode::blank_png(64)).unwrap();
    app.app.state::<AppState>().set_pick_file(plain);
    assert_eq!(
        app.call("preview_picture", json!({})).unwrap_err()["code"],
        "no_code_in_picture"
    );
}

#[test]
fn a_link_on_the_clipboard_is_offered_and_copying_puts_the_code_there() {
    use tauri_plugin_clipboard_manager::ClipboardExt;
    let mut app = App::new();
    let handle = app.app.handle().clone();
    let clipboard = handle.clipboard();
    if clipboard.write_text("hello").is_err() {
        panic!("no clipboard: run the tests under Xvfb (scripts/test.sh does)");
    }
    assert_eq!(
        app.ok("preview_clipboard", json!({})),
        Value::Null,
        "plain text is not offered"
    );
    clipboard.write_text(link("Clip", "board")).unwrap();
    let preview = app.ok("preview_clipboard", json!({}));
    assert_eq!(preview["accounts"][0]["issuer"], "Clip");
    app.ok(
        "confirm_import",
        json!({"token": preview["token"], "keepDuplicates": false}),
    );
    let copied = app.ok("copy_code", json!({"id": 1}));
    assert_eq!(copied["clearedAfterSeconds"], 30);
    let on_clipboard = clipboard.read_text().unwrap();
    assert_eq!(
        on_clipboard,
        app.ok("current_codes", json!({}))[0]["code"]
            .as_str()
            .unwrap()
    );
}

#[test]
fn an_export_is_written_in_rust_where_the_user_chose_and_reads_back_in_another_app() {
    let mut app = App::new();
    for issuer in ["Forge", "Bank"] {
        let preview = app.ok("preview_link", json!({"text": link(issuer, "me")}));
        app.ok(
            "confirm_import",
            json!({"token": preview["token"], "keepDuplicates": false}),
        );
    }
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("export.json");
    app.state().set_save_file(out.clone());
    assert_eq!(
        app.call(
            "export_accounts",
            json!({"format": "otpauth", "password": null, "unencrypted": false})
        )
        .unwrap_err()["code"],
        "export_unencrypted",
        "a plain export needs the warning agreed to"
    );
    assert!(!out.exists());
    let done = app.ok(
        "export_accounts",
        json!({"format": "aegis", "password": "leaving", "unencrypted": false}),
    );
    assert_eq!(done, json!({"count": 2, "leftOut": []}));
    app.assert_never_answered(SECRET);

    let mut other = App::new();
    other.state().set_pick_file(out);
    assert_eq!(
        other.call("preview_file", json!({})).unwrap_err()["code"],
        "file_needs_password"
    );
    let preview = other.ok("preview_file_password", json!({"password": "leaving"}));
    other.ok(
        "confirm_import",
        json!({"token": preview["token"], "keepDuplicates": false}),
    );
    let codes = |app: &mut App| app.ok("current_codes", json!({}));
    assert_eq!(codes(&mut other), codes(&mut app), "the same codes");
}
