//! FreeOTP+'s JSON export, written as the app writes it (`ImportExportUtil.exportJsonFile`:
//! each token turned into a link and back into a 1.x `Token`, then Gson), and its old internal
//! `tokens.xml`, which is FreeOTP's.

use serde_json::{Value, json};
use tessera_core::Account;
use tessera_core::account::Kind;
use tessera_core::import::formats::freeotp::FreeOtp;
use tessera_core::import::formats::freeotp_plus::FreeOtpPlus;
use tessera_core::import::{Format, UnusableReason};

use crate::android::{gson, gson_value, java_bytes, prefs};
use crate::expected::{self, Carries};

fn token_id(account: &Account) -> String {
    match account.issuer() {
        Some(issuer) => format!("{issuer}:{}", account.name),
        None => account.name.clone(),
    }
}

/// A token as the export writes it: the link it went through has no `issuer` parameter, so only
/// `issuerExt` is set; the counter is the one the next code uses.
fn token(account: &Account) -> String {
    let (kind, period, counter) = match account.kind {
        Kind::Hotp { counter } => ("HOTP", 30, counter),
        Kind::Totp { period } | Kind::Steam { period } => ("TOTP", period, 0),
    };
    gson(&[
        (
            "issuerExt",
            Value::from(account.issuer().unwrap_or_default()),
        ),
        ("label", Value::from(account.name.clone())),
        ("type", Value::from(kind)),
        ("algo", Value::from(account.algorithm.name())),
        ("secret", java_bytes(account.secret.as_bytes())),
        ("digits", Value::from(account.code_length())),
        ("counter", Value::from(counter)),
        ("period", Value::from(period)),
    ])
}

fn export(accounts: &[Account]) -> String {
    let tokens: Vec<String> = accounts.iter().map(token).collect();
    let order: Vec<String> = accounts.iter().map(token_id).collect();
    format!(
        "{{\"tokens\":[{}],\"tokenOrder\":{}}}",
        tokens.join(","),
        gson_value(&json!(order))
    )
}

#[test]
fn a_json_export_yields_every_account() {
    let file = export(&expected::all());
    expected::assert_reads(
        &FreeOtpPlus,
        file.as_bytes(),
        None,
        &expected::carried(Carries::ALL),
    );
    expected::assert_truncation_refused(&FreeOtpPlus, file.as_bytes(), None);
}

#[test]
fn tokens_the_order_leaves_out_are_read_after_the_others() {
    let accounts = expected::all();
    let mut reordered = accounts.clone();
    let first = reordered.remove(0);
    reordered.push(first);
    let tokens: Vec<String> = accounts.iter().map(token).collect();
    let order: Vec<String> = reordered[..reordered.len() - 1]
        .iter()
        .map(token_id)
        .collect();
    let file = format!(
        "{{\"tokens\":[{}],\"tokenOrder\":{}}}",
        tokens.join(","),
        gson_value(&json!(order))
    );
    expected::assert_reads(&FreeOtpPlus, file.as_bytes(), None, &reordered);
}

#[test]
fn the_old_internal_token_file_is_freeotps() {
    let accounts = expected::all();
    let mut entries: Vec<(String, String)> = accounts
        .iter()
        .map(|account| (token_id(account), token(account)))
        .collect();
    let order: Vec<String> = accounts.iter().map(token_id).collect();
    entries.push(("tokenOrder".into(), gson_value(&json!(order))));
    let file = prefs(&entries);
    expected::assert_reads(
        &FreeOtp,
        file.as_bytes(),
        None,
        &expected::carried(Carries::ALL),
    );
}

#[test]
fn an_sha224_token_is_listed_and_the_rest_read() {
    let accounts = expected::all();
    let odd = token(&accounts[0]).replace("SHA1", "SHA224");
    let file = export(&accounts).replacen("[{", &format!("[{odd},{{"), 1);
    let found = FreeOtpPlus.read(file.as_bytes(), None).unwrap();
    assert_eq!(found.accounts.len(), accounts.len());
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(
        found.unusable[0].reason,
        UnusableReason::Algorithm("SHA224".into())
    );
}
