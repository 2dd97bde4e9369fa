//! Any bytes as a backup's header, or as its decrypted body, are read or refused; nothing panics,
//! and every account a body gives writes into a body that reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::backup::{SealedBackup, body};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else { return };
    if mode % 2 == 0 {
        let mut file = b"TSRABKUP".to_vec();
        file.extend_from_slice(data);
        if let Ok(sealed) = SealedBackup::parse(&file) {
            // A password key would cost an Argon2id derivation of up to 64 MiB per run.
            if !sealed.has_password() {
                let _ = sealed.unlock("0000-0000-0000-0000-0000-0000");
            }
        }
    } else if let Ok(found) = body::decode(data) {
        let accounts: Vec<_> = found
            .accounts
            .into_iter()
            .map(|found| (found.account, found.details))
            .collect();
        let again = body::decode(&body::encode(&accounts)).expect("a written body reads back");
        assert!(again.unusable.is_empty());
        let again: Vec<_> = again
            .accounts
            .into_iter()
            .map(|found| (found.account, found.details))
            .collect();
        assert_eq!(again, accounts);
    }
});
