//! The Battle.net app's authenticator preferences, written as the app keeps them: the serial and
//! the device secret (itself hex) as hex masked with the app's fixed key, beside other settings.

use tessera_core::account::Kind;
use tessera_core::import::formats::battle_net::BattleNet;
use tessera_core::import::{Format, UnusableReason};
use tessera_core::{Account, Algorithm, Secret};

use crate::expected;

const MASK: &str = "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a";

fn mask(text: &str) -> String {
    let key: Vec<u8> = (0..MASK.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&MASK[i..i + 2], 16).unwrap())
        .collect();
    text.bytes()
        .zip(key)
        .map(|(byte, key)| format!("{:02x}", byte ^ key))
        .collect()
}

fn the_authenticator() -> Account {
    let mut account = Account::totp(
        Some("Battle.net"),
        "EU-2014-0713-8421",
        Secret::from_bytes((1..=20).map(|n| n * 11).collect()).unwrap(),
    );
    account.digits = 8;
    account.algorithm = Algorithm::Sha1;
    account.kind = Kind::Totp { period: 30 };
    account
}

fn preferences(secret: &str, serial: &str) -> String {
    format!(
        "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
    <string name=\"com.blizzard.messenger.AUTHENTICATOR_CREDENTIALS_ENCRYPTION_TYPE\">MASK</string>
    <boolean name=\"com.blizzard.messenger.AUTHENTICATOR_SETUP_POSTPONE_LOGIN\" value=\"false\" />
    <string name=\"com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET\">{secret}</string>
    <string name=\"com.blizzard.messenger.AUTHENTICATOR_BGS_REGION_CODE\">EU</string>
    <string name=\"com.blizzard.messenger.AUTHENTICATOR_SERIAL\">{serial}</string>
    <long name=\"com.blizzard.messenger.AUTHENTICATOR_SERVER_TIME_DIFF\" value=\"15\" />
</map>"
    )
}

#[test]
fn the_apps_preferences_yield_its_authenticator() {
    let account = the_authenticator();
    let secret_hex: String = account
        .secret
        .as_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let file = preferences(&mask(&secret_hex), &mask(&account.name));
    expected::assert_reads(&BattleNet, file.as_bytes(), None, &[account]);
    expected::assert_truncation_refused(&BattleNet, file.as_bytes(), None);
}

#[test]
fn a_secret_that_does_not_unmask_is_listed() {
    let file = preferences("zz", &mask("EU-2014-0713-8421"));
    let found = BattleNet.read(file.as_bytes(), None).unwrap();
    assert!(found.accounts.is_empty());
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(found.unusable[0].label, "Battle.net (EU-2014-0713-8421)");
    assert!(matches!(
        found.unusable[0].reason,
        UnusableReason::Field { .. }
    ));
}
