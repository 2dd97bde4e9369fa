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

    #[test]
    fn a_picture_with_no_pixels_is_refused() {
        // A PNG header that declares 0 × 0 pixels.
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&0u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&0u32.to_be_bytes());
        assert!(
            matches!(load_grey(&bytes), Err(QrError::Empty | QrError::Damaged)),
            "{:?}",
            load_grey(&bytes)
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        // A PNG header that declares 100,000 × 100,000 pixels, with almost no data behind it.
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(
            matches!(
                load_grey(&bytes),
                Err(QrError::TooLarge(_) | QrError::Damaged)
            ),
            "{:?}",
            load_grey(&bytes)
        );
    }
}
