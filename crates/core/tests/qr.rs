//! Reading QR codes from real pictures made by real tools (qrencode and ImageMagick, which the
//! test command installs), and refusing bad files with a clear error.

use std::path::{Path, PathBuf};
use std::process::Command;

use tessera_core::qr::{LumaFrame, QrError, decode_frame, decode_picture, encode};

const LINK: &str =
    "otpauth://totp/Caf%C3%A9:zo%C3%AB@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Caf%C3%A9";
const RAW_UTF8: &str = "otpauth://totp/東京銀行:山田?secret=JBSWY3DPEHPK3PXP&issuer=東京銀行";

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .status()
        .unwrap_or_else(|error| panic!("{program} ({error}): the test command installs it"));
    assert!(status.success(), "{program} {args:?}");
}

/// A code drawn by qrencode (8-bit mode), `module` pixels a module.
fn qrencode(folder: &Path, name: &str, payload: &str, module: u32) -> PathBuf {
    let path = folder.join(name);
    run(
        "qrencode",
        &[
            "-8",
            "-l",
            "M",
            "-s",
            &module.to_string(),
            "-o",
            path.to_str().unwrap(),
            payload,
        ],
    );
    path
}

/// ImageMagick: `convert INPUT ARGS... OUTPUT`.
fn convert(input: &Path, args: &[&str], output: &Path) -> PathBuf {
    let mut all = vec![input.to_str().unwrap()];
    all.extend_from_slice(args);
    all.push(output.to_str().unwrap());
    run("convert", &all);
    output.to_path_buf()
}

fn texts(path: &Path) -> Vec<String> {
    decode_picture(&std::fs::read(path).unwrap())
        .unwrap()
        .into_iter()
        .map(|code| code.text.unwrap())
        .collect()
}

#[test]
fn every_picture_format_is_read() {
    let folder = tempfile::tempdir().unwrap();
    let png = qrencode(folder.path(), "code.png", LINK, 4);
    for format in ["jpg", "webp", "gif", "bmp"] {
        let other = convert(
            &png,
            &["-quality", "90"],
            &folder.path().join(format!("code.{format}")),
        );
        assert_eq!(texts(&other), vec![LINK], "{format}");
    }
}

#[test]
fn raw_utf8_payloads_come_back_byte_for_byte() {
    let folder = tempfile::tempdir().unwrap();
    let png = qrencode(folder.path(), "utf8.png", RAW_UTF8, 3);
    let codes = decode_picture(&std::fs::read(&png).unwrap()).unwrap();
    assert_eq!(codes[0].bytes, RAW_UTF8.as_bytes());
    assert_eq!(codes[0].text.as_deref(), Some(RAW_UTF8));
}

#[test]
fn hard_pictures_are_read() {
    let folder = tempfile::tempdir().unwrap();
    let png = qrencode(folder.path(), "code.png", LINK, 4);
    let small = qrencode(folder.path(), "small.png", LINK, 2);
    let cases: Vec<(&str, PathBuf)> = vec![
        ("two-pixel modules", small.clone()),
        (
            "inverted (dark mode)",
            convert(&png, &["-negate"], &folder.path().join("inverted.png")),
        ),
        (
            "rotated",
            convert(
                &png,
                &["-background", "white", "-rotate", "33"],
                &folder.path().join("rotated.png"),
            ),
        ),
        (
            "blurred",
            convert(
                &png,
                &["-blur", "0x1.5"],
                &folder.path().join("blurred.png"),
            ),
        ),
        (
            "noisy",
            convert(
                &png,
                &["-seed", "7", "-attenuate", "1.2", "+noise", "Gaussian"],
                &folder.path().join("noisy.png"),
            ),
        ),
        (
            "JPEG quality 10",
            convert(&png, &["-quality", "10"], &folder.path().join("jpeg.jpg")),
        ),
        (
            "low contrast",
            convert(&png, &["+level", "45%,60%"], &folder.path().join("low.png")),
        ),
        (
            "perspective",
            convert(
                &png,
                &[
                    "-virtual-pixel",
                    "white",
                    "-distort",
                    "Perspective",
                    "0,0 20,10  200,0 180,0  0,200 0,200  200,200 200,190",
                ],
                &folder.path().join("tilted.png"),
            ),
        ),
        (
            "small in a 1080p frame",
            convert(
                &small,
                &["-bordercolor", "gray60", "-border", "800x450"],
                &folder.path().join("frame.png"),
            ),
        ),
    ];
    for (what, path) in cases {
        assert_eq!(texts(&path), vec![LINK], "{what}");
    }
}

#[test]
fn every_code_in_a_picture_is_found() {
    let folder = tempfile::tempdir().unwrap();
    let first = qrencode(folder.path(), "a.png", LINK, 4);
    let second = qrencode(folder.path(), "b.png", RAW_UTF8, 4);
    let both = folder.path().join("both.png");
    run(
        "convert",
        &[
            first.to_str().unwrap(),
            second.to_str().unwrap(),
            "+append",
            both.to_str().unwrap(),
        ],
    );
    let mut found = texts(&both);
    found.sort();
    let mut expected = vec![LINK.to_string(), RAW_UTF8.to_string()];
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn a_picture_without_a_code_gives_an_empty_list() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("plain.png");
    run(
        "convert",
        &[
            "-size",
            "300x200",
            "plasma:fractal",
            "-seed",
            "3",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(
        decode_picture(&std::fs::read(&path).unwrap()).unwrap(),
        Vec::new()
    );
}

#[test]
fn camera_frames_with_padded_rows_are_read() {
    let grey = encode(LINK.as_bytes()).unwrap().to_grey(4);
    let stride = grey.width + 16;
    let mut data = vec![0u8; stride * grey.height];
    for row in 0..grey.height {
        data[row * stride..row * stride + grey.width]
            .copy_from_slice(&grey.pixels[row * grey.width..(row + 1) * grey.width]);
    }
    let codes = decode_frame(&LumaFrame {
        data: &data,
        width: grey.width,
        height: grey.height,
        stride,
    })
    .unwrap();
    assert_eq!(codes[0].text.as_deref(), Some(LINK));
}

#[test]
fn bad_files_get_clear_errors() {
    let folder = tempfile::tempdir().unwrap();
    let png = std::fs::read(qrencode(folder.path(), "code.png", LINK, 4)).unwrap();
    assert_eq!(decode_picture(&png[..png.len() / 3]), Err(QrError::Damaged));
    assert_eq!(
        decode_picture(b"not a picture at all"),
        Err(QrError::NotAPicture)
    );
    assert_eq!(decode_picture(&[]), Err(QrError::NotAPicture));
    // Bytes changed inside the compressed pixels (the IDAT chunk), whose CRC then no longer
    // matches: damaged, not "no code".
    let mut damaged = png.clone();
    let idat = damaged
        .windows(4)
        .position(|window| window == b"IDAT")
        .expect("a PNG has pixel data");
    let length = u32::from_be_bytes(damaged[idat - 4..idat].try_into().unwrap()) as usize;
    let pixels = idat + 4..idat + 4 + length;
    assert!(pixels.len() > 40, "{} bytes of pixels", pixels.len());
    for byte in &mut damaged[pixels.start + 10..pixels.end - 10] {
        *byte ^= 0x5a;
    }
    assert_eq!(decode_picture(&damaged), Err(QrError::Damaged));
    for error in [
        QrError::Damaged,
        QrError::NotAPicture,
        QrError::Empty,
        QrError::TooLarge("x".into()),
    ] {
        assert!(!error.to_string().is_empty());
    }
}

#[test]
fn a_decompression_bomb_is_refused_without_decoding_it() {
    // 8000 × 8000 white pixels: 64 megapixels in a file of a few hundred kilobytes.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("bomb.png");
    let script = r#"
import struct, sys, zlib
side = 8000
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
row = b"\x00" + b"\xff" * side
pixels = zlib.compress(row * side, 9)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
"#;
    run("python3", &["-c", script, path.to_str().unwrap()]);
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.len() < 2_000_000,
        "the bomb is small on disk: {} bytes",
        bytes.len()
    );
    let started = std::time::Instant::now();
    assert_eq!(
        decode_picture(&bytes),
        Err(QrError::TooLarge("8000×8000 pixels".into()))
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "refused from the header, not after decoding"
    );
}
