//! `tessera code`: the current code of an account in the vault, or of a link.

use std::time::{SystemTime, UNIX_EPOCH};

use tessera_core::vault::Entry;
use tessera_core::{Kind, Scanned, read_scanned};

use crate::failure::Failure;
use crate::input;
use crate::unlock::{VaultOptions, vault_failure};

/// Arguments of `tessera code`.
#[derive(clap::Args)]
pub struct Args {
    /// Part of the issuer or account name (any case), or the account's number.
    #[arg(
        value_name = "SEARCH",
        required_unless_present = "uri",
        conflicts_with = "uri"
    )]
    search: Option<String>,
    /// An otpauth:// link instead of an account in the vault (- reads it from standard input).
    #[arg(long, value_name = "LINK")]
    uri: Option<String>,
    /// The moment to compute the code for, in Unix seconds (default: now). HOTP codes are computed
    /// at the counter, whatever the moment.
    #[arg(long, value_name = "UNIX-SECONDS")]
    at: Option<u64>,
}

/// With --uri, prints the code and nothing else. From the vault, prints `code<TAB>seconds left
/// <TAB>account` for each account that matches; a counter-based account moves on to its next
/// code, so it must be the only match.
pub fn run(args: Args, options: &VaultOptions) -> Result<(), Failure> {
    let at = match args.at {
        Some(at) => at,
        None => now()?,
    };
    if let Some(uri) = &args.uri {
        return code_of_link(uri, at);
    }
    let search = args.search.unwrap_or_default();
    let mut vault = options.unlock()?;
    let entries = vault.list().map_err(vault_failure)?.entries;
    // An account's number names that account alone, even when other names contain the digits
    // (the way out that the message below offers).
    let by_number: Vec<&Entry> = search
        .parse::<i64>()
        .map(|id| entries.iter().filter(|entry| entry.id == id).collect())
        .unwrap_or_default();
    let matches: Vec<&Entry> = if by_number.is_empty() {
        entries
            .iter()
            .filter(|entry| matches_search(entry, &search))
            .collect()
    } else {
        by_number
    };
    if matches.is_empty() {
        return Err(Failure::bad_input(format!(
            "no account matches '{search}': see 'tessera list'"
        )));
    }
    let counter_based = matches
        .iter()
        .filter(|entry| matches!(entry.account.kind, Kind::Hotp { .. }))
        .count();
    if counter_based > 0 && matches.len() > 1 {
        let ids: Vec<String> = matches.iter().map(|entry| entry.id.to_string()).collect();
        return Err(Failure::bad_input(format!(
            "'{search}' matches {} accounts, and a counter-based code is used up when shown: ask by number ({})",
            matches.len(),
            ids.join(", ")
        )));
    }
    for entry in matches {
        match entry.account.kind {
            Kind::Hotp { .. } => {
                let code = vault.next_hotp_code(entry.id).map_err(vault_failure)?;
                println!("{}\t-\t{}", code.text, entry.account);
                super::backups::warn_if_not_backed_up(&mut vault);
            }
            _ => {
                let code = entry.account.code_at(at);
                println!(
                    "{}\t{}s\t{}",
                    code.text,
                    code.seconds_left(at).unwrap_or(0),
                    entry.account
                );
            }
        }
    }
    Ok(())
}

fn matches_search(entry: &Entry, search: &str) -> bool {
    if search.parse::<i64>().is_ok_and(|id| id == entry.id) {
        return true;
    }
    let search = search.to_lowercase();
    entry.account.name.to_lowercase().contains(&search)
        || entry
            .account
            .issuer()
            .is_some_and(|issuer| issuer.to_lowercase().contains(&search))
}

fn code_of_link(uri: &str, at: u64) -> Result<(), Failure> {
    let link = input::link(uri)?;
    let parsed = match read_scanned(&link)? {
        Scanned::Account(parsed) => parsed,
        Scanned::Export(_) => {
            return Err(Failure::bad_input(
                "this is a Google Authenticator export, which can hold many accounts: list them with \
                 'tessera inspect', then ask for a code with one account's link",
            ));
        }
    };
    for warning in &parsed.warnings {
        eprintln!("tessera: warning: {warning}");
    }
    println!("{}", parsed.account.code_at(at).text);
    Ok(())
}

fn now() -> Result<u64, Failure> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .map_err(|_| {
            Failure::other(
                "the system clock is set before 1970: set the date and time, then try again",
            )
        })
}
