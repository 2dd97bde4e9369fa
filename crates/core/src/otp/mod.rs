//! One-time codes: the HMAC algorithms, the shared secret, and the codes computed from them.

mod algorithm;
mod base32;
pub mod code;
mod secret;

pub use algorithm::Algorithm;
pub use code::Code;
pub use secret::{Secret, SecretError};
