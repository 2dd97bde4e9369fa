//! Android's SharedPreferences files (`shared_prefs/NAME.xml`): the string entries of a `<map>`,
//! as several apps keep their accounts (FreeOTP, Battle.net Authenticator…).

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Whether the file starts like a SharedPreferences file: an optional XML declaration, then
/// `<map>`.
pub(crate) fn looks_like_prefs(file: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(&file[..file.len().min(512)]).or_else(|error| {
        // A cut in the middle of a character at the end of the window is not a sign of binary.
        std::str::from_utf8(&file[..error.valid_up_to()])
    }) else {
        return false;
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let text = match text.strip_prefix("<?xml") {
        Some(rest) => match rest.split_once("?>") {
            Some((_, after)) => after.trim_start(),
            None => return false,
        },
        None => text,
    };
    text.starts_with("<map>") || text.starts_with("<map/>") || text.starts_with("<map ")
}

/// The `<string name="…">…</string>` entries of a SharedPreferences file, in the file's order;
/// entries of other types (`<int>`, `<boolean>`, `<set>`…) are left out. `None` when the file is
/// not well-formed XML or not a `<map>`.
pub(crate) fn read_strings(file: &[u8]) -> Option<Vec<(String, String)>> {
    let text = std::str::from_utf8(file).ok()?;
    let mut reader = Reader::from_str(text);
    let mut entries = Vec::new();
    let mut depth = 0usize;
    let mut saw_map = false;
    let mut closed_map = false;
    // The name and text of the `<string>` being read.
    let mut current: Option<(String, String)> = None;
    loop {
        match reader.read_event().ok()? {
            Event::Start(tag) => {
                depth += 1;
                match (depth, tag.name().as_ref()) {
                    (1, b"map") if !saw_map => saw_map = true,
                    (1, _) => return None,
                    (2, b"string") => current = Some((name_of(&tag)?, String::new())),
                    _ => {}
                }
            }
            Event::Empty(tag) => match (depth, tag.name().as_ref()) {
                (0, b"map") if !saw_map => {
                    saw_map = true;
                    closed_map = true;
                }
                (0, _) => return None,
                (1, b"string") => entries.push((name_of(&tag)?, String::new())),
                _ => {}
            },
            Event::End(tag) => {
                if depth == 2
                    && tag.name().as_ref() == b"string"
                    && let Some(entry) = current.take()
                {
                    entries.push(entry);
                }
                if depth == 1 {
                    closed_map = true;
                }
                depth = depth.checked_sub(1)?;
            }
            Event::Text(text) => {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&text.decode().ok()?);
                } else if depth == 0 && !text.decode().ok()?.trim().is_empty() {
                    return None;
                }
            }
            Event::CData(data) => {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&data.decode().ok()?);
                }
            }
            Event::GeneralRef(reference) => {
                let Some((_, value)) = current.as_mut() else {
                    continue;
                };
                if let Some(c) = reference.resolve_char_ref().ok()? {
                    value.push(c);
                } else {
                    let name = reference.decode().ok()?;
                    let entity = format!("&{name};");
                    value.push_str(&quick_xml::escape::unescape(&entity).ok()?);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    (saw_map && closed_map && depth == 0).then_some(entries)
}

fn name_of(tag: &BytesStart<'_>) -> Option<String> {
    tag.attributes()
        .filter_map(Result::ok)
        .find(|attribute| attribute.key.as_ref() == b"name")
        .and_then(|attribute| attribute.unescape_value().ok())
        .map(|name| name.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_entries_are_read_with_their_escapes() {
        let file = br#"<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
    <string name="a&amp;b">{&quot;x&quot;:&#10;1}</string>
    <int name="n" value="3" />
    <string name="empty" />
</map>
"#;
        assert!(looks_like_prefs(file));
        assert_eq!(
            read_strings(file).unwrap(),
            [
                ("a&b".to_string(), "{\"x\":\n1}".to_string()),
                ("empty".to_string(), String::new())
            ]
        );
    }

    #[test]
    fn a_cut_file_is_not_read() {
        let file = b"<map><string name=\"a\">1</string>";
        assert!(looks_like_prefs(file));
        assert_eq!(read_strings(file), None);
        assert!(!looks_like_prefs(b"{\"map\": 1}"));
    }
}
