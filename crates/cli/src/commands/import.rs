//! `tessera import`: accounts from another app's export or a Tessera backup. The file's format
//! is recognised from its content; the user sees every account (and every entry that cannot be
//! used, with why) before anything is added, then all of them are added at once or none.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use tessera_core::import::{FORMATS, Format, ImportError, ImportSession, Preview, format_named};
use tessera_core::vault::Duplicates;

use crate::failure::Failure;
use crate::unlock::{VaultOptions, vault_failure};

/// Arguments of `tessera import`.
#[derive(clap::Args)]
#[command(after_help = formats_help())]
pub struct Args {
    /// The exported file (or backup) to import.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The format, when the content leaves a doubt (see the list below).
    #[arg(long, value_name = "FORMAT")]
    from: Option<String>,
    /// Read the file's password from the first line of standard input (before the vault's, if
    /// --password-stdin asks for that too). Without it, TESSERA_IMPORT_PASSWORD is used if set,
    /// else you are asked.
    #[arg(long)]
    import_password_stdin: bool,
    /// Add accounts the vault already has as second copies (they are skipped otherwise).
    #[arg(long)]
    keep_both: bool,
    /// Add without asking (the list is still printed).
    #[arg(long, short = 'y')]
    yes: bool,
}

/// The list of formats, for `--help`.
fn formats_help() -> String {
    let mut help = String::from("Formats (for --from):\n");
    for format in FORMATS {
        help.push_str(&format!("  {:<24} {}\n", format.id(), format.app()));
    }
    help
}

/// Reads the file, shows what it holds, and adds it once the user agrees.
pub fn run(args: Args, options: &VaultOptions) -> Result<(), Failure> {
    let file = read_file(&args)?;
    let format = match &args.from {
        Some(name) => Some(format_named(name).map_err(import_failure)?),
        None => None,
    };
    let mut session = ImportSession::new();
    let read = match session.add_file(&file, format, None) {
        Err(ImportError::NeedsPassword { app }) => {
            let password = file_password(&args, options, app)?;
            session.add_file(&file, format, Some(&password))
        }
        other => other,
    };
    let format = read.map_err(import_failure)?;
    let mut vault = options.unlock()?;
    let preview = session.preview(&vault).map_err(vault_failure)?;
    show(format, &preview, args.keep_both);
    let adding = preview
        .accounts
        .iter()
        .filter(|account| args.keep_both || account.duplicate_of.is_none())
        .count();
    if adding == 0 {
        return Err(Failure::bad_input(
            "there is nothing to add: every account is in the vault already or cannot be used",
        ));
    }
    if !args.yes && !confirmed(adding)? {
        return Err(Failure::bad_input("nothing was added"));
    }
    let duplicates = if args.keep_both {
        Duplicates::KeepBoth
    } else {
        Duplicates::Skip
    };
    let ids = session
        .add_to(&mut vault, duplicates)
        .map_err(import_failure)?;
    println!("added {} accounts", ids.len());
    super::backups::warn_if_not_backed_up(&mut vault);
    Ok(())
}

fn read_file(args: &Args) -> Result<Vec<u8>, Failure> {
    let size = std::fs::metadata(&args.file)
        .map_err(|_| {
            Failure::bad_input(format!(
                "there is no file at {}: check the path",
                args.file.display()
            ))
        })?
        .len();
    if size > tessera_core::import::MAX_FILE_BYTES as u64 {
        return Err(import_failure(ImportError::TooLarge));
    }
    std::fs::read(&args.file).map_err(|error| {
        Failure::bad_input(format!("{} cannot be read: {error}", args.file.display()))
    })
}

fn file_password(
    args: &Args,
    options: &VaultOptions,
    app: &str,
) -> Result<zeroize::Zeroizing<String>, Failure> {
    let asking = VaultOptions {
        password_stdin: args.import_password_stdin,
        recovery: false,
        ..options.clone()
    };
    asking.read_secret(
        &format!("Password of the {app} file: "),
        &format!("password of the {app} file"),
        Some("TESSERA_IMPORT_PASSWORD"),
    )
}

/// Prints the preview for the person importing (on stderr, as everything meant for people):
/// each account, marked when the vault has it, then what cannot be used.
fn show(format: &dyn Format, preview: &Preview, keep_both: bool) {
    eprintln!("{} ({}):", format.app(), format.id());
    for account in &preview.accounts {
        let issuer = account.issuer.as_deref().unwrap_or("-");
        let note = match (account.duplicate_of, keep_both) {
            (Some(id), false) => format!("\talready in the vault (account {id}): skipped"),
            (Some(id), true) => format!("\talready in the vault (account {id}): added again"),
            (None, _) => String::new(),
        };
        eprintln!("{issuer}\t{}\t{}{note}", account.name, account.kind.name());
    }
    for warning in &preview.warnings {
        eprintln!("tessera: warning: {warning}");
    }
    for entry in &preview.unusable {
        eprintln!(
            "tessera: cannot be used: '{}': {}",
            entry.label, entry.reason
        );
    }
}

fn confirmed(count: usize) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::bad_input(
            "there is no terminal to confirm on: add --yes to import without asking; nothing was added",
        ));
    }
    eprint!("Add {count} accounts to the vault? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|_| Failure::bad_input("could not read the answer; nothing was added"))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

/// An import error as a failure: a damaged or unknown file and a wrong password are the user's
/// input (exit status 2); the vault's own failures keep their status.
pub fn import_failure(error: ImportError) -> Failure {
    match error {
        ImportError::Vault(error) => vault_failure(error),
        other => Failure::bad_input(other),
    }
}
