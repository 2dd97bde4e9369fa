//! `tessera slots`: the ways the vault can be unlocked.

use tessera_core::vault::key_store::DesktopKeyStore;
use tessera_core::vault::slots::SlotKey;
use tessera_core::vault::{
    Credential, KeyStore, LockedVault, NewDevice, NewPassword, NewRecovery, Password, Platform,
    Recovery, SlotId, SlotKind,
};
use tessera_core::{Vault, VaultError};
use zeroize::Zeroizing;

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
    /// Change the password of a password slot (the only one, unless a number is given), and
    /// re-key the vault: asks for the password or recovery code of every other slot that stays
    /// (but the one that unlocked), or reads them from TESSERA_PASSWORD / TESSERA_RECOVERY_CODE
    /// or the next lines of --password-stdin.
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
    /// Remove a slot (not the last one), and re-key the vault: asks for the password or
    /// recovery code of every slot that stays, as change-password does.
    Remove {
        /// The slot's number (see tessera slots list).
        id: i64,
    },
    /// Re-key the vault: a new vault key, every account sealed again, every slot wrapped again,
    /// so that an old copy of the file opens nothing written from now on. Asks for the password
    /// or recovery code of every slot, as change-password does.
    Rekey,
}

/// Lists, adds, changes or removes slots, or re-keys the vault.
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
            let kept = ask_for_kept_slots(&vault, &[], Some(id), options)?;
            let params = calibrated()?;
            let store = key_store_for(&vault)?;
            vault
                .change_password(
                    id,
                    &password,
                    params,
                    &platform(&store),
                    &kept.credentials(),
                )
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
            let kept = ask_for_kept_slots(&vault, &[id], None, options)?;
            let store = key_store_for(&vault)?;
            vault
                .remove_slot(id, &platform(&store), &kept.credentials())
                .map_err(vault_failure)?;
            println!("removed slot {id}");
        }
        SlotsCommand::Rekey => {
            let kept = ask_for_kept_slots(&vault, &[], None, options)?;
            let store = key_store_for(&vault)?;
            vault
                .rekey(&platform(&store), &kept.credentials())
                .map_err(vault_failure)?;
            let slots: Vec<String> = vault
                .slots()
                .map_err(vault_failure)?
                .iter()
                .map(|slot| slot.id.to_string())
                .collect();
            println!("re-keyed\tslots {}", slots.join(","));
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

/// The passwords and recovery codes given again for the slots that stay through a re-key.
struct KeptSlots(Vec<Given>);

/// A password or recovery code as typed, for one slot that stays.
enum Given {
    Password(Zeroizing<String>),
    Recovery(Zeroizing<String>),
}

impl Credential for Given {
    fn kind(&self) -> SlotKind {
        match self {
            Given::Password(_) => SlotKind::Password,
            Given::Recovery(_) => SlotKind::Recovery,
        }
    }

    fn slot_key(&self, params: &[u8]) -> Result<SlotKey, VaultError> {
        match self {
            Given::Password(password) => Password(password).slot_key(params),
            Given::Recovery(code) => Recovery(code).slot_key(params),
        }
    }

    fn refused(&self) -> VaultError {
        match self {
            Given::Password(password) => Password(password).refused(),
            Given::Recovery(code) => Recovery(code).refused(),
        }
    }
}

impl KeptSlots {
    fn credentials(&self) -> Vec<&dyn Credential> {
        self.0
            .iter()
            .map(|given| given as &dyn Credential)
            .collect()
    }
}

/// Asks, in the order of the slots, for the password or recovery code of every slot that stays
/// through a re-key and that the vault cannot wrap its new key for by itself (all but the one it
/// was unlocked with): from standard input with --password-stdin (after any other line asked
/// for), else TESSERA_PASSWORD or TESSERA_RECOVERY_CODE, else the terminal.
fn ask_for_kept_slots(
    vault: &Vault,
    removing: &[SlotId],
    changing: Option<SlotId>,
    options: &VaultOptions,
) -> Result<KeptSlots, Failure> {
    let mut kept = Vec::new();
    for slot in vault
        .slots_to_ask_for(removing, changing)
        .map_err(vault_failure)?
    {
        let (words, variable) = match slot.kind {
            SlotKind::Recovery => ("recovery code", "TESSERA_RECOVERY_CODE"),
            _ => ("password", "TESSERA_PASSWORD"),
        };
        let secret = options.read_secret(
            &format!("The {words} of slot {} (it stays, and gets the new key): ", slot.id),
            &format!(
                "{words} of slot {} (the vault gets a new key, which must be wrapped for every slot that stays)",
                slot.id
            ),
            Some(variable),
        )?;
        kept.push(match slot.kind {
            SlotKind::Recovery => Given::Recovery(secret),
            _ => Given::Password(secret),
        });
    }
    Ok(KeptSlots(kept))
}

/// The desktop key store, if the vault has a device slot: a re-key wraps the new vault key under
/// the device slot's key there, and removing the slot deletes that key.
fn key_store_for(vault: &Vault) -> Result<Option<DesktopKeyStore>, Failure> {
    let has_device = vault
        .slots()
        .map_err(vault_failure)?
        .iter()
        .any(|slot| slot.kind == SlotKind::Device);
    Ok(has_device
        .then(DesktopKeyStore::connect)
        .and_then(Result::ok))
}

/// What this device offers the slots: the desktop key store, if there is one; never biometrics.
fn platform(store: &Option<DesktopKeyStore>) -> Platform<'_> {
    Platform {
        key_store: store.as_ref().map(|store| store as &dyn KeyStore),
        biometric: None,
    }
}
