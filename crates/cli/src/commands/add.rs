//! `tessera add`: accounts from a link or a Google Authenticator export, all or none.

use tessera_core::link::migration::ExportBatch;
use tessera_core::vault::{Details, Duplicates};
use tessera_core::{Scanned, read_scanned};

use crate::failure::Failure;
use crate::input;
use crate::unlock::{VaultOptions, vault_failure};

/// Arguments of `tessera add`.
#[derive(clap::Args)]
pub struct Args {
    /// An otpauth:// link, or every link of a Google Authenticator export; - reads one link from
    /// standard input.
    #[arg(value_name = "LINK", required = true)]
    links: Vec<String>,
    /// Add an account even if the vault already has it.
    #[arg(long)]
    keep_both: bool,
}

/// Adds the accounts and prints each with its number.
pub fn run(args: Args, options: &VaultOptions) -> Result<(), Failure> {
    let mut accounts = Vec::new();
    let mut parts = Vec::new();
    for argument in &args.links {
        match read_scanned(&input::link(argument)?)? {
            Scanned::Account(parsed) => {
                for warning in &parsed.warnings {
                    eprintln!("tessera: warning: {warning}");
                }
                accounts.push(parsed.account);
            }
            Scanned::Export(part) => parts.push(part),
        }
    }
    for batch in ExportBatch::gather(parts)? {
        let missing = batch.missing();
        if !missing.is_empty() {
            let named: Vec<String> = missing
                .iter()
                .map(|index| (index + 1).to_string())
                .collect();
            return Err(Failure::bad_input(format!(
                "this export has {} QR codes and part {} is missing: give every part, so that no account is left behind; nothing was added",
                batch.size(),
                named.join(", ")
            )));
        }
        for part in batch.parts() {
            for entry in &part.unusable {
                eprintln!(
                    "tessera: warning: '{}' is left out: {}",
                    entry.label, entry.reason
                );
            }
        }
        accounts.extend(batch.accounts().cloned());
    }
    if accounts.is_empty() {
        return Err(Failure::bad_input(
            "the export holds no account Tessera can use: nothing was added",
        ));
    }
    let mut vault = options.unlock()?;
    let duplicates = if args.keep_both {
        Duplicates::KeepBoth
    } else {
        Duplicates::Refuse
    };
    let labels: Vec<String> = accounts.iter().map(ToString::to_string).collect();
    let ids = vault
        .add_all(
            accounts
                .into_iter()
                .map(|account| (account, Details::default()))
                .collect(),
            duplicates,
        )
        .map_err(vault_failure)?;
    for (id, label) in ids.iter().zip(&labels) {
        println!("added {id}\t{label}");
    }
    Ok(())
}
