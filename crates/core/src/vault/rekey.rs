//! Re-keying: a new random vault key, every sealed row sealed again under it, and every slot that
//! stays wrapped again, in one transaction. Removing a slot and changing a password do it, and
//! the user can ask for it.
//!
//! Without it, whoever kept a copy of the file from before and the credential given up (the
//! recovery code removed, the old password) would open the old copy's slot, get the vault key,
//! and with it open everything written to the vault since. After it, that key opens nothing in
//! the current file.
//!
//! The hard part is the slots that stay: wrapping the new vault key for a slot needs that slot's
//! key, and the unlocked vault does not hold the keys of slots it was not unlocked with. So each
//! kind gets its key back the way it was made: a `device` slot from the key store, a `biometric`
//! slot through one biometric check, the slot the vault was unlocked with from memory, and any
//! other password or recovery slot from the password or code given again. Each key is checked
//! against the slot's current wrapped vault key before anything is written; a slot whose key
//! cannot be had makes the re-key refuse, naming the slot, rather than leave a slot that opens
//! nothing.
//!
//! The app and the command line share the file, so one may re-key while the other holds the
//! vault unlocked with the old key. The other remembers one slot row that wraps its key (the
//! witness); once that row has changed or gone, it says so ([`VaultError::ChangedElsewhere`]:
//! unlock again) instead of calling the vault damaged, and changes no slot with the old key.

use rusqlite::{Connection, Transaction};

use super::manifest::Manifest;
use super::slots::{Credential, Platform, Slot, SlotId, SlotKey, SlotKind, wrap_context};
use super::unlock::StoredSlot;
use super::{Vault, VaultError, database};

/// A slot that stays through a re-key, with its key, checked to open its wrapped vault key.
pub(super) struct KeptSlot {
    pub(super) id: SlotId,
    pub(super) kind: SlotKind,
    pub(super) key: SlotKey,
}

impl Vault {
    /// The slots a re-key that removes `removing` (and gives `changing` a new password) would
    /// keep, whose password or recovery code the user must give again: every password and
    /// recovery slot but the one the vault was unlocked with. The caller asks for them and passes
    /// them to the change; slots of the key store and biometric slots need nothing typed. A slot
    /// named that is not there (or a `changing` slot that is no password) is an error, so that
    /// nothing is asked for a change that cannot be made.
    pub fn slots_to_ask_for(
        &self,
        removing: &[SlotId],
        changing: Option<SlotId>,
    ) -> Result<Vec<Slot>, VaultError> {
        let slots = self.slots()?;
        let is_there = |id: SlotId, kind: Option<SlotKind>| {
            slots
                .iter()
                .any(|slot| slot.id == id && kind.is_none_or(|kind| kind == slot.kind))
        };
        if let Some(&missing) = removing.iter().find(|&&id| !is_there(id, None)) {
            return Err(VaultError::SlotNotFound(missing));
        }
        if let Some(id) = changing.filter(|&id| !is_there(id, Some(SlotKind::Password))) {
            return Err(VaultError::SlotNotFound(id));
        }
        let unlocked_with = self.unlocked_with.as_ref().map(|(id, _)| *id);
        Ok(slots
            .into_iter()
            .filter(|slot| {
                matches!(slot.kind, SlotKind::Password | SlotKind::Recovery)
                    && !removing.contains(&slot.id)
                    && Some(slot.id) != changing
                    && Some(slot.id) != unlocked_with
            })
            .collect())
    }

    /// Refuses a change if another program gave the vault a new key since this one last saw
    /// its slots: wrapping the stale key into a slot, or re-keying from it, would leave slots
    /// that open nothing.
    pub(super) fn check_key_is_current(&self, stored: &[StoredSlot]) -> Result<(), VaultError> {
        match &self.witness {
            Some((id, wrapped))
                if !stored
                    .iter()
                    .any(|slot| slot.id == *id && slot.wrapped == *wrapped) =>
            {
                Err(VaultError::ChangedElsewhere)
            }
            _ => Ok(()),
        }
    }

    /// Begins a write and opens the vault's list of sealed records in it. A list that does not
    /// open because another program re-keyed the vault is said as such, not as damage.
    pub(super) fn begin_sealed_write(&mut self) -> Result<(Transaction<'_>, Manifest), VaultError> {
        let transaction = database::begin_write(&mut self.connection, &self.path)?;
        let manifest = Manifest::for_writing(&transaction, &self.vault_id, &self.key, &self.path)
            .map_err(|error| explained(&transaction, self.witness.as_ref(), error))?;
        Ok((transaction, manifest))
    }

    /// Opens the vault's list of sealed records in a read snapshot, as
    /// [`Vault::begin_sealed_write`] does for a write.
    pub(super) fn sealed_list(&self, snapshot: &Connection) -> Result<Manifest, VaultError> {
        Manifest::for_reading(snapshot, &self.vault_id, &self.key, &self.path)
            .map_err(|error| self.explain(snapshot, error))
    }

    /// `error` as this program should see it: a vault that looks damaged only because another
    /// program re-keyed it is [`VaultError::ChangedElsewhere`].
    pub(super) fn explain(&self, snapshot: &Connection, error: VaultError) -> VaultError {
        explained(snapshot, self.witness.as_ref(), error)
    }

    /// The keys of the slots in `stored` that `stays` keeps, each checked against the slot's
    /// wrapped vault key. Slow where a password must be derived, and may ask for a biometric
    /// check: call it before the write begins.
    pub(super) fn keys_of_kept_slots(
        &self,
        stored: &[StoredSlot],
        stays: impl Fn(SlotId) -> bool,
        platform: &Platform<'_>,
        given: &[&dyn Credential],
    ) -> Result<Vec<KeptSlot>, VaultError> {
        let mut kept = Vec::new();
        for slot in stored.iter().filter(|slot| stays(slot.id)) {
            let kind = SlotKind::from_name(&slot.kind).ok_or_else(|| VaultError::SlotCannotBeKept {
                id: slot.id,
                needs: format!(
                    "a newer version of Tessera (it is a '{}' slot, which this one does not know)",
                    slot.kind
                ),
            })?;
            let key = self.key_of(slot, kind, platform, given)?;
            kept.push(KeptSlot {
                id: slot.id,
                kind,
                key,
            });
        }
        Ok(kept)
    }

    /// The key of one slot that stays: from memory if the vault was unlocked with it, else from
    /// what this device offers for its kind or the credentials given.
    fn key_of(
        &self,
        slot: &StoredSlot,
        kind: SlotKind,
        platform: &Platform<'_>,
        given: &[&dyn Credential],
    ) -> Result<SlotKey, VaultError> {
        let context = wrap_context(&self.vault_id, slot.id, kind);
        // The key must open this slot's wrapped key, and what it opens must be this vault's key.
        // Another key there means another program re-keyed the vault since it was unlocked here.
        let check = |key: &SlotKey| match key.open(&slot.wrapped, &context) {
            Ok(bytes) if bytes.as_slice() == self.key.as_bytes() => Ok(true),
            Ok(_) => Err(VaultError::ChangedElsewhere),
            Err(_) => Ok(false),
        };
        if let Some((id, key)) = &self.unlocked_with
            && *id == slot.id
        {
            if check(key)? {
                return Ok(key.clone());
            }
            return Err(VaultError::ChangedElsewhere);
        }
        let offered = kind.kind().offered_by(platform);
        let credentials = given
            .iter()
            .copied()
            .filter(|credential| credential.kind() == kind)
            .chain(offered.as_deref());
        // A credential simply wrong for this slot is not worth reporting; anything else said on
        // the way (a key store that is locked, a cancelled prompt, a damaged slot) is.
        let mut failure = None;
        for credential in credentials {
            match credential.slot_key(&slot.params) {
                Ok(key) if check(&key)? => return Ok(key),
                Ok(_) => {}
                Err(VaultError::Damaged(_)) => {
                    failure = Some(VaultError::Damaged(format!(
                        "{} ({} slot {})",
                        self.path.display(),
                        kind.name(),
                        slot.id
                    )));
                }
                Err(error) if error == credential.refused() => {}
                Err(error) => failure = Some(error),
            }
        }
        Err(failure.unwrap_or_else(|| VaultError::SlotCannotBeKept {
            id: slot.id,
            needs: kind.kind().words().to_string(),
        }))
    }
}

/// A vault that looks damaged to this program because another one gave it a new key since is
/// not damaged: the witness slot row has changed or gone. Restoring a backup would be the wrong
/// thing to do; unlocking again is the right one.
fn explained(
    connection: &Connection,
    witness: Option<&(SlotId, Vec<u8>)>,
    error: VaultError,
) -> VaultError {
    let Some((id, wrapped)) = witness else {
        return error;
    };
    if !matches!(error, VaultError::Damaged(_)) {
        return error;
    }
    let now: Option<Vec<u8>> = connection
        .query_row("SELECT wrapped_key FROM slots WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .ok();
    if now.as_ref() == Some(wrapped) {
        error
    } else {
        VaultError::ChangedElsewhere
    }
}
