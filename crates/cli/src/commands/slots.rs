//! `tessera slots`: the ways the vault can be unlocked.

use tessera_core::vault::key_store::DesktopKeyStore;
use tessera_core::vault::{
    KeyStore, LockedVault, NewDevice, NewPassword, NewRecovery, Platform, SlotKind,
};

use super::init::{calibrated, new_password};
use crate::failure::Failure;
use crate::unlock::{VaultOptions, vault_failure};

/// `tessera slots` subcommands.
#[derive(clap::Subcommand)]
pub enum SlotsCommand {
    /// List the slots.
    List,
    /// Add a password (asked for; or the next line of --password-stdin, or TESSERA_NEW_PASSWORD).
    AddPassword,
    /// Change the password of a password slot (the only one, unless a number is given).
    ChangePassword {
        /// The slot's number (see tessera slots list).
        id: Option<i64>,
    },
    /// Add a recovery code, printed once: write it down and keep it safe.
    AddRecovery,
    /// Add this device's key store, so the vault opens without a password.
    AddDevice,
    /// Add a fingerprint or face: only on a phone, in the app.
    AddBiometric,
    /// Say whether the vault opens without asking (app lock off) or asks first (app lock on).
    Status,
    /// Remove a slot (not the last one).
    Remove {
        /// The slot's number (see tessera slots list).
        id: i64,
    },
}

/// Lists, adds or removes slots.
pub fn run(command: SlotsCommand, options: &VaultOptions) -> Result<(), Failure> {
    match command {
        SlotsCommand::Status => return status(options),
        SlotsCommand::AddBiometric => {
            return Err(Failure::bad_input(
                "biometric unlock needs a phone's fingerprint or face hardware, which the command line \
                 cannot use: turn it on in the Tessera app on your phone, or add a password here \
                 (tessera slots add-password)",
            ));
        }
        _ => {}
    }
    // The new password must not be mistaken for the one that unlocks: unlock first with the
    // device or the current password, then ask for the new one.
    let mut vault = options.unlock()?;
    match command {
        SlotsCommand::List => {
            for slot in vault.slots().map_err(vault_failure)? {
                println!("{}\t{}", slot.id, slot.kind.name());
            }
        }
        SlotsCommand::AddPassword => {
            let password = new_password(options, "TESSERA_NEW_PASSWORD")?;
            let added = vault
                .add_slot(&NewPassword(&password, calibrated()?))
                .map_err(vault_failure)?;
            println!("added slot {}\tpassword", added.id);
        }
        SlotsCommand::ChangePassword { id } => {
            let passwords: Vec<i64> = vault
                .slots()
                .map_err(vault_failure)?
                .iter()
                .filter(|slot| slot.kind == SlotKind::Password)
                .map(|slot| slot.id)
                .collect();
            let id = match (id, passwords.as_slice()) {
                (Some(id), _) => id,
                (None, [only]) => *only,
                (None, []) => {
                    return Err(Failure::bad_input(
                        "the vault has no password: add one with 'tessera slots add-password'",
                    ));
                }
                (None, _) => {
                    return Err(Failure::bad_input(
                        "the vault has several passwords: say which slot to change (see 'tessera slots list')",
                    ));
                }
            };
            let password = new_password(options, "TESSERA_NEW_PASSWORD")?;
            vault
                .change_password(id, &password, calibrated()?)
                .map_err(vault_failure)?;
            println!("changed slot {id}\tpassword");
        }
        SlotsCommand::AddRecovery => {
            let added = vault.add_slot(&NewRecovery).map_err(vault_failure)?;
            let code = added
                .recovery_code
                .ok_or_else(|| Failure::other("no recovery code was made"))?;
            eprintln!(
                "tessera: this recovery code is shown once; write it down and keep it apart from this device:"
            );
            println!("{}", code.display().as_str());
        }
        SlotsCommand::AddDevice => {
            let store = DesktopKeyStore::connect().map_err(|error| {
                Failure::other(format!("{error}: the vault still opens as before"))
            })?;
            let added = vault.add_slot(&NewDevice(&store)).map_err(vault_failure)?;
            println!("added slot {}\tdevice ({})", added.id, store.name());
        }
        SlotsCommand::Remove { id } => {
            let is_device = vault
                .slots()
                .map_err(vault_failure)?
                .iter()
                .any(|slot| slot.id == id && slot.kind == SlotKind::Device);
            let store = if is_device {
                DesktopKeyStore::connect().ok()
            } else {
                None
            };
            vault
                .remove_slot(
                    id,
                    &Platform {
                        key_store: store.as_ref().map(|store| store as &dyn KeyStore),
                        biometric: None,
                    },
                )
                .map_err(vault_failure)?;
            println!("removed slot {id}");
        }
        SlotsCommand::Status | SlotsCommand::AddBiometric => {}
    }
    Ok(())
}

/// `tessera slots status`: read without unlocking.
fn status(options: &VaultOptions) -> Result<(), Failure> {
    let locked = LockedVault::open(&options.path()?).map_err(vault_failure)?;
    let kinds: Vec<&str> = locked
        .slots()
        .map_err(vault_failure)?
        .iter()
        .map(|slot| slot.kind.name())
        .collect();
    if locked.opens_without_asking().map_err(vault_failure)? {
        println!("opens without asking (app lock off)\t{}", kinds.join(","));
    } else {
        println!("asks before opening (app lock on)\t{}", kinds.join(","));
    }
    Ok(())
}
