//! Duo Mobile's accounts file, written as the app keeps it (a list of accounts with Duo's own
//! fields beside `name` and `otpGenerator`).

use serde_json::{Value, json};
use tessera_core::Account;
use tessera_core::account::Kind;
use tessera_core::import::formats::duo::Duo;
use tessera_core::import::{Format, UnusableReason};

use crate::expected::{self, Carries};

/// Duo keeps a name and a secret (and a counter): no issuer, algorithm, digits or period.
fn as_duo_keeps_them() -> Vec<Account> {
    expected::carried(Carries {
        hotp: true,
        steam: false,
        algorithms: false,
        digits: false,
        periods: false,
    })
    .into_iter()
    .map(|mut account| {
        account.set_issuer(None);
        account
    })
    .collect()
}

fn account(account: &Account, n: usize) -> Value {
    let mut generator = json!({"otpSecret": account.secret.to_base32().as_str()});
    if let Kind::Hotp { counter } = account.kind {
        generator["counter"] = json!(counter);
    }
    let pkey = format!("9a011a29-0496-4c0b-b53a-b9125eea14a{n}");
    json!({
        "version": 1.0,
        "accountType": "OtpAccount",
        "name": account.name,
        "otpGenerator": generator,
        "logoUri": format!("file:///data/user/0/com.duosecurity.duomobile/files/duokit/logos/{pkey}.png"),
        "pkey": pkey,
        "serviceTypeLabelIsCustom": true,
    })
}

#[test]
fn the_apps_accounts_file_yields_every_account() {
    let accounts = as_duo_keeps_them();
    let list: Vec<Value> = accounts
        .iter()
        .enumerate()
        .map(|(n, a)| account(a, n))
        .collect();
    let file = serde_json::to_vec_pretty(&list).unwrap();
    expected::assert_reads(&Duo, &file, None, &accounts);
    expected::assert_truncation_refused(&Duo, &file, None);
}

#[test]
fn a_duo_push_account_is_listed_and_the_rest_read() {
    let accounts = as_duo_keeps_them();
    let mut list: Vec<Value> = accounts
        .iter()
        .enumerate()
        .map(|(n, a)| account(a, n))
        .collect();
    list.insert(
        1,
        json!({"accountType": "DuoPushAccount", "name": "Work VPN", "pkey": "DI5T2TGBGV0WVE4QNRYB"}),
    );
    let found = Duo.read(&serde_json::to_vec(&list).unwrap(), None).unwrap();
    assert_eq!(found.accounts.len(), accounts.len());
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(found.unusable[0].label, "Work VPN");
    assert_eq!(
        found.unusable[0].reason,
        UnusableReason::Kind("DuoPushAccount".into())
    );
}
