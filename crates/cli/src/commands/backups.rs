//! `tessera backups`: automatic encrypted backups into a folder, after every change to the
//! accounts (the app's and the command line's alike), the newest N kept. The backup password is
//! asked once, when a folder is chosen; the core keeps its derived key sealed in the vault.

use std::path::PathBuf;

use tessera_core::backup::automatic::{DEFAULT_KEEP, check_keep};
use tessera_core::backup::folder::utc_text;
use tessera_core::backup::{AutomaticBackupError, FolderError, Protection, WrittenBackup};
use tessera_core::vault::Vault;

use super::init::calibrated;
use crate::failure::Failure;
use crate::unlock::{VaultOptions, new_file_password, vault_failure};

/// `tessera backups` subcommands.
#[derive(clap::Subcommand)]
pub enum BackupsCommand {
    /// Turn automatic backups on into DIR (made if it is not there), protected by a backup
    /// password asked now, or turn them off with --off.
    Folder(FolderArgs),
    /// Keep the newest N backups (older ones are removed after the next backup).
    Keep {
        /// How many to keep, 1 to 1000.
        count: u32,
    },
    /// Write a backup now.
    Now,
    /// List the backups in the folder: when each was written, its accounts (when the vault's
    /// key opens it), its size and its name.
    List,
}

/// Arguments of `tessera backups folder`.
#[derive(clap::Args)]
pub struct FolderArgs {
    /// The folder (a synced folder, a USB stick…).
    #[arg(required_unless_present = "off", conflicts_with = "off")]
    dir: Option<PathBuf>,
    /// How many backups to keep (default 10, or the number set before).
    #[arg(long, value_name = "N", conflicts_with = "off")]
    keep: Option<u32>,
    /// Turn automatic backups off (the backups written stay in the folder).
    #[arg(long)]
    off: bool,
    /// Read the backup password from the first line of standard input (before the vault's, if
    /// --password-stdin asks for that too). Without it, TESSERA_BACKUP_PASSWORD is used if set,
    /// else you are asked twice.
    #[arg(long, conflicts_with = "off")]
    backup_password_stdin: bool,
}

/// Runs a `tessera backups` subcommand.
pub fn run(command: BackupsCommand, options: &VaultOptions) -> Result<(), Failure> {
    match command {
        BackupsCommand::Folder(args) if args.off => {
            let mut vault = options.unlock()?;
            let before = vault.automatic_backups().map_err(vault_failure)?;
            vault.turn_off_automatic_backups().map_err(vault_failure)?;
            match before {
                Some(settings) => eprintln!(
                    "tessera: automatic backups are off; the backups in {} stay there",
                    settings.folder.display()
                ),
                None => eprintln!("tessera: automatic backups were off already"),
            }
            Ok(())
        }
        BackupsCommand::Folder(args) => turn_on(args, options),
        BackupsCommand::Keep { count } => {
            let mut vault = options.unlock()?;
            let written = vault
                .change_automatic_backups(None, Some(count))
                .map_err(backup_failure)?;
            eprintln!("tessera: the newest {count} backups are kept");
            report_written(&vault, &written);
            Ok(())
        }
        BackupsCommand::Now => {
            let mut vault = options.unlock()?;
            let written = vault.back_up_now().map_err(backup_failure)?;
            report_written(&vault, &written);
            Ok(())
        }
        BackupsCommand::List => list(options),
    }
}

fn turn_on(args: FolderArgs, options: &VaultOptions) -> Result<(), Failure> {
    let dir = args.dir.unwrap_or_default();
    // A folder named from where the command runs is kept as a full path.
    let folder = std::path::absolute(&dir)
        .map_err(|_| Failure::bad_input(format!("{} is not a folder path", dir.display())))?;
    if let Some(keep) = args.keep {
        check_keep(keep).map_err(backup_failure)?;
    }
    let password = new_file_password(
        options,
        args.backup_password_stdin,
        "Password for the backups: ",
        "backup password",
        "TESSERA_BACKUP_PASSWORD",
    )?;
    let mut vault = options.unlock()?;
    let keep = match args.keep {
        Some(keep) => keep,
        None => vault
            .automatic_backups()
            .map_err(vault_failure)?
            .map_or(DEFAULT_KEEP, |settings| settings.keep),
    };
    let protection = Protection::password(&password, calibrated()?).map_err(Failure::other)?;
    drop(password);
    let written = vault
        .turn_on_automatic_backups(&folder, keep, &protection)
        .map_err(backup_failure)?;
    eprintln!(
        "tessera: automatic backups go to {} after every change, the newest {keep} kept; keep the \
         backup password where you will find it: a backup opens only with it",
        folder.display()
    );
    report_written(&vault, &written);
    Ok(())
}

fn list(options: &VaultOptions) -> Result<(), Failure> {
    let vault = options.unlock()?;
    let settings = vault
        .automatic_backups()
        .map_err(vault_failure)?
        .ok_or_else(|| backup_failure(AutomaticBackupError::Off))?;
    eprintln!(
        "tessera: automatic backups go to {}, the newest {} kept",
        settings.folder.display(),
        settings.keep
    );
    if let Some(failure) = &settings.last_failure {
        eprintln!(
            "tessera: warning: the last backup, at {}, failed: {}",
            utc_text(failure.at),
            failure.message
        );
    }
    let backups = vault.backup_files().map_err(backup_failure)?;
    if backups.is_empty() {
        eprintln!("tessera: there are no backups in the folder yet");
    }
    for backup in backups {
        let accounts = backup
            .accounts
            .map_or_else(|| "-".to_string(), |count| count.to_string());
        println!(
            "{}\t{accounts}\t{}\t{}",
            utc_text(backup.file.written_at),
            backup.file.bytes,
            backup.file.name
        );
    }
    Ok(())
}

fn report_written(vault: &Vault, written: &WrittenBackup) {
    let folder = vault
        .automatic_backups()
        .ok()
        .flatten()
        .map(|settings| settings.folder)
        .unwrap_or_default();
    eprintln!(
        "tessera: backed up {} accounts to {}",
        written.accounts,
        folder.join(&written.name).display()
    );
}

/// After a command changed the accounts: a warning on stderr if the automatic backup that
/// followed could not be written. The change itself is saved either way.
pub fn warn_if_not_backed_up(vault: &mut Vault) {
    if let Some(Err(error)) = vault.take_backup_outcome() {
        let line = error.to_string().replace(['\n', '\r'], " ");
        eprintln!(
            "tessera: warning: the change is saved, but the automatic backup was not written: {line}"
        );
    }
}

/// A backup failure as a failure: what the user can fix (a folder that is not there or not
/// writable, backups that are off) is exit status 2; a full disk and the rest are 1.
fn backup_failure(error: AutomaticBackupError) -> Failure {
    match error {
        AutomaticBackupError::Vault(error) => vault_failure(error),
        AutomaticBackupError::Off => Failure::bad_input(
            "automatic backups are off: turn them on with 'tessera backups folder DIR'",
        ),
        AutomaticBackupError::Folder(FolderError::Full(_) | FolderError::Other { .. })
        | AutomaticBackupError::Backup(_) => Failure::other(error),
        other => Failure::bad_input(other),
    }
}
