//! Key slots: the vault key, wrapped once per way of unlocking, in the manner of Aegis's slots
//! and age's recipients. One file per kind; adding a kind is adding a file and a [`SlotKind`].
//!
//! A slot holds the vault key sealed (AES-256-GCM) under a key of its own: one kept by the
//! platform's key store (`device`), one derived from a password with Argon2id (`password`), or
//! one derived from a recovery code shown once (`recovery`). Slots can be added and removed
//! without touching the accounts, which stay sealed under the vault key.

pub mod device;
pub mod password;
pub mod recovery;

use super::key_store::KeyStore;
use super::seal::Key;

/// The vault's number for a slot.
pub type SlotId = i64;

/// The kinds of slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SlotKind {
    /// A key kept by the platform's key store: unlocks without asking.
    Device,
    /// A key derived from a password with Argon2id.
    Password,
    /// A key derived from a recovery code that was shown once.
    Recovery,
}

impl SlotKind {
    /// The name stored in the vault and shown to the user.
    pub fn name(self) -> &'static str {
        match self {
            SlotKind::Device => "device",
            SlotKind::Password => "password",
            SlotKind::Recovery => "recovery",
        }
    }

    /// The kind with this stored name.
    pub fn from_name(name: &str) -> Option<SlotKind> {
        [SlotKind::Device, SlotKind::Password, SlotKind::Recovery]
            .into_iter()
            .find(|kind| kind.name() == name)
    }
}

/// A slot as listed to the user (nothing secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The vault's number for it.
    pub id: SlotId,
    /// Its kind.
    pub kind: SlotKind,
    /// When it was added (Unix seconds).
    pub created_at: i64,
}

/// What the user offers to unlock the vault with.
pub enum Credential<'a> {
    /// The platform's key store.
    Device(&'a dyn KeyStore),
    /// A password.
    Password(&'a str),
    /// A recovery code, as typed (groups, dashes, spaces and case do not matter).
    Recovery(&'a str),
}

impl Credential<'_> {
    /// The kind of slot this credential can open.
    pub fn kind(&self) -> SlotKind {
        match self {
            Credential::Device(_) => SlotKind::Device,
            Credential::Password(_) => SlotKind::Password,
            Credential::Recovery(_) => SlotKind::Recovery,
        }
    }
}

/// What binds a wrapped vault key to its slot: the vault, the slot's number and its kind.
pub(crate) fn wrap_context(vault_id: &str, slot_id: SlotId, kind: SlotKind) -> Vec<u8> {
    format!("tessera/slot/{vault_id}/{slot_id}/{}", kind.name()).into_bytes()
}

/// A slot's key, ready to wrap or unwrap the vault key.
pub(crate) type SlotKey = Key;
