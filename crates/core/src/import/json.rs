//! Reading the fields of JSON exports: numbers and texts as apps write them, with what is wrong
//! said in the terms of [`UnusableReason`].

use serde_json::{Map, Value};

use super::found::UnusableReason;

/// A JSON object.
pub(crate) type Object = Map<String, Value>;

/// The text of a field; absent, `null` or not a text is `None`.
pub(crate) fn text<'a>(object: &'a Object, name: &str) -> Option<&'a str> {
    object.get(name).and_then(Value::as_str)
}

/// A whole number field: absent or `null` is `None`; a number written as text is read too; any
/// other value is an unusable entry naming the field.
pub(crate) fn integer(object: &Object, name: &'static str) -> Result<Option<i64>, UnusableReason> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number.as_i64().map(Some).ok_or_else(|| bad(name, number)),
        Some(Value::String(text)) => text.trim().parse().map(Some).map_err(|_| bad(name, text)),
        Some(other) => Err(bad(name, other)),
    }
}

fn bad(name: &'static str, value: impl ToString) -> UnusableReason {
    UnusableReason::Field {
        name,
        value: value.to_string(),
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
