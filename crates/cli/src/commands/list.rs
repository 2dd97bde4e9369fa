//! `tessera list`: the accounts in the user's order, without secrets.

use serde::Serialize;

use crate::failure::Failure;
use crate::unlock::{VaultOptions, vault_failure};

/// Arguments of `tessera list`.
#[derive(clap::Args)]
pub struct Args {
    /// Print a JSON array of {id, issuer, account, kind}.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Listed<'a> {
    id: i64,
    issuer: Option<&'a str>,
    account: &'a str,
    kind: &'static str,
}

/// Prints the accounts, and names any that could not be read.
pub fn run(args: Args, options: &VaultOptions) -> Result<(), Failure> {
    let vault = options.unlock()?;
    let listing = vault.list().map_err(vault_failure)?;
    for id in &listing.unreadable {
        eprintln!(
            "tessera: warning: account {id} is damaged and cannot be read: remove it (tessera rm {id}) and add the account again"
        );
    }
    let listed: Vec<Listed> = listing
        .entries
        .iter()
        .map(|entry| Listed {
            id: entry.id,
            issuer: entry.account.issuer(),
            account: &entry.account.name,
            kind: entry.account.kind.name(),
        })
        .collect();
    if args.json {
        let text =
            serde_json::to_string(&listed).map_err(|error| Failure::other(error.to_string()))?;
        println!("{text}");
    } else if listed.is_empty() {
        eprintln!("tessera: the vault has no accounts yet: add one with 'tessera add <link>'");
    } else {
        for item in listed {
            println!(
                "{}\t{}\t{}\t{}",
                item.id,
                item.issuer.unwrap_or("-"),
                item.account,
                item.kind
            );
        }
    }
    Ok(())
}
