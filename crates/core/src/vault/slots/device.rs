//! `device` slots: the slot key is random and kept by the platform's key store.
//!
//! The slot stores only the name of the key-store entry; the key itself never touches the vault
//! file. Copying the vault to another machine therefore leaves this slot useless there, which is
//! the point.

use super::{SlotId, SlotKey};
use crate::vault::key_store::{KeyStore, KeyStoreError};

/// The key-store entry name for a slot: unique per vault and slot.
pub fn entry_name(vault_id: &str, slot_id: SlotId) -> String {
    format!("vault {vault_id} slot {slot_id}")
}

/// Loads the slot key from the key store.
pub fn load(store: &dyn KeyStore, entry: &str) -> Result<SlotKey, KeyStoreError> {
    let bytes = store.load(entry)?;
    SlotKey::from_slice(&bytes)
        .ok_or_else(|| KeyStoreError::Failed("the saved key has the wrong length".into()))
}
