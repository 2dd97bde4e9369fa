//! 2FAS backups of every schema, plain and encrypted, written the way 2FAS's Android app
//! (`BackupContent.kt`, `BackupService.kt`, `ServiceMapper.kt`, `BackupCipherImpl.kt`) and iOS
//! app (`ExchangeData.swift`, `ExchangeData2.swift`, `ExchangeFileEncryption.swift`) write them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::pbkdf2::PBKDF2_HMAC_SHA256;
use serde_json::{Value, json};
use tessera_core::account::Kind;
use tessera_core::import::formats::twofas::TwoFas;
use tessera_core::import::{Format, ImportError, UnusableReason};
use tessera_core::{Account, Algorithm};

use crate::expected::{self, Carries};
use crate::seal;

const PASSWORD: &str = "corrèct horse battery staple";

/// The text 2FAS seals beside the services to check the password (any text serves: the reader
/// only needs it to open).
const REFERENCE: &str = "tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfgg";

const WORK: &str = "6f1c7a52-1b4e-4a57-9f0e-2d5f0e6c1a01";
const BANKING: &str = "0b8d3f55-7a2c-4d8e-b1c4-5e9a7f3d2c02";

/// What a schema carries: 1 has no token types, 2 adds HOTP, 4 adds Steam.
fn carries(schema: u8) -> Carries {
    Carries {
        hotp: schema >= 2,
        steam: schema >= 4,
        ..Carries::ALL
    }
}

/// One service as 2FAS writes it in `schema`, at `position`.
fn service(account: &Account, schema: u8, position: usize, group: Option<&str>) -> Value {
    let issuer = account.issuer().unwrap_or_default();
    let (token_type, period, counter) = match account.kind {
        Kind::Totp { period } => ("TOTP", Some(period), None),
        Kind::Hotp { counter } => ("HOTP", None, Some(counter)),
        Kind::Steam { period } => ("STEAM", Some(period), None),
    };
    let mut otp = json!({
        "account": account.name,
        "issuer": (!issuer.is_empty()).then_some(issuer),
        "digits": account.digits,
        "period": period,
        "algorithm": account.algorithm.name(),
    });
    if schema >= 2 {
        otp["tokenType"] = json!(token_type);
        otp["counter"] = json!(counter);
    }
    let mut service = json!({
        "name": issuer,
        "secret": account.secret.to_base32().as_str(),
        "updatedAt": 1_700_000_000_000u64 + position as u64,
        "otp": otp,
        "order": {"position": position},
        "badge": null,
        "groupId": group,
    });
    if schema >= 3 {
        service["serviceTypeID"] = Value::Null;
        service["otp"]["label"] = json!(account.name);
        service["otp"]["source"] = json!("Manual");
        service["otp"]["link"] = Value::Null;
        service["icon"] = json!({
            "selected": "Label",
            "brand": null,
            "label": {"text": issuer.chars().take(2).collect::<String>(), "backgroundColor": "Orange"},
            "iconCollection": {"id": "a5b3fb65-4ec5-43e6-8ec1-49e24ca9e7ad"},
        });
    } else {
        service["type"] = json!("ManualService");
        service["icon"] = json!({
            "selected": "Label",
            "brand": null,
            "label": {"text": issuer.chars().take(2).collect::<String>(), "backgroundColor": "Orange"},
        });
    }
    service
}

/// The services of the shared accounts a schema carries, some of them in groups.
fn services(schema: u8) -> Vec<Value> {
    expected::carried(carries(schema))
        .iter()
        .enumerate()
        .map(|(position, account)| {
            let group = match position {
                1 | 2 => Some(BANKING),
                3 => Some(WORK),
                // A group that was deleted since: the service is shown in no group.
                4 => Some("9a9a9a9a-0000-4000-8000-000000000000"),
                _ => None,
            };
            service(account, schema, position, group)
        })
        .collect()
}

fn groups() -> Value {
    json!([
        {"id": WORK, "name": "Wörk", "isExpanded": true, "updatedAt": 1_700_000_000_000u64},
        {"id": BANKING, "name": "Banking & mail", "isExpanded": false, "updatedAt": 0},
    ])
}

/// A plain backup of `schema`, as the app of that time wrote it.
fn plain(schema: u8) -> Vec<u8> {
    let origin = match schema {
        1 | 3 => "ios",
        _ => "android",
    };
    let mut backup = json!({
        "services": services(schema),
        "updatedAt": 1_700_000_000_000u64,
        "schemaVersion": schema,
        "appVersionCode": 5_050_300,
        "appVersionName": "5.5.3",
        "appOrigin": origin,
    });
    if schema >= 2 {
        backup["groups"] = groups();
    }
    serde_json::to_vec(&backup).unwrap()
}

/// `base64(ciphertext):base64(salt):base64(iv)`, as both apps join them.
fn sealed(key: &[u8], salt: &[u8], iv: &[u8], plain: &[u8]) -> String {
    format!(
        "{}:{}:{}",
        STANDARD.encode(seal::aes_gcm(key, iv, plain)),
        STANDARD.encode(salt),
        STANDARD.encode(iv)
    )
}

/// An encrypted schema-4 backup: Android's salt is 256 bytes, iOS's 32. The groups stay in the
/// clear, so the fixture for tampering has none.
fn encrypted(origin: &str, groups: Value) -> Vec<u8> {
    let salt = seal::bytes(if origin == "android" { 256 } else { 32 }, 1);
    let key = seal::pbkdf2_key(PBKDF2_HMAC_SHA256, PASSWORD, &salt, 10_000);
    let services = serde_json::to_vec(&services(4)).unwrap();
    let backup = json!({
        "services": [],
        "groups": groups,
        "updatedAt": 1_700_000_000_000u64,
        "schemaVersion": 4,
        "appVersionCode": 50_404,
        "appVersionName": "5.4.4",
        "appOrigin": origin,
        "servicesEncrypted": sealed(&key, &salt, &seal::bytes(12, 2), &services),
        "reference": sealed(&key, &salt, &seal::bytes(12, 3), REFERENCE.as_bytes()),
    });
    serde_json::to_vec(&backup).unwrap()
}

#[test]
fn plain_backups_of_every_schema_yield_what_the_schema_carries() {
    for schema in 1..=4 {
        let file = plain(schema);
        expected::assert_reads(&TwoFas, &file, None, &expected::carried(carries(schema)));
        expected::assert_truncation_refused(&TwoFas, &file, None);
    }
}

#[test]
fn schema_1_services_are_time_based() {
    let found = TwoFas.read(&plain(1), None).unwrap();
    assert!(
        found
            .accounts
            .iter()
            .all(|found| matches!(found.account.kind, Kind::Totp { .. }))
    );
}

#[test]
fn encrypted_backups_of_android_and_ios_yield_every_account() {
    for origin in ["android", "ios"] {
        let file = encrypted(origin, json!([]));
        expected::assert_reads(
            &TwoFas,
            &file,
            Some(PASSWORD),
            &expected::carried(Carries::ALL),
        );
        expected::assert_encrypted(&TwoFas, &file, PASSWORD);
        expected::assert_truncation_refused(&TwoFas, &file, Some(PASSWORD));
    }
}

#[test]
fn services_are_put_in_their_groups_by_id() {
    for file in [plain(4), encrypted("android", groups())] {
        let found = TwoFas.read(&file, Some(PASSWORD)).unwrap();
        let groups: Vec<_> = found
            .accounts
            .iter()
            .map(|found| found.details.group.as_deref())
            .collect();
        assert_eq!(
            groups[..6],
            [
                None,
                Some("Banking & mail"),
                Some("Banking & mail"),
                Some("Wörk"),
                None,
                None
            ]
        );
    }
}

#[test]
fn services_are_read_in_the_order_2fas_shows_them() {
    let mut backup: Value = serde_json::from_slice(&plain(4)).unwrap();
    backup["services"].as_array_mut().unwrap().reverse();
    let file = serde_json::to_vec(&backup).unwrap();
    expected::assert_reads(&TwoFas, &file, None, &expected::carried(Carries::ALL));
}

#[test]
fn a_password_check_that_opens_over_accounts_that_do_not_is_damage() {
    let mut backup: Value = serde_json::from_slice(&encrypted("ios", json!([]))).unwrap();
    let reference = backup["reference"].as_str().unwrap().to_string();
    let (_, salt_and_iv) = reference.split_once(':').unwrap();
    let salt = STANDARD
        .decode(salt_and_iv.split(':').next().unwrap())
        .unwrap();
    let key = seal::pbkdf2_key(PBKDF2_HMAC_SHA256, "another password", &salt, 10_000);
    backup["servicesEncrypted"] = json!(sealed(&key, &salt, &seal::bytes(12, 4), b"[]"));
    let file = serde_json::to_vec(&backup).unwrap();
    assert!(matches!(
        TwoFas.read(&file, Some(PASSWORD)),
        Err(ImportError::Damaged { .. })
    ));
}

#[test]
fn a_service_with_an_algorithm_tessera_lacks_is_listed_and_the_rest_are_read() {
    let mut backup: Value = serde_json::from_slice(&plain(4)).unwrap();
    let mut odd = service(&expected::all()[0], 4, 99, None);
    odd["name"] = json!("Legacy VPN");
    odd["otp"]["algorithm"] = json!("SHA384");
    backup["services"].as_array_mut().unwrap().push(odd);
    let found = TwoFas
        .read(&serde_json::to_vec(&backup).unwrap(), None)
        .unwrap();
    assert_eq!(found.accounts.len(), expected::all().len());
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(found.unusable[0].label, "Legacy VPN (alice@example.com)");
    assert_eq!(
        found.unusable[0].reason,
        UnusableReason::Algorithm("SHA384".into())
    );
}

#[test]
fn the_service_name_is_the_issuer_and_the_links_issuer_only_stands_in() {
    let mut account = expected::all()[0].clone();
    account.algorithm = Algorithm::Sha1;
    let mut renamed = service(&account, 4, 0, None);
    renamed["name"] = json!("My example");
    let mut unnamed = service(&account, 4, 1, None);
    unnamed["name"] = json!("");
    let backup = json!({"schemaVersion": 4, "services": [renamed, unnamed]});
    let found = TwoFas
        .read(&serde_json::to_vec(&backup).unwrap(), None)
        .unwrap();
    let issuers: Vec<_> = found
        .accounts
        .iter()
        .map(|found| found.account.issuer())
        .collect();
    assert_eq!(issuers, [Some("My example"), Some("Example")]);
}
