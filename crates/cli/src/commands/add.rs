//! `tessera add`: accounts from a link or a Google Authenticator export, all or none.

use tessera_core::Account;
use tessera_core::vault::{Details, Duplicates};

use crate::failure::Failure;
use crate::scans::{Scans, missing_parts};
use crate::unlock::{VaultOptions, vault_failure};

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
    let scans = Scans::read(&args.links)?;
    scans.warn();
    if let Some(missing) = scans.batches.iter().find_map(missing_parts) {
        return Err(Failure::bad_input(format!(
            "{missing}: give every part, so that no account is left behind; nothing was added"
        )));
    }
    let mut accounts: Vec<Account> = scans
        .accounts
        .into_iter()
        .map(|parsed| parsed.account)
        .collect();
    accounts.extend(
        scans
            .batches
            .iter()
            .flat_map(|batch| batch.accounts().cloned()),
    );
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
