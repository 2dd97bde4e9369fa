//! The few primitives other apps seal their exports with (PBKDF2, SHA-256, AES-GCM), over ring,
//! with the decrypted bytes wiped when dropped.

use std::num::NonZeroU32;

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::{digest, pbkdf2};
use zeroize::Zeroizing;

/// The hash under a PBKDF2 derivation.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Pbkdf2Hash {
    /// HMAC-SHA1 (andOTP).
    Sha1,
    /// HMAC-SHA256 (2FAS).
    Sha256,
}

/// A 256-bit key derived from `password` by PBKDF2; `None` for zero iterations.
pub(crate) fn pbkdf2_key(
    hash: Pbkdf2Hash,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Option<Zeroizing<[u8; 32]>> {
    let algorithm = match hash {
        Pbkdf2Hash::Sha1 => pbkdf2::PBKDF2_HMAC_SHA1,
        Pbkdf2Hash::Sha256 => pbkdf2::PBKDF2_HMAC_SHA256,
    };
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::derive(
        algorithm,
        NonZeroU32::new(iterations)?,
        salt,
        password,
        key.as_mut(),
    );
    Some(key)
}

/// The SHA-256 of `data`, as a key.
pub(crate) fn sha256_key(data: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(digest::digest(&digest::SHA256, data).as_ref());
    key
}

/// Opens AES-GCM (a 128- or 256-bit key, a 96-bit nonce, the 128-bit tag after the ciphertext,
/// nothing authenticated besides). `None` when the key, nonce or any byte is not right: the
/// file was sealed with another password, or it was changed.
pub(crate) fn open_aes_gcm(key: &[u8], nonce: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let algorithm = match key.len() {
        16 => &aead::AES_128_GCM,
        32 => &aead::AES_256_GCM,
        _ => return None,
    };
    let key = LessSafeKey::new(UnboundKey::new(algorithm, key).ok()?);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut buffer = Zeroizing::new(sealed.to_vec());
    let length = key
        .open_in_place(nonce, Aad::empty(), buffer.as_mut_slice())
        .ok()?
        .len();
    buffer.truncate(length);
    Some(buffer)
}

/// Decrypts AES-CBC with PKCS#7 padding (a 128- or 256-bit key, a 16-byte IV). CBC checks
/// nothing but the padding: `None` when it is not right (a wrong key, most likely), and the
/// caller must check that what comes out reads as what it should.
pub(crate) fn open_aes_cbc(key: &[u8], iv: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let mut buffer = Zeroizing::new(sealed.to_vec());
    let length = match key.len() {
        16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded_mut::<Pkcs7>(buffer.as_mut_slice())
            .ok()?
            .len(),
        32 => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded_mut::<Pkcs7>(buffer.as_mut_slice())
            .ok()?
            .len(),
        _ => return None,
    };
    buffer.truncate(length);
    Some(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_matches_the_rfc_6070_vector() {
        let key = pbkdf2_key(Pbkdf2Hash::Sha1, b"password", b"salt", 2).unwrap();
        assert_eq!(
            key[..20],
            [
                0xea, 0x6c, 0x01, 0x4d, 0xc7, 0x2d, 0x6f, 0x8c, 0xcd, 0x1e, 0xd9, 0x2a, 0xce, 0x1d,
                0x41, 0xf0, 0xd8, 0xde, 0x89, 0x57
            ]
        );
        assert!(pbkdf2_key(Pbkdf2Hash::Sha256, b"password", b"salt", 0).is_none());
    }

    #[test]
    fn a_changed_byte_or_a_wrong_key_opens_nothing() {
        let key = [7u8; 32];
        let nonce = [1u8; 12];
        let sealing = LessSafeKey::new(UnboundKey::new(&aead::AES_256_GCM, &key).unwrap());
        let mut sealed = b"plain".to_vec();
        sealing
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::empty(),
                &mut sealed,
            )
            .unwrap();
        assert_eq!(
            open_aes_gcm(&key, &nonce, &sealed).unwrap().as_slice(),
            b"plain"
        );
        assert!(open_aes_gcm(&[8u8; 32], &nonce, &sealed).is_none());
        sealed[0] ^= 1;
        assert!(open_aes_gcm(&key, &nonce, &sealed).is_none());
        assert!(open_aes_gcm(&key, &nonce[..8], &sealed).is_none());
    }
}
