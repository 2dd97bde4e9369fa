//! The strings a push token's messages sign, exactly as privacyIDEA builds them: fields joined
//! by `|`, signatures as base32 (RFC 4648, padded). One function per message, so the one place
//! each string is made is the one place to compare with the protocol.

use serde_json::Value;

/// A signature as privacyIDEA writes it.
pub fn to_base32(signature: &[u8]) -> String {
    base32::encode(base32::Alphabet::Rfc4648 { padding: true }, signature)
}

/// A signature privacyIDEA wrote; `None` when it is not base32.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    base32::decode(base32::Alphabet::Rfc4648 { padding: true }, text.trim())
}

/// What the server signs of a challenge:
/// `{nonce}|{url}|{serial}|{question}|{title}|{sslverify}[|{require_presence}]`.
pub fn challenge(
    nonce: &str,
    url: &str,
    serial: &str,
    question: &str,
    title: &str,
    ssl_verify: &str,
    require_presence: Option<&str>,
) -> String {
    let mut text = [nonce, url, serial, question, title, ssl_verify].join("|");
    if let Some(options) = require_presence {
        text.push('|');
        text.push_str(options);
    }
    text
}

/// What the server signs of the capabilities it sends with a challenge: the RFC 8785 (JCS) form
/// of `{"capabilities": …, "nonce": …}`.
pub fn capabilities(capabilities: &Value, nonce: &str) -> String {
    let mut whole = serde_json::Map::new();
    whole.insert("capabilities".into(), capabilities.clone());
    whole.insert("nonce".into(), Value::String(nonce.into()));
    canonical(&Value::Object(whole))
}

/// What the phone signs to poll: `{serial}|{timestamp}`.
pub fn poll(serial: &str, timestamp: &str) -> String {
    format!("{serial}|{timestamp}")
}

/// What the phone signs to accept: `{nonce}|{serial}`, or `{nonce}|{serial}|{answer}` with the
/// presence answer the user picked (as the server sent it, leading zeros kept).
pub fn accept(nonce: &str, serial: &str, presence_answer: Option<&str>) -> String {
    match presence_answer {
        Some(answer) => format!("{nonce}|{serial}|{answer}"),
        None => format!("{nonce}|{serial}"),
    }
}

/// What the phone signs to decline: `{nonce}|{serial}|decline[|{reason}]`.
pub fn decline(nonce: &str, serial: &str, reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!("{nonce}|{serial}|decline|{reason}"),
        None => format!("{nonce}|{serial}|decline"),
    }
}

/// What the phone signs to give the server a new push token: `{new_token}|{serial}|{timestamp}`.
pub fn push_token_update(new_token: &str, serial: &str, timestamp: &str) -> String {
    format!("{new_token}|{serial}|{timestamp}")
}

/// RFC 8785: object members sorted by their names' UTF-16 code units, no whitespace, strings as
/// JSON escapes them. The capabilities hold only names, booleans, strings and small integers,
/// whose forms JSON and JCS share.
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(members) => {
            let mut names: Vec<&String> = members.keys().collect();
            names.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            let parts: Vec<String> = names
                .into_iter()
                .map(|name| {
                    format!(
                        "{}:{}",
                        Value::String(name.clone()),
                        canonical(&members[name])
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_string_is_built_as_privacyidea_builds_it() {
        assert_eq!(
            challenge(
                "JDTSF2IXOG3BTK7O2Q4LDT7J4K7LLDK6",
                "http://127.0.0.1:5055/ttype/push",
                "PIPU0000C298",
                "Login from 127.0.0.1?",
                "Research",
                "1",
                Some("08,77,01"),
            ),
            "JDTSF2IXOG3BTK7O2Q4LDT7J4K7LLDK6|http://127.0.0.1:5055/ttype/push|PIPU0000C298|Login from 127.0.0.1?|Research|1|08,77,01"
        );
        assert_eq!(challenge("N", "U", "S", "Q", "T", "0", None), "N|U|S|Q|T|0");
        assert_eq!(
            poll("PIPU0000C298", "2026-11-21T21:46:01.123456+00:00"),
            "PIPU0000C298|2026-11-21T21:46:01.123456+00:00"
        );
        assert_eq!(accept("N", "S", None), "N|S");
        assert_eq!(accept("N", "S", Some("08")), "N|S|08");
        assert_eq!(decline("N", "S", None), "N|S|decline");
        assert_eq!(
            decline("N", "S", Some("unknown_trigger")),
            "N|S|decline|unknown_trigger"
        );
        assert_eq!(push_token_update("T", "S", "2026"), "T|S|2026");
    }

    #[test]
    fn capabilities_are_signed_in_their_canonical_form() {
        let parsed: Value =
            serde_json::from_str("{\"zeta\": 1, \"decline_reason\": true}").unwrap();
        assert_eq!(
            capabilities(&parsed, "JDTS"),
            "{\"capabilities\":{\"decline_reason\":true,\"zeta\":1},\"nonce\":\"JDTS\"}"
        );
    }

    #[test]
    fn signatures_travel_as_padded_base32() {
        assert_eq!(to_base32(b"f"), "MY======");
        assert_eq!(from_base32("MY======").unwrap(), b"f");
        assert!(from_base32("not base32!").is_none());
    }
}
