//! The one-time code shown beside a move's QR codes: 10 characters of Crockford's base32 (50
//! random bits), shown as two groups of five (`K7QM2-X9TRA`), and the password of the backup the
//! codes carry.
//!
//! Typing it is forgiving, as typing a recovery code is: case, spaces and dashes do not matter,
//! and `O`, `I` and `L` are read as `0`, `1` and `1`. The backup's password is the code's 10
//! characters in upper case without the dash, so that every way of typing it gives the same
//! password.

use std::fmt;

use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::TransferError;
use crate::vault::slots::recovery::ALPHABET;

/// Characters in a code.
pub const CODE_CHARS: usize = 10;
/// Characters in each of the two groups it is shown in.
const GROUP: usize = 5;

/// A move's one-time code. Wiped when dropped, hidden from `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct TransferCode(Zeroizing<String>);

impl TransferCode {
    /// A new random code.
    pub fn generate() -> Result<TransferCode, TransferError> {
        let mut bytes = Zeroizing::new([0u8; CODE_CHARS]);
        SystemRandom::new()
            .fill(bytes.as_mut())
            .map_err(|_| crate::backup::BackupError::NoRandomness)?;
        // 256 is a multiple of 32: the low five bits of a random byte are uniform.
        let text = bytes
            .iter()
            .map(|byte| ALPHABET[usize::from(byte & 31)] as char)
            .collect();
        Ok(TransferCode(Zeroizing::new(text)))
    }

    /// Reads a code as the user typed it.
    pub fn parse(typed: &str) -> Result<TransferCode, TransferError> {
        let mut text = Zeroizing::new(String::with_capacity(CODE_CHARS));
        for c in typed
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\t' | '\n' | '\r'))
        {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if text.len() == CODE_CHARS || !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return Err(TransferError::NotACode);
            }
            text.push(c);
        }
        if text.len() != CODE_CHARS {
            return Err(TransferError::NotACode);
        }
        Ok(TransferCode(text))
    }

    /// The backup's password: the 10 characters, upper case, no dash.
    pub fn password(&self) -> &str {
        &self.0
    }

    /// The code as shown: two groups of five joined by a dash.
    pub fn display(&self) -> Zeroizing<String> {
        let (first, second) = self.0.split_at(GROUP);
        Zeroizing::new(format!("{first}-{second}"))
    }
}

impl fmt::Debug for TransferCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TransferCode(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_code_reads_back_however_it_is_typed() {
        let code = TransferCode::generate().unwrap();
        let shown = code.display();
        assert_eq!(shown.len(), CODE_CHARS + 1);
        assert_eq!(&shown[GROUP..=GROUP], "-");
        for typed in [
            shown.to_string(),
            shown.to_lowercase(),
            format!("  {} ", shown.replace('-', " ")),
            code.password().to_string(),
        ] {
            assert_eq!(TransferCode::parse(&typed).unwrap(), code, "{typed:?}");
        }
    }

    #[test]
    fn letters_that_look_like_digits_are_read_as_digits() {
        let code = TransferCode::parse("oilOI-L0123").unwrap();
        assert_eq!(code.password(), "0110110123");
    }

    #[test]
    fn what_cannot_be_a_code_is_refused() {
        for typed in [
            "",
            "ABCDE-FGHJ",
            "ABCDE-FGHJKM",
            "ABCDE-FGHJU",
            "ABCDÉ-FGHJK",
            "ABCDE_FGHJK",
        ] {
            assert_eq!(
                TransferCode::parse(typed),
                Err(TransferError::NotACode),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn codes_differ_and_use_the_whole_alphabet_and_debug_hides_them() {
        let codes: Vec<TransferCode> = (0..200)
            .map(|_| TransferCode::generate().unwrap())
            .collect();
        let distinct: std::collections::HashSet<&str> =
            codes.iter().map(TransferCode::password).collect();
        assert_eq!(distinct.len(), codes.len());
        let used: std::collections::HashSet<char> = codes
            .iter()
            .flat_map(|code| code.password().chars())
            .collect();
        assert_eq!(used.len(), 32, "2,000 characters use all 32");
        assert_eq!(format!("{:?}", codes[0]), "TransferCode(<redacted>)");
    }
}
