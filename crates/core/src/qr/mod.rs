//! QR codes: reading every code in a picture or a camera frame, and drawing codes for export.
//!
//! Reading runs a cascade ([`cascade`]): the cheap attempts first (a downscaled picture, the
//! ZXing port rxing), then the fallbacks that rescue hard pictures (the full picture, quirc's
//! port rqrr, inverted, contrast-stretched, thresholded and smoothed copies). The first attempt
//! that finds a code wins, so an easy picture costs one attempt. `docs/qr.md` has the measurements
//! behind the order.
//!
//! A code's payload comes back as its raw bytes, and as text only when those bytes are UTF-8:
//! byte-mode data is never reinterpreted in another character set.

pub mod cascade;
mod encode;
mod engines;
mod frame;
mod picture;
mod prepare;

pub use encode::{QrCode, encode};
pub use frame::LumaFrame;
pub use picture::{MAX_FILE_BYTES, MAX_PIXELS};

/// One QR code found in a picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The payload's bytes, exactly as encoded.
    pub bytes: Vec<u8>,
    /// The payload as text, when the bytes are UTF-8.
    pub text: Option<String>,
}

impl Decoded {
    fn from_bytes(bytes: Vec<u8>) -> Decoded {
        let text = String::from_utf8(bytes.clone()).ok();
        Decoded { bytes, text }
    }
}

/// Why a picture could not be read. (A picture without a code is not an error: it gives an empty
/// list.)
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// Not a picture format Tessera reads.
    #[error("this file is not a picture Tessera can read (PNG, JPEG, WebP, GIF or BMP)")]
    NotAPicture,
    /// The file is damaged or cut short.
    #[error("the picture is damaged or incomplete: take the screenshot or photo again")]
    Damaged,
    /// No pixels.
    #[error("the picture is empty (it has no pixels)")]
    Empty,
    /// More pixels or bytes than any screenshot or photo has.
    #[error("the picture is too large to read ({0}): crop it to the QR code and try again")]
    TooLarge(String),
    /// A camera frame whose buffer does not match its size.
    #[error("the camera frame is malformed: {0}")]
    BadFrame(&'static str),
    /// The payload is too long for any QR code.
    #[error("this is too much to fit in one QR code")]
    TooLong,
}

/// Reads every QR code in a picture file's bytes (PNG, JPEG, WebP, GIF or BMP).
pub fn decode_picture(bytes: &[u8]) -> Result<Vec<Decoded>, QrError> {
    let grey = picture::load_grey(bytes)?;
    Ok(cascade::decode(&grey).codes)
}

/// Reads every QR code in a camera frame (8-bit luminance).
pub fn decode_frame(frame: &LumaFrame<'_>) -> Result<Vec<Decoded>, QrError> {
    let grey = frame.to_grey()?;
    Ok(cascade::decode(&grey).codes)
}

/// A greyscale picture, one byte a pixel, rows packed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grey {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height` luminance values, row by row.
    pub pixels: Vec<u8>,
}
