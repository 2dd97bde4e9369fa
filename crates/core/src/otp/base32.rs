//! RFC 4648 base32, read as leniently as authenticator apps read it and written canonically.
//!
//! Reading drops padding, spaces and dashes, ignores case, and decodes any length the way Google
//! Authenticator does: whole bytes are kept and leftover bits dropped. Characters outside the
//! alphabet are an error that names the character, since guessing (`0` for `O`, `1` for `I`)
//! would silently produce wrong codes.

use zeroize::Zeroizing;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A character that cannot be part of a base32 secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BadCharacter(pub char);

/// Decodes base32 text into bytes, leniently (see the module documentation).
pub(crate) fn decode(text: &str) -> Result<Zeroizing<Vec<u8>>, BadCharacter> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(text.len() * 5 / 8));
    let mut buffer: u32 = 0;
    let mut bits: u32 = 0;
    for c in text.chars() {
        if matches!(c, '=' | '-' | ' ' | '\t' | '\r' | '\n') {
            continue;
        }
        let value = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u32 - 'A' as u32,
            c @ '2'..='7' => c as u32 - '2' as u32 + 26,
            _ => return Err(BadCharacter(c)),
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(bytes)
}

/// Encodes bytes as upper-case base32 without padding.
pub(crate) fn encode(bytes: &[u8]) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::with_capacity(bytes.len().div_ceil(5) * 8));
    let mut buffer: u32 = 0;
    let mut bits: u32 = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            text.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        text.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc4648_vectors_encode() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(encode(plain.as_bytes()).as_str(), encoded);
            assert_eq!(decode(encoded).unwrap().as_slice(), plain.as_bytes());
        }
    }

    #[test]
    fn sloppy_spellings_decode_to_the_same_bytes() {
        let expected = decode("JBSWY3DPEHPK3PXP").unwrap();
        for sloppy in [
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "JBSW-Y3DP-EHPK-3PXP",
            "JBSWY3DPEHPK3PXP====",
        ] {
            assert_eq!(decode(sloppy).unwrap(), expected, "{sloppy}");
        }
    }

    #[test]
    fn characters_outside_the_alphabet_are_named() {
        assert_eq!(decode("JBSWY3DPEHPK3PX1"), Err(BadCharacter('1')));
        assert_eq!(decode("JBSW0"), Err(BadCharacter('0')));
    }

    proptest! {
        #[test]
        fn decode_reverses_encode(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let decoded = decode(&encode(&bytes)).unwrap();
            prop_assert_eq!(decoded.as_slice(), bytes.as_slice());
        }
    }
}
