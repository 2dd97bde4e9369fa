//! Any bytes given as a picture are decoded or refused; nothing panics. Small inputs are also
//! fed to the cascade directly as greyscale frames, so the decoders see arbitrary pixels too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::qr::{LumaFrame, decode_frame, decode_picture};

fuzz_target!(|data: &[u8]| {
    let _ = decode_picture(data);
    if data.len() >= 2 {
        let width = usize::from(data[0]) % 64 + 1;
        let pixels = &data[2..];
        let height = pixels.len() / width;
        if height > 0 {
            let _ = decode_frame(&LumaFrame { data: pixels, width, height, stride: width });
        }
    }
});
