//! `tessera inspect`: what a link or QR payload holds, as JSON.

use crate::failure::Failure;
use crate::json::{AccountJson, ExportJson};
use crate::scans::{Scans, missing_parts};

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
    let mut scans = Scans::read(&args.links)?;
    scans.warn();
    match (scans.accounts.len(), scans.batches.len()) {
        (1, 0) => print_json(&AccountJson::from(&scans.accounts[0].account)),
        (0, 1) => {
            let batch = scans.batches.remove(0);
            if let Some(missing) = missing_parts(&batch) {
                eprintln!(
                    "tessera: warning: {missing}: add the missing links to see every account"
                );
            }
            print_json(&ExportJson::from(&batch))
        }
        (0, _) => Err(Failure::bad_input(
            "these QR codes come from different Google Authenticator exports: inspect one export at a time",
        )),
        _ => Err(Failure::bad_input(
            "give one account link, or the links of one Google Authenticator export, not several accounts or a mix",
        )),
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string(value)
        .map_err(|error| Failure::other(format!("could not write JSON: {error}")))?;
    println!("{text}");
    Ok(())
}
