//! Key slots: the vault key, wrapped once per way of unlocking, in the manner of Aegis's slots
//! and age's recipients and identities.
//!
//! A slot holds the vault key sealed (AES-256-GCM) under a key of its own: one kept by the
//! platform's key store (`device`), one derived from a password with Argon2id (`password`), one
//! derived from a recovery code shown once (`recovery`), or one that the platform releases only
//! after a biometric check (`biometric`). Adding a slot wraps the vault key once more; removing
//! one re-keys the vault (`../rekey.rs`), which wraps the new vault key again for every slot that
//! stays: through the key store, a biometric check, or the password or recovery code given again.
//!
//! Each kind is one file with three parts: a [`Credential`] (what the user offers to unlock, as
//! age's `Identity`), a [`NewSlot`] (a way of unlocking to add, as age's `Recipient`) and its
//! entry in [`SlotKind`] (its stored name and what becomes of its key when it is removed). Adding
//! a kind is adding a file and one line in the list of kinds.

pub mod biometric;
pub mod device;
pub mod password;
pub mod recovery;

use super::VaultError;
use super::key_store::KeyStore;
use super::seal::Key;
use biometric::BiometricKeys;

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
    /// A key that the platform releases only after a biometric check.
    Biometric,
}

/// What one kind of slot is, apart from unlocking and adding.
pub(crate) trait Kind: Sync {
    /// The name stored in the vault and shown in lists (`password`).
    fn name(&self) -> &'static str;
    /// How a message names the way of unlocking ("your password").
    fn words(&self) -> &'static str;
    /// Whether a slot of this kind opens the vault without asking the user anything.
    fn opens_without_asking(&self) -> bool {
        false
    }
    /// Lets go of what the slot kept outside the vault file (a key-store entry) once the slot is
    /// gone. Failing to is not an error: the entry stays, unused.
    fn forget(&self, _params: &[u8], _platform: &Platform<'_>) {}
    /// What this device offers to open a slot of this kind again without the user typing
    /// anything: the key store for `device`, a biometric check for `biometric`. A re-key uses it
    /// to wrap the new vault key for a slot that stays. Passwords and recovery codes are not kept
    /// anywhere, so for them it is `None` and the user gives them again.
    fn offered_by<'a>(&self, _platform: &Platform<'a>) -> Option<Box<dyn Credential + 'a>> {
        None
    }
}

impl SlotKind {
    /// Every kind, in the order they are offered.
    pub const ALL: [SlotKind; 4] = [
        SlotKind::Device,
        SlotKind::Biometric,
        SlotKind::Password,
        SlotKind::Recovery,
    ];

    /// The one list of kinds: what each one is.
    pub(crate) fn kind(self) -> &'static dyn Kind {
        match self {
            SlotKind::Device => &device::DEVICE,
            SlotKind::Password => &password::PASSWORD,
            SlotKind::Recovery => &recovery::RECOVERY,
            SlotKind::Biometric => &biometric::BIOMETRIC,
        }
    }

    /// The name stored in the vault and shown to the user.
    pub fn name(self) -> &'static str {
        self.kind().name()
    }

    /// The kind with this stored name.
    pub fn from_name(name: &str) -> Option<SlotKind> {
        SlotKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether a slot of this kind opens the vault without asking (only `device`).
    pub fn opens_without_asking(self) -> bool {
        self.kind().opens_without_asking()
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

/// Whether any of these slots opens the vault without asking (app lock off).
pub(crate) fn any_opens_without_asking(slots: &[Slot]) -> bool {
    slots.iter().any(|slot| slot.kind.opens_without_asking())
}

/// What the user offers to unlock the vault with: a password, a recovery code, this device's key
/// store, a biometric check.
pub trait Credential {
    /// The kind of slot this credential can open.
    fn kind(&self) -> SlotKind;
    /// The key of one slot of this kind, from the parameters stored in it. A credential that is
    /// simply wrong for this slot returns [`Credential::refused`]; anything else (a key store
    /// that is not there, a cancelled prompt) is said as it is.
    fn slot_key(&self, params: &[u8]) -> Result<SlotKey, VaultError>;
    /// The error when no slot of this kind opens with this credential.
    fn refused(&self) -> VaultError;
}

/// A way of unlocking to add as a slot.
pub trait NewSlot {
    /// The kind of slot it becomes.
    fn kind(&self) -> SlotKind;
    /// Makes the slot's key and the parameters to store with it. `entry` names the slot
    /// uniquely, for what the slot keeps outside the vault file.
    fn make(&self, entry: &str) -> Result<MadeSlot, VaultError>;
    /// Undoes what [`NewSlot::make`] kept outside the vault file, when the slot could not be
    /// written after all.
    fn undo(&self, _entry: &str) {}
}

/// A slot's key and parameters, just made.
pub struct MadeSlot {
    /// What the slot stores in the clear: a salt and Argon2 parameters, a key-store entry name.
    pub params: Vec<u8>,
    /// The key that wraps the vault key.
    pub key: SlotKey,
    /// For a recovery slot, the code to show the user once.
    pub recovery_code: Option<recovery::RecoveryCode>,
}

/// What this device offers the slots beyond the vault file: its key store and its biometric
/// keys, where it has them. Removing a slot uses it to let go of the slot's key there.
#[derive(Clone, Copy, Default)]
pub struct Platform<'a> {
    /// The key store of `device` slots.
    pub key_store: Option<&'a dyn KeyStore>,
    /// The biometric keys of `biometric` slots.
    pub biometric: Option<&'a dyn BiometricKeys>,
}

/// The key-store entry name for a slot: unique per vault and slot.
pub(crate) fn entry_name(vault_id: &str, slot_id: SlotId) -> String {
    format!("vault {vault_id} slot {slot_id}")
}

/// What binds a wrapped vault key to its slot: the vault, the slot's number and its kind.
pub(crate) fn wrap_context(vault_id: &str, slot_id: SlotId, kind: SlotKind) -> Vec<u8> {
    format!("tessera/slot/{vault_id}/{slot_id}/{}", kind.name()).into_bytes()
}

/// A slot's key, ready to wrap or unwrap the vault key.
pub type SlotKey = Key;

/// A slot key from bytes a platform store handed back; anything but 32 bytes is damage there.
pub(crate) fn key_from(bytes: &[u8]) -> Option<SlotKey> {
    SlotKey::from_slice(bytes)
}
