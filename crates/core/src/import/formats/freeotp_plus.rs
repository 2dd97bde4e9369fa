//! FreeOTP+: its JSON export ("Export to JSON"). Its internal `tokens.xml` from before its
//! database is FreeOTP's and read by [`super::freeotp`].
//!
//! Learned from helloworld1/FreeOTPPlus (February 2025):
//! `token-data/src/main/java/org/fedorahosted/freeotp/data/legacy/ImportExportUtil.kt`,
//! `SavedTokens.kt` and `Token.java`: Gson's JSON of `{"tokens": [...], "tokenOrder": [...]}`, each
//! token as FreeOTP 1.x wrote it (the secret as signed bytes, `algo`, `digits`, `period`, `type`,
//! `counter`, `issuerExt`, `label`). The app imports the tokens `tokenOrder` names, in that order;
//! Tessera reads the others too, after them, rather than drop them.

use serde_json::Value;

use crate::import::json::Object;
use crate::import::{EntryFields, Format, Found, ImportError};

use super::freeotp::token_fields;

const APP: &str = "FreeOTP+";

/// FreeOTP+'s JSON export.
pub struct FreeOtpPlus;

impl Format for FreeOtpPlus {
    fn id(&self) -> &'static str {
        "freeotp-plus"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        serde_json::from_slice::<Value>(file).is_ok_and(|export| {
            export.get("tokens").is_some_and(Value::is_array)
                && export.get("tokenOrder").is_some_and(Value::is_array)
        })
    }

    fn read(&self, file: &[u8], _password: Option<&str>) -> Result<Found, ImportError> {
        let export: Value = serde_json::from_slice(file)
            .map_err(|_| ImportError::damaged(APP, "it is not complete JSON"))?;
        let tokens: Vec<&Object> = export
            .get("tokens")
            .and_then(Value::as_array)
            .ok_or_else(|| ImportError::damaged(APP, "it has no list of tokens"))?
            .iter()
            .map(|token| {
                token
                    .as_object()
                    .ok_or_else(|| ImportError::damaged(APP, "a token is not an object"))
            })
            .collect::<Result<_, _>>()?;
        let order: Vec<&str> = export
            .get("tokenOrder")
            .and_then(Value::as_array)
            .map(|order| order.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut taken = vec![false; tokens.len()];
        let mut ordered = Vec::with_capacity(tokens.len());
        for id in order {
            if let Some(index) = (0..tokens.len()).find(|&i| !taken[i] && token_id(tokens[i]) == id)
            {
                taken[index] = true;
                ordered.push(tokens[index]);
            }
        }
        ordered.extend((0..tokens.len()).filter(|&i| !taken[i]).map(|i| tokens[i]));

        let mut found = Found::default();
        for token in ordered {
            let fields = token_fields(token);
            let label = fields
                .as_ref()
                .map_or_else(|_| token_id(token), EntryFields::label);
            found.push(&label, fields.and_then(EntryFields::into_account));
        }
        Ok(found)
    }
}

/// The name `tokenOrder` knows a token by: `issuerInt:label`, else `issuerExt:label`, else the
/// label (`Token.getID()`).
fn token_id(token: &Object) -> String {
    let text = |name| {
        token
            .get(name)
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
    };
    let label = text("label").unwrap_or_default();
    match text("issuerInt").or_else(|| text("issuerExt")) {
        Some(issuer) => format!("{issuer}:{label}"),
        None => label.to_string(),
    }
}
