//! Steam Guard's secrets as `.maFile`s (Steam Desktop Authenticator and the tools that share its
//! files) and as the Steam app's own `Steamguard-STEAMID` file.
//!
//! Learned from geel9/SteamAuth (`SteamGuardAccount.cs`: the JSON names `shared_secret`, base64,
//! and `account_name`, beside `serial_number`, `revocation_code`, `identity_secret` and a
//! `Session` that older files fill with cookies and newer ones with tokens; Tessera needs only
//! the first two, so both read alike), and from beemdevelopment/Aegis (`importers/SteamImporter.java`:
//! the Steam app's file holds the same objects under `accounts`, keyed by Steam ID).
//!
//! Steam codes are always five characters, SHA1 and 30 seconds; the issuer is Steam. A maFile
//! that Steam Desktop Authenticator encrypted keeps its key in the folder's `manifest.json`, so
//! it cannot be read alone and is not recognised.

use base64::Engine;
use serde_json::Value;

use crate::import::json::{self, Object};
use crate::import::{EntryFields, Format, Found, ImportError, UnusableReason};
use crate::otp::Secret;

const APP: &str = "Steam";

/// Steam Guard files.
pub struct Steam;

impl Format for Steam {
    fn id(&self) -> &'static str {
        "steam"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        serde_json::from_slice::<Value>(file).is_ok_and(|file| {
            let is_account = |value: &Value| value.get("shared_secret").is_some();
            is_account(&file)
                || file
                    .get("accounts")
                    .and_then(Value::as_object)
                    .is_some_and(|accounts| {
                        !accounts.is_empty() && accounts.values().all(is_account)
                    })
        })
    }

    fn read(&self, file: &[u8], _password: Option<&str>) -> Result<Found, ImportError> {
        let file: Value = serde_json::from_slice(file)
            .map_err(|_| ImportError::damaged(APP, "it is not complete JSON"))?;
        let accounts: Vec<&Value> = match file.get("accounts").and_then(Value::as_object) {
            Some(accounts) => accounts.values().collect(),
            None => vec![&file],
        };
        let mut found = Found::default();
        for account in accounts {
            let account = account
                .as_object()
                .ok_or_else(|| ImportError::damaged(APP, "an account is not an object"))?;
            let fields = fields(account);
            found.push(
                &fields.label(),
                read_secret(account).and_then(|secret| {
                    EntryFields {
                        secret: Some(secret),
                        ..fields
                    }
                    .into_account()
                }),
            );
        }
        Ok(found)
    }
}

fn fields(account: &Object) -> EntryFields {
    EntryFields {
        issuer: Some("Steam".to_string()),
        name: json::text(account, "account_name")
            .unwrap_or_default()
            .to_string(),
        kind: Some("steam".to_string()),
        ..EntryFields::default()
    }
}

fn read_secret(account: &Object) -> Result<Secret, UnusableReason> {
    let text = json::text(account, "shared_secret").ok_or(UnusableReason::NoSecret)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| UnusableReason::Field {
            name: "shared_secret",
            value: "not base64".to_string(),
        })?;
    Ok(Secret::from_bytes(bytes)?)
}
