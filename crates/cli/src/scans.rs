//! What the links given on the command line hold: accounts, and the Google Authenticator export
//! batches their parts belong to. Shared by `inspect` and `add`.

use tessera_core::link::ParsedLink;
use tessera_core::link::migration::ExportBatch;
use tessera_core::{Scanned, read_scanned};

use crate::failure::Failure;
use crate::input;

/// Accounts from `otpauth://` links, and export parts gathered into batches.
pub struct Scans {
    /// The account links, in order.
    pub accounts: Vec<ParsedLink>,
    /// The exports, each with the parts given.
    pub batches: Vec<ExportBatch>,
}

impl Scans {
    /// Reads every argument (a link, or `-` for standard input).
    pub fn read(arguments: &[String]) -> Result<Scans, Failure> {
        let mut accounts = Vec::new();
        let mut parts = Vec::new();
        for argument in arguments {
            match read_scanned(&input::link(argument)?)? {
                Scanned::Account(parsed) => accounts.push(parsed),
                Scanned::Export(part) => parts.push(part),
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

/// "this export has 3 QR codes and part 2 is missing", or `None` when every part is there.
pub fn missing_parts(batch: &ExportBatch) -> Option<String> {
    let missing = batch.missing();
    if missing.is_empty() {
        return None;
    }
    let named: Vec<String> = missing
        .iter()
        .map(|index| (index + 1).to_string())
        .collect();
    let parts = if missing.len() == 1 { "part" } else { "parts" };
    let are = if missing.len() == 1 { "is" } else { "are" };
    Some(format!(
        "this export has {} QR codes and {parts} {} {are} missing",
        batch.size(),
        named.join(", ")
    ))
}
