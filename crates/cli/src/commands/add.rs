//! `tessera add`: accounts from a link or a Google Authenticator export, all or none.

use tessera_core::import::ImportSession;
use tessera_core::vault::Duplicates;

use crate::commands::import::import_failure;
use crate::failure::Failure;
use crate::scans::{missing_parts_message, payloads, warn};
use crate::unlock::VaultOptions;

/// Arguments of `tessera add`.
#[derive(clap::Args)]
pub struct Args {
    /// An otpauth:// link, every link of a Google Authenticator export, or pictures of their QR
    /// codes (screenshots, photos); - reads one link from standard input.
    #[arg(value_name = "LINK", required = true)]
    links: Vec<String>,
    /// Add an account even if the vault already has it.
    #[arg(long)]
    keep_both: bool,
}

/// Adds the accounts and prints each with its number.
pub fn run(args: Args, options: &VaultOptions) -> Result<(), Failure> {
    let mut session = ImportSession::new();
    for argument in &args.links {
        for payload in payloads(argument)? {
            session.add_scanned(&payload)?;
        }
    }
    warn(&session);
    if !session.transfers().is_empty() {
        return Err(Failure::bad_input(
            "these are QR codes of a move from another device's Tessera, which the command line \
             does not open: scan them from the app's Add screen, or export a Tessera backup on the \
             other device and import it; nothing was added",
        ));
    }
    if let Some(missing) = missing_parts_message(&session) {
        return Err(Failure::bad_input(format!(
            "{missing}: give every part, so that no account is left behind; nothing was added"
        )));
    }
    let labels: Vec<String> = session
        .accounts()
        .iter()
        .map(|found| found.account.to_string())
        .collect();
    if labels.is_empty() {
        return Err(Failure::bad_input(
            "the export holds no account Tessera can use: nothing was added",
        ));
    }
    let duplicates = if args.keep_both {
        Duplicates::KeepBoth
    } else {
        Duplicates::Refuse
    };
    let mut vault = options.unlock()?;
    let ids = session
        .add_to(&mut vault, duplicates)
        .map_err(import_failure)?;
    for (id, label) in ids.iter().zip(&labels) {
        println!("added {id}\t{label}");
    }
    super::backups::warn_if_not_backed_up(&mut vault);
    Ok(())
}
