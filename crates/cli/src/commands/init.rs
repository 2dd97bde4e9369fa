//! `tessera init`: a new vault, opened by this device's key store and/or a password.

use std::time::Instant;

use tessera_core::Vault;
use tessera_core::vault::key_store::DesktopKeyStore;
use tessera_core::vault::slots::password::{self, PasswordParams};
use tessera_core::vault::{KeyStore, NewDevice, NewPassword};

use crate::failure::Failure;
use crate::unlock::{VaultOptions, vault_failure};

/// Arguments of `tessera init`.
#[derive(clap::Args)]
pub struct Args {
    /// Protect the vault with a password (asked for, or from --password-stdin or TESSERA_PASSWORD),
    /// besides this device's key store. Needed where there is no key store, such as on a server.
    #[arg(long)]
    password: bool,
}

/// Creates the vault and says how it can be unlocked.
pub fn run(args: Args, options: &VaultOptions) -> Result<(), Failure> {
    let path = options.path()?;
    let store = DesktopKeyStore::connect();
    let password = if args.password {
        Some(new_password(options, "TESSERA_PASSWORD")?)
    } else {
        None
    };
    let (vault, how) = match (&store, &password) {
        (Ok(store), _) => {
            let (mut vault, _) = Vault::create(&path, &NewDevice(store)).map_err(vault_failure)?;
            if let Some(password) = &password {
                vault
                    .add_slot(&NewPassword(password, calibrated()?))
                    .map_err(vault_failure)?;
            }
            (
                vault,
                format!(
                    "this device's key store ({}){}",
                    store.name(),
                    if password.is_some() {
                        " or your password"
                    } else {
                        ""
                    }
                ),
            )
        }
        (Err(problem), Some(password)) => {
            eprintln!("tessera: {problem}, so the vault is protected by your password alone");
            let (vault, _) = Vault::create(&path, &NewPassword(password, calibrated()?))
                .map_err(vault_failure)?;
            (vault, "your password".to_string())
        }
        (Err(problem), None) => {
            return Err(Failure::bad_input(format!(
                "{problem}: protect the vault with a password instead (tessera init --password)"
            )));
        }
    };
    eprintln!(
        "tessera: created the vault at {}; it opens with {how}",
        vault.path().display()
    );
    Ok(())
}

/// A new password: asked twice on a terminal, or from --password-stdin or `variable`.
pub fn new_password(
    options: &VaultOptions,
    variable: &str,
) -> Result<zeroize::Zeroizing<String>, Failure> {
    let password = options.read_secret("New vault password: ", "new password", Some(variable))?;
    if password.is_empty() {
        return Err(Failure::bad_input(
            "the password is empty: choose one you can remember",
        ));
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdin())
        && !options.password_stdin
        && std::env::var_os(variable).is_none()
    {
        let again =
            options.read_secret("The same password again: ", "new password", Some(variable))?;
        if again != password {
            return Err(Failure::bad_input(
                "the two passwords differ: nothing was changed; try again",
            ));
        }
    }
    Ok(password)
}

/// Argon2id parameters calibrated on this machine, with the figure printed.
pub fn calibrated() -> Result<PasswordParams, Failure> {
    let params = PasswordParams::calibrate()
        .map_err(|_| Failure::other("could not calibrate the password key derivation"))?;
    let started = Instant::now();
    password::derive("timing", &params)
        .map_err(|_| Failure::other("could not derive a key from the password"))?;
    eprintln!(
        "tessera: password key derivation: Argon2id, {} MiB, {} passes; unlocking takes {} ms on this machine",
        params.memory_kib / 1024,
        params.iterations,
        started.elapsed().as_millis()
    );
    Ok(params)
}
