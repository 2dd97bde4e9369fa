//! rqrr, the Rust port of quirc: small and exact, strong on clean and small codes.

use super::super::Grey;

/// Every code rqrr finds, as raw payload bytes.
pub fn decode(grey: &Grey) -> Vec<Vec<u8>> {
    super::guarded(|| {
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(grey.width, grey.height, |x, y| {
                grey.pixels[y * grey.width + x]
            });
        prepared
            .detect_grids()
            .into_iter()
            .filter_map(|grid| {
                let mut bytes = Vec::new();
                grid.decode_to(&mut bytes).ok().map(|_| bytes)
            })
            .collect()
    })
}
