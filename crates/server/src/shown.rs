//! What a user is shown: the words of relying parties and devices that reach a phone's screen
//! (the sign-in context, device names, account names) must read as they are stored.
//!
//! Control characters (Unicode category Cc) are refused, and so are format characters (Cf):
//! the bidirectional overrides and isolates, zero-width spaces and joiners, the soft hyphen and
//! the like, which show nothing themselves but change how the rest reads. With U+202E (right-to-
//! left override), `site: "Example\u{202e}koob"` shows as "Examplebook"; with a zero-width space
//! two names that look the same differ. Legitimate names do not need them.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Whether `text` holds only characters that show as themselves: no control (Cc) or format (Cf)
/// characters.
pub fn displayable(text: &str) -> bool {
    !text.chars().any(|character| {
        matches!(
            character.general_category(),
            GeneralCategory::Control | GeneralCategory::Format
        )
    })
}

#[cfg(test)]
mod tests {
    use super::displayable;

    #[test]
    fn bidi_overrides_and_zero_width_characters_are_not_displayable() {
        for hidden in [
            "\u{202e}",
            "\u{2066}",
            "\u{200b}",
            "\u{200d}",
            "\u{feff}",
            "\u{ad}",
            "\u{e0041}",
        ] {
            assert!(!displayable(&format!("Example{hidden}koob")), "{hidden:?}");
        }
        assert!(!displayable("tab\there"));
    }

    #[test]
    fn names_in_any_script_are_displayable() {
        for name in [
            "Example shop",
            "Zoë's Pixel 8",
            "محل",
            "お店",
            "Ünïcödé — ok",
        ] {
            assert!(displayable(name), "{name}");
        }
    }
}
