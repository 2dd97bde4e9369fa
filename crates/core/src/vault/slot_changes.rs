//! Changing the ways the vault unlocks: adding, removing and replacing slots, each change one
//! transaction, so that app lock on (a password in, the device slot out) is all or nothing.

use rusqlite::{OptionalExtension, params};

use super::slots::password::{self, PasswordParams};
use super::slots::{
    NewSlot, Platform, SlotId, SlotKind, any_opens_without_asking, entry_name, wrap_context,
};
use super::unlock::AddedSlot;
use super::{Vault, VaultError, database, now};

impl Vault {
    /// Adds a way of unlocking. The accounts are not touched.
    pub fn add_slot(&mut self, slot: &dyn NewSlot) -> Result<AddedSlot, VaultError> {
        let mut added = self.change_slots(&[slot], &[], &Platform::default())?;
        added
            .pop()
            .ok_or(VaultError::Storage("no slot was added".into()))
    }

    /// Removes a slot. The last slot cannot be removed. What the slot kept outside the vault file
    /// (a device slot's key) is deleted from the platform's stores given; where none is given, it
    /// stays there, unused.
    pub fn remove_slot(&mut self, id: SlotId, platform: &Platform<'_>) -> Result<(), VaultError> {
        self.change_slots(&[], &[id], platform).map(|_| ())
    }

    /// Adds and removes slots in one transaction: either every change is made or none. The vault
    /// must keep at least one slot. New slots get numbers in the order given.
    pub fn change_slots(
        &mut self,
        add: &[&dyn NewSlot],
        remove: &[SlotId],
        platform: &Platform<'_>,
    ) -> Result<Vec<AddedSlot>, VaultError> {
        let path = self.path.clone();
        let storage = database::failed(&path);
        let vault_id = self.vault_id.clone();
        let transaction = database::begin_write(&mut self.connection, &path)?;
        let mut removed = Vec::new();
        for &id in remove {
            let found: Option<(String, Vec<u8>)> = transaction
                .query_row(
                    "SELECT kind, params FROM slots WHERE id = ?1",
                    [id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(storage)?;
            let (kind, params) = found.ok_or(VaultError::SlotNotFound(id))?;
            removed.push((id, kind, params));
        }
        let count: i64 = transaction
            .query_row("SELECT count(*) FROM slots", [], |row| row.get(0))
            .map_err(storage)?;
        if count + add.len() as i64 <= removed.len() as i64 {
            return Err(VaultError::LastSlot);
        }
        let mut next: SlotId = transaction
            .query_row("SELECT coalesce(max(id), 0) + 1 FROM slots", [], |row| {
                row.get(0)
            })
            .map_err(storage)?;
        let mut made: Vec<(&dyn NewSlot, String)> = Vec::new();
        let mut added = Vec::new();
        let written = (|| {
            for &slot in add {
                let id = next;
                next += 1;
                let entry = entry_name(&vault_id, id);
                let new = slot.make(&entry)?;
                made.push((slot, entry));
                let wrapped = new.key.seal(
                    self.key.as_bytes(),
                    &wrap_context(&vault_id, id, slot.kind()),
                )?;
                transaction
                    .execute(
                        "INSERT INTO slots (id, kind, params, wrapped_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![id, slot.kind().name(), new.params, wrapped, now()],
                    )
                    .map_err(storage)?;
                added.push(AddedSlot {
                    id,
                    recovery_code: new.recovery_code,
                });
            }
            for (id, _, _) in &removed {
                transaction
                    .execute("DELETE FROM slots WHERE id = ?1", [id])
                    .map_err(storage)?;
            }
            transaction.commit().map_err(storage)
        })();
        if let Err(error) = written {
            for (slot, entry) in made {
                slot.undo(&entry);
            }
            return Err(error);
        }
        for (_, kind, params) in removed {
            if let Some(kind) = SlotKind::from_name(&kind) {
                kind.kind().forget(&params, platform);
            }
        }
        Ok(added)
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

    /// Whether the vault has a slot that opens without asking (a device slot).
    pub fn opens_without_asking(&self) -> Result<bool, VaultError> {
        Ok(any_opens_without_asking(&self.slots()?))
    }
}
