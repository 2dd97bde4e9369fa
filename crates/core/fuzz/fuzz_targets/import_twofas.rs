//! Any bytes given to the 2FAS reader are read or refused with a reason; nothing panics, and
//! every account read makes codes. A password is given, so that sealed values are taken apart
//! too (2FAS's fixed 10,000 iterations keep each run short).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::import::Format;
use tessera_core::import::formats::twofas::TwoFas;

fuzz_target!(|data: &[u8]| {
    let _ = TwoFas.recognises(data);
    for password in [None, Some("password")] {
        if let Ok(found) = TwoFas.read(data, password) {
            for found in &found.accounts {
                found.account.validate().expect("a read account is valid");
                let _ = found.account.code_at(1_700_000_000);
            }
        }
    }
});
