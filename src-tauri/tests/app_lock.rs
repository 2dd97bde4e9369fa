//! App lock through the app's commands, on real vault files: a vault that asks starts locked and
//! shows nothing, a wrong password is refused and counted, the right one opens it, Lock now and
//! the lock policy lock it again, and app lock on and off round-trips through the vault file.

mod common;

use std::time::Duration;

use common::App;
use serde_json::json;
use tessera_core::lock::{FREE_TRIES, Grace, LockPolicy};
use tessera_core::vault::{LockedVault, SlotKind};

fn add_account(app: &mut App) {
    let preview = app.ok(
        "preview_link",
        json!({"text": format!("otpauth://totp/Example:ada?secret={}&issuer=Example", common::SECRET)}),
    );
    app.ok(
        "confirm_import",
        json!({"token": preview["token"], "keepDuplicates": false}),
    );
}

fn kinds(app: &App) -> Vec<SlotKind> {
    LockedVault::open(&app.vault_path())
        .unwrap()
        .slots()
        .unwrap()
        .iter()
        .map(|slot| slot.kind)
        .collect()
}

#[test]
fn a_vault_that_asks_starts_locked_and_gives_nothing_away() {
    let mut app = App::locked();
    let status = app.ok("lock_status", json!({}));
    assert_eq!(status["locked"], true);
    assert_eq!(status["appLock"], true);
    assert_eq!(status["ways"], json!(["password"]));
    assert_eq!(status["waitSeconds"], 0);
    for command in ["list_accounts", "current_codes"] {
        assert_eq!(app.call(command, json!({})).unwrap_err()["code"], "locked");
    }
}

#[test]
fn a_wrong_password_is_refused_in_words_and_the_right_one_opens() {
    let mut app = App::locked();
    let before = std::fs::read(app.vault_path()).unwrap();
    let refused = app
        .call("unlock_with_password", json!({"password": "nope"}))
        .unwrap_err();
    assert_eq!(refused["code"], "wrong_password");
    assert_eq!(std::fs::read(app.vault_path()).unwrap(), before);
    assert_eq!(app.ok("lock_status", json!({}))["locked"], true);
    app.ok("unlock_with_password", json!({"password": "pw"}));
    assert_eq!(app.ok("lock_status", json!({}))["locked"], false);
    assert_eq!(app.ok("list_accounts", json!({})), json!([]));
}

#[test]
fn after_five_wrong_tries_the_next_waits_even_after_a_restart() {
    let mut app = App::locked();
    for _ in 1..FREE_TRIES {
        let refused = app.call("unlock_with_password", json!({"password": "x"}));
        assert_eq!(refused.unwrap_err()["code"], "wrong_password");
    }
    let fifth = app
        .call("unlock_with_password", json!({"password": "x"}))
        .unwrap_err();
    assert_eq!(fifth["code"], "wrong_then_wait");
    assert_eq!(fifth["detail"], "30");
    // Even the right password is not tried while the wait runs.
    let waiting = app
        .call("unlock_with_password", json!({"password": "pw"}))
        .unwrap_err();
    assert_eq!(waiting["code"], "wait");
    let wait = app.ok("lock_status", json!({}))["waitSeconds"]
        .as_u64()
        .unwrap();
    assert!((28..=30).contains(&wait), "{wait}");
    // The count is kept beside the vault, so a new start of the app still waits.
    let mut restarted = App::locked_at(app.vault_path());
    assert!(
        restarted.ok("lock_status", json!({}))["waitSeconds"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn lock_now_drops_the_vault_and_what_was_waiting_to_be_added() {
    let mut app = App::locked();
    app.ok("unlock_with_password", json!({"password": "pw"}));
    add_account(&mut app);
    let preview = app.ok(
        "preview_link",
        json!({"text": format!("otpauth://totp/Other:bob?secret={}&issuer=Other", common::SECRET)}),
    );
    assert_eq!(app.ok("lock_now", json!({})), true);
    assert_eq!(
        app.call("list_accounts", json!({})).unwrap_err()["code"],
        "locked"
    );
    app.ok("unlock_with_password", json!({"password": "pw"}));
    let stale = app.call(
        "confirm_import",
        json!({"token": preview["token"], "keepDuplicates": false}),
    );
    assert!(stale.is_err(), "a pending import does not survive locking");
    assert_eq!(
        app.ok("list_accounts", json!({})).as_array().unwrap().len(),
        1
    );
}

#[test]
fn the_policy_locks_once_the_app_has_been_away_past_the_grace_period() {
    let mut app = App::locked();
    app.ok("unlock_with_password", json!({"password": "pw"}));
    let policy = LockPolicy {
        grace: Grace::Immediately,
        idle: None,
    };
    assert!(
        !app.state().lock_if_due(&policy),
        "on screen: stays unlocked"
    );
    app.ok("app_shown", json!({"visible": false}));
    let half_minute = LockPolicy {
        grace: Grace::HalfMinute,
        ..policy
    };
    assert!(
        !app.state().lock_if_due(&half_minute),
        "within the grace period"
    );
    assert!(app.state().lock_if_due(&policy));
    assert_eq!(app.ok("lock_status", json!({}))["locked"], true);
    let idle = LockPolicy {
        grace: Grace::FiveMinutes,
        idle: Some(Duration::ZERO),
    };
    app.ok("unlock_with_password", json!({"password": "pw"}));
    app.ok("app_shown", json!({"visible": true}));
    assert!(app.state().lock_if_due(&idle), "idle on a desktop");
}

#[test]
fn app_lock_off_and_on_round_trips_through_the_vault_file() {
    let mut app = App::locked();
    app.ok("unlock_with_password", json!({"password": "pw"}));
    add_account(&mut app);
    let off = app.call(
        "set_app_lock",
        json!({"on": false, "password": null, "biometric": false, "language": "en"}),
    );
    if let Err(error) = &off {
        // Only where there is no Secret Service (the test command always gives one).
        assert_eq!(error["code"], "key_store", "{error}");
        return;
    }
    assert_eq!(kinds(&app), [SlotKind::Password, SlotKind::Device]);
    assert_eq!(app.ok("lock_status", json!({}))["appLock"], false);
    assert_eq!(
        app.ok("lock_now", json!({})),
        false,
        "nothing to lock with app lock off"
    );
    // Turning it on again re-keys the vault: the password slot it keeps needs the password.
    for (password, code) in [
        (json!(null), "password_needed"),
        (json!("not pw"), "wrong_password"),
    ] {
        let refused = app.call(
            "set_app_lock",
            json!({"on": true, "password": password, "biometric": false, "language": "en"}),
        );
        assert_eq!(refused.unwrap_err()["code"], code);
        assert_eq!(
            kinds(&app),
            [SlotKind::Password, SlotKind::Device],
            "nothing changed"
        );
    }
    let on = app.ok(
        "set_app_lock",
        json!({"on": true, "password": "pw", "biometric": false, "language": "en"}),
    );
    assert_eq!(on["recoveryCodeShown"], true);
    assert_eq!(kinds(&app), [SlotKind::Password, SlotKind::Recovery]);
    assert_eq!(
        app.ok("lock_status", json!({}))["ways"],
        json!(["password", "recovery"])
    );
    assert_eq!(app.ok("lock_now", json!({})), true);
    let shown = app.recovery_codes_shown();
    assert_eq!(shown.len(), 1, "the new recovery code is shown once");
    let (language, code) = &shown[0];
    assert_eq!(language, "en");
    app.ok("unlock_with_recovery_code", json!({"code": code}));
    assert_eq!(app.ok("lock_status", json!({}))["locked"], false);
    let again = app.ok(
        "set_app_lock",
        json!({"on": true, "password": null, "biometric": false, "language": "en"}),
    );
    assert_eq!(
        again["recoveryCodeShown"], false,
        "app lock is on already: nothing changes"
    );
    assert_eq!(app.recovery_codes_shown().len(), 1);
}

#[test]
fn turning_app_lock_on_without_a_password_slot_needs_one() {
    let mut app = App::locked();
    app.ok("unlock_with_password", json!({"password": "pw"}));
    let biometric = app.call(
        "set_app_lock",
        json!({"on": true, "password": null, "biometric": true, "language": "nl"}),
    );
    assert_eq!(biometric.unwrap_err()["code"], "biometric_unavailable");
    assert_eq!(kinds(&app), [SlotKind::Password], "nothing changed");
}
