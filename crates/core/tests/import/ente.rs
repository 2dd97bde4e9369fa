//! Ente Auth's plain export (`export_widget.dart`, `_getAuthDataForExport`): each code's stored
//! link a line, as Dart's `Uri` wrote it back with the app's `codeDisplay` parameter (pinned,
//! trashed, note, tags… as URL-encoded JSON), commas then escaped. A code edited in the app has a
//! link rebuilt by `Code.copyWith`: `issuer:account` unescaped in the label, then normalised by
//! Dart. The plain list of links reads it; the extra parameter is kept and harms nothing.

use tessera_core::Account;
use tessera_core::account::Kind;
use tessera_core::import::formats::otpauth_list::OtpauthList;
use tessera_core::link::write_otpauth;

use crate::expected::{self, Carries};

/// Dart's `Uri` normalisation of a path: every byte outside the unreserved characters, the
/// sub-delimiters and `: @ / %` escaped.
fn dart_path(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Dart's `Uri.replace(queryParameters:)` encoding of a value: a space is `+`, and only
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )` stay.
fn dart_query(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b' ' => "+".to_string(),
            b if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

const CODE_DISPLAY: &str = r#"{"pinned":false,"trashed":false,"lastUsedAt":0,"tapCount":2,"tags":["work, home"],"note":"spare codes: 1234","position":0,"iconSrc":"","iconID":""}"#;

/// A line of the export for a code scanned from `link` (its parameters decoded and written again
/// by Dart, `codeDisplay` last).
fn scanned_line(link: &str) -> String {
    let (before, query) = link.split_once('?').unwrap();
    let mut parameters: Vec<(String, String)> = query
        .split('&')
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap();
            (key.to_string(), percent_decode(value))
        })
        .collect();
    parameters.push(("codeDisplay".into(), CODE_DISPLAY.into()));
    let query: Vec<String> = parameters
        .iter()
        .map(|(key, value)| format!("{key}={}", dart_query(value)))
        .collect();
    let (scheme_and_type, label) = before.split_at("otpauth://totp/".len());
    format!("{scheme_and_type}{label}?{}", query.join("&")).replace(',', "%2C")
}

/// A line for a code edited in the app (`Code.copyWith`), HOTP and Steam included.
fn edited_line(account: &Account) -> String {
    let kind = match account.kind {
        Kind::Totp { .. } => "totp",
        Kind::Hotp { .. } => "hotp",
        Kind::Steam { .. } => "steam",
    };
    let period = account.kind.period().unwrap_or(30);
    let counter = match account.kind {
        Kind::Hotp { counter } => format!("&counter={counter}"),
        _ => String::new(),
    };
    let issuer = account.issuer().unwrap_or_default();
    let raw = format!(
        "otpauth://{kind}/{}?algorithm={}&digits={}&issuer={}&period={period}&secret={}{counter}&codeDisplay={}",
        dart_path(&format!("{issuer}:{}", account.name)),
        account.algorithm.name(),
        account.code_length(),
        dart_query(issuer),
        account.secret.to_base32().as_str(),
        dart_query(CODE_DISPLAY),
    );
    raw.replace(',', "%2C")
}

#[test]
fn entes_plain_export_yields_every_account() {
    let accounts = expected::carried(Carries::ALL);
    let mut lines: Vec<String> = accounts
        .iter()
        .filter(|account| account.issuer().is_some())
        .map(edited_line)
        .collect();
    // A code scanned and never edited keeps its link, no issuer included.
    let no_issuer = accounts
        .iter()
        .find(|account| account.issuer().is_none())
        .unwrap();
    lines.push(scanned_line(&write_otpauth(no_issuer)));
    let file = lines.join("\n") + "\n";
    let mut expected_order: Vec<Account> = accounts
        .iter()
        .filter(|account| account.issuer().is_some())
        .cloned()
        .collect();
    expected_order.push(no_issuer.clone());
    expected::assert_reads(&OtpauthList, file.as_bytes(), None, &expected_order);

    let found = tessera_core::import::Format::read(&OtpauthList, file.as_bytes(), None).unwrap();
    assert!(
        found.accounts[0]
            .account
            .extra_parameters
            .iter()
            .any(|(key, value)| key == "codeDisplay" && value == CODE_DISPLAY),
        "the app's own parameter is kept as it was"
    );
}
