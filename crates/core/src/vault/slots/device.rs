//! `device` slots: the slot key is random and kept by the platform's key store.
//!
//! The slot stores only the name of the key-store entry; the key itself never touches the vault
//! file. Copying the vault to another machine therefore leaves this slot useless there, which is
//! the point. It is the one kind that opens without asking, so turning app lock on removes it.

use super::{Credential, Kind, MadeSlot, NewSlot, Platform, SlotKey, SlotKind, key_from};
use crate::vault::VaultError;
use crate::vault::key_store::{KeyStore, KeyStoreError};

pub(crate) struct DeviceKind;
pub(crate) static DEVICE: DeviceKind = DeviceKind;

impl Kind for DeviceKind {
    fn name(&self) -> &'static str {
        "device"
    }

    fn words(&self) -> &'static str {
        "this device's key store"
    }

    fn opens_without_asking(&self) -> bool {
        true
    }

    fn forget(&self, params: &[u8], platform: &Platform<'_>) {
        if let (Some(store), Ok(entry)) = (platform.key_store, std::str::from_utf8(params)) {
            let _ = store.delete(entry);
        }
    }

    // A re-key keeps the slot's key where it is and wraps the new vault key under it: the key
    // was never in the file, so an old copy of the file gives nothing that opens it.
    fn offered_by<'a>(&self, platform: &Platform<'a>) -> Option<Box<dyn Credential + 'a>> {
        platform
            .key_store
            .map(|store| Box::new(Device(store)) as Box<dyn Credential + 'a>)
    }
}

/// Unlocking with the key this device's key store keeps.
pub struct Device<'a>(pub &'a dyn KeyStore);

impl Credential for Device<'_> {
    fn kind(&self) -> SlotKind {
        SlotKind::Device
    }

    fn slot_key(&self, params: &[u8]) -> Result<SlotKey, VaultError> {
        let entry = std::str::from_utf8(params).map_err(|_| self.refused())?;
        let bytes = self.0.load(entry).map_err(|error| match error {
            KeyStoreError::Missing => self.refused(),
            other => VaultError::KeyStore(other),
        })?;
        key_from(&bytes).ok_or_else(|| self.refused())
    }

    fn refused(&self) -> VaultError {
        VaultError::KeyStoreEntryMissing
    }
}

/// A new device slot, its key saved in this key store.
pub struct NewDevice<'a>(pub &'a dyn KeyStore);

impl NewSlot for NewDevice<'_> {
    fn kind(&self) -> SlotKind {
        SlotKind::Device
    }

    fn make(&self, entry: &str) -> Result<MadeSlot, VaultError> {
        let key = SlotKey::random()?;
        self.0.save(entry, key.as_bytes())?;
        Ok(MadeSlot {
            params: entry.as_bytes().to_vec(),
            key,
            recovery_code: None,
        })
    }

    fn undo(&self, entry: &str) {
        let _ = self.0.delete(entry);
    }
}
