//! Microsoft Authenticator's internal database (`PhoneFactor`), made as the app's Room schema
//! makes it: the table `accounts` with the issuer in `name`, `username`, the secret in
//! `oath_secret_key` (base32 for other services, base64 for Microsoft's own accounts), the kind
//! in `account_type` and the order on screen in `ux_position`.

use base64::Engine;
use rusqlite::{Connection, params};
use tessera_core::account::Kind;
use tessera_core::import::formats::microsoft_authenticator::MicrosoftAuthenticator;
use tessera_core::import::{Format, Found, UnusableReason};
use tessera_core::{Account, Algorithm, Secret};

use crate::expected::{self, Carries};

/// What the app can carry for other services: SHA1, 6 digits, every 30 seconds.
const CARRIES: Carries = Carries {
    hotp: false,
    steam: false,
    algorithms: false,
    digits: false,
    periods: false,
};

fn database() -> Connection {
    let connection = Connection::open_in_memory().unwrap();
    connection
        .execute_batch(
            "CREATE TABLE android_metadata (locale TEXT);
             CREATE TABLE `accounts` (`_id` INTEGER PRIMARY KEY AUTOINCREMENT, \
             `group_key` TEXT NOT NULL, `name` TEXT NOT NULL, `username` TEXT NOT NULL, \
             `paws_url` TEXT NOT NULL, `oath_secret_key` TEXT NOT NULL, \
             `oath_enabled` INTEGER NOT NULL, `cid` TEXT NOT NULL, `cached_pin` TEXT NOT NULL, \
             `ngc_ski` TEXT NOT NULL, `aad_user_id` TEXT NOT NULL, `aad_tenant_id` TEXT NOT NULL, \
             `account_type` INTEGER NOT NULL, `account_capability` INTEGER NOT NULL, \
             `ux_position` INTEGER NOT NULL, `is_totp_code_shown` INTEGER NOT NULL, \
             `encrypted_oath_secret_key` TEXT NOT NULL, \
             `mfa_pin_encryption_key_alias` TEXT NOT NULL, `identity_provider` TEXT NOT NULL, \
             `aad_ngc_totp_enabled` INTEGER NOT NULL, `aad_authority` TEXT NOT NULL, \
             `restore_capability` INTEGER NOT NULL, `update_flags` INTEGER NOT NULL, \
             `has_password` INTEGER NOT NULL, `aad_security_defaults_policy_enabled` INTEGER NOT NULL);
             CREATE TABLE room_master_table (id INTEGER PRIMARY KEY,identity_hash TEXT);",
        )
        .unwrap();
    connection
}

/// Adds a row as the app keeps one; empty texts where the app leaves a field empty.
fn add(
    connection: &Connection,
    issuer: &str,
    username: &str,
    secret: &str,
    sealed: &str,
    kind: i64,
    position: i64,
) {
    connection
        .execute(
            "INSERT INTO accounts (group_key, name, username, paws_url, oath_secret_key, \
             oath_enabled, cid, cached_pin, ngc_ski, aad_user_id, aad_tenant_id, account_type, \
             account_capability, ux_position, is_totp_code_shown, encrypted_oath_secret_key, \
             mfa_pin_encryption_key_alias, identity_provider, aad_ngc_totp_enabled, \
             aad_authority, restore_capability, update_flags, has_password, \
             aad_security_defaults_policy_enabled) VALUES ('00000000000000000000000000000000', \
             ?1, ?2, '', ?3, 0, '', '', '', '', '', ?4, 1, ?5, 1, ?6, '', ?1, 0, '', 0, 0, 1, 0)",
            params![issuer, username, secret, kind, position, sealed],
        )
        .unwrap();
}

fn file(connection: &Connection) -> Vec<u8> {
    connection.serialize("main").unwrap().to_vec()
}

/// The shared accounts the app can hold, added in reverse and placed in order by `ux_position`.
fn with_the_shared_accounts() -> (Connection, Vec<Account>) {
    let connection = database();
    let accounts = expected::carried(CARRIES);
    for (position, account) in accounts.iter().enumerate().rev() {
        add(
            &connection,
            account.issuer().unwrap_or_default(),
            &account.name,
            &account.secret.to_base32(),
            "",
            0,
            position as i64 + 1,
        );
    }
    (connection, accounts)
}

#[test]
fn the_apps_database_yields_every_account_it_can_hold() {
    let (connection, accounts) = with_the_shared_accounts();
    let file = file(&connection);
    expected::assert_reads(&MicrosoftAuthenticator, &file, None, &accounts);
    expected::assert_truncation_refused(&MicrosoftAuthenticator, &file, None);
}

#[test]
fn a_microsoft_account_gives_eight_digit_codes_from_its_base64_secret() {
    let connection = database();
    let secret: Vec<u8> = (0u8..20).map(|n| n.wrapping_mul(37) ^ 0x5a).collect();
    add(
        &connection,
        "Microsoft",
        "jörg@outlook.com",
        &base64::engine::general_purpose::STANDARD.encode(&secret),
        "",
        1,
        1,
    );
    let found = MicrosoftAuthenticator
        .read(&file(&connection), None)
        .unwrap();
    let mut want = Account::totp(
        Some("Microsoft"),
        "jörg@outlook.com",
        Secret::from_bytes(secret).unwrap(),
    );
    want.digits = 8;
    want.algorithm = Algorithm::Sha1;
    want.kind = Kind::Totp { period: 30 };
    expected::assert_yields(&found, &[want]);
}

#[test]
fn push_only_sealed_and_work_accounts_are_listed_and_the_rest_read() {
    let (connection, accounts) = with_the_shared_accounts();
    add(&connection, "Microsoft", "push@outlook.com", "", "", 1, 10);
    add(
        &connection,
        "Contoso",
        "sealed@example.com",
        "",
        "AAECAwQFBgc=",
        0,
        11,
    );
    add(
        &connection,
        "Contoso",
        "work@contoso.com",
        "JBSWY3DPEHPK3PXP",
        "",
        2,
        12,
    );
    add(&connection, "Broken", "bad", "not base32!", "", 0, 13);
    let found = MicrosoftAuthenticator
        .read(&file(&connection), None)
        .unwrap();
    expected::assert_yields(
        &Found {
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
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert_eq!(
        reasons[..3],
        [
            (
                "Microsoft (push@outlook.com)",
                &UnusableReason::Kind("Microsoft push sign-in".into())
            ),
            (
                "Contoso (sealed@example.com)",
                &UnusableReason::SealedOnDevice
            ),
            (
                "Contoso (work@contoso.com)",
                &UnusableReason::Kind("Microsoft work or school account".into())
            ),
        ]
    );
    assert!(matches!(reasons[3].1, UnusableReason::Secret(_)));
}
