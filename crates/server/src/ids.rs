//! Random identifiers and secrets, and how secrets are kept (hashed).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};

/// `bytes` random bytes, base64url.
pub fn random(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    // The OS random source failing is not something a server can go on after.
    SystemRandom::new()
        .fill(&mut buffer)
        .expect("the system's random number generator failed");
    URL_SAFE_NO_PAD.encode(buffer)
}

/// A new id with a prefix that says what it names (`ap_…` for an approval).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random(12))
}

/// A secret's hash as stored: SHA-256, hex. The secrets hashed here (API keys, enrollment
/// tokens) are 256 random bits, so a fast hash is enough; there is nothing to guess.
pub fn hash_secret(secret: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, secret.as_bytes())
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A random integer in `range` (inclusive), without bias.
pub fn random_in(low: u8, high: u8) -> u8 {
    let span = u16::from(high - low) + 1;
    loop {
        let mut byte = [0u8; 1];
        SystemRandom::new()
            .fill(&mut byte)
            .expect("the system's random number generator failed");
        let zone = 256 - (256 % span);
        if u16::from(byte[0]) < zone {
            return low + (u16::from(byte[0]) % span) as u8;
        }
    }
}
