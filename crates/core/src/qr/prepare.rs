//! The picture transformations the cascade tries: smaller, inverted, stretched, thresholded,
//! smoothed. All work on [`Grey`] and allocate one new picture.

use super::Grey;

/// Halves the size (each pixel the mean of a 2×2 block). Large camera frames decode faster and
/// no worse this way, as long as the modules stay at least two pixels wide.
pub fn half(grey: &Grey) -> Grey {
    let (width, height) = (grey.width / 2, grey.height / 2);
    let mut pixels = Vec::with_capacity(width * height);
    for y in 0..height {
        let top = &grey.pixels[(2 * y) * grey.width..];
        let bottom = &grey.pixels[(2 * y + 1) * grey.width..];
        for x in 0..width {
            let sum = u16::from(top[2 * x])
                + u16::from(top[2 * x + 1])
                + u16::from(bottom[2 * x])
                + u16::from(bottom[2 * x + 1]);
            pixels.push((sum / 4) as u8);
        }
    }
    Grey {
        width,
        height,
        pixels,
    }
}

/// Light becomes dark: dark-mode screenshots show light modules on a dark background.
pub fn inverted(grey: &Grey) -> Grey {
    Grey {
        width: grey.width,
        height: grey.height,
        pixels: grey.pixels.iter().map(|&p| 255 - p).collect(),
    }
}

/// Stretches the histogram so that the darkest 1% becomes black and the lightest 1% white:
/// rescues low-contrast codes (grey on grey, a photo of a dim screen).
pub fn stretched(grey: &Grey) -> Grey {
    let mut histogram = [0usize; 256];
    for &p in &grey.pixels {
        histogram[usize::from(p)] += 1;
    }
    let cut = grey.pixels.len() / 100;
    let low = level_at(&histogram, cut);
    let high = level_at(&histogram, grey.pixels.len().saturating_sub(cut + 1));
    if high <= low {
        return grey.clone();
    }
    let span = f32::from(high - low);
    let pixels = grey
        .pixels
        .iter()
        .map(|&p| ((f32::from(p.clamp(low, high) - low) / span) * 255.0).round() as u8)
        .collect();
    Grey {
        width: grey.width,
        height: grey.height,
        pixels,
    }
}

fn level_at(histogram: &[usize; 256], rank: usize) -> u8 {
    let mut seen = 0;
    for (level, count) in histogram.iter().enumerate() {
        seen += count;
        if seen > rank {
            return level as u8;
        }
    }
    255
}

/// Black or white by comparing each pixel with the mean of the square around it (an integral
/// image keeps this linear): handles shadows across a code.
pub fn thresholded(grey: &Grey, radius: usize) -> Grey {
    let (width, height) = (grey.width, grey.height);
    let mut integral = vec![0u64; (width + 1) * (height + 1)];
    for y in 0..height {
        let mut row = 0u64;
        for x in 0..width {
            row += u64::from(grey.pixels[y * width + x]);
            integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + row;
        }
    }
    let mut pixels = Vec::with_capacity(width * height);
    for y in 0..height {
        let (top, bottom) = (y.saturating_sub(radius), (y + radius + 1).min(height));
        for x in 0..width {
            let (left, right) = (x.saturating_sub(radius), (x + radius + 1).min(width));
            let sum = integral[bottom * (width + 1) + right] + integral[top * (width + 1) + left]
                - integral[top * (width + 1) + right]
                - integral[bottom * (width + 1) + left];
            let count = ((bottom - top) * (right - left)) as u64;
            // A little below the mean, so that flat light areas stay white.
            let threshold = sum * 95 / (100 * count.max(1));
            pixels.push(if u64::from(grey.pixels[y * width + x]) < threshold {
                0
            } else {
                255
            });
        }
    }
    Grey {
        width,
        height,
        pixels,
    }
}

/// A 3×3 box blur: smooths sensor noise and JPEG blocks before binarizing.
pub fn smoothed(grey: &Grey) -> Grey {
    let (width, height) = (grey.width, grey.height);
    let mut pixels = grey.pixels.clone();
    for y in 1..height.saturating_sub(1) {
        for x in 1..width.saturating_sub(1) {
            let mut sum = 0u16;
            for dy in 0..3 {
                for dx in 0..3 {
                    sum += u16::from(grey.pixels[(y + dy - 1) * width + x + dx - 1]);
                }
            }
            pixels[y * width + x] = (sum / 9) as u8;
        }
    }
    Grey {
        width,
        height,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey(width: usize, pixels: &[u8]) -> Grey {
        Grey {
            width,
            height: pixels.len() / width,
            pixels: pixels.to_vec(),
        }
    }

    #[test]
    fn half_averages_blocks() {
        assert_eq!(half(&grey(2, &[0, 100, 200, 100])).pixels, vec![100]);
        assert_eq!(half(&grey(1, &[5])).pixels, Vec::<u8>::new());
    }

    #[test]
    fn inverting_twice_gives_the_picture_back() {
        let picture = grey(2, &[0, 10, 250, 255]);
        assert_eq!(inverted(&inverted(&picture)), picture);
    }

    #[test]
    fn stretching_spreads_grey_on_grey_to_black_and_white() {
        let mut pixels = vec![100u8; 200];
        pixels.extend(vec![140u8; 200]);
        let result = stretched(&grey(20, &pixels));
        assert_eq!((result.pixels[0], result.pixels[399]), (0, 255));
    }

    #[test]
    fn thresholding_follows_the_local_light() {
        // A dark square in a bright area, and the same square in a shadow: both come out black.
        let mut pixels = vec![200u8; 400];
        pixels[5 * 20 + 5] = 120;
        pixels[15 * 20 + 15] = 40;
        for y in 10..20 {
            for x in 10..20 {
                if (y, x) != (15, 15) {
                    pixels[y * 20 + x] = 80;
                }
            }
        }
        let result = thresholded(&grey(20, &pixels), 3);
        assert_eq!(
            (result.pixels[5 * 20 + 5], result.pixels[15 * 20 + 15]),
            (0, 0)
        );
        assert_eq!(result.pixels[0], 255);
    }

    #[test]
    fn smoothing_keeps_flat_areas_flat() {
        assert_eq!(smoothed(&grey(3, &[9; 9])).pixels, vec![9; 9]);
    }
}
