//! What the encoders of encrypted formats seal with: AES-GCM and PBKDF2 (through ring, not
//! through the readers' code), and salts and IVs that differ from file to file yet stay the same
//! from run to run.

#![allow(dead_code)]

use std::num::NonZeroU32;

use ring::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::pbkdf2;

/// `plain` sealed with AES-GCM (a 128- or 256-bit key, a 96-bit nonce), the tag after it.
pub fn aes_gcm(key: &[u8], nonce: &[u8], plain: &[u8]) -> Vec<u8> {
    let algorithm = if key.len() == 16 {
        &AES_128_GCM
    } else {
        &AES_256_GCM
    };
    let key = LessSafeKey::new(UnboundKey::new(algorithm, key).expect("a key"));
    let mut sealed = plain.to_vec();
    key.seal_in_place_append_tag(
        Nonce::try_assume_unique_for_key(nonce).expect("a 96-bit nonce"),
        Aad::empty(),
        &mut sealed,
    )
    .expect("sealed");
    sealed
}

/// A 256-bit PBKDF2 key.
pub fn pbkdf2_key(
    algorithm: pbkdf2::Algorithm,
    password: &str,
    salt: &[u8],
    iterations: u32,
) -> [u8; 32] {
    let mut key = [0u8; 32];
    pbkdf2::derive(
        algorithm,
        NonZeroU32::new(iterations).expect("iterations"),
        salt,
        password.as_bytes(),
        &mut key,
    );
    key
}

/// `length` bytes that look random, different for each `seed`.
pub fn bytes(length: usize, seed: u8) -> Vec<u8> {
    let mut state = u32::from(seed)
        .wrapping_mul(2_654_435_761)
        .wrapping_add(12_345);
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 11) as u8
        })
        .collect()
}
