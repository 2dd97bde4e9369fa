//! Any text as a part of a move from another device (`tessera://move?…`, and anything after that
//! prefix) is read or refused; nothing panics. A part that reads writes back into a link that
//! reads as the same part, and parts that read can be gathered into moves.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::transfer::{PREFIX, TransferPart, TransferParts};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = Vec::new();
    for candidate in [text.to_string(), format!("{PREFIX}{text}")] {
        if let Ok(part) = TransferPart::parse(&candidate) {
            assert!(part.index >= 1 && part.index <= part.count);
            let again = TransferPart::parse(&part.to_link()).expect("a written part reads back");
            assert_eq!(again, part);
            parts.push(part);
        }
    }
    let _ = TransferParts::gather(parts);
});
