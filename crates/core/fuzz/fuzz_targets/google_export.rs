//! Any bytes inside an export link's data are read or refused; nothing panics, and parts that
//! read can be gathered into batches.
#![no_main]

use base64::Engine;
use libfuzzer_sys::fuzz_target;
use tessera_core::link::migration::{ExportBatch, read_export};

fuzz_target!(|data: &[u8]| {
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    if let Ok(part) = read_export(&format!("otpauth-migration://offline?data={encoded}")) {
        assert!(part.part_of.index < part.part_of.size);
        for account in &part.accounts {
            let _ = account.code_at(0);
        }
        let _ = ExportBatch::gather([part]);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = read_export(&format!("otpauth-migration://offline?data={text}"));
    }
});
