//! Any bytes given to the andOTP reader are read or refused with a reason; nothing panics, and
//! every account read makes codes. No password is given: a file may ask for ten million
//! iterations, which would stall the fuzzer without reaching any more parsing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::import::Format;
use tessera_core::import::formats::andotp::AndOtp;

fuzz_target!(|data: &[u8]| {
    let _ = AndOtp.recognises(data);
    if let Ok(found) = AndOtp.read(data, None) {
        for found in &found.accounts {
            found.account.validate().expect("a read account is valid");
            let _ = found.account.code_at(1_700_000_000);
        }
    }
});
