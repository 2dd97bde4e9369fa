//! `tessera code`: the current code of an account.

use std::time::{SystemTime, UNIX_EPOCH};

use tessera_core::{Scanned, read_scanned};

use crate::failure::Failure;
use crate::input;

/// Arguments of `tessera code`.
#[derive(clap::Args)]
pub struct Args {
    /// The account's otpauth:// link, or - to read it from standard input.
    #[arg(long, value_name = "LINK")]
    uri: String,
    /// The moment to compute the code for, in Unix seconds (default: now). HOTP codes are computed
    /// at the link's counter, whatever the moment.
    #[arg(long, value_name = "UNIX-SECONDS")]
    at: Option<u64>,
}

/// Prints the code, and nothing else, on stdout.
pub fn run(args: Args) -> Result<(), Failure> {
    let link = input::link(&args.uri)?;
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
    let at = match args.at {
        Some(at) => at,
        None => now()?,
    };
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
