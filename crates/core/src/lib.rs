//! Tessera's core: everything an authenticator knows, with no user interface and no async runtime.
//!
//! This crate turns the links that services hand out (`otpauth://…`, Google Authenticator's
//! `otpauth-migration://…` exports, and the other things people scan by mistake) into [`Account`]s,
//! and turns accounts into one-time codes (HOTP, TOTP and Steam Guard). The command-line tool and the
//! Tauri app are thin layers over it; anything both of them need belongs here.
//!
//! It is *not* for talking to servers (that is `tessera-push` and `tessera-server`), nor for drawing
//! anything.
//!
//! # Design decisions
//!
//! - **Codes are computed over `ring::hmac`.** totp-rs was considered: it has no HOTP path that
//!   shares code with TOTP and Steam, and it rejects secrets shorter than 128 bits unless its
//!   checks are switched off, while 80-bit secrets are common in the wild. The RFC 4226 dynamic
//!   truncation is a dozen lines ([`otp::code`]), checked against the RFC vectors and against
//!   `oathtool` in the tests.
//! - **Secret bytes are zeroized** when dropped ([`Secret`]), and no `Debug` output shows them.
//! - **Parsing is lenient where issuers are sloppy, writing is strict.** A link that a real service
//!   produced should work; a link Tessera writes is canonical, so that reading it back gives the
//!   same account.
//! - **Nothing here panics on outside input.** Every parser returns an error whose message says what
//!   is wrong and what the user can do about it.
#![forbid(unsafe_code)]

pub mod account;
pub mod backup;
pub mod export;
pub mod import;
pub mod link;
pub mod lock;
pub mod otp;
pub mod owner_only;
pub mod qr;
pub mod transfer;
pub mod vault;

pub use account::{Account, AccountError, Kind};
pub use link::{LinkError, NotAnAccount, Scanned, Warning, read_scanned};
pub use otp::{Algorithm, Code, Secret, SecretError};
pub use vault::{Vault, VaultError};
