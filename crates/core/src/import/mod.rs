//! Bringing accounts in: from other authenticator apps' files, from Tessera's own backups, and
//! from what is scanned, pasted or pictured.
//!
//! Each file format is one [`Format`], in a file of its own under `formats/`, and [`FORMATS`] is
//! the one list of them: adding an app is adding a file and a line. An [`ImportSession`] is what
//! the app and the command line both use: texts, pictures and files go in, a [`Preview`] comes
//! out (the accounts, which of them are already in the vault, the entries that cannot be used and
//! why, the parts of a Google export or of a move from another device still to scan), and after
//! the user confirms, everything is added to the vault in one transaction or nothing is.
//!
//! What a format cannot carry is taken as its app meant it (an app that never stores an algorithm
//! made SHA1 codes); an entry that cannot be used is listed with the reason, never dropped
//! silently.

mod android_prefs;
mod crypto;
mod csv;
mod database;
mod entry;
mod error;
mod format;
pub mod formats;
mod found;
mod java_map;
mod json;
mod session;

pub use entry::EntryFields;
pub use error::ImportError;
pub use format::{FORMATS, Format, format_named, recognise};
pub use found::{Found, FoundAccount, Unusable, UnusableReason};
pub use session::{ImportSession, Preview, PreviewAccount, TransferProgress};

/// The largest file an import reads: far above any real export of a few thousand accounts, and
/// small enough that a wrong file cannot exhaust memory.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
