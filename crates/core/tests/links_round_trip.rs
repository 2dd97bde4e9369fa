//! Every valid account survives being written as a link and read back, and no input, however
//! strange, makes a reader panic.

use proptest::prelude::*;
use tessera_core::link::migration::{ExportBatch, read_export, write_export};
use tessera_core::link::{read_otpauth, write_otpauth};
use tessera_core::{Account, Algorithm, Kind, Scanned, Secret, read_scanned};

fn trimmed_text() -> impl Strategy<Value = String> {
    "\\PC{0,24}".prop_map(|text| text.trim().to_string())
}

fn optional_issuer() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(
        trimmed_text().prop_filter("an issuer is not empty", |text| !text.is_empty()),
    )
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        (1u32..=u32::MAX).prop_map(|period| Kind::Totp { period }),
        any::<u64>().prop_map(|counter| Kind::Hotp { counter }),
        (1u32..=600).prop_map(|period| Kind::Steam { period }),
    ]
}

prop_compose! {
    fn any_account()(
        issuer in optional_issuer(),
        label_issuer in optional_issuer().prop_map(|issuer| issuer.map(|text| text.replace(':', "")).filter(|text| !text.trim().is_empty()).map(|text| text.trim().to_string())),
        name in trimmed_text(),
        secret in proptest::collection::vec(any::<u8>(), 1..64),
        algorithm in prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)],
        digits in 4u8..=10,
        kind in kind(),
        extra_parameters in proptest::collection::vec(("[a-z_]{1,8}", "\\PC{0,16}"), 0..3),
    ) -> Account {
        let digits = if matches!(kind, Kind::Steam { .. }) { 5 } else { digits };
        Account { issuer, label_issuer, name, secret: Secret::from_bytes(secret).unwrap(), algorithm, digits, kind, extra_parameters }
    }
}

fn valid_account() -> impl Strategy<Value = Account> {
    any_account().prop_filter("the account is valid", |account| account.validate().is_ok())
}

/// A valid account that Google Authenticator's export can carry: SHA1, six digits, and either
/// a 30-second TOTP or an HOTP counter that fits its signed 64-bit field.
fn exportable_account() -> impl Strategy<Value = Account> {
    (
        valid_account(),
        prop_oneof![
            Just(Kind::Totp { period: 30 }),
            (0..=i64::MAX as u64).prop_map(|counter| Kind::Hotp { counter }),
        ],
    )
        .prop_map(|(mut account, kind)| {
            account.algorithm = Algorithm::Sha1;
            account.digits = 6;
            account.kind = kind;
            account
        })
}

/// Lists mixing exportable accounts (three in four) with any valid ones.
fn accounts_to_export() -> impl Strategy<Value = Vec<Account>> {
    proptest::collection::vec(
        prop_oneof![3 => exportable_account(), 1 => valid_account()],
        0..25,
    )
}

/// The rules of Google Authenticator's import that `account` breaks, each as a word its
/// refusal must contain. Written from what Google Authenticator shows, not from our export code.
fn google_rules_broken(account: &Account) -> Vec<&'static str> {
    let mut broken = Vec::new();
    if account.algorithm != Algorithm::Sha1 {
        broken.push("SHA1");
    }
    if account.digits != 6 {
        broken.push("six-digit");
    }
    match account.kind {
        Kind::Steam { .. } => broken.push("Steam"),
        Kind::Totp { period } if period != 30 => broken.push("30 seconds"),
        Kind::Hotp { counter } if counter > i64::MAX as u64 => broken.push("counter"),
        _ => {}
    }
    broken
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn reading_a_written_link_gives_the_same_account(account in valid_account()) {
        let link = write_otpauth(&account);
        let parsed = read_otpauth(&link).map_err(|error| TestCaseError::fail(format!("{link}: {error}")))?;
        prop_assert_eq!(parsed.account, account);
    }

    #[test]
    fn written_links_are_plain_ascii_without_spaces(account in valid_account()) {
        let link = write_otpauth(&account);
        prop_assert!(link.bytes().all(|byte| byte.is_ascii_graphic()), "{}", link);
    }

    #[test]
    fn exported_accounts_read_back_unchanged(accounts in accounts_to_export()) {
        let export = write_export(&accounts);
        let skipped: Vec<usize> = export.not_exportable.iter().map(|n| n.position).collect();
        let expected: Vec<Account> = accounts.iter().enumerate()
            .filter(|(position, _)| !skipped.contains(position))
            .map(|(_, account)| account.clone())
            .collect();
        prop_assert_eq!(export.links.is_empty(), expected.is_empty());
        let parts = export.links.iter().map(|link| read_export(link)).collect::<Result<Vec<_>, _>>()
            .map_err(|error| TestCaseError::fail(error.to_string()))?;
        let batches = ExportBatch::gather(parts).unwrap();
        prop_assert!(batches.iter().all(ExportBatch::is_complete));
        let read: Vec<Account> = batches.iter().flat_map(|b| b.accounts().cloned().collect::<Vec<_>>()).collect();
        // Google keeps no extra parameters.
        let expected: Vec<Account> = expected.into_iter().map(|mut account| { account.extra_parameters.clear(); account }).collect();
        prop_assert_eq!(read, expected);
    }

    #[test]
    fn only_accounts_that_break_a_google_rule_are_left_out(accounts in accounts_to_export()) {
        let export = write_export(&accounts);
        let mut positions = export.not_exportable.iter().map(|n| n.position);
        for (position, account) in accounts.iter().enumerate() {
            let broken = google_rules_broken(account);
            match export.not_exportable.iter().find(|n| n.position == position) {
                Some(left_out) => {
                    prop_assert_eq!(positions.next(), Some(position), "left out in order, once each");
                    prop_assert!(
                        broken.iter().any(|rule| left_out.reason.contains(rule)),
                        "{:?} left out for {:?}, but it breaks {:?}", account, left_out.reason, broken
                    );
                }
                None => prop_assert!(broken.is_empty(), "{:?} exported, but it breaks {:?}", account, broken),
            }
        }
        prop_assert_eq!(positions.next(), None);
    }

    #[test]
    fn any_text_is_read_or_explained_without_panicking(text in "\\PC*") {
        let _ = read_scanned(&text);
    }

    #[test]
    fn any_otpauth_tail_is_read_or_explained_without_panicking(tail in "\\PC*", kind in "(totp|hotp|steam|TOTP|x)") {
        let _ = read_scanned(&format!("otpauth://{kind}/{tail}"));
        let _ = read_scanned(&format!("otpauth://{kind}/a?secret=JBSWY3DP&{tail}"));
    }

    #[test]
    fn any_export_data_is_read_or_refused_without_panicking(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
        if let Ok(Scanned::Export(part)) = read_scanned(&format!("otpauth-migration://offline?data={encoded}")) {
            prop_assert!(part.part_of.index < part.part_of.size);
        }
    }
}

/// The generator of export lists is worth its cases only if most lists export something.
#[test]
fn most_generated_export_lists_hold_an_exportable_account() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = accounts_to_export();
    let cases = 500;
    let exporting = (0..cases)
        .filter(|_| {
            let accounts = strategy.new_tree(&mut runner).unwrap().current();
            accounts
                .iter()
                .any(|account| google_rules_broken(account).is_empty())
        })
        .count();
    assert!(
        exporting * 10 >= cases * 8,
        "{exporting} of {cases} lists export something"
    );
}
