//! Sealing with AES-256-GCM: the vault key, and the records and slots sealed under it.
//!
//! A sealed value is `nonce (12 bytes) || ciphertext || tag (16 bytes)`, with a fresh random nonce
//! for every write. The associated data names where the value belongs (see `docs/vault-format.md`),
//! so a sealed value copied to another row, table or vault does not open.

use std::fmt;

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

/// The length of every key in the vault: 256 bits.
pub const KEY_LEN: usize = 32;

/// A 256-bit key (the vault key, or a key that wraps it). Wiped when dropped; never shown.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; KEY_LEN]>);

/// Sealing or opening failed: the key is wrong or the sealed value was damaged or moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SealError;

/// The system's random number generator failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoRandomness;

impl Key {
    /// A new random key.
    pub fn random() -> Result<Key, NoRandomness> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        SystemRandom::new()
            .fill(bytes.as_mut())
            .map_err(|_| NoRandomness)?;
        Ok(Key(bytes))
    }

    /// A key from exactly 32 bytes (a key derived from a password, or kept by a key store).
    pub fn from_slice(bytes: &[u8]) -> Option<Key> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        (bytes.len() == KEY_LEN).then(|| {
            key.copy_from_slice(bytes);
            Key(key)
        })
    }

    /// The raw bytes, for wrapping this key under another or handing it to a key store.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    fn aead(&self) -> LessSafeKey {
        // A 32-byte key is always a valid AES-256 key.
        LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, self.0.as_ref()).unwrap_or_else(|_| unreachable!()),
        )
    }

    /// Seals `plaintext` with a fresh nonce, bound to `context`.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, NoRandomness> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| NoRandomness)?;
        let mut sealed = Vec::with_capacity(NONCE_LEN + plaintext.len() + AES_256_GCM.tag_len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(plaintext);
        let tag = self
            .aead()
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut sealed[NONCE_LEN..],
            )
            .map_err(|_| NoRandomness)?;
        sealed.extend_from_slice(tag.as_ref());
        Ok(sealed)
    }

    /// Opens a sealed value bound to `context`. The plaintext is wiped when dropped.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
        if sealed.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(SealError);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError)?;
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        let plaintext_len = self
            .aead()
            .open_in_place(nonce, Aad::from(context), &mut buffer)
            .map_err(|_| SealError)?
            .len();
        buffer.truncate(plaintext_len);
        Ok(buffer)
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_sealed_opens_with_the_same_key_and_context() {
        let key = Key::random().unwrap();
        let sealed = key.seal(b"JBSWY3DPEHPK3PXP", b"accounts/1/1").unwrap();
        assert_eq!(
            key.open(&sealed, b"accounts/1/1").unwrap().as_slice(),
            b"JBSWY3DPEHPK3PXP"
        );
        assert!(!sealed.windows(4).any(|w| w == b"JBSW"));
    }

    #[test]
    fn another_context_or_key_or_a_flipped_bit_does_not_open() {
        let key = Key::random().unwrap();
        let sealed = key.seal(b"secret", b"accounts/1/1").unwrap();
        assert_eq!(key.open(&sealed, b"accounts/2/1"), Err(SealError));
        assert_eq!(
            Key::random().unwrap().open(&sealed, b"accounts/1/1"),
            Err(SealError)
        );
        let mut flipped = sealed.clone();
        flipped[20] ^= 1;
        assert_eq!(key.open(&flipped, b"accounts/1/1"), Err(SealError));
        assert_eq!(key.open(&sealed[..10], b"accounts/1/1"), Err(SealError));
    }

    #[test]
    fn every_seal_uses_a_fresh_nonce() {
        let key = Key::random().unwrap();
        assert_ne!(
            key.seal(b"same", b"c").unwrap(),
            key.seal(b"same", b"c").unwrap()
        );
    }

    #[test]
    fn debug_hides_the_key() {
        assert_eq!(format!("{:?}", Key::random().unwrap()), "Key(<redacted>)");
    }
}
