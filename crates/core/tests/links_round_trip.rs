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
    fn exported_accounts_read_back_unchanged(accounts in proptest::collection::vec(valid_account(), 0..25)) {
        let export = write_export(&accounts);
        let skipped: Vec<usize> = export.not_exportable.iter().map(|n| n.position).collect();
        let expected: Vec<Account> = accounts.iter().enumerate()
            .filter(|(position, _)| !skipped.contains(position))
            .map(|(_, account)| account.clone())
            .collect();
        let parts = export.links.iter().map(|link| read_export(link)).collect::<Result<Vec<_>, _>>()
            .map_err(|error| TestCaseError::fail(error.to_string()))?;
        let read: Vec<Account> = ExportBatch::gather(parts).unwrap().iter().flat_map(|b| b.accounts().cloned().collect::<Vec<_>>()).collect();
        // Google keeps no extra parameters.
        let expected: Vec<Account> = expected.into_iter().map(|mut account| { account.extra_parameters.clear(); account }).collect();
        prop_assert_eq!(read, expected);
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
