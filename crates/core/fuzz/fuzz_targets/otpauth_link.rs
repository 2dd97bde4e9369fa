//! Any text given to the link reader is read or explained; nothing panics, and whatever is read
//! writes back to a link that reads as the same account.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::link::{read_otpauth, write_otpauth};
use tessera_core::read_scanned;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = read_scanned(text);
    let link = format!("otpauth://{text}");
    if let Ok(parsed) = read_otpauth(&link) {
        let _ = parsed.account.code_at(1_700_000_000);
        if parsed.account.validate().is_ok() {
            let again = read_otpauth(&write_otpauth(&parsed.account)).expect("a written link reads back");
            assert_eq!(again.account, parsed.account);
        }
    }
});
