//! `tessera inspect`: what a link or QR payload holds, as JSON.

use tessera_core::link::migration::ExportBatch;
use tessera_core::{Scanned, read_scanned};

use crate::failure::Failure;
use crate::input;
use crate::json::{AccountJson, ExportJson};

/// Arguments of `tessera inspect`.
#[derive(clap::Args)]
pub struct Args {
    /// An otpauth:// link, or the links of one Google Authenticator export (all its parts, or
    /// those scanned so far); - reads one link from standard input.
    #[arg(value_name = "LINK", required = true)]
    links: Vec<String>,
}

/// Prints one account as a JSON object, or an export as an object with an `accounts` array.
pub fn run(args: Args) -> Result<(), Failure> {
    let mut accounts = Vec::new();
    let mut parts = Vec::new();
    for argument in &args.links {
        match read_scanned(&input::link(argument)?)? {
            Scanned::Account(parsed) => accounts.push(parsed),
            Scanned::Export(part) => parts.push(part),
        }
    }
    match (accounts.len(), parts.is_empty()) {
        (1, true) => {
            let parsed = &accounts[0];
            for warning in &parsed.warnings {
                eprintln!("tessera: warning: {warning}");
            }
            print_json(&AccountJson::from(&parsed.account))
        }
        (0, false) => {
            let mut batches = ExportBatch::gather(parts)?;
            if batches.len() > 1 {
                return Err(Failure::bad_input(
                    "these QR codes come from different Google Authenticator exports: inspect one export at a time",
                ));
            }
            let batch = batches.remove(0);
            let missing = batch.missing();
            if !missing.is_empty() {
                let named: Vec<String> = missing
                    .iter()
                    .map(|index| (index + 1).to_string())
                    .collect();
                eprintln!(
                    "tessera: warning: this export has {} QR codes and part {} of them is missing: add the missing links to see every account",
                    batch.size(),
                    named.join(", ")
                );
            }
            for part in batch.parts() {
                for entry in &part.unusable {
                    eprintln!(
                        "tessera: warning: '{}' cannot be used: {}",
                        entry.label, entry.reason
                    );
                }
            }
            print_json(&ExportJson::from(&batch))
        }
        _ => Err(Failure::bad_input(
            "give one account link, or the links of one Google Authenticator export, not a mix",
        )),
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string(value)
        .map_err(|error| Failure::other(format!("could not write JSON: {error}")))?;
    println!("{text}");
    Ok(())
}
