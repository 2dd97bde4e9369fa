//! The few words Rust shows itself, outside the web view (the recovery code's dialog): read from
//! the UI's own catalogues, so that every user-facing string still lives in one place.

use std::collections::HashMap;

const ENGLISH: &str = include_str!("../../ui/src/i18n/en.json");
const DUTCH: &str = include_str!("../../ui/src/i18n/nl.json");

/// The message for `key` in `language` (`en` or `nl`), falling back to English, then to the key.
pub fn word(language: &str, key: &str) -> String {
    let catalogue = |text: &str| serde_json::from_str::<HashMap<String, String>>(text).ok();
    let chosen = if language == "nl" { DUTCH } else { ENGLISH };
    catalogue(chosen)
        .and_then(|words| words.get(key).cloned())
        .or_else(|| catalogue(ENGLISH).and_then(|words| words.get(key).cloned()))
        .unwrap_or_else(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recovery_dialog_has_words_in_both_languages() {
        for key in ["recovery.dialog.title", "recovery.dialog.body"] {
            assert_ne!(word("en", key), key);
            assert_ne!(word("nl", key), key);
            assert_ne!(word("en", key), word("nl", key));
        }
        assert_eq!(word("nl", "no.such.key"), "no.such.key");
    }
}
