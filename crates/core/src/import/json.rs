//! Reading the JSON other apps export: the document, and its fields as the apps leave them
//! (missing, `null`, or of the wrong type), so that every JSON format treats them alike.

use serde_json::{Map, Value};

use super::found::UnusableReason;

/// The document in `file`, if it is UTF-8 JSON (a byte order mark is allowed before it).
pub(crate) fn parse(file: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(file).ok()?;
    serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text)).ok()
}

/// Whether the file starts (after spaces and a byte order mark) with `opening`: a cheap first
/// look before parsing anything.
pub(crate) fn starts_with(file: &[u8], opening: u8) -> bool {
    let file = file.strip_prefix("\u{feff}".as_bytes()).unwrap_or(file);
    file.iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|byte| *byte == opening)
}

/// A JSON object.
pub(crate) type Object = Map<String, Value>;

/// A text field; `None` when missing, `null` or not text.
pub(crate) fn text<'a>(object: &'a Object, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// A whole-number field; `None` when missing or `null`; a number written as text is read too;
/// the field is named as unusable when it holds anything else (a fraction, a word), rather than
/// taking a default the app never meant.
pub(crate) fn integer(object: &Object, key: &'static str) -> Result<Option<i64>, UnusableReason> {
    let bad = |value: &Value| UnusableReason::Field {
        name: key,
        value: shown(value),
    };
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value @ Value::Number(number)) => number.as_i64().map(Some).ok_or_else(|| bad(value)),
        Some(value @ Value::String(text)) => text.trim().parse().map(Some).map_err(|_| bad(value)),
        Some(other) => Err(bad(other)),
    }
}

/// Bytes written as an array of numbers, signed (Java's `byte`, -128 to 127) or not (0 to 255).
pub(crate) fn byte_array(value: &Value) -> Option<Vec<u8>> {
    value
        .as_array()?
        .iter()
        .map(|byte| {
            let byte = byte.as_i64()?;
            match byte {
                -128..=-1 => Some((byte + 256) as u8),
                0..=255 => Some(byte as u8),
                _ => None,
            }
        })
        .collect()
}

/// A value as a message may show it: short, whatever it holds.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(24) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_read_as_apps_leave_them() {
        let value = json!({"a": "x", "n": 6, "z": null, "f": 1.5, "w": "six"});
        let object = value.as_object().unwrap();
        assert_eq!(text(object, "a"), Some("x"));
        assert_eq!(text(object, "n"), None);
        assert_eq!(integer(object, "n"), Ok(Some(6)));
        assert_eq!(integer(object, "z"), Ok(None));
        assert_eq!(integer(object, "missing"), Ok(None));
        assert!(matches!(
            integer(object, "f"),
            Err(UnusableReason::Field { name: "f", .. })
        ));
        assert!(integer(object, "w").is_err());
    }

    #[test]
    fn a_byte_order_mark_and_spaces_are_allowed() {
        assert!(parse("\u{feff} [1]".as_bytes()).is_some());
        assert!(starts_with("\u{feff} \n[".as_bytes(), b'['));
        assert!(!starts_with(b"x[", b'['));
        assert!(parse(b"\xff").is_none());
    }
}
