//! Changing the ways the vault unlocks: adding, removing and replacing slots, and re-keying, each
//! change one transaction, so that app lock on (a password in, the device slot out) is all or
//! nothing.
//!
//! Adding a slot wraps the current vault key once more. Anything that takes a way of unlocking
//! away (removing a slot, changing a password) re-keys (`rekey.rs`): the slots that stay need
//! their keys then, which is what `platform` and `keep_with` are for.

use rusqlite::params;

use super::manifest::Manifest;
use super::seal::Key;
use super::slots::password::{self, PasswordParams};
use super::slots::{
    Credential, NewSlot, Platform, SlotId, SlotKey, SlotKind, any_opens_without_asking, entry_name,
    wrap_context,
};
use super::unlock::{AddedSlot, stored_slots};
use super::{Vault, VaultError, database, now};

/// One change of the slots, made whole or not at all.
#[derive(Default)]
struct Change<'a> {
    add: &'a [&'a dyn NewSlot],
    remove: &'a [SlotId],
    /// A password slot that gets a new password (and so a new key).
    new_password: Option<(SlotId, &'a str, &'a PasswordParams)>,
    /// Re-key even if nothing is taken away.
    rekey: bool,
}

impl Change<'_> {
    /// Whether the change re-keys: whenever a way of unlocking is taken away, or when asked.
    fn rekeys(&self) -> bool {
        self.rekey || !self.remove.is_empty() || self.new_password.is_some()
    }
}

impl Vault {
    /// Adds a way of unlocking. The accounts are not touched.
    pub fn add_slot(&mut self, slot: &dyn NewSlot) -> Result<AddedSlot, VaultError> {
        Ok(self.add_first_slot(slot)?.0)
    }

    /// Adds a slot and returns its key too (a new vault's first slot is the one it is unlocked
    /// with).
    pub(super) fn add_first_slot(
        &mut self,
        slot: &dyn NewSlot,
    ) -> Result<(AddedSlot, SlotKey), VaultError> {
        let change = Change {
            add: &[slot],
            ..Change::default()
        };
        self.apply(change, &Platform::default(), &[])?
            .pop()
            .ok_or(VaultError::Storage("no slot was added".into()))
    }

    /// Removes a slot, and re-keys the vault (see [`Vault::change_slots`]). The last slot cannot
    /// be removed.
    pub fn remove_slot(
        &mut self,
        id: SlotId,
        platform: &Platform<'_>,
        keep_with: &[&dyn Credential],
    ) -> Result<(), VaultError> {
        self.change_slots(&[], &[id], platform, keep_with)
            .map(|_| ())
    }

    /// Adds and removes slots in one transaction: either every change is made or none. The vault
    /// must keep at least one slot. New slots get numbers in the order given.
    ///
    /// If any slot is removed, the vault is re-keyed in the same transaction: a new vault key,
    /// every sealed row sealed again, the new slots wrapped under it, and every slot that stays
    /// wrapped again. For that, each slot that stays must give its key: the one the vault was
    /// unlocked with does so from memory, a device slot through `platform`'s key store, a
    /// biometric slot through one check of `platform`'s biometric keys, and any other password or
    /// recovery slot through its credential in `keep_with` ([`Vault::slots_to_ask_for`] names
    /// them). If one cannot, nothing is changed and the error names it
    /// ([`VaultError::SlotCannotBeKept`]).
    ///
    /// What a removed slot kept outside the vault file (a device slot's key) is deleted from
    /// `platform`'s stores once the change is saved; where none is given, it stays there, unused.
    pub fn change_slots(
        &mut self,
        add: &[&dyn NewSlot],
        remove: &[SlotId],
        platform: &Platform<'_>,
        keep_with: &[&dyn Credential],
    ) -> Result<Vec<AddedSlot>, VaultError> {
        let change = Change {
            add,
            remove,
            ..Change::default()
        };
        Ok(self
            .apply(change, platform, keep_with)?
            .into_iter()
            .map(|(added, _)| added)
            .collect())
    }

    /// Changes the password of a password slot, and re-keys the vault (see
    /// [`Vault::change_slots`] for what the other slots need), so that the old password and an
    /// old copy of the file open nothing written after the change.
    pub fn change_password(
        &mut self,
        id: SlotId,
        new_password: &str,
        params: PasswordParams,
        platform: &Platform<'_>,
        keep_with: &[&dyn Credential],
    ) -> Result<(), VaultError> {
        let change = Change {
            new_password: Some((id, new_password, &params)),
            ..Change::default()
        };
        self.apply(change, platform, keep_with).map(|_| ())
    }

    /// Re-keys the vault without changing its slots: a new vault key, every sealed row sealed
    /// again and every slot wrapped again (see [`Vault::change_slots`] for what the slots need).
    pub fn rekey(
        &mut self,
        platform: &Platform<'_>,
        keep_with: &[&dyn Credential],
    ) -> Result<(), VaultError> {
        let change = Change {
            rekey: true,
            ..Change::default()
        };
        self.apply(change, platform, keep_with).map(|_| ())
    }

    /// Whether the vault has a slot that opens without asking (a device slot).
    pub fn opens_without_asking(&self) -> Result<bool, VaultError> {
        Ok(any_opens_without_asking(&self.slots()?))
    }

    /// Makes a change. The slow parts (deriving passwords, the key store, a biometric check,
    /// making new slots) come before the write; the write checks that the slots are still the
    /// ones read, then re-keys, wraps and commits in one transaction. The vault key in memory is
    /// replaced (the old one wiped) only once the transaction is committed.
    fn apply(
        &mut self,
        change: Change<'_>,
        platform: &Platform<'_>,
        keep_with: &[&dyn Credential],
    ) -> Result<Vec<(AddedSlot, SlotKey)>, VaultError> {
        let path = self.path.clone();
        let storage = database::failed(&path);
        let vault_id = self.vault_id.clone();
        let stored = stored_slots(&self.connection, &path, None)?;
        self.check_key_is_current(&stored)?;
        let removed: Vec<_> = stored
            .iter()
            .filter(|slot| change.remove.contains(&slot.id))
            .map(|slot| (slot.id, slot.kind.clone(), slot.params.clone()))
            .collect();
        if let Some(&missing) = change
            .remove
            .iter()
            .find(|id| !removed.iter().any(|(removed, _, _)| removed == *id))
        {
            return Err(VaultError::SlotNotFound(missing));
        }
        if let Some((id, _, _)) = change.new_password
            && !stored
                .iter()
                .any(|slot| slot.id == id && slot.kind == SlotKind::Password.name())
        {
            return Err(VaultError::SlotNotFound(id));
        }
        if stored.len() + change.add.len() <= removed.len() {
            return Err(VaultError::LastSlot);
        }
        let rekeys = change.rekeys();
        let changed_password = change.new_password.map(|(id, _, _)| id);
        let kept = if rekeys {
            self.keys_of_kept_slots(
                &stored,
                |id| !change.remove.contains(&id) && Some(id) != changed_password,
                platform,
                keep_with,
            )?
        } else {
            Vec::new()
        };
        let new_password = change
            .new_password
            .map(|(id, password, params)| {
                password::derive(password, params)
                    .map(|key| (id, key, params.to_bytes()))
                    .map_err(|_| VaultError::Storage("bad Argon2 parameters".into()))
            })
            .transpose()?;
        let vault_key = if rekeys {
            Key::random()?
        } else {
            self.key.clone()
        };

        let mut next: SlotId = stored.iter().map(|slot| slot.id).max().unwrap_or(0) + 1;
        let mut made: Vec<(&dyn NewSlot, String)> = Vec::new();
        let mut added = Vec::new();
        // The slot rows written, each wrapping the new key: one becomes the witness.
        let mut wrapped_now: Vec<(SlotId, Vec<u8>)> = Vec::new();
        let written = (|| {
            let mut wrapped_new = Vec::new();
            for &slot in change.add {
                let id = next;
                next += 1;
                let entry = entry_name(&vault_id, id);
                let new = slot.make(&entry)?;
                made.push((slot, entry));
                let wrapped = new.key.seal(
                    vault_key.as_bytes(),
                    &wrap_context(&vault_id, id, slot.kind()),
                )?;
                wrapped_new.push((id, slot.kind(), new.params, wrapped));
                added.push((
                    AddedSlot {
                        id,
                        recovery_code: new.recovery_code,
                    },
                    new.key,
                ));
            }
            let transaction = database::begin_write(&mut self.connection, &path)?;
            // Another program may have changed the slots since they were read: the ones added
            // would clash, and a slot it added would not be wrapped for the new key.
            if stored_slots(&transaction, &path, None)? != stored {
                return Err(VaultError::ChangedElsewhere);
            }
            if rekeys {
                Manifest::reseal_all(&transaction, &vault_id, &self.key, &vault_key, &path)?;
                for slot in &kept {
                    let wrapped = slot.key.seal(
                        vault_key.as_bytes(),
                        &wrap_context(&vault_id, slot.id, slot.kind),
                    )?;
                    transaction
                        .execute(
                            "UPDATE slots SET wrapped_key = ?1 WHERE id = ?2",
                            params![wrapped, slot.id],
                        )
                        .map_err(storage)?;
                    wrapped_now.push((slot.id, wrapped));
                }
            }
            if let Some((id, key, params)) = &new_password {
                let wrapped = key.seal(
                    vault_key.as_bytes(),
                    &wrap_context(&vault_id, *id, SlotKind::Password),
                )?;
                transaction
                    .execute(
                        "UPDATE slots SET params = ?1, wrapped_key = ?2 WHERE id = ?3",
                        params![params, wrapped, id],
                    )
                    .map_err(storage)?;
                wrapped_now.push((*id, wrapped));
            }
            for (id, kind, params, wrapped) in wrapped_new {
                transaction
                    .execute(
                        "INSERT INTO slots (id, kind, params, wrapped_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![id, kind.name(), params, wrapped, now()],
                    )
                    .map_err(storage)?;
                wrapped_now.push((id, wrapped));
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

        // Saved: from here on the new key is the vault's, and the old one is wiped as it drops.
        self.key = vault_key;
        if rekeys || self.witness.is_none() {
            self.witness = wrapped_now.into_iter().next();
        }
        if let Some((id, key, _)) = new_password {
            if self
                .unlocked_with
                .as_ref()
                .is_some_and(|(unlocked, _)| *unlocked == id)
            {
                self.unlocked_with = Some((id, key));
            }
        } else if self
            .unlocked_with
            .as_ref()
            .is_some_and(|(unlocked, _)| change.remove.contains(unlocked))
        {
            self.unlocked_with = None;
        }
        for (_, kind, params) in removed {
            if let Some(kind) = SlotKind::from_name(&kind) {
                kind.kind().forget(&params, platform);
            }
        }
        Ok(added)
    }
}
