//! What the arguments given on the command line stand for: links, links on standard input, and
//! the links in pictures' QR codes. Shared by `inspect` and `add`.

use std::path::Path;

use tessera_core::import::ImportSession;
use tessera_core::link::ParsedLink;
use tessera_core::link::migration::ExportBatch;
use tessera_core::qr;
use tessera_core::{Scanned, read_scanned};

use crate::commands::qr::read_picture;
use crate::failure::Failure;
use crate::input;

/// Accounts from `otpauth://` links, and export parts gathered into batches, as `inspect` shows
/// them.
pub struct Scans {
    /// The account links, in order.
    pub accounts: Vec<ParsedLink>,
    /// The exports, each with the parts given.
    pub batches: Vec<ExportBatch>,
}

impl Scans {
    /// Reads every argument: a link, `-` for a link on standard input, or a picture file whose
    /// QR codes hold links.
    pub fn read(arguments: &[String]) -> Result<Scans, Failure> {
        let mut accounts = Vec::new();
        let mut parts = Vec::new();
        for argument in arguments {
            for payload in payloads(argument)? {
                match read_scanned(&payload)? {
                    Scanned::Account(parsed) => accounts.push(parsed),
                    Scanned::Export(part) => parts.push(part),
                }
            }
        }
        Ok(Scans {
            accounts,
            batches: ExportBatch::gather(parts)?,
        })
    }

    /// Prints the warnings about the links and the export entries that cannot be used.
    pub fn warn(&self) {
        for parsed in &self.accounts {
            for warning in &parsed.warnings {
                eprintln!("tessera: warning: {warning}");
            }
        }
        for part in self.batches.iter().flat_map(ExportBatch::parts) {
            for entry in &part.unusable {
                eprintln!(
                    "tessera: warning: '{}' cannot be used: {}",
                    entry.label, entry.reason
                );
            }
        }
    }
}

/// Prints what an import session has to say about what it read: the links' warnings and the
/// entries that cannot be used.
pub fn warn(session: &ImportSession) {
    for warning in session.warnings() {
        eprintln!("tessera: warning: {warning}");
    }
    for entry in session.unusable() {
        eprintln!(
            "tessera: warning: '{}' cannot be used: {}",
            entry.label, entry.reason
        );
    }
}

/// The payloads an argument stands for: the link itself, or the texts of a picture's codes.
pub fn payloads(argument: &str) -> Result<Vec<String>, Failure> {
    let path = Path::new(argument);
    let looks_like_link = argument.contains("://") || argument.starts_with("otpauth");
    let looks_like_picture = path.extension().is_some_and(|extension| {
        ["png", "jpg", "jpeg", "webp", "gif", "bmp"]
            .contains(&extension.to_ascii_lowercase().to_str().unwrap_or(""))
    });
    if !looks_like_link && looks_like_picture && !path.exists() {
        return Err(Failure::bad_input(format!(
            "there is no picture at {argument}: check the path"
        )));
    }
    if argument == "-" || looks_like_link || !path.is_file() {
        return Ok(vec![input::link(argument)?]);
    }
    let bytes = read_picture(path).map_err(Failure::bad_input)?;
    let codes = qr::decode_picture(&bytes)
        .map_err(|error| Failure::bad_input(format!("{argument}: {error}")))?;
    if codes.is_empty() {
        return Err(Failure::bad_input(format!(
            "no QR code was found in {argument}: crop the picture to the code, or take it again with the code sharp and well lit"
        )));
    }
    codes
        .into_iter()
        .map(|code| {
            code.text.ok_or_else(|| {
                Failure::bad_input(format!(
                    "the QR code in {argument} holds binary data, not a link"
                ))
            })
        })
        .collect()
}

/// "this export has 3 QR codes and part 2 is missing", or `None` when every part is there.
pub fn missing_parts_message(session: &ImportSession) -> Option<String> {
    let (missing, total) = session.missing_parts();
    describe_missing(&missing, total)
}

/// The same, for one export being inspected.
pub fn missing_parts(batch: &ExportBatch) -> Option<String> {
    let missing: Vec<i32> = batch.missing().iter().map(|index| index + 1).collect();
    describe_missing(&missing, batch.size())
}

fn describe_missing(missing: &[i32], total: i32) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let named: Vec<String> = missing.iter().map(ToString::to_string).collect();
    let parts = if missing.len() == 1 { "part" } else { "parts" };
    let are = if missing.len() == 1 { "is" } else { "are" };
    Some(format!(
        "this export has {total} QR codes and {parts} {} {are} missing",
        named.join(", ")
    ))
}
