//! Percent-encoding, read leniently and written strictly.
//!
//! Reading accepts what issuers produce: `%20`, raw UTF-8, a `%` that starts no escape (kept as
//! it is), and `+` for a space. A `+` is a space only between two letters, digits or escapes and
//! outside e-mail addresses, because `alice+2fa@example.com` and `Disney+` are real names while
//! `Big+Bank` and `Forge+%26+Co` (as apps that form-encode their links write `Forge & Co`) are
//! spaces. Writing encodes every byte outside RFC 3986's unreserved
//! set, so what is written reads back unchanged.

use std::fmt::Write;

/// Decodes one component of a link. Fails only when the escapes spell bytes that are not UTF-8.
pub(crate) fn decode(component: &str) -> Result<String, std::string::FromUtf8Error> {
    let raw = component.as_bytes();
    let is_email = component.contains('@') || component.contains("%40");
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let escaped = match raw[i] {
            b'%' => raw
                .get(i + 1..i + 3)
                .and_then(|pair| hex_pair(pair[0], pair[1])),
            _ => None,
        };
        if let Some(byte) = escaped {
            bytes.push(byte);
            i += 3;
            continue;
        }
        match raw[i] {
            b'+' if !is_email && between_alphanumerics(raw, i) => bytes.push(b' '),
            byte => bytes.push(byte),
        }
        i += 1;
    }
    String::from_utf8(bytes)
}

/// Encodes a component for a link: every byte outside `A-Z a-z 0-9 - . _ ~` as `%XX`.
pub(crate) fn encode(component: &str) -> String {
    let mut encoded = String::with_capacity(component.len());
    for byte in component.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            // Writing to a String cannot fail.
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |c: u8| (c as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

/// Whether the `+` at `i` sits between two letters or digits, either of them possibly written as
/// an escape (`%26`).
fn between_alphanumerics(raw: &[u8], i: usize) -> bool {
    let escape_ends_before =
        i >= 3 && raw[i - 3] == b'%' && hex_pair(raw[i - 2], raw[i - 1]).is_some();
    let escape_starts_after = raw
        .get(i + 1..i + 4)
        .is_some_and(|next| next[0] == b'%' && hex_pair(next[1], next[2]).is_some());
    let before = escape_ends_before
        || i.checked_sub(1)
            .and_then(|j| raw.get(j))
            .is_some_and(u8::is_ascii_alphanumeric);
    let after = escape_starts_after || raw.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
    before && after
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spaces_arrive_in_three_spellings() {
        assert_eq!(decode("Big%20Bank").unwrap(), "Big Bank");
        assert_eq!(decode("Big+Bank").unwrap(), "Big Bank");
        assert_eq!(decode("Big Bank").unwrap(), "Big Bank");
        assert_eq!(decode("Forge+%26+%22Co%22").unwrap(), "Forge & \"Co\"");
    }

    #[test]
    fn plus_signs_that_belong_to_the_name_stay() {
        assert_eq!(
            decode("alice+2fa@example.com").unwrap(),
            "alice+2fa@example.com"
        );
        assert_eq!(
            decode("alice+2fa%40example.com").unwrap(),
            "alice+2fa@example.com"
        );
        assert_eq!(decode("Disney+").unwrap(), "Disney+");
        assert_eq!(decode("C++").unwrap(), "C++");
    }

    #[test]
    fn raw_utf8_and_escaped_utf8_agree() {
        assert_eq!(decode("Zo%C3%AB").unwrap(), "Zoë");
        assert_eq!(decode("Zoë").unwrap(), "Zoë");
    }

    #[test]
    fn a_stray_percent_sign_is_kept() {
        assert_eq!(decode("100%").unwrap(), "100%");
        assert_eq!(decode("50%off").unwrap(), "50%off");
    }

    #[test]
    fn escapes_that_are_not_utf8_are_refused() {
        assert!(decode("%FF%FE").is_err());
    }

    proptest! {
        #[test]
        fn decode_reverses_encode(text in "\\PC*") {
            prop_assert_eq!(decode(&encode(&text)).unwrap(), text);
        }

        #[test]
        fn decode_never_panics(text in "\\PC*") {
            let _ = decode(&text);
        }
    }
}
