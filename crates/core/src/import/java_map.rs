//! A `java.util.HashMap` of texts as Java's `ObjectOutputStream` writes it (the Java Object
//! Serialization Specification, chapter 6): how FreeOTP 2.x writes its external backup.
//!
//! Only what such a map holds is read: the map's class description, its two fields and its
//! custom data (capacity, size, then each key and value as a text or a reference to a text
//! already written). Anything else is refused.

const MAGIC: [u8; 4] = [0xac, 0xed, 0x00, 0x05];
const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_LONGSTRING: u8 = 0x7c;
const BASE_HANDLE: u32 = 0x7e_0000;

/// Whether the bytes start as a serialised `java.util.HashMap`.
pub(crate) fn looks_like_map(file: &[u8]) -> bool {
    file.starts_with(&MAGIC)
        && file.get(4..8) == Some(&[TC_OBJECT, TC_CLASSDESC, 0x00, 0x11])
        && file.get(8..25) == Some(b"java.util.HashMap")
}

/// The map's entries in the order they were written; `None` if the bytes are not a whole map of
/// texts.
pub(crate) fn read_map(file: &[u8]) -> Option<Vec<(String, String)>> {
    let mut input = Input { file, at: 0 };
    if input.take(4)? != MAGIC || input.byte()? != TC_OBJECT || input.byte()? != TC_CLASSDESC {
        return None;
    }
    // Handles are given in order: the class description, the map, then each new text.
    let mut texts: Vec<Option<String>> = vec![None, None];
    if input.utf()? != "java.util.HashMap" {
        return None;
    }
    input.take(8)?; // serialVersionUID
    if input.byte()? & 0x02 == 0 {
        return None; // a HashMap writes its entries itself (SC_WRITE_METHOD)
    }
    let fields = input.u16()?;
    for _ in 0..fields {
        let kind = input.byte()?;
        input.utf()?;
        if !matches!(kind, b'F' | b'I') {
            return None;
        }
    }
    if input.byte()? != TC_ENDBLOCKDATA || input.byte()? != TC_NULL {
        return None;
    }
    input.take(4 * usize::from(fields))?; // loadFactor, threshold
    if input.byte()? != TC_BLOCKDATA || input.byte()? != 8 {
        return None;
    }
    input.take(4)?; // capacity
    let size = u32::from_be_bytes(input.take(4)?.try_into().ok()?);
    let mut entries = Vec::new();
    for _ in 0..size {
        let key = input.text(&mut texts)?;
        let value = input.text(&mut texts)?;
        entries.push((key, value));
    }
    (input.byte()? == TC_ENDBLOCKDATA && input.at == file.len()).then_some(entries)
}

struct Input<'a> {
    file: &'a [u8],
    at: usize,
}

impl<'a> Input<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        let bytes = self.file.get(self.at..self.at.checked_add(count)?)?;
        self.at += count;
        Some(bytes)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    fn utf(&mut self) -> Option<String> {
        let length = usize::from(self.u16()?);
        modified_utf8(self.take(length)?)
    }

    /// A text, new (`TC_STRING`, `TC_LONGSTRING`) or one already written (`TC_REFERENCE`).
    fn text(&mut self, texts: &mut Vec<Option<String>>) -> Option<String> {
        let text = match self.byte()? {
            TC_STRING => self.utf()?,
            TC_LONGSTRING => {
                let length = u64::from_be_bytes(self.take(8)?.try_into().ok()?);
                modified_utf8(self.take(usize::try_from(length).ok()?)?)?
            }
            TC_REFERENCE => {
                let handle = u32::from_be_bytes(self.take(4)?.try_into().ok()?);
                let index = handle.checked_sub(BASE_HANDLE)?;
                return texts.get(usize::try_from(index).ok()?)?.clone();
            }
            _ => return None,
        };
        texts.push(Some(text.clone()));
        Some(text)
    }
}

/// Java's "modified UTF-8": UTF-8, but NUL as two bytes and characters beyond the first 65,536
/// as two three-byte surrogates.
fn modified_utf8(bytes: &[u8]) -> Option<String> {
    let mut units = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let first = u16::from(bytes[i]);
        let (unit, width) = match bytes[i] {
            0x01..=0x7f => (first, 1),
            0xc0..=0xdf => {
                let second = u16::from(*bytes.get(i + 1)?);
                (((first & 0x1f) << 6) | (second & 0x3f), 2)
            }
            0xe0..=0xef => {
                let second = u16::from(*bytes.get(i + 1)?);
                let third = u16::from(*bytes.get(i + 2)?);
                (
                    ((first & 0x0f) << 12) | ((second & 0x3f) << 6) | (third & 0x3f),
                    3,
                )
            }
            _ => return None,
        };
        units.push(unit);
        i += width;
    }
    String::from_utf16(&units).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_utf8_reads_nul_and_surrogates() {
        assert_eq!(modified_utf8(b"a\xc0\x80b").as_deref(), Some("a\0b"));
        // U+1F600 as two surrogates.
        assert_eq!(
            modified_utf8(b"\xed\xa0\xbd\xed\xb8\x80").as_deref(),
            Some("\u{1f600}")
        );
        assert_eq!(modified_utf8(b"\xed\xa0\xbd"), None);
    }
}
