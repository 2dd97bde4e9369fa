//! `tessera qr`: reading QR codes from pictures, and drawing them.

use std::path::PathBuf;

use serde::Serialize;
use tessera_core::qr;

use crate::failure::Failure;
use crate::input;

/// `tessera qr` subcommands.
#[derive(clap::Subcommand)]
pub enum QrCommand {
    /// Read the QR codes in pictures: one JSON line per file, {"file", "texts", "error"}.
    Decode {
        /// Picture files (PNG, JPEG, WebP, GIF, BMP).
        #[arg(value_name = "PICTURE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Draw a QR code for a link, as a PNG file or in the terminal.
    Encode {
        /// The link (or - to read it from standard input).
        #[arg(value_name = "LINK")]
        link: String,
        /// Write a PNG file here.
        #[arg(long, value_name = "FILE", required_unless_present = "ansi")]
        out: Option<PathBuf>,
        /// Draw the code in the terminal.
        #[arg(long)]
        ansi: bool,
    },
}

#[derive(Serialize)]
struct DecodedFile {
    file: String,
    texts: Vec<String>,
    error: Option<String>,
}

/// Pixels a module in a written PNG: large enough for a phone to read from a screen.
const PNG_SCALE: usize = 8;

/// Runs a `tessera qr` command.
pub fn run(command: QrCommand) -> Result<(), Failure> {
    match command {
        QrCommand::Decode { files } => {
            let mut unreadable = 0;
            for file in files {
                let result = read_picture(&file).and_then(|bytes| {
                    qr::decode_picture(&bytes).map_err(|error| error.to_string())
                });
                let line = match result {
                    Ok(codes) => DecodedFile {
                        file: file.display().to_string(),
                        texts: codes.into_iter().filter_map(|code| code.text).collect(),
                        error: None,
                    },
                    Err(error) => {
                        unreadable += 1;
                        DecodedFile {
                            file: file.display().to_string(),
                            texts: Vec::new(),
                            error: Some(error),
                        }
                    }
                };
                println!(
                    "{}",
                    serde_json::to_string(&line)
                        .map_err(|error| Failure::other(error.to_string()))?
                );
            }
            if unreadable > 0 {
                return Err(Failure::bad_input(format!(
                    "{unreadable} of the files could not be read (see their \"error\")"
                )));
            }
            Ok(())
        }
        QrCommand::Encode { link, out, ansi } => {
            let link = input::link(&link)?;
            let code = qr::encode(link.trim().as_bytes()).map_err(Failure::bad_input)?;
            if ansi {
                print!("{}", code.to_ansi());
            }
            if let Some(out) = out {
                // A picture of an account's link holds its secret: readable by its owner only.
                tessera_core::owner_only::write_file(&out, &code.to_png(PNG_SCALE)).map_err(
                    |error| Failure::other(format!("could not write {}: {error}", out.display())),
                )?;
                eprintln!(
                    "tessera: wrote {} ({} modules a side)",
                    out.display(),
                    code.size()
                );
            }
            Ok(())
        }
    }
}

/// A picture file's bytes, refusing files too large to be pictures before reading them.
pub fn read_picture(file: &std::path::Path) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(file)
        .map_err(|error| format!("cannot open {}: {error}", file.display()))?
        .len();
    if size > qr::MAX_FILE_BYTES as u64 {
        return Err(qr::QrError::TooLarge(format!("{} MiB", size / (1024 * 1024))).to_string());
    }
    std::fs::read(file).map_err(|error| format!("cannot read {}: {error}", file.display()))
}
