//! `recovery` slots: the slot key is derived from a random code that is shown once.
//!
//! The code is 120 random bits written as 24 characters of Crockford's base32 in six groups of
//! four (`7KQ2-M9XD-…`): no letters that look like digits, easy to read aloud and type back.
//! Typing is forgiving: case, spaces and dashes do not matter, and `O`, `I` and `L` are read as
//! `0`, `1` and `1`. With 120 random bits a slow derivation adds nothing, so the key is
//! HKDF-SHA256 of the code's bits with the slot's salt.

use std::fmt;

use ring::hkdf;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::{Credential, Kind, MadeSlot, NewSlot, SlotKey, SlotKind};
use crate::vault::VaultError;
use crate::vault::seal::KEY_LEN;

/// Crockford's base32 alphabet (character value = its index); the move code uses it too.
pub(crate) const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_BYTES: usize = 15;
const CODE_CHARS: usize = 24;
const GROUP: usize = 4;
/// The length of the salt of a recovery key.
pub const SALT_LEN: usize = 16;

/// A recovery code. Shown once, never stored; wiped when dropped and hidden from `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(Zeroizing<[u8; CODE_BYTES]>);

/// The text typed is not a recovery code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotACode;

impl RecoveryCode {
    /// A new random code.
    pub fn generate() -> Result<RecoveryCode, NotACode> {
        let mut bytes = Zeroizing::new([0u8; CODE_BYTES]);
        SystemRandom::new()
            .fill(bytes.as_mut())
            .map_err(|_| NotACode)?;
        Ok(RecoveryCode(bytes))
    }

    /// Reads a code as the user typed it.
    pub fn parse(typed: &str) -> Result<RecoveryCode, NotACode> {
        let mut bits: u64 = 0;
        let mut count = 0;
        let mut bytes = Zeroizing::new([0u8; CODE_BYTES]);
        let mut filled = 0;
        let mut chars = 0;
        for c in typed
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\t' | '\n' | '\r'))
        {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let value = ALPHABET
                .iter()
                .position(|&a| a as char == c)
                .ok_or(NotACode)? as u64;
            chars += 1;
            if chars > CODE_CHARS {
                return Err(NotACode);
            }
            bits = (bits << 5) | value;
            count += 5;
            while count >= 8 {
                count -= 8;
                bytes[filled] = (bits >> count) as u8;
                filled += 1;
                bits &= (1 << count) - 1;
            }
        }
        if chars != CODE_CHARS {
            return Err(NotACode);
        }
        Ok(RecoveryCode(bytes))
    }

    /// The code as shown to the user: six groups of four characters.
    pub fn display(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(CODE_CHARS + CODE_CHARS / GROUP));
        let mut bits: u64 = 0;
        let mut count = 0;
        let mut written = 0;
        for &byte in self.0.iter() {
            bits = (bits << 8) | u64::from(byte);
            count += 8;
            while count >= 5 {
                count -= 5;
                if written > 0 && written % GROUP == 0 {
                    text.push('-');
                }
                text.push(ALPHABET[((bits >> count) & 31) as usize] as char);
                written += 1;
                bits &= (1 << count) - 1;
            }
        }
        text
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

/// A fresh salt for a new recovery slot (stored as the slot's parameters).
pub fn new_salt() -> Result<Vec<u8>, NotACode> {
    let mut salt = vec![0u8; SALT_LEN];
    SystemRandom::new().fill(&mut salt).map_err(|_| NotACode)?;
    Ok(salt)
}

struct KeyLength;

impl hkdf::KeyType for KeyLength {
    fn len(&self) -> usize {
        KEY_LEN
    }
}

/// Derives the slot key from a code and the slot's salt.
pub fn derive(code: &RecoveryCode, salt: &[u8]) -> SlotKey {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(code.0.as_ref());
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    // The output length is fixed at 32 bytes, which HKDF-SHA256 always gives.
    if let Ok(okm) = prk.expand(&[b"tessera recovery slot"], KeyLength) {
        let _ = okm.fill(key.as_mut());
    }
    SlotKey::from_slice(key.as_ref()).unwrap_or_else(|| unreachable!("32 bytes"))
}

pub(crate) struct RecoveryKind;
pub(crate) static RECOVERY: RecoveryKind = RecoveryKind;

impl Kind for RecoveryKind {
    fn name(&self) -> &'static str {
        "recovery"
    }

    fn words(&self) -> &'static str {
        "your recovery code"
    }
}

/// Unlocking with a recovery code, as typed (groups, dashes, spaces and case do not matter).
pub struct Recovery<'a>(pub &'a str);

impl Credential for Recovery<'_> {
    fn kind(&self) -> SlotKind {
        SlotKind::Recovery
    }

    fn slot_key(&self, salt: &[u8]) -> Result<SlotKey, VaultError> {
        let code = RecoveryCode::parse(self.0).map_err(|_| VaultError::NotARecoveryCode)?;
        Ok(derive(&code, salt))
    }

    fn refused(&self) -> VaultError {
        VaultError::WrongRecoveryCode
    }
}

/// A new recovery slot with a new code, returned once in [`MadeSlot::recovery_code`].
pub struct NewRecovery;

impl NewSlot for NewRecovery {
    fn kind(&self) -> SlotKind {
        SlotKind::Recovery
    }

    fn make(&self, _entry: &str) -> Result<MadeSlot, VaultError> {
        let code = RecoveryCode::generate().map_err(|_| VaultError::NoRandomness)?;
        let salt = new_salt().map_err(|_| VaultError::NoRandomness)?;
        Ok(MadeSlot {
            key: derive(&code, &salt),
            params: salt,
            recovery_code: Some(code),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_six_groups_of_four_and_reads_back_however_it_is_typed() {
        let code = RecoveryCode::generate().unwrap();
        let shown = code.display();
        assert_eq!(shown.len(), 29);
        assert_eq!(
            shown.split('-').map(str::len).collect::<Vec<_>>(),
            vec![4; 6]
        );
        assert_eq!(RecoveryCode::parse(&shown).unwrap(), code);
        let sloppy = shown
            .to_lowercase()
            .replace('-', " ")
            .replace('0', "o")
            .replace('1', "l");
        assert_eq!(RecoveryCode::parse(&sloppy).unwrap(), code);
    }

    #[test]
    fn wrong_lengths_and_letters_are_not_codes() {
        assert_eq!(RecoveryCode::parse("ABCD-EFGH"), Err(NotACode));
        assert_eq!(
            RecoveryCode::parse("UUUU-UUUU-UUUU-UUUU-UUUU-UUUU"),
            Err(NotACode)
        );
        assert_eq!(RecoveryCode::parse(&"A".repeat(25)), Err(NotACode));
    }

    #[test]
    fn debug_hides_the_code() {
        assert_eq!(
            format!("{:?}", RecoveryCode::generate().unwrap()),
            "RecoveryCode(<redacted>)"
        );
    }
}
