//! How Android apps write what our fixtures imitate: Gson's JSON (which escapes `<`, `>`, `&`,
//! `=` and `'` as `\uXXXX`, and leaves out null fields) and SharedPreferences' XML (text escaped
//! as Android's `XmlSerializer` does).

#![allow(dead_code)]

use serde_json::Value;

/// A JSON text as Gson writes it: keys in the given order, no spaces, HTML-safe escapes.
pub fn gson(fields: &[(&str, Value)]) -> String {
    let members: Vec<String> = fields
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(name, value)| format!("{}:{}", gson_string(name), gson_value(value)))
        .collect();
    format!("{{{}}}", members.join(","))
}

/// A value as Gson writes it (objects keep serde_json's order).
pub fn gson_value(value: &Value) -> String {
    match value {
        Value::String(text) => gson_string(text),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(gson_value).collect::<Vec<_>>().join(",")
        ),
        Value::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(name, value)| format!("{}:{}", gson_string(name), gson_value(value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

fn gson_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '<' | '>' | '&' | '=' | '\'' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Signed bytes, as Java's `byte[]` is written by Gson.
pub fn java_bytes(bytes: &[u8]) -> Value {
    Value::Array(bytes.iter().map(|&b| Value::from(b as i8)).collect())
}

/// A SharedPreferences file of string entries (Android's serializer ends it at `</map>`).
pub fn prefs(entries: &[(String, String)]) -> String {
    let mut xml = String::from("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n");
    for (name, value) in entries {
        xml.push_str(&format!(
            "    <string name=\"{}\">{}</string>\n",
            escape(name),
            escape(value)
        ));
    }
    xml.push_str("</map>");
    xml
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
    out
}
