//! `tessera rename`, `tessera rm` and `tessera trash`: changing and removing accounts.

use tessera_core::vault::Edit;

use crate::failure::Failure;
use crate::unlock::{VaultOptions, vault_failure};

/// Arguments of `tessera rename`.
#[derive(clap::Args)]
pub struct RenameArgs {
    /// The account's number (see tessera list).
    id: i64,
    /// The new issuer (an empty one removes it).
    #[arg(long)]
    issuer: Option<String>,
    /// The new account name.
    #[arg(long)]
    name: Option<String>,
}

/// Renames an account.
pub fn rename(args: RenameArgs, options: &VaultOptions) -> Result<(), Failure> {
    if args.issuer.is_none() && args.name.is_none() {
        return Err(Failure::bad_input(
            "say what to change: --issuer NEW, --name NEW, or both",
        ));
    }
    let mut vault = options.unlock()?;
    let edit = Edit {
        issuer: args
            .issuer
            .map(|issuer| Some(issuer).filter(|issuer| !issuer.trim().is_empty())),
        name: args.name,
        ..Edit::default()
    };
    let entry = vault.edit(args.id, edit).map_err(vault_failure)?;
    println!("renamed {}\t{}", entry.id, entry.account);
    super::backups::warn_if_not_backed_up(&mut vault);
    Ok(())
}

/// Arguments of `tessera rm`.
#[derive(clap::Args)]
pub struct RemoveArgs {
    /// The account's number (see tessera list).
    id: i64,
}

/// Moves an account to the trash.
pub fn remove(args: RemoveArgs, options: &VaultOptions) -> Result<(), Failure> {
    let mut vault = options.unlock()?;
    let entry = vault.get(args.id).map_err(vault_failure)?;
    vault.remove(args.id).map_err(vault_failure)?;
    println!("removed {}\t{}", entry.id, entry.account);
    eprintln!(
        "tessera: it stays in the trash for 30 days: 'tessera trash restore {}' brings it back",
        entry.id
    );
    super::backups::warn_if_not_backed_up(&mut vault);
    Ok(())
}

/// `tessera trash` subcommands.
#[derive(clap::Subcommand)]
pub enum TrashCommand {
    /// List the accounts in the trash.
    List,
    /// Bring an account back from the trash.
    Restore {
        /// The account's number.
        id: i64,
    },
}

/// Lists or restores the trash.
pub fn trash(command: TrashCommand, options: &VaultOptions) -> Result<(), Failure> {
    let mut vault = options.unlock()?;
    match command {
        TrashCommand::List => {
            let trashed = vault.trash().map_err(vault_failure)?;
            if trashed.is_empty() {
                eprintln!("tessera: the trash is empty");
            }
            for item in trashed {
                let days_left =
                    (tessera_core::vault::TRASH_DAYS * 86_400 - (now() - item.removed_at)).max(0)
                        / 86_400;
                println!(
                    "{}\t{}\t{} days left",
                    item.entry.id, item.entry.account, days_left
                );
            }
        }
        TrashCommand::Restore { id } => {
            vault.restore(id).map_err(vault_failure)?;
            let entry = vault.get(id).map_err(vault_failure)?;
            println!("restored {}\t{}", entry.id, entry.account);
            super::backups::warn_if_not_backed_up(&mut vault);
        }
    }
    Ok(())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
