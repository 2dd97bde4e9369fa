//! Duo Mobile's third-party accounts (`files/duokit/accounts.json` in the app's data).
//!
//! Duo publishes no description of this file; it was learned from beemdevelopment/Aegis
//! (`importers/DuoImporter.java` and its test file `duo.json`, read from the app's data): a list
//! of accounts with `name` and `otpGenerator` (`otpSecret` in base32, and `counter` for
//! counter-based accounts), beside Duo's own fields (`accountType`, `pkey`, `logoUri`…).
//!
//! Taken as the app meant it: SHA1, 6 digits, 30 seconds (Duo stores none of them); the name as
//! the account's name, with no issuer (Duo keeps none apart); the counter as stored. Duo's own
//! push accounts have no `otpGenerator` and are listed as unusable.

use serde_json::Value;

use crate::import::json;
use crate::import::{EntryFields, Format, Found, ImportError, UnusableReason};
use crate::otp::Secret;

const APP: &str = "Duo Mobile";

/// Duo Mobile's accounts file.
pub struct Duo;

impl Format for Duo {
    fn id(&self) -> &'static str {
        "duo"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        serde_json::from_slice::<Value>(file).is_ok_and(|accounts| {
            accounts.as_array().is_some_and(|accounts| {
                accounts
                    .iter()
                    .any(|account| account.get("otpGenerator").is_some())
                    && accounts.iter().all(|account| {
                        account.get("pkey").is_some() || account.get("otpGenerator").is_some()
                    })
            })
        })
    }

    fn read(&self, file: &[u8], _password: Option<&str>) -> Result<Found, ImportError> {
        let accounts: Vec<Value> = serde_json::from_slice(file)
            .map_err(|_| ImportError::damaged(APP, "it is not a complete list of accounts"))?;
        let mut found = Found::default();
        for account in &accounts {
            let account = account
                .as_object()
                .ok_or_else(|| ImportError::damaged(APP, "an account is not an object"))?;
            let mut fields = EntryFields {
                name: json::text(account, "name").unwrap_or_default().to_string(),
                ..EntryFields::default()
            };
            let label = fields.label();
            let read = || {
                let generator = account
                    .get("otpGenerator")
                    .and_then(Value::as_object)
                    .ok_or_else(|| {
                        UnusableReason::Kind(
                            json::text(account, "accountType")
                                .unwrap_or("Duo push")
                                .to_string(),
                        )
                    })?;
                fields.counter = json::integer(generator, "counter")?;
                fields.kind = Some(
                    if fields.counter.is_some() {
                        "hotp"
                    } else {
                        "totp"
                    }
                    .into(),
                );
                fields.secret = json::text(generator, "otpSecret")
                    .map(Secret::from_base32)
                    .transpose()?;
                fields.into_account()
            };
            found.push(&label, read());
        }
        Ok(found)
    }
}
