//! `tessera export`: every account in the vault, as Tessera's encrypted backup, an Aegis vault,
//! otpauth links or Google Authenticator export links. The file is written whole or not at all.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use tessera_core::export::{ExportFormat, export};

use crate::failure::Failure;
use crate::unlock::{VaultOptions, new_file_password, vault_failure};

/// Arguments of `tessera export`.
#[derive(clap::Args)]
pub struct Args {
    /// tessera (encrypted backup), aegis (encrypted, for Aegis), otpauth (one link a line,
    /// unencrypted) or google (Google Authenticator export links, unencrypted).
    #[arg(long, value_name = "FORMAT")]
    format: String,
    /// The file to write (owner-only; replaced whole). Without it, standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Allow an unencrypted export: every secret in the clear.
    #[arg(long)]
    unencrypted: bool,
    /// Read the export's password from the first line of standard input (before the vault's,
    /// if --password-stdin asks for that too). Without it, TESSERA_EXPORT_PASSWORD is used if
    /// set, else you are asked twice.
    #[arg(long)]
    export_password_stdin: bool,
}

/// Writes the export and says on stderr how many accounts it holds.
pub fn run(args: Args, options: &VaultOptions) -> Result<(), Failure> {
    let format = ExportFormat::named(&args.format).ok_or_else(|| {
        Failure::bad_input(format!(
            "there is no export format called '{}': use tessera, aegis, otpauth or google",
            args.format.trim()
        ))
    })?;
    if !format.is_encrypted() && !args.unencrypted {
        return Err(Failure::bad_input(format!(
            "a {} export is not encrypted: it holds every secret in the clear, readable by anyone \
             who gets the file; add --unencrypted if that is what you want, or use --format tessera",
            format.id()
        )));
    }
    if args.out.is_none() && std::io::stdout().is_terminal() {
        return Err(Failure::bad_input(
            "the export would be shown on the terminal: give a file with --out FILE",
        ));
    }
    let password = if format.is_encrypted() {
        Some(export_password(&args, options)?)
    } else {
        None
    };
    let vault = options.unlock()?;
    let listing = vault.list().map_err(vault_failure)?;
    for id in &listing.unreadable {
        eprintln!("tessera: warning: account {id} is damaged and was left out of the export");
    }
    let accounts: Vec<_> = listing
        .entries
        .into_iter()
        .map(|entry| (entry.account, entry.details))
        .collect();
    if accounts.is_empty() {
        return Err(Failure::bad_input("the vault has no accounts to export"));
    }
    let exported = export(format, &accounts, password.as_deref().map(String::as_str))
        .map_err(Failure::other)?;
    for (name, reason) in &exported.left_out {
        eprintln!("tessera: warning: {name} was left out: {reason}");
    }
    match &args.out {
        Some(path) => {
            tessera_core::owner_only::replace_file(path, &exported.bytes).map_err(|error| {
                Failure::other(format!(
                    "{} could not be written: {error}; nothing was written",
                    path.display()
                ))
            })?
        }
        None => std::io::stdout()
            .write_all(&exported.bytes)
            .map_err(|error| Failure::other(format!("the export could not be written: {error}")))?,
    }
    eprintln!(
        "tessera: exported {} accounts as {}",
        exported.count,
        format.id()
    );
    Ok(())
}

fn export_password(
    args: &Args,
    options: &VaultOptions,
) -> Result<zeroize::Zeroizing<String>, Failure> {
    new_file_password(
        options,
        args.export_password_stdin,
        "Password for the export: ",
        "export's password",
        "TESSERA_EXPORT_PASSWORD",
    )
}
