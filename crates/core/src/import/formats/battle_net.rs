//! Battle.net Authenticator: the SharedPreferences file the Battle.net app keeps its
//! authenticator in (`shared_prefs/com.blizzard.messenger.authenticator_preferences.xml`).
//!
//! Blizzard publishes no description; it was learned from beemdevelopment/Aegis
//! (`importers/BattleNetImporter.java` and its test file `battle_net_authenticator.xml`): the
//! entries `AUTHENTICATOR_DEVICE_SECRET` and `AUTHENTICATOR_SERIAL`, each hex of a text masked
//! (XORed) with a fixed key from the app; the secret unmasked is itself hex.
//!
//! One authenticator per file: TOTP, SHA1, 8 digits, 30 seconds, as Battle.net makes them; the
//! issuer is Battle.net and the name the serial number.

use crate::import::{EntryFields, Format, Found, ImportError, UnusableReason, android_prefs};
use crate::otp::Secret;

const APP: &str = "Battle.net Authenticator";
const SECRET: &str = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET";
const SERIAL: &str = "com.blizzard.messenger.AUTHENTICATOR_SERIAL";

/// The app's fixed masking key.
const MASK: [u8; 57] = [
    0x39, 0x8e, 0x27, 0xfc, 0x50, 0x27, 0x6a, 0x65, 0x60, 0x65, 0xb0, 0xe5, 0x25, 0xf4, 0xc0, 0x6c,
    0x04, 0xc6, 0x10, 0x75, 0x28, 0x6b, 0x8e, 0x7a, 0xed, 0xa5, 0x9d, 0xa9, 0x81, 0x3b, 0x5d, 0xd6,
    0xc8, 0x0d, 0x2f, 0xb3, 0x80, 0x68, 0x77, 0x3f, 0xa5, 0x9b, 0xa4, 0x7c, 0x17, 0xca, 0x6c, 0x64,
    0x79, 0x01, 0x5c, 0x1d, 0x5b, 0x8b, 0x8f, 0x6b, 0x9a,
];

/// The Battle.net app's authenticator preferences.
pub struct BattleNet;

impl Format for BattleNet {
    fn id(&self) -> &'static str {
        "battlenet"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        android_prefs::looks_like_prefs(file)
            && file
                .windows(SECRET.len())
                .any(|window| window == SECRET.as_bytes())
    }

    fn read(&self, file: &[u8], _password: Option<&str>) -> Result<Found, ImportError> {
        let entries = android_prefs::read_strings(file)
            .ok_or_else(|| ImportError::damaged(APP, "it is not a complete preferences file"))?;
        let value = |name: &str| {
            entries
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let masked =
            value(SECRET).ok_or_else(|| ImportError::damaged(APP, "it holds no secret"))?;
        let serial = match value(SERIAL) {
            Some(serial) if !serial.is_empty() => unmask(serial)
                .and_then(|serial| String::from_utf8(serial.to_vec()).ok())
                .ok_or_else(|| ImportError::damaged(APP, "its serial number does not read"))?,
            _ => String::new(),
        };
        let fields = EntryFields {
            issuer: Some("Battle.net".to_string()),
            name: serial,
            digits: Some(8),
            ..EntryFields::default()
        };
        let label = fields.label();
        let read = unmask(masked)
            .and_then(|hex| decode_hex(&hex))
            .ok_or(UnusableReason::Field {
                name: "AUTHENTICATOR_DEVICE_SECRET",
                value: "not a masked secret".to_string(),
            })
            .and_then(|secret| {
                EntryFields {
                    secret: Some(Secret::from_bytes(secret)?),
                    ..fields
                }
                .into_account()
            });
        let mut found = Found::default();
        found.push(&label, read);
        Ok(found)
    }
}

/// Undoes the app's mask: hex, XORed with [`MASK`].
fn unmask(hex: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let bytes = decode_hex(hex.trim().as_bytes())?;
    if bytes.len() > MASK.len() {
        return None;
    }
    Some(zeroize::Zeroizing::new(
        bytes
            .iter()
            .zip(MASK)
            .map(|(byte, mask)| byte ^ mask)
            .collect(),
    ))
}

fn decode_hex(hex: &[u8]) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    hex.chunks(2)
        .map(|pair| {
            let digit = |c: u8| (c as char).to_digit(16);
            Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
        })
        .collect()
}
