//! Finding and unlocking the vault from the command line: the same file the desktop app uses, the
//! device slot when the key store has it, else the password or the recovery code.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use tessera_core::vault::key_store::DesktopKeyStore;
use tessera_core::vault::{Device, ErrorKind, LockedVault, Password, Recovery, SlotKind};
use tessera_core::{Vault, VaultError};
use zeroize::Zeroizing;

use crate::failure::Failure;

/// The options every vault command shares.
#[derive(clap::Args, Clone)]
pub struct VaultOptions {
    /// The vault file (default: the app's data folder, shared with the desktop app).
    #[arg(long, global = true, env = "TESSERA_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,
    /// Read the password (or recovery code) from the first line of standard input. Without it,
    /// TESSERA_PASSWORD is used if set, else you are asked.
    #[arg(long, global = true)]
    pub password_stdin: bool,
    /// Unlock with the recovery code instead of the password.
    #[arg(long, global = true)]
    pub recovery: bool,
}

impl VaultOptions {
    /// The vault's path.
    pub fn path(&self) -> Result<PathBuf, Failure> {
        match &self.vault {
            Some(path) => Ok(path.clone()),
            None => tessera_core::vault::default_path().ok_or_else(|| {
                Failure::bad_input(
                    "this system has no data folder for the vault: give one with --vault PATH",
                )
            }),
        }
    }

    /// Opens and unlocks the vault.
    pub fn unlock(&self) -> Result<Vault, Failure> {
        let path = self.path()?;
        let locked = LockedVault::open(&path).map_err(vault_failure)?;
        let kinds: Vec<SlotKind> = locked
            .slots()
            .map_err(vault_failure)?
            .iter()
            .map(|slot| slot.kind)
            .collect();
        let mut device_problem = None;
        if kinds.contains(&SlotKind::Device) && !self.recovery {
            match DesktopKeyStore::connect() {
                Ok(store) => match LockedVault::open(&path)
                    .and_then(|locked| locked.unlock(&Device(&store)))
                {
                    Ok(vault) => return Ok(vault),
                    Err(error) => device_problem = Some(error),
                },
                Err(error) => device_problem = Some(VaultError::KeyStore(error)),
            }
        }
        let wanted = if self.recovery {
            SlotKind::Recovery
        } else {
            SlotKind::Password
        };
        if !kinds.contains(&wanted) {
            if !self.recovery && kinds.contains(&SlotKind::Recovery) {
                let why = device_problem.map_or_else(
                    || "this vault has no password".to_string(),
                    |problem| problem.to_string(),
                );
                return Err(Failure::bad_input(format!(
                    "{why}: unlock it with your recovery code instead (tessera --recovery ...)"
                )));
            }
            return Err(vault_failure(
                device_problem.unwrap_or_else(|| VaultError::no_slot_of_kind(wanted, &kinds)),
            ));
        }
        let what = if self.recovery {
            "recovery code"
        } else {
            "password"
        };
        // TESSERA_PASSWORD holds a password, never the recovery code.
        let variable = (!self.recovery).then_some("TESSERA_PASSWORD");
        let secret = self.read_secret(&format!("Vault {what}: "), what, variable)?;
        if self.recovery {
            locked.unlock(&Recovery(&secret))
        } else {
            locked.unlock(&Password(&secret))
        }
        .map_err(vault_failure)
    }

    /// A password or code: from standard input with --password-stdin (one line each, in the order
    /// asked), from the environment variable given (if any), or asked on the terminal.
    pub fn read_secret(
        &self,
        prompt: &str,
        what: &str,
        variable: Option<&str>,
    ) -> Result<Zeroizing<String>, Failure> {
        if self.password_stdin {
            let mut line = Zeroizing::new(String::new());
            std::io::stdin().lock().read_line(&mut line).map_err(|_| {
                Failure::bad_input(format!("could not read the {what} from standard input"))
            })?;
            let trimmed = Zeroizing::new(line.trim_end_matches(['\n', '\r']).to_string());
            return Ok(trimmed);
        }
        if let Some(Ok(secret)) = variable.map(std::env::var) {
            return Ok(Zeroizing::new(secret));
        }
        if !std::io::stdin().is_terminal() {
            let or_set =
                variable.map_or_else(String::new, |variable| format!(" or set {variable}"));
            return Err(Failure::bad_input(format!(
                "the {what} is needed, and there is no terminal to ask on: use --password-stdin{or_set}"
            )));
        }
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|_| Failure::bad_input(format!("could not read the {what} from the terminal")))
    }
}

/// A new password for what Tessera writes (an export, automatic backups): from the first line of
/// standard input when `from_stdin`, else from the environment variable `variable`, else asked
/// twice on the terminal. `what` names it in messages ("export's password"). An empty one is
/// refused.
pub fn new_file_password(
    options: &VaultOptions,
    from_stdin: bool,
    prompt: &str,
    what: &str,
    variable: &str,
) -> Result<Zeroizing<String>, Failure> {
    let asking = VaultOptions {
        password_stdin: from_stdin,
        recovery: false,
        ..options.clone()
    };
    let password = asking.read_secret(prompt, what, Some(variable))?;
    if password.is_empty() {
        return Err(Failure::bad_input(format!(
            "the {what} is empty: choose one, and keep it where you will find it"
        )));
    }
    let typed =
        !from_stdin && std::env::var_os(variable).is_none() && std::io::stdin().is_terminal();
    if typed {
        let again = rpassword::prompt_password("The same password again: ")
            .map(Zeroizing::new)
            .map_err(|_| {
                Failure::bad_input(format!("could not read the {what} from the terminal"))
            })?;
        if again != password {
            return Err(Failure::bad_input(
                "the two passwords differ: nothing was changed; try again",
            ));
        }
    }
    Ok(password)
}

/// A vault error as a failure: the user's input (a wrong password, a missing file) or a file that
/// cannot be read as it is, is exit status 2; a full disk, a broken key store or a fault is 1.
pub fn vault_failure(error: VaultError) -> Failure {
    match error.kind() {
        ErrorKind::Input | ErrorKind::Damaged => Failure::bad_input(error),
        ErrorKind::TryAgain | ErrorKind::KeyStore | ErrorKind::Bug => Failure::other(error),
    }
}
