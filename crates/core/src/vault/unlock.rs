//! Creating, opening, unlocking and locking the vault.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::seal::Key;
use super::slots::recovery::RecoveryCode;
use super::slots::{
    Credential, NewSlot, Slot, SlotId, SlotKind, any_opens_without_asking, wrap_context,
};
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
    pub fn unlock(self, credential: &dyn Credential) -> Result<Vault, VaultError> {
        let kind = credential.kind();
        let stored = stored_slots(&self.connection, &self.path, Some(kind))?;
        if stored.is_empty() {
            let available: Vec<SlotKind> = self.slots()?.iter().map(|slot| slot.kind).collect();
            return Err(VaultError::no_slot_of_kind(kind, &available));
        }
        // A credential wrong for every slot is refused as such; anything else said on the way
        // (a key store that is not there, a cancelled prompt) is more useful and wins.
        let mut failure = credential.refused();
        for slot in &stored {
            let slot_key = match credential.slot_key(&slot.params) {
                Ok(key) => key,
                Err(VaultError::Damaged(_)) => {
                    let where_ =
                        format!("{} ({} slot {})", self.path.display(), kind.name(), slot.id);
                    failure = VaultError::Damaged(where_);
                    continue;
                }
                Err(error) => {
                    if error != credential.refused() {
                        failure = error;
                    }
                    continue;
                }
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
                    unlocked_with: Some((slot.id, slot_key)),
                    witness: Some((slot.id, slot.wrapped.clone())),
                    backup_outcome: None,
                };
                vault.purge_expired_trash()?;
                return Ok(vault);
            }
        }
        Err(failure)
    }

    /// Whether the vault has a slot that opens without asking (a device slot): if not, the app
    /// starts on its unlock screen.
    pub fn opens_without_asking(&self) -> Result<bool, VaultError> {
        Ok(any_opens_without_asking(&self.slots()?))
    }
}

impl VaultError {
    /// The error for a credential of a kind the vault has no slot for, naming the kinds it has.
    pub fn no_slot_of_kind(wanted: SlotKind, available: &[SlotKind]) -> VaultError {
        let mut words: Vec<&str> = Vec::new();
        for kind in available {
            let word = kind.kind().words();
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

/// A slot row as stored, with its kind as written (a newer Tessera may have written a kind this
/// one does not know).
#[derive(PartialEq, Eq)]
pub(super) struct StoredSlot {
    pub(super) id: SlotId,
    pub(super) kind: String,
    pub(super) params: Vec<u8>,
    pub(super) wrapped: Vec<u8>,
    pub(super) created_at: i64,
}

pub(super) fn stored_slots(
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
pub(super) fn list_slots(connection: &Connection, path: &Path) -> Result<Vec<Slot>, VaultError> {
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
    pub fn create(path: &Path, first: &dyn NewSlot) -> Result<(Vault, AddedSlot), VaultError> {
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
                unlocked_with: None,
                witness: None,
                backup_outcome: None,
            };
            let (added, key) = vault.add_first_slot(first)?;
            vault.unlocked_with = Some((added.id, key));
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
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
