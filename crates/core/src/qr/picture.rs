//! Loading a picture file as greyscale, with limits that keep a hostile file from taking the
//! memory (a decompression bomb declares a huge size in a few bytes).

use std::io::Cursor;

use image::{ImageDecoder, ImageReader, Limits};

use super::{Grey, QrError};

/// The most pixels a picture may have: 40 megapixels, more than any phone camera's photo.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The largest picture file read: 64 MiB.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// The most memory the image decoder may allocate.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// Decodes a picture file into greyscale.
pub fn load_grey(bytes: &[u8]) -> Result<Grey, QrError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(QrError::TooLarge(format!(
            "{} MiB",
            bytes.len() / (1024 * 1024)
        )));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| QrError::Damaged)?;
    if reader.format().is_none() {
        return Err(QrError::NotAPicture);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(QrError::Empty);
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(QrError::TooLarge(format!("{width}×{height} pixels")));
    }
    let image = image::DynamicImage::from_decoder(decoder).map_err(classify)?;
    let grey = image.into_luma8();
    let (width, height) = (grey.width() as usize, grey.height() as usize);
    Ok(Grey {
        width,
        height,
        pixels: grey.into_raw(),
    })
}

fn classify(error: image::ImageError) -> QrError {
    match error {
        image::ImageError::Limits(_) => {
            QrError::TooLarge("more memory than a picture needs".into())
        }
        image::ImageError::Unsupported(_) => QrError::NotAPicture,
        _ => QrError::Damaged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        image::GrayImage::new(width, height)
            .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
            .unwrap();
        bytes
    }

    #[test]
    fn a_plain_picture_loads_as_grey() {
        let grey = load_grey(&png(7, 3)).unwrap();
        assert_eq!((grey.width, grey.height, grey.pixels.len()), (7, 3, 21));
    }

    #[test]
    fn text_is_not_a_picture() {
        assert_eq!(
            load_grey(b"otpauth://totp/x?secret=JBSWY3DP"),
            Err(QrError::NotAPicture)
        );
        assert_eq!(load_grey(b""), Err(QrError::NotAPicture));
    }

    #[test]
    fn a_truncated_picture_is_damaged() {
        let bytes = png(64, 64);
        assert_eq!(load_grey(&bytes[..bytes.len() / 2]), Err(QrError::Damaged));
    }

    /// CRC-32 as PNG chunks carry it (ISO 3309, reflected, polynomial 0xEDB88320).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A well-formed PNG (every CRC right) whose header declares `width` × `height` pixels, with
    /// the pixel data of a 1 × 1 picture behind it.
    fn png_declaring(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = png(1, 1);
        // The signature (8 bytes), then IHDR: length (4), type (4), width (4), height (4), five
        // one-byte fields, and the CRC over type and data.
        assert_eq!(&bytes[12..16], b"IHDR");
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    #[test]
    fn the_crc_helper_gives_the_check_value_and_the_encoders_own_crc() {
        // The standard check value of CRC-32 over "123456789".
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        // And it agrees with the encoder's IHDR, so edited headers stay well-formed.
        let bytes = png(1, 1);
        assert_eq!(crc32(&bytes[12..29]).to_be_bytes(), bytes[29..33]);
        assert_eq!(load_grey(&png_declaring(1, 1)), load_grey(&bytes));
    }

    #[test]
    fn a_picture_with_no_pixels_is_refused() {
        // A well-formed GIF of 0 × 0 pixels (GIF allows it; PNG does not).
        let mut gif = b"GIF89a".to_vec();
        // Logical screen: width 0, height 0, a global palette of two colours, background 0,
        // no aspect ratio; then the palette (black, white).
        gif.extend_from_slice(&[0, 0, 0, 0, 0x80, 0, 0]);
        gif.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        // One image of 0 × 0 at (0, 0), no local palette; LZW with 2-bit codes: one sub-block
        // holding the clear code (4) and the end code (5) as 3-bit codes, then the terminator.
        gif.extend_from_slice(&[0x2C, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        gif.extend_from_slice(&[2, 1, 4 | (5 << 3), 0]);
        gif.push(b';');
        assert_eq!(load_grey(&gif), Err(QrError::Empty));
    }

    #[test]
    fn a_png_declaring_no_pixels_is_damaged() {
        // The PNG specification forbids a zero width or height, so such a file is broken, not
        // merely empty.
        assert_eq!(load_grey(&png_declaring(0, 0)), Err(QrError::Damaged));
        assert_eq!(load_grey(&png_declaring(5, 0)), Err(QrError::Damaged));
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        // A well-formed header that declares 8000 × 8000 pixels (each side within the decoder's
        // limits, 64 megapixels in all), with one pixel's data behind it.
        assert_eq!(
            load_grey(&png_declaring(8000, 8000)),
            Err(QrError::TooLarge("8000×8000 pixels".into()))
        );
    }

    #[test]
    fn a_picture_wider_than_the_decoder_allows_is_refused_by_its_limits() {
        // 100,000 × 100,000: past the 20,000-pixel sides the decoder is given.
        assert_eq!(
            load_grey(&png_declaring(100_000, 100_000)),
            Err(QrError::TooLarge("more memory than a picture needs".into()))
        );
    }
}
