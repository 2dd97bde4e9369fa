//! Authenticator Pro (Stratum) backups written as the app writes them: Newtonsoft's JSON, then
//! either nothing, Argon2id and AES-GCM, or (before 1.20) PBKDF2 and AES-CBC; and its database.

use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use ring::aead;
use serde_json::{Value, json};
use tessera_core::Account;
use tessera_core::account::Kind;
use tessera_core::import::formats::authenticator_pro::AuthenticatorPro;
use tessera_core::import::{Format, UnusableReason};

use crate::expected::{self, Carries};

const PASSWORD: &str = "correct horse ßtaple";

/// The app keeps no account without an issuer: one added without took its name as the issuer.
fn as_the_app_keeps_them() -> Vec<Account> {
    expected::carried(Carries::ALL)
        .into_iter()
        .map(|mut account| {
            if account.issuer().is_none() {
                account.set_issuer(Some(&account.name.clone()));
                account.name = String::new();
            }
            account
        })
        .collect()
}

fn authenticator(account: &Account, ranking: usize) -> Value {
    let (kind, period, counter) = match account.kind {
        Kind::Hotp { counter } => (1, 30, counter),
        Kind::Totp { period } => (2, period, 0),
        Kind::Steam { period } => (4, period, 0),
    };
    let algorithm = match account.algorithm.name() {
        "SHA1" => 0,
        "SHA256" => 1,
        _ => 2,
    };
    let (issuer, username) = match account.issuer() {
        Some(issuer) => (issuer.to_string(), Value::from(account.name.clone())),
        None => (account.name.clone(), Value::Null),
    };
    json!({
        "Type": kind,
        "Icon": null,
        "Issuer": issuer,
        "Username": username,
        "Secret": account.secret.to_base32().as_str(),
        "Pin": null,
        "Algorithm": algorithm,
        "Digits": account.code_length(),
        "Period": period,
        "Counter": counter,
        "CopyCount": 3,
        "Ranking": ranking,
    })
}

fn backup() -> Vec<u8> {
    let accounts = expected::all();
    let authenticators: Vec<Value> = accounts
        .iter()
        .enumerate()
        .map(|(ranking, account)| authenticator(account, ranking))
        .collect();
    let secret = |i: usize| accounts[i].secret.to_base32().to_string();
    serde_json::to_vec(&json!({
        "Authenticators": authenticators,
        "Categories": [
            {"Id": "6f1c2a9e", "Name": "Work", "Ranking": 0},
            {"Id": "a8d4e0b1", "Name": "Games", "Ranking": 1},
        ],
        "AuthenticatorCategories": [
            {"CategoryId": "a8d4e0b1", "AuthenticatorSecret": secret(5), "Ranking": 0},
            {"CategoryId": "6f1c2a9e", "AuthenticatorSecret": secret(1), "Ranking": 1},
            {"CategoryId": "a8d4e0b1", "AuthenticatorSecret": secret(1), "Ranking": 0},
        ],
        "CustomIcons": [],
    }))
    .unwrap()
}

fn strong(plain: &[u8], password: &str) -> Vec<u8> {
    let salt = [0x5a; 16];
    let nonce = [0x17; 12];
    let mut key = [0u8; 32];
    argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(65536, 3, 4, Some(32)).unwrap(),
    )
    .hash_password_into(password.as_bytes(), &salt, &mut key)
    .unwrap();
    let key = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, &key).unwrap());
    let mut sealed = plain.to_vec();
    key.seal_in_place_append_tag(
        aead::Nonce::assume_unique_for_key(nonce),
        aead::Aad::empty(),
        &mut sealed,
    )
    .unwrap();
    [b"AUTHENTICATORPRO".as_slice(), &salt, &nonce, &sealed].concat()
}

fn legacy(plain: &[u8], password: &str) -> Vec<u8> {
    let salt = [0x33; 20];
    let iv = [0x99; 16];
    let mut key = [0u8; 32];
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA1,
        std::num::NonZeroU32::new(64_000).unwrap(),
        &salt,
        password.as_bytes(),
        &mut key,
    );
    let mut buffer = plain.to_vec();
    let length = buffer.len();
    buffer.resize(length + 16, 0);
    let sealed = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &iv)
        .unwrap()
        .encrypt_padded_mut::<Pkcs7>(&mut buffer, length)
        .unwrap()
        .to_vec();
    [b"AuthenticatorPro".as_slice(), &salt, &iv, &sealed].concat()
}

#[test]
fn a_plain_backup_yields_every_account_and_its_category() {
    let file = backup();
    expected::assert_reads(&AuthenticatorPro, &file, None, &as_the_app_keeps_them());
    let found = AuthenticatorPro.read(&file, None).unwrap();
    let groups: Vec<Option<&str>> = found
        .accounts
        .iter()
        .map(|found| found.details.group.as_deref())
        .collect();
    assert_eq!(
        groups,
        [None, Some("Work"), None, None, None, Some("Games"), None]
    );
    expected::assert_truncation_refused(&AuthenticatorPro, &file, None);
}

#[test]
fn an_encrypted_backup_yields_every_account() {
    let file = strong(&backup(), PASSWORD);
    expected::assert_reads(
        &AuthenticatorPro,
        &file,
        Some(PASSWORD),
        &as_the_app_keeps_them(),
    );
    expected::assert_encrypted(&AuthenticatorPro, &file, PASSWORD);
    expected::assert_truncation_refused(&AuthenticatorPro, &file, Some(PASSWORD));
}

#[test]
fn a_backup_encrypted_the_old_way_yields_every_account() {
    let file = legacy(&backup(), PASSWORD);
    expected::assert_reads(
        &AuthenticatorPro,
        &file,
        Some(PASSWORD),
        &as_the_app_keeps_them(),
    );
    expected::assert_encrypted(&AuthenticatorPro, &file, PASSWORD);
    expected::assert_truncation_refused(&AuthenticatorPro, &file, Some(PASSWORD));
}

#[test]
fn the_apps_database_yields_every_account() {
    let connection = rusqlite::Connection::open_in_memory().unwrap();
    // The tables as sqlite-net creates them from the entities.
    connection
        .execute_batch(
            "create table if not exists \"authenticator\"(\"type\" integer, \"icon\" varchar, \
             \"issuer\" varchar(32), \"username\" varchar(40), \"secret\" varchar primary key not null, \
             \"pin\" varchar, \"algorithm\" integer, \"digits\" integer, \"period\" integer, \
             \"counter\" bigint, \"copyCount\" integer, \"ranking\" integer);
             create table if not exists \"category\"(\"id\" varchar(8) primary key not null, \
             \"name\" varchar(32), \"ranking\" integer);
             create unique index if not exists \"category_name\" on \"category\"(\"name\");
             create table if not exists \"authenticatorcategory\"(\"categoryId\" varchar, \
             \"authenticatorSecret\" varchar, \"ranking\" integer);
             insert into category values ('a8d4e0b1', 'Games', 0);",
        )
        .unwrap();
    for (ranking, account) in expected::all().iter().enumerate() {
        let row = authenticator(account, ranking);
        connection
            .execute(
                "insert into authenticator values (?1, null, ?2, ?3, ?4, null, ?5, ?6, ?7, ?8, 0, ?9)",
                rusqlite::params![
                    row["Type"].as_i64(),
                    row["Issuer"].as_str(),
                    row["Username"].as_str(),
                    row["Secret"].as_str(),
                    row["Algorithm"].as_i64(),
                    row["Digits"].as_i64(),
                    row["Period"].as_i64(),
                    row["Counter"].as_i64(),
                    row["Ranking"].as_i64(),
                ],
            )
            .unwrap();
    }
    connection
        .execute(
            "insert into authenticatorcategory values ('a8d4e0b1', ?1, 0)",
            [expected::all()[5].secret.to_base32().as_str()],
        )
        .unwrap();
    let mut file = connection.serialize("main").unwrap().to_vec();
    // The app turns on the write-ahead log.
    file[18] = 2;
    file[19] = 2;
    expected::assert_reads(&AuthenticatorPro, &file, None, &as_the_app_keeps_them());
    let found = AuthenticatorPro.read(&file, None).unwrap();
    assert_eq!(found.accounts[5].details.group.as_deref(), Some("Games"));
    expected::assert_truncation_refused(&AuthenticatorPro, &file, None);
}

#[test]
fn yandex_and_motp_entries_are_listed_and_the_rest_read() {
    let mut file: Value = serde_json::from_slice(&backup()).unwrap();
    let list = file["Authenticators"].as_array_mut().unwrap();
    let mut yandex = list[0].clone();
    yandex["Type"] = json!(5);
    yandex["Issuer"] = json!("Yandex");
    yandex["Pin"] = json!("1234");
    let mut motp = list[0].clone();
    motp["Type"] = json!(3);
    motp["Issuer"] = json!("Old VPN");
    motp["Secret"] = json!("0123456789abcdef");
    list.insert(2, yandex);
    list.push(motp);
    let found = AuthenticatorPro
        .read(&serde_json::to_vec(&file).unwrap(), None)
        .unwrap();
    assert_eq!(found.accounts.len(), expected::all().len());
    let reasons: Vec<_> = found
        .unusable
        .iter()
        .map(|entry| (entry.label.as_str(), &entry.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "Yandex (alice@example.com)",
                &UnusableReason::Kind("Yandex".into())
            ),
            (
                "Old VPN (alice@example.com)",
                &UnusableReason::Kind("mOTP".into())
            ),
        ]
    );
}
