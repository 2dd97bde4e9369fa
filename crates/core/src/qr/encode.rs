//! Drawing QR codes for export and for moving to a new phone.
//!
//! Codes use error-correction level M (15% of the code may be lost) with a four-module quiet
//! zone: dense exports stay readable from a screen without growing past what a phone camera
//! resolves at arm's length.

use qrcode::{EcLevel, QrCode as Matrix};

use super::QrError;

/// A drawn QR code: a square of dark and light modules, quiet zone included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrCode {
    size: usize,
    dark: Vec<bool>,
}

/// Modules of quiet zone around a code.
const QUIET_ZONE: usize = 4;

/// Draws a code for `payload`.
pub fn encode(payload: &[u8]) -> Result<QrCode, QrError> {
    let matrix =
        Matrix::with_error_correction_level(payload, EcLevel::M).map_err(|_| QrError::TooLong)?;
    let inner = matrix.width();
    let size = inner + 2 * QUIET_ZONE;
    let colors = matrix.to_colors();
    let mut dark = vec![false; size * size];
    for y in 0..inner {
        for x in 0..inner {
            dark[(y + QUIET_ZONE) * size + x + QUIET_ZONE] =
                colors[y * inner + x] == qrcode::Color::Dark;
        }
    }
    Ok(QrCode { size, dark })
}

impl QrCode {
    /// The number of modules on a side, quiet zone included.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether the module at (x, y) is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.dark[y * self.size + x]
    }

    /// The code as a greyscale picture, `scale` pixels a module (black on white).
    pub fn to_grey(&self, scale: usize) -> super::Grey {
        let scale = scale.max(1);
        let width = self.size * scale;
        let mut pixels = Vec::with_capacity(width * width);
        for y in 0..width {
            for x in 0..width {
                pixels.push(if self.is_dark(x / scale, y / scale) {
                    0
                } else {
                    255
                });
            }
        }
        super::Grey {
            width,
            height: width,
            pixels,
        }
    }

    /// A white PNG of `side` × `side` pixels, with no code in it (for tests of "no code found").
    pub fn blank_png(side: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        let _ = image::GrayImage::from_pixel(side.max(1), side.max(1), image::Luma([255]))
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            );
        bytes
    }

    /// The code as a PNG file, `scale` pixels a module.
    pub fn to_png(&self, scale: usize) -> Vec<u8> {
        let grey = self.to_grey(scale);
        let mut bytes = Vec::new();
        let image = image::GrayImage::from_raw(grey.width as u32, grey.height as u32, grey.pixels);
        if let Some(image) = image {
            // Writing a PNG to memory cannot fail for a valid image.
            let _ = image.write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            );
        }
        bytes
    }

    /// The code for a terminal: two modules a character (upper and lower half blocks), with ANSI
    /// colours so that it reads the same on dark and light terminals.
    pub fn to_ansi(&self) -> String {
        const RESET: &str = "\x1b[0m";
        let mut text = String::new();
        for y in (0..self.size).step_by(2) {
            for x in 0..self.size {
                // Below an odd last row is outside the code, which counts as light.
                let (top, bottom) = (self.is_dark(x, y), self.is_dark(x, y + 1));
                // White foreground and background, black where a module is dark.
                let fg = if top { "30" } else { "97" };
                let bg = if bottom { "40" } else { "107" };
                text.push_str(&format!("\x1b[{fg};{bg}m▀"));
            }
            text.push_str(RESET);
            text.push('\n');
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::cascade;

    #[test]
    fn a_drawn_code_reads_back() {
        let link = "otpauth://totp/Caf%C3%A9:zo%C3%AB?secret=JBSWY3DPEHPK3PXP&issuer=Caf%C3%A9";
        let code = encode(link.as_bytes()).unwrap();
        let found = cascade::decode(&code.to_grey(4)).codes;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text.as_deref(), Some(link));
    }

    #[test]
    fn raw_utf8_survives_exactly() {
        let payload = "otpauth://totp/東京銀行:山田?secret=JBSWY3DPEHPK3PXP".as_bytes();
        let found = cascade::decode(&encode(payload).unwrap().to_grey(3)).codes;
        assert_eq!(found[0].bytes, payload);
    }

    #[test]
    fn the_quiet_zone_is_four_modules() {
        let code = encode(b"x").unwrap();
        assert_eq!(code.size(), 21 + 8);
        assert!((0..code.size()).all(|i| !code.is_dark(i, 0) && !code.is_dark(0, i)));
        assert!(
            code.is_dark(4, 4),
            "the finder pattern starts after the quiet zone"
        );
    }

    #[test]
    fn too_much_is_refused() {
        assert_eq!(encode(&vec![b'x'; 5000]), Err(QrError::TooLong));
    }

    #[test]
    fn a_png_and_an_ansi_drawing_are_made() {
        let code = encode(b"otpauth://totp/x?secret=JBSWY3DP").unwrap();
        assert!(code.to_png(4).starts_with(b"\x89PNG"));
        assert_eq!(code.to_ansi().lines().count(), code.size().div_ceil(2));
    }
}
