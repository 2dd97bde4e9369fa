//! Any bytes given to the Bitwarden reader (JSON or CSV) are read or refused with a reason;
//! nothing panics, and every account read makes codes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::import::Format;
use tessera_core::import::formats::bitwarden::Bitwarden;

fuzz_target!(|data: &[u8]| {
    let _ = Bitwarden.recognises(data);
    if let Ok(found) = Bitwarden.read(data, None) {
        for found in &found.accounts {
            found.account.validate().expect("a read account is valid");
            let _ = found.account.code_at(1_700_000_000);
        }
    }
});
