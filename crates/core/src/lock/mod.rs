//! When the app locks itself, and how long a wrong password makes the next try wait.
//!
//! Locking drops the vault key from memory; what decides when is here, free of any UI, so that the
//! app and its tests share one set of rules: [`LockPolicy`] (the grace period after the app leaves
//! the screen, and the idle time on a desktop) and [`UnlockAttempts`] (the growing wait after
//! five wrong tries in a row, kept in a file so that a restart does not reset it).

mod attempts;
mod policy;

pub use attempts::{FREE_TRIES, UnlockAttempts};
pub use policy::{DESKTOP_IDLE, Grace, LockPolicy, approving_asks};
