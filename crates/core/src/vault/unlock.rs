//! Creating, opening, unlocking and locking the vault, and managing its slots.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::key_store::{KeyStore, KeyStoreError};
use super::seal::Key;
use super::slots::password::{self, PasswordParams};
use super::slots::recovery::{self, RecoveryCode};
use super::slots::{Credential, Slot, SlotId, SlotKey, SlotKind, device, wrap_context};
use super::{Vault, VaultError, database, now};

/// The file name of the vault in the app's data folder.
pub const VAULT_FILE: &str = "vault.tessera";
/// The app's identifier, which names its data folder (the Tauri app uses the same).
pub const APP_IDENTIFIER: &str = "app.tessera.authenticator";

/// The default vault path: the platform's data folder (`~/.local/share` on Linux), then the app's
/// identifier. `None` where the platform has no data folder.
pub fn default_path() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| platform_data_folder(Path::new(&home))))?;
    Some(data.join(APP_IDENTIFIER).join(VAULT_FILE))
}

fn platform_data_folder(home: &Path) -> PathBuf {
    if cfg!(target_os = "macos") {
        home.join("Library/Application Support")
    } else {
        home.join(".local/share")
    }
}

/// A way of unlocking to add as a slot.
pub enum NewSlot<'a> {
    /// A key kept by this key store.
    Device(&'a dyn KeyStore),
    /// A password, with the Argon2id parameters to derive its key (see [`PasswordParams::calibrate`]).
    Password(&'a str, PasswordParams),
    /// A new recovery code, returned once in [`AddedSlot::recovery_code`].
    Recovery,
}

/// A slot just added.
#[derive(Debug)]
pub struct AddedSlot {
    /// Its number.
    pub id: SlotId,
    /// For a recovery slot, the code to show the user, once.
    pub recovery_code: Option<RecoveryCode>,
}

/// A vault that is open but not unlocked: its slots can be listed, nothing else.
pub struct LockedVault {
    connection: Connection,
    path: PathBuf,
    vault_id: String,
}

impl LockedVault {
    /// Opens the vault file at `path` without unlocking it.
    pub fn open(path: &Path) -> Result<LockedVault, VaultError> {
        let connection = database::open_existing(path)?;
        let vault_id = connection
            .query_row("SELECT vault_id FROM vault WHERE id = 1", [], |row| {
                row.get::<_, String>(0)
            })
            .optional()
            .map_err(database::failed(path))?
            .ok_or_else(|| VaultError::Damaged(path.display().to_string()))?;
        Ok(LockedVault {
            connection,
            path: path.to_path_buf(),
            vault_id,
        })
    }

    /// The slots, in the order they were added.
    pub fn slots(&self) -> Result<Vec<Slot>, VaultError> {
        list_slots(&self.connection, &self.path)
    }

    /// Unlocks the vault with a credential. A wrong one changes nothing.
    pub fn unlock(self, credential: &Credential<'_>) -> Result<Vault, VaultError> {
        let kind = credential.kind();
        let stored = stored_slots(&self.connection, &self.path, Some(kind))?;
        if stored.is_empty() {
            let available: Vec<SlotKind> = self.slots()?.iter().map(|slot| slot.kind).collect();
            return Err(VaultError::no_slot_of_kind(kind, &available));
        }
        let mut failure = match kind {
            SlotKind::Password => VaultError::WrongPassword,
            SlotKind::Recovery => VaultError::WrongRecoveryCode,
            SlotKind::Device => VaultError::KeyStoreEntryMissing,
        };
        for slot in &stored {
            let slot_key = match slot_key(credential, &slot.params) {
                Ok(key) => key,
                Err(error @ (VaultError::KeyStore(_) | VaultError::NotARecoveryCode)) => {
                    failure = error;
                    continue;
                }
                Err(VaultError::Damaged(_)) => {
                    let slot = format!("{} (password slot {})", self.path.display(), slot.id);
                    failure = VaultError::Damaged(slot);
                    continue;
                }
                Err(_) => continue,
            };
            let context = wrap_context(&self.vault_id, slot.id, kind);
            if let Ok(bytes) = slot_key.open(&slot.wrapped, &context)
                && let Some(key) = Key::from_slice(&bytes)
            {
                let mut vault = Vault {
                    connection: self.connection,
                    path: self.path,
                    vault_id: self.vault_id,
                    key,
                };
                vault.purge_expired_trash()?;
                return Ok(vault);
            }
        }
        Err(failure)
    }
}

impl VaultError {
    /// The error for a credential of a kind the vault has no slot for, naming the kinds it has.
    pub fn no_slot_of_kind(wanted: SlotKind, available: &[SlotKind]) -> VaultError {
        let mut words: Vec<&str> = Vec::new();
        for kind in available {
            let word = match kind {
                SlotKind::Device => "this device's key store",
                SlotKind::Password => "your password",
                SlotKind::Recovery => "your recovery code",
            };
            if !words.contains(&word) {
                words.push(word);
            }
        }
        VaultError::NoSlotOfKind {
            kind: wanted.name(),
            available: words.join(" or "),
        }
    }
}

/// Derives or loads the key of a slot from what the user offered.
fn slot_key(credential: &Credential<'_>, params: &[u8]) -> Result<SlotKey, VaultError> {
    match credential {
        Credential::Password(text) => {
            let params = PasswordParams::from_bytes(params)
                .map_err(|_| VaultError::Damaged(String::new()))?;
            password::derive(text, &params).map_err(|_| VaultError::WrongPassword)
        }
        Credential::Recovery(text) => {
            let code = RecoveryCode::parse(text).map_err(|_| VaultError::NotARecoveryCode)?;
            Ok(recovery::derive(&code, params))
        }
        Credential::Device(store) => {
            let entry =
                std::str::from_utf8(params).map_err(|_| VaultError::KeyStoreEntryMissing)?;
            device::load(*store, entry).map_err(|error| match error {
                KeyStoreError::Missing => VaultError::KeyStoreEntryMissing,
                other => VaultError::KeyStore(other),
            })
        }
    }
}

/// A slot row as stored, with its kind as written (a newer Tessera may have written a kind this
/// one does not know).
struct StoredSlot {
    id: SlotId,
    kind: String,
    params: Vec<u8>,
    wrapped: Vec<u8>,
    created_at: i64,
}

fn stored_slots(
    connection: &Connection,
    path: &Path,
    kind: Option<SlotKind>,
) -> Result<Vec<StoredSlot>, VaultError> {
    let storage = database::failed(path);
    let mut statement = connection
        .prepare("SELECT id, kind, params, wrapped_key, created_at FROM slots ORDER BY id")
        .map_err(storage)?;
    let rows = statement
        .query_map([], |row| {
            Ok(StoredSlot {
                id: row.get(0)?,
                kind: row.get(1)?,
                params: row.get(2)?,
                wrapped: row.get(3)?,
                created_at: row.get(4)?,
            })
        })
        .map_err(storage)?;
    let mut slots = Vec::new();
    for row in rows {
        let slot = row.map_err(storage)?;
        if kind.is_none_or(|kind| kind.name() == slot.kind) {
            slots.push(slot);
        }
    }
    Ok(slots)
}

/// The slots this version knows; one of a kind from a newer Tessera is left alone, unlisted.
fn list_slots(connection: &Connection, path: &Path) -> Result<Vec<Slot>, VaultError> {
    Ok(stored_slots(connection, path, None)?
        .into_iter()
        .filter_map(|slot| {
            Some(Slot {
                id: slot.id,
                kind: SlotKind::from_name(&slot.kind)?,
                created_at: slot.created_at,
            })
        })
        .collect())
}

impl Vault {
    /// Creates a new vault at `path` with one slot. The file is removed again if anything fails.
    pub fn create(path: &Path, first: NewSlot<'_>) -> Result<(Vault, AddedSlot), VaultError> {
        let connection = database::create_new(path)?;
        let created = (|| {
            let vault_id = hex(&Key::random()?.as_bytes()[..16]);
            connection
                .execute(
                    "INSERT INTO vault (id, vault_id, created_at) VALUES (1, ?1, ?2)",
                    params![vault_id, now()],
                )
                .map_err(database::failed(path))?;
            let mut vault = Vault {
                connection,
                path: path.to_path_buf(),
                vault_id,
                key: Key::random()?,
            };
            let added = vault.add_slot(first)?;
            Ok((vault, added))
        })();
        if created.is_err() {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        created
    }

    /// The slots, in the order they were added.
    pub fn slots(&self) -> Result<Vec<Slot>, VaultError> {
        list_slots(&self.connection, &self.path)
    }

    /// Adds a way of unlocking. The accounts are not touched.
    pub fn add_slot(&mut self, slot: NewSlot<'_>) -> Result<AddedSlot, VaultError> {
        let path = self.path.clone();
        let storage = database::failed(&path);
        let transaction = database::begin_write(&mut self.connection, &path)?;
        let id: SlotId = transaction
            .query_row("SELECT coalesce(max(id), 0) + 1 FROM slots", [], |row| {
                row.get(0)
            })
            .map_err(storage)?;
        let (kind, params, slot_key, recovery_code, device_entry) = match slot {
            NewSlot::Password(text, params) => {
                let key = password::derive(text, &params)
                    .map_err(|_| VaultError::Storage("bad Argon2 parameters".into()))?;
                (SlotKind::Password, params.to_bytes(), key, None, None)
            }
            NewSlot::Recovery => {
                let code = RecoveryCode::generate().map_err(|_| VaultError::NoRandomness)?;
                let salt = recovery::new_salt().map_err(|_| VaultError::NoRandomness)?;
                let key = recovery::derive(&code, &salt);
                (SlotKind::Recovery, salt, key, Some(code), None)
            }
            NewSlot::Device(store) => {
                let key = Key::random()?;
                let entry = device::entry_name(&self.vault_id, id);
                store.save(&entry, key.as_bytes())?;
                (
                    SlotKind::Device,
                    entry.clone().into_bytes(),
                    key,
                    None,
                    Some((store, entry)),
                )
            }
        };
        let wrapped =
            slot_key.seal(self.key.as_bytes(), &wrap_context(&self.vault_id, id, kind))?;
        let written = transaction
            .execute(
                "INSERT INTO slots (id, kind, params, wrapped_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, kind.name(), params, wrapped, now()],
            )
            .and_then(|_| transaction.commit());
        if let Err(error) = written {
            if let Some((store, entry)) = device_entry {
                let _ = store.delete(&entry);
            }
            return Err(storage(error));
        }
        Ok(AddedSlot { id, recovery_code })
    }

    /// Changes the password of a password slot: the vault key is wrapped again under the new
    /// password, in place; the accounts are not touched.
    pub fn change_password(
        &mut self,
        id: SlotId,
        new_password: &str,
        params: PasswordParams,
    ) -> Result<(), VaultError> {
        let path = self.path.clone();
        let storage = database::failed(&path);
        let slot_key = password::derive(new_password, &params)
            .map_err(|_| VaultError::Storage("bad Argon2 parameters".into()))?;
        let wrapped = slot_key.seal(
            self.key.as_bytes(),
            &wrap_context(&self.vault_id, id, SlotKind::Password),
        )?;
        let transaction = database::begin_write(&mut self.connection, &path)?;
        let changed = transaction
            .execute(
                "UPDATE slots SET params = ?1, wrapped_key = ?2 WHERE id = ?3 AND kind = ?4",
                params![params.to_bytes(), wrapped, id, SlotKind::Password.name()],
            )
            .map_err(storage)?;
        if changed == 0 {
            return Err(VaultError::SlotNotFound(id));
        }
        transaction.commit().map_err(storage)
    }

    /// Removes a slot. The last slot cannot be removed. A device slot's key is deleted from the
    /// key store given (if none is given, it stays there, unused).
    pub fn remove_slot(
        &mut self,
        id: SlotId,
        key_store: Option<&dyn KeyStore>,
    ) -> Result<(), VaultError> {
        let path = self.path.clone();
        let storage = database::failed(&path);
        let transaction = database::begin_write(&mut self.connection, &path)?;
        let found: Option<(String, Vec<u8>)> = transaction
            .query_row(
                "SELECT kind, params FROM slots WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(storage)?;
        let (kind, params) = found.ok_or(VaultError::SlotNotFound(id))?;
        let count: i64 = transaction
            .query_row("SELECT count(*) FROM slots", [], |row| row.get(0))
            .map_err(storage)?;
        if count <= 1 {
            return Err(VaultError::LastSlot);
        }
        transaction
            .execute("DELETE FROM slots WHERE id = ?1", [id])
            .map_err(storage)?;
        transaction.commit().map_err(storage)?;
        if kind == SlotKind::Device.name()
            && let (Some(store), Ok(entry)) = (key_store, String::from_utf8(params))
        {
            let _ = store.delete(&entry);
        }
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
