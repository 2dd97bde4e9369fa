//! Google Authenticator's internal database, made as the app makes it: SQLite, the table
//! `accounts` with the name in `email`, the base32 secret, the counter, the kind as a number and
//! the issuer; nothing else about the codes.

use rusqlite::{Connection, params};
use tessera_core::account::Kind;
use tessera_core::import::formats::google_authenticator::GoogleAuthenticator;
use tessera_core::import::{Format, UnusableReason};
use tessera_core::{Account, Algorithm, Secret};

use crate::expected::{self, Carries};

/// What the app can carry: time- and counter-based accounts, SHA1, 6 digits, 30 seconds.
const CARRIES: Carries = Carries {
    hotp: true,
    steam: false,
    algorithms: false,
    digits: false,
    periods: false,
};

/// The app's table; `encrypted` adds the column some versions have for sealed secrets.
fn database(encrypted: bool) -> Connection {
    let connection = Connection::open_in_memory().unwrap();
    connection
        .execute_batch(&format!(
            "CREATE TABLE android_metadata (locale TEXT);
             INSERT INTO android_metadata VALUES ('en_US');
             CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, \
             secret TEXT NOT NULL, counter INTEGER DEFAULT 0, type INTEGER, \
             provider INTEGER DEFAULT 0, issuer TEXT DEFAULT NULL, \
             original_name TEXT DEFAULT NULL{});",
            if encrypted {
                ", isencrypted INTEGER DEFAULT 0"
            } else {
                ""
            }
        ))
        .unwrap();
    connection
}

/// Adds an account as the app stores it. The first is written the way versions before the issuer
/// column did (`issuer:name` in `email`); one secret is kept as the user typed it, in lower case
/// with spaces.
fn add(connection: &Connection, index: usize, account: &Account) {
    let (kind, counter) = match account.kind {
        Kind::Hotp { counter } => (1, counter as i64),
        _ => (0, 0),
    };
    let issuer = account.issuer().unwrap_or_default();
    let original = if issuer.is_empty() {
        account.name.clone()
    } else {
        format!("{issuer}:{}", account.name)
    };
    let email = if index == 0 {
        original.clone()
    } else {
        account.name.clone()
    };
    let mut secret = account.secret.to_base32().to_string();
    if index == 1 {
        secret = secret
            .to_lowercase()
            .as_bytes()
            .chunks(4)
            .map(|chunk| std::str::from_utf8(chunk).unwrap())
            .collect::<Vec<_>>()
            .join(" ");
    }
    connection
        .execute(
            "INSERT INTO accounts (email, secret, counter, type, provider, issuer, original_name) \
             VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)",
            params![
                email,
                secret,
                counter,
                kind,
                (!issuer.is_empty()).then_some(issuer),
                original
            ],
        )
        .unwrap();
}

fn file(connection: &Connection) -> Vec<u8> {
    connection.serialize("main").unwrap().to_vec()
}

#[test]
fn the_apps_database_yields_every_account_it_can_hold() {
    let connection = database(false);
    let accounts = expected::carried(CARRIES);
    for (index, account) in accounts.iter().enumerate() {
        add(&connection, index, account);
    }
    let file = file(&connection);
    expected::assert_reads(&GoogleAuthenticator, &file, None, &accounts);
    expected::assert_truncation_refused(&GoogleAuthenticator, &file, None);
}

#[test]
fn sealed_secrets_and_unknown_kinds_are_listed_and_the_rest_read() {
    let connection = database(true);
    let accounts = expected::carried(CARRIES);
    for (index, account) in accounts.iter().enumerate() {
        add(&connection, index, account);
    }
    connection
        .execute(
            "INSERT INTO accounts (email, secret, type, issuer, isencrypted) \
             VALUES ('carol', 'c2VhbGVkIGJ5IHRoZSBwaG9uZQ==', 0, 'Sealed', 1)",
            [],
        )
        .unwrap();
    connection
        .execute(
            "INSERT INTO accounts (email, secret, type, issuer) \
             VALUES ('dave', 'JBSWY3DPEHPK3PXP', 7, 'Future')",
            [],
        )
        .unwrap();
    let found = GoogleAuthenticator.read(&file(&connection), None).unwrap();
    expected::assert_yields(
        &tessera_core::import::Found {
            accounts: found.accounts.clone(),
            unusable: Vec::new(),
        },
        &accounts,
    );
    let reasons: Vec<_> = found
        .unusable
        .iter()
        .map(|entry| (entry.label.as_str(), &entry.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            ("Sealed (carol)", &UnusableReason::SealedOnDevice),
            (
                "Future (dave)",
                &UnusableReason::Field {
                    name: "type",
                    value: "7".into()
                }
            ),
        ]
    );
}

#[test]
fn what_google_does_not_store_is_taken_as_it_made_codes() {
    let connection = database(false);
    connection
        .execute(
            "INSERT INTO accounts (email, secret, counter, type) \
             VALUES ('Example:alice', 'JBSWY3DPEHPK3PXP', 42, 1)",
            [],
        )
        .unwrap();
    let found = GoogleAuthenticator.read(&file(&connection), None).unwrap();
    let mut want = Account::totp(
        Some("Example"),
        "alice",
        Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
    );
    want.algorithm = Algorithm::Sha1;
    want.kind = Kind::Hotp { counter: 42 };
    expected::assert_yields(&found, &[want]);
}

#[test]
fn another_apps_table_is_not_taken_for_googles() {
    let connection = Connection::open_in_memory().unwrap();
    connection
        .execute_batch(
            "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT, secret_key TEXT);",
        )
        .unwrap();
    connection
        .execute("INSERT INTO accounts (email) VALUES ('x')", [])
        .unwrap();
    let error = GoogleAuthenticator
        .read(&file(&connection), None)
        .unwrap_err();
    assert!(
        error.to_string().contains("Google Authenticator"),
        "{error}"
    );
}
