//! Microsoft Authenticator: the app's internal database (`databases/PhoneFactor` in the data
//! folder of `com.azure.authenticator`, copied from a rooted phone or a backup of the app's data).
//! Microsoft backs up only to its own cloud.
//!
//! Microsoft publishes no description; learned from beemdevelopment/Aegis (February 2026):
//! `importers/MicrosoftAuthImporter.java` and the schema of its test database
//! `microsoft_authenticator.sqlite` (Room's table `accounts`): `name` (the issuer), `username`,
//! `oath_secret_key`, `account_type` (0 another service's account, its secret base32 and its
//! codes 6 digits; 1 a personal Microsoft account, its secret base64 and its codes 8 digits),
//! `ux_position` (the order on screen) and, in newer versions, `encrypted_oath_secret_key`.
//!
//! Every code is SHA1 every 30 seconds, as the app makes them. Other account types (work or
//! school accounts), accounts used only to approve sign-ins (no secret) and secrets the app
//! sealed with a key of the phone's are listed as unusable, with the reason.

use base64::Engine;

use crate::import::database::{self, Record};
use crate::import::{EntryFields, Format, Found, FoundAccount, ImportError, UnusableReason};
use crate::otp::Secret;

const APP: &str = "Microsoft Authenticator";

/// Microsoft Authenticator's internal database.
pub struct MicrosoftAuthenticator;

impl Format for MicrosoftAuthenticator {
    fn id(&self) -> &'static str {
        "microsoft-authenticator"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        database::has_table(file, "accounts") && database::mentions(file, "oath_secret_key")
    }

    fn read(&self, file: &[u8], _password: Option<&str>) -> Result<Found, ImportError> {
        let connection = database::open_for(APP, file)?;
        let mut records =
            database::records(&connection, "SELECT * FROM accounts ORDER BY rowid")
                .map_err(|_| ImportError::damaged(APP, "it has no accounts table of the app's"))?;
        if records
            .first()
            .is_some_and(|record| !record.has("oath_secret_key") || !record.has("account_type"))
        {
            return Err(ImportError::damaged(
                APP,
                "its accounts table is not the app's",
            ));
        }
        // The order the app shows them in, where it keeps one.
        records.sort_by_key(|record| record.integer("ux_position").ok().flatten());
        let mut found = Found::default();
        for record in &records {
            let fields = EntryFields {
                issuer: record.text("name").map(str::to_string),
                name: record.text("username").unwrap_or_default().to_string(),
                ..EntryFields::default()
            };
            let label = fields.label();
            found.push(&label, account(record, fields));
        }
        Ok(found)
    }
}

fn account(record: &Record, mut fields: EntryFields) -> Result<FoundAccount, UnusableReason> {
    let secret = record
        .text("oath_secret_key")
        .map(str::trim)
        .unwrap_or_default();
    let kind = record.integer("account_type")?;
    if secret.is_empty() {
        return Err(
            match record.text("encrypted_oath_secret_key").map(str::trim) {
                Some(sealed) if !sealed.is_empty() => UnusableReason::SealedOnDevice,
                _ => UnusableReason::Kind("Microsoft push sign-in".to_string()),
            },
        );
    }
    let secret = match kind {
        Some(0) => Secret::from_base32(secret)?,
        Some(1) => {
            fields.digits = Some(8);
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(secret)
                .map_err(|_| UnusableReason::Field {
                    name: "oath_secret_key",
                    value: "not base64".to_string(),
                })?;
            Secret::from_bytes(bytes)?
        }
        Some(2) => {
            return Err(UnusableReason::Kind(
                "Microsoft work or school account".to_string(),
            ));
        }
        other => {
            return Err(UnusableReason::Field {
                name: "account_type",
                value: other.map_or_else(|| "empty".to_string(), |kind| kind.to_string()),
            });
        }
    };
    fields.secret = Some(secret);
    fields.into_account()
}
