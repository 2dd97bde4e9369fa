//! Any bytes given to the Aegis reader, plain or with a password, are read or refused; nothing
//! panics, and every account read makes codes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::import::Format;
use tessera_core::import::formats::aegis::Aegis;

fuzz_target!(|data: &[u8]| {
    let _ = Aegis.recognises(data);
    for password in [None, Some("fuzz")] {
        if let Ok(found) = Aegis.read(data, password) {
            for found in &found.accounts {
                let _ = found.account.code_at(1_700_000_000);
            }
            for unusable in &found.unusable {
                let _ = unusable.reason.to_string();
            }
        }
    }
});
