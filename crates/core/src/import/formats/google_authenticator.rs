//! Google Authenticator: the app's internal database (`databases/databases` in the data folder of
//! `com.google.android.apps.authenticator2`, copied from a rooted phone or a backup of the app's
//! data). Its export links and their QR codes are read as an otpauth list and by the scanner.
//!
//! Google publishes no description; learned from beemdevelopment/Aegis (February 2026):
//! `importers/GoogleAuthImporter.java` and the schema of its test database
//! `google_authenticator.sqlite`: the table `accounts` with `email` (the account's name; older
//! versions wrote `issuer:name` there), `secret` (base32, perhaps with spaces or dashes),
//! `counter`, `type` (0 time-based, 1 counter-based), `issuer` and `original_name`; some versions
//! add `isencrypted`, for secrets sealed with a key of the phone's.
//!
//! The app stores no algorithm, digits or period: it made SHA1 codes of 6 digits every 30
//! seconds, and they are taken as such.

use crate::import::database::{self, Record};
use crate::import::{EntryFields, Format, Found, ImportError, UnusableReason};
use crate::otp::Secret;

const APP: &str = "Google Authenticator";

/// Google Authenticator's internal database.
pub struct GoogleAuthenticator;

impl Format for GoogleAuthenticator {
    fn id(&self) -> &'static str {
        "google-authenticator"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        database::has_table(file, "accounts")
            && database::mentions(file, "email")
            && database::mentions(file, "secret")
            && !database::mentions(file, "oath_secret_key")
    }

    fn read(&self, file: &[u8], _password: Option<&str>) -> Result<Found, ImportError> {
        let connection = database::open_for(APP, file)?;
        let records = database::records(&connection, "SELECT * FROM accounts ORDER BY rowid")
            .map_err(|_| ImportError::damaged(APP, "it has no accounts table of the app's"))?;
        if records
            .first()
            .is_some_and(|record| !record.has("email") || !record.has("secret"))
        {
            return Err(ImportError::damaged(
                APP,
                "its accounts table is not the app's",
            ));
        }
        let mut found = Found::default();
        for record in &records {
            let fields = names(record);
            let label = fields.label();
            found.push(&label, account(record, fields));
        }
        Ok(found)
    }
}

/// The issuer and name: the `issuer` column, and `email`, which older versions filled with
/// `issuer:name` (the issuer part is taken when the column is empty or says the same).
fn names(record: &Record) -> EntryFields {
    let email = record.text("email").unwrap_or_default().trim();
    let issuer = record
        .text("issuer")
        .map(str::trim)
        .filter(|issuer| !issuer.is_empty());
    let (issuer, name) = match email.split_once(':') {
        Some((prefix, rest)) if issuer.is_none_or(|issuer| issuer == prefix.trim()) => {
            (Some(prefix.trim()), rest.trim())
        }
        _ => (issuer, email),
    };
    EntryFields {
        issuer: issuer.map(str::to_string),
        name: name.to_string(),
        ..EntryFields::default()
    }
}

fn account(
    record: &Record,
    mut fields: EntryFields,
) -> Result<crate::import::FoundAccount, UnusableReason> {
    if record.integer("isencrypted")?.unwrap_or(0) > 0 {
        return Err(UnusableReason::SealedOnDevice);
    }
    match record.integer("type")? {
        None | Some(0) => fields.kind = Some("totp".to_string()),
        Some(1) => {
            fields.kind = Some("hotp".to_string());
            fields.counter = record.integer("counter")?;
        }
        Some(other) => {
            return Err(UnusableReason::Field {
                name: "type",
                value: other.to_string(),
            });
        }
    }
    let secret: String = record
        .text("secret")
        .unwrap_or_default()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let secret = zeroize::Zeroizing::new(secret);
    if !secret.is_empty() {
        fields.secret = Some(Secret::from_base32(&secret)?);
    }
    fields.into_account()
}
