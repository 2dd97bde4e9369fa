//! An account as the vault keeps it: the account, the user's own details, and its place in the
//! list.

/// The vault's number for an account (its row id). Stable for the account's life.
pub type AccountId = i64;

/// What the user adds to an account: an icon, a note and a group. Sealed like the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Details {
    /// The name of an icon (from the app's icon set) or a picture's address, if the user chose one.
    pub icon: Option<String>,
    /// A note, such as where the backup codes are.
    pub note: String,
    /// The group the account is shown in.
    pub group: Option<String>,
}

/// One account in the vault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The vault's number for it.
    pub id: AccountId,
    /// The account itself (with its secret).
    pub account: crate::Account,
    /// The user's own details.
    pub details: Details,
}

/// An account in the trash, with when it was removed (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrashedEntry {
    /// The account.
    pub entry: Entry,
    /// When it was removed; it is deleted for good 30 days later.
    pub removed_at: i64,
}

/// An edit to an account's name and details. `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Edit {
    /// A new issuer (`Some(None)` removes it).
    pub issuer: Option<Option<String>>,
    /// A new account name.
    pub name: Option<String>,
    /// A new icon (`Some(None)` removes it).
    pub icon: Option<Option<String>>,
    /// A new note.
    pub note: Option<String>,
    /// A new group (`Some(None)` takes it out of its group).
    pub group: Option<Option<String>>,
}
