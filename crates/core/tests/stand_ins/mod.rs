//! Stand-ins for what a slot keeps outside the vault file, behind the same traits as the real
//! ones: a key store in memory, and biometric keys that work as Android's do. The real Secret
//! Service is tested in `device_slot.rs`; a phone's biometric hardware cannot run here.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::HashMap;

use tessera_core::vault::{BiometricError, BiometricKeys, KeyStore, KeyStoreError};
use zeroize::Zeroizing;

/// A key store that keeps its keys in memory.
#[derive(Default)]
pub struct MemoryKeyStore(pub RefCell<HashMap<String, Vec<u8>>>);

impl KeyStore for MemoryKeyStore {
    fn name(&self) -> &str {
        "memory"
    }
    fn save(&self, entry: &str, key: &[u8]) -> Result<(), KeyStoreError> {
        self.0.borrow_mut().insert(entry.into(), key.to_vec());
        Ok(())
    }
    fn load(&self, entry: &str) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        self.0
            .borrow()
            .get(entry)
            .cloned()
            .map(Zeroizing::new)
            .ok_or(KeyStoreError::Missing)
    }
    fn delete(&self, entry: &str) -> Result<(), KeyStoreError> {
        self.0.borrow_mut().remove(entry);
        Ok(())
    }
}

/// Biometric keys as Android's work: a platform key seals the slot key, and the sealed bytes are
/// kept in the slot. Enrolling a new finger invalidates every key; the user can cancel.
#[derive(Default)]
pub struct FakeBiometrics {
    pub keys: RefCell<HashMap<String, u8>>,
    pub cancel: RefCell<bool>,
}

impl FakeBiometrics {
    pub fn enrol_new_finger(&self) {
        self.keys.borrow_mut().clear();
    }
}

impl BiometricKeys for FakeBiometrics {
    fn protect(&self, entry: &str, key: &[u8]) -> Result<Vec<u8>, BiometricError> {
        let mask = entry.len() as u8 ^ 0x5a;
        self.keys.borrow_mut().insert(entry.into(), mask);
        Ok(key.iter().map(|byte| byte ^ mask).collect())
    }
    fn release(&self, entry: &str, kept: &[u8]) -> Result<Zeroizing<Vec<u8>>, BiometricError> {
        if *self.cancel.borrow() {
            return Err(BiometricError::Cancelled);
        }
        let mask = *self
            .keys
            .borrow()
            .get(entry)
            .ok_or(BiometricError::Invalidated)?;
        Ok(Zeroizing::new(
            kept.iter().map(|byte| byte ^ mask).collect(),
        ))
    }
    fn delete(&self, entry: &str) -> Result<(), BiometricError> {
        self.keys.borrow_mut().remove(entry);
        Ok(())
    }
}
