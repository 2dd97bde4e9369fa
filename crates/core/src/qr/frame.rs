//! Camera frames: the 8-bit luminance plane that the phones' scanners hand over, with its stride.

use super::{Grey, QrError};

/// A camera frame: `height` rows of `width` luminance bytes, each row starting `stride` bytes
/// after the one before (the stride may include padding).
#[derive(Clone, Copy, Debug)]
pub struct LumaFrame<'a> {
    /// The luminance plane.
    pub data: &'a [u8],
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Bytes from the start of one row to the start of the next.
    pub stride: usize,
}

impl LumaFrame<'_> {
    /// Checks the frame and packs its rows.
    pub fn to_grey(&self) -> Result<Grey, QrError> {
        if self.width == 0 || self.height == 0 {
            return Err(QrError::Empty);
        }
        if self.stride < self.width {
            return Err(QrError::BadFrame("the stride is shorter than a row"));
        }
        let pixels = (self.width as u64).saturating_mul(self.height as u64);
        if pixels > super::MAX_PIXELS {
            return Err(QrError::TooLarge(format!(
                "{}×{} pixels",
                self.width, self.height
            )));
        }
        let needed = self
            .stride
            .checked_mul(self.height - 1)
            .and_then(|rows| rows.checked_add(self.width));
        if needed.is_none_or(|needed| needed > self.data.len()) {
            return Err(QrError::BadFrame(
                "the buffer is shorter than width, height and stride say",
            ));
        }
        let mut packed = Vec::with_capacity(self.width * self.height);
        for row in 0..self.height {
            let start = row * self.stride;
            packed.extend_from_slice(&self.data[start..start + self.width]);
        }
        Ok(Grey {
            width: self.width,
            height: self.height,
            pixels: packed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_at_the_end_of_rows_is_dropped() {
        let data = [1, 2, 0, 3, 4, 0];
        let grey = LumaFrame {
            data: &data,
            width: 2,
            height: 2,
            stride: 3,
        }
        .to_grey()
        .unwrap();
        assert_eq!(grey.pixels, vec![1, 2, 3, 4]);
    }

    #[test]
    fn frames_that_do_not_add_up_are_refused() {
        let data = [0u8; 10];
        assert_eq!(
            LumaFrame {
                data: &data,
                width: 0,
                height: 2,
                stride: 0
            }
            .to_grey(),
            Err(QrError::Empty)
        );
        assert_eq!(
            LumaFrame {
                data: &data,
                width: 4,
                height: 2,
                stride: 3
            }
            .to_grey(),
            Err(QrError::BadFrame("the stride is shorter than a row"))
        );
        assert_eq!(
            LumaFrame {
                data: &data,
                width: 4,
                height: 3,
                stride: 4
            }
            .to_grey(),
            Err(QrError::BadFrame(
                "the buffer is shorter than width, height and stride say"
            ))
        );
        assert_eq!(
            LumaFrame {
                data: &data,
                width: 4,
                height: usize::MAX,
                stride: usize::MAX
            }
            .to_grey(),
            Err(QrError::TooLarge(format!("4×{} pixels", usize::MAX)))
        );
    }
}
