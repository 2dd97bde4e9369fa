//! Steam Guard files written as the tools write them: Steam Desktop Authenticator's maFile (an
//! older one with session cookies, a newer one with tokens) and the Steam app's own file.

use base64::Engine;
use serde_json::json;
use tessera_core::account::Kind;
use tessera_core::import::formats::steam::Steam;
use tessera_core::import::{Format, UnusableReason};
use tessera_core::{Account, Secret};

use crate::expected;

fn steam_accounts() -> Vec<Account> {
    expected::all()
        .into_iter()
        .filter(|account| matches!(account.kind, Kind::Steam { .. }))
        .collect()
}

fn shared_secret(account: &Account) -> String {
    base64::engine::general_purpose::STANDARD.encode(account.secret.as_bytes())
}

/// A maFile as SteamAuth's `SteamGuardAccount` serialises it; `session` is what differs between
/// old and new versions.
fn mafile(account: &Account, session: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec_pretty(&json!({
        "shared_secret": shared_secret(account),
        "serial_number": "3175491846284723651",
        "revocation_code": "R12345",
        "uri": format!("otpauth://totp/Steam:{}?secret={}&issuer=Steam", account.name, account.secret.to_base32().as_str()),
        "server_time": 1_700_000_000,
        "account_name": account.name,
        "token_gid": "2b1d6f7e8a9c0d1e",
        "identity_secret": "aWRlbnRpdHkgc2VjcmV0IGZvciB0ZXN0cw==",
        "secret_1": "c2VjcmV0IG9uZQ==",
        "status": 1,
        "device_id": "android:6a3e1b2c-4d5e-6f70-8192-a3b4c5d6e7f8",
        "fully_enrolled": true,
        "Session": session,
    }))
    .unwrap()
}

#[test]
fn an_old_mafile_yields_the_account() {
    let file = mafile(
        &steam_accounts()[0],
        json!({
            "SessionID": "0123456789abcdef01234567",
            "SteamLogin": "76561198000000000%7C%7C0123456789ABCDEF",
            "SteamLoginSecure": "76561198000000000%7C%7C0123456789ABCDEF",
            "WebCookie": "0123456789ABCDEF",
            "OAuthToken": "0123456789abcdef0123456789abcdef",
            "SteamID": 76561198000000000u64,
        }),
    );
    expected::assert_reads(&Steam, &file, None, &steam_accounts());
    expected::assert_truncation_refused(&Steam, &file, None);
}

#[test]
fn a_new_mafile_yields_the_account() {
    let file = mafile(
        &steam_accounts()[0],
        json!({
            "SteamID": 76561198000000000u64,
            "AccessToken": "eyJhbGciOiJFZERTQSJ9.e30.c2ln",
            "RefreshToken": "eyJhbGciOiJFZERTQSJ9.e30.cmVm",
            "SessionID": null,
        }),
    );
    expected::assert_reads(&Steam, &file, None, &steam_accounts());
    expected::assert_truncation_refused(&Steam, &file, None);
}

#[test]
fn the_steam_apps_file_yields_every_account() {
    let mut accounts = steam_accounts();
    let mut second = accounts[0].clone();
    second.name = "zweiter Spieler".into();
    second.secret = Secret::from_bytes(vec![0xa5; 20]).unwrap();
    accounts.push(second);
    let entry = |account: &Account| {
        json!({
            "shared_secret": shared_secret(account),
            "serial_number": "3175491846284723651",
            "revocation_code": "R54321",
            "account_name": account.name,
            "token_gid": "2b1d6f7e8a9c0d1e",
            "identity_secret": "aWRlbnRpdHk=",
            "secret_1": "b25l",
            "steamid": "76561198000000000",
            "steamguard_scheme": "2",
        })
    };
    let file = serde_json::to_vec(&json!({
        "accounts": {
            "76561198000000000": entry(&accounts[0]),
            "76561198000000001": entry(&accounts[1]),
        }
    }))
    .unwrap();
    expected::assert_reads(&Steam, &file, None, &accounts);
    expected::assert_truncation_refused(&Steam, &file, None);
}

#[test]
fn an_account_whose_secret_is_not_base64_is_listed_and_the_rest_read() {
    let account = &steam_accounts()[0];
    let file = serde_json::to_vec(&json!({
        "accounts": {
            "1": {"shared_secret": shared_secret(account), "account_name": "gamer"},
            "2": {"shared_secret": "not base64!", "account_name": "broken"},
        }
    }))
    .unwrap();
    let found = Steam.read(&file, None).unwrap();
    assert_eq!(found.accounts.len(), 1);
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(found.unusable[0].label, "Steam (broken)");
    assert!(matches!(
        found.unusable[0].reason,
        UnusableReason::Field {
            name: "shared_secret",
            ..
        }
    ));
}
