//! "Move to another device" through Tauri's own IPC (`tauri::test`), end to end across two apps
//! with two vault files: the old device's QR pictures (as the `qr` scheme serves them) are
//! decoded and their texts scanned into the new device's Add screen, in any order; the preview
//! names the codes still missing, then asks for the one-time code, then adds every account with
//! its details. No response carries a secret (checked as each app is dropped).

mod common;

use common::{App, SECRET};
use serde_json::{Value, json};

fn link(issuer: &str, name: &str, algorithm: &str) -> String {
    format!("otpauth://totp/{issuer}:{name}?secret={SECRET}&issuer={issuer}&algorithm={algorithm}")
}

/// An app whose vault holds these accounts (issuer, name, algorithm), the first with a note and a
/// group.
fn app_with(accounts: &[(&str, &str, &str)]) -> App {
    let mut app = App::new();
    for (issuer, name, algorithm) in accounts {
        let preview = app.ok(
            "preview_link",
            json!({"text": link(issuer, name, algorithm)}),
        );
        app.ok(
            "confirm_import",
            json!({"token": preview["token"], "keepDuplicates": true}),
        );
    }
    app.ok(
        "edit_account",
        json!({"id": 1, "edit": {"note": "codes in the blue folder", "group": "Work"}}),
    );
    app
}

/// The texts of the pictures the page shows for these `qr` paths, decoded as a camera would.
fn scanned(app: &App, paths: impl IntoIterator<Item = String>) -> Vec<String> {
    paths
        .into_iter()
        .map(|path| {
            let png = app
                .state()
                .qr_picture(&path)
                .unwrap_or_else(|| panic!("no picture at {path}"));
            let codes = tessera_core::qr::decode_picture(&png).unwrap();
            assert_eq!(codes.len(), 1, "{path}");
            codes[0].text.clone().unwrap()
        })
        .collect()
}

/// What a list of accounts shows of each: issuer, name, note and group.
fn shown(app: &mut App) -> Vec<Value> {
    app.ok("list_accounts", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .map(|account| {
            json!([
                account["issuer"],
                account["name"],
                account["note"],
                account["group"]
            ])
        })
        .collect()
}

#[test]
fn the_old_devices_codes_scanned_in_any_order_move_every_account_with_its_code() {
    let accounts = [
        ("GitHub", "octocat", "SHA1"),
        ("Bank", "alice", "SHA256"),
        ("Mail", "bob", "SHA512"),
    ];
    let mut old = app_with(&accounts);
    let shown_move = old.ok("start_move", json!({}));
    let (id, parts) = (
        shown_move["id"].as_str().unwrap().to_string(),
        shown_move["parts"].as_u64().unwrap(),
    );
    let code = shown_move["code"].as_str().unwrap().to_string();
    assert_eq!(shown_move["accounts"], 3);
    assert_eq!(shown_move["unreadable"], 0);
    assert!(parts >= 7, "a backup is at least 4 KiB: {parts} codes");
    assert_eq!(code.len(), 11, "two groups of five: {code}");
    // As the page asks for them: `convertFileSrc` escapes the slashes.
    let mut texts = scanned(
        &old,
        (1..=parts).map(|part| format!("/move%2F{id}%2F{part}")),
    );
    assert!(
        texts
            .iter()
            .all(|text| text.starts_with("tessera://move?v=1&"))
    );

    let mut new = App::new();
    // Any order: the last first, then the rest backwards, one of them twice.
    texts.rotate_left(parts as usize - 1);
    texts.reverse();
    let missing_one = texts.remove(3);
    for text in texts.iter().chain([&texts[0]]) {
        new.ok("preview_link", json!({"text": text}));
    }
    let waiting = new.ok("preview_link", json!({"text": texts[1]}));
    assert_eq!(waiting["accounts"], json!([]));
    let missing = &waiting["transfers"][0]["missing"];
    assert_eq!(missing.as_array().unwrap().len(), 1, "{waiting}");
    assert_eq!(waiting["transfers"][0]["count"], parts);
    assert!(missing_one.contains(&format!("&part={}&", missing[0])));
    assert_eq!(
        new.call(
            "confirm_import",
            json!({"token": waiting["token"], "keepDuplicates": false})
        )
        .unwrap_err(),
        json!({"code": "move_incomplete", "detail": "1"})
    );
    // A code misread by the camera is refused and changes nothing.
    let damaged = missing_one.replacen("&data=", "&data=A", 1);
    assert_eq!(
        new.call("preview_link", json!({"text": damaged}))
            .unwrap_err()["code"],
        "move_code_damaged"
    );

    let complete = new.ok("preview_link", json!({"text": missing_one}));
    assert_eq!(complete["transfers"][0]["missing"], json!([]));
    assert_eq!(
        new.call(
            "confirm_import",
            json!({"token": complete["token"], "keepDuplicates": false})
        )
        .unwrap_err()["code"],
        "move_needs_code"
    );
    assert_eq!(
        new.call("preview_move_code", json!({"code": "ABCDE-FGHJ"}))
            .unwrap_err()["code"],
        "move_not_a_code"
    );
    let wrong = if code.starts_with('Z') {
        code.replacen('Z', "Y", 1)
    } else {
        format!("Z{}", &code[1..])
    };
    assert_eq!(
        new.call("preview_move_code", json!({"code": wrong}))
            .unwrap_err()["code"],
        "move_wrong_code"
    );
    assert_eq!(new.ok("list_accounts", json!({})), json!([]));

    let opened = new.ok("preview_move_code", json!({"code": code.to_lowercase()}));
    assert_eq!(opened["transfers"], json!([]));
    let names: Vec<&str> = opened["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|account| account["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["octocat", "alice", "bob"]);
    let added = new.ok(
        "confirm_import",
        json!({"token": opened["token"], "keepDuplicates": false}),
    );
    assert_eq!(added, json!([1, 2, 3]));
    assert_eq!(shown(&mut new), shown(&mut old));
    assert_eq!(shown(&mut new)[0][3], "Work", "details move too");
    // The same codes made the same secret: the new device shows the old one's codes.
    assert_eq!(
        new.ok("current_codes", json!({}))[0]["code"],
        old.ok("current_codes", json!({}))[0]["code"]
    );

    // Leaving the screen forgets the codes shown.
    old.ok("stop_move", json!({}));
    assert!(old.state().qr_picture(&format!("/move/{id}/1")).is_none());
}

#[test]
fn google_export_codes_carry_what_google_takes_and_name_what_it_does_not() {
    let mut old = app_with(&[
        ("GitHub", "octocat", "SHA1"),
        ("Bank", "alice", "SHA256"),
        ("Mail", "bob", "SHA1"),
    ]);
    let codes = old.ok("google_export_codes", json!({}));
    assert_eq!(codes["parts"], 1);
    assert_eq!(codes["accounts"], 2);
    assert_eq!(
        codes["leftOut"],
        json!([{"label": "Bank (alice)", "reason": "Google Authenticator imports only SHA1 accounts", "code": "algorithm"}])
    );
    let id = codes["id"].as_str().unwrap();
    let texts = scanned(&old, [format!("/google/{id}/1")]);
    assert!(texts[0].starts_with("otpauth-migration://offline?data="));
    assert!(old.state().qr_picture(&format!("/google/{id}/2")).is_none());

    let mut new = App::new();
    let preview = new.ok("preview_link", json!({"text": texts[0]}));
    let ids = new.ok(
        "confirm_import",
        json!({"token": preview["token"], "keepDuplicates": false}),
    );
    assert_eq!(ids, json!([1, 2]));
}

#[test]
fn an_empty_vault_has_nothing_to_move() {
    let mut app = App::new();
    for command in ["start_move", "google_export_codes"] {
        assert_eq!(
            app.call(command, json!({})).unwrap_err()["code"],
            "nothing_to_move"
        );
    }
}

#[test]
fn locking_forgets_the_codes_on_show() {
    let mut app = app_with(&[("GitHub", "octocat", "SHA1")]);
    let shown = app.ok("start_move", json!({}));
    let first = format!("/move/{}/1", shown["id"].as_str().unwrap());
    assert!(app.state().qr_picture(&first).is_some());
    assert_eq!(app.ok("lock_now", json!({})), true);
    assert!(app.state().qr_picture(&first).is_none());
    assert_eq!(
        app.call("start_move", json!({})).unwrap_err()["code"],
        "locked"
    );
}
