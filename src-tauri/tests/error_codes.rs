//! Every error code the app sends has a message in both catalogues, every error message in them
//! belongs to a code the app sends, and every link warning has a message in both.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use tessera_app_lib::ErrorCode;

fn catalogue(language: &str) -> Map<String, Value> {
    let path = format!(
        "{}/../ui/src/i18n/{language}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    match serde_json::from_str(&text).unwrap() {
        Value::Object(entries) => entries,
        other => panic!("{path} is not an object: {other}"),
    }
}

#[test]
fn every_code_has_a_message_in_english_and_dutch() {
    for language in ["en", "nl"] {
        let catalogue = catalogue(language);
        let missing: Vec<&str> = ErrorCode::ALL
            .iter()
            .map(|code| code.as_str())
            .filter(|code| !catalogue.contains_key(&format!("error.{code}")))
            .collect();
        assert_eq!(
            missing,
            Vec::<&str>::new(),
            "{language}.json lacks messages"
        );
    }
}

#[test]
fn every_error_message_belongs_to_a_code_the_app_sends() {
    let codes: BTreeSet<&str> = ErrorCode::ALL.iter().map(|code| code.as_str()).collect();
    for language in ["en", "nl"] {
        let unused: Vec<String> = catalogue(language)
            .keys()
            .filter_map(|key| key.strip_prefix("error."))
            .map(|key| key.strip_suffix(".detail").unwrap_or(key))
            .filter(|code| *code != "generic" && !codes.contains(code))
            .map(str::to_string)
            .collect();
        assert_eq!(
            unused,
            Vec::<String>::new(),
            "{language}.json has messages for no code"
        );
    }
}

#[test]
fn an_unknown_code_falls_back_to_a_message_that_names_it() {
    for language in ["en", "nl"] {
        let generic = &catalogue(language)["error.generic"];
        assert!(generic.as_str().unwrap().contains("{code}"), "{language}");
    }
}

/// The names in a message's `{…}` placeholders.
fn placeholders(message: &str) -> BTreeSet<String> {
    message
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

#[test]
fn every_link_warning_has_a_message_that_quotes_its_words() {
    use tessera_core::link::Warning;
    let warnings = [
        Warning::IssuerConflict {
            label: "Shop".to_string(),
            parameter: "Store".to_string(),
        },
        Warning::MissingCounter,
        Warning::RepeatedParameter("digits".to_string()),
    ];
    for language in ["en", "nl"] {
        let catalogue = catalogue(language);
        for warning in &warnings {
            let key = format!("preview.warning.{}", warning.code());
            let message = catalogue
                .get(&key)
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{language}.json lacks {key}"));
            let quoted: BTreeSet<String> = warning
                .parameters()
                .into_iter()
                .map(|(name, _)| name.to_string())
                .collect();
            assert_eq!(placeholders(message), quoted, "{language}: {key}");
        }
    }
}

#[test]
fn every_reason_an_entry_cannot_be_added_has_a_message_that_quotes_its_parameter() {
    use tessera_core::AccountError;
    use tessera_core::import::UnusableReason;
    let reasons = [
        UnusableReason::Kind("motp".to_string()),
        UnusableReason::Algorithm("MD5".to_string()),
        UnusableReason::NoSecret,
        UnusableReason::Secret(tessera_core::SecretError::Empty),
        UnusableReason::Account(AccountError::Digits(12)),
        UnusableReason::Account(AccountError::ZeroPeriod),
        UnusableReason::Account(AccountError::LabelIssuerColon),
        UnusableReason::Account(AccountError::Untrimmed("issuer")),
        UnusableReason::Account(AccountError::ReservedParameter("secret".to_string())),
        UnusableReason::Field {
            name: "digits",
            value: "9".to_string(),
        },
    ];
    for language in ["en", "nl"] {
        let catalogue = catalogue(language);
        for reason in &reasons {
            let key = format!("preview.reason.{}", reason.code());
            let message = catalogue
                .get(&key)
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{language}.json lacks {key}"));
            let quoted: BTreeSet<String> = reason
                .parameter()
                .map(|_| "parameter".to_string())
                .into_iter()
                .collect();
            assert_eq!(placeholders(message), quoted, "{language}: {key}");
        }
    }
}
