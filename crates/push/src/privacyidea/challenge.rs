//! A challenge as a privacyIDEA server sends it to the phone (from a poll, or in a push), and
//! the checks it passes before anyone sees it: it is for this token, it names the server the
//! token enrolled with, and the server's pinned key signed it. One that fails is dropped whole.

use serde_json::Value;

use super::{PushToken, signed};

/// A challenge whose signature checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// The server's id for it (base32).
    pub nonce: String,
    /// What the server asks (`Login from 127.0.0.1?`), as the administrator worded it.
    pub question: String,
    /// The heading the administrator gave it.
    pub title: String,
    /// With privacyIDEA's `require_presence`: the options, one of which the sign-in page shows.
    pub options: Vec<String>,
    /// The server said (signed) that it takes a reason with a decline.
    pub takes_decline_reason: bool,
}

/// Why a challenge was dropped (for the activity log; the user never sees it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Dropped {
    /// A field is missing or not a string.
    #[error("a challenge was missing a field")]
    Malformed,
    /// For another token or another server.
    #[error("a challenge was for another token or server")]
    NotOurs,
    /// The pinned server key did not sign it.
    #[error("a challenge was not signed by the server's key")]
    BadSignature,
}

impl Challenge {
    /// Checks a challenge the server sent for `token`.
    pub fn verified(sent: &Value, token: &PushToken) -> Result<Challenge, Dropped> {
        let text = |name: &str| sent.get(name).and_then(Value::as_str);
        let field = |name: &str| text(name).ok_or(Dropped::Malformed);
        let nonce = field("nonce")?;
        let (url, serial) = (field("url")?, field("serial")?);
        let (question, title) = (field("question")?, field("title")?);
        let ssl_verify = field("sslverify")?;
        let require_presence = text("require_presence").filter(|options| !options.is_empty());
        if serial != token.serial || url != token.url {
            return Err(Dropped::NotOurs);
        }
        let signature = signed::from_base32(field("signature")?).ok_or(Dropped::BadSignature)?;
        let signed_text = signed::challenge(
            nonce,
            url,
            serial,
            question,
            title,
            ssl_verify,
            require_presence,
        );
        if !token.server_key.verifies(&signed_text, &signature) {
            return Err(Dropped::BadSignature);
        }
        Ok(Challenge {
            nonce: nonce.to_string(),
            question: question.to_string(),
            title: title.to_string(),
            options: require_presence
                .map(|options| options.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            takes_decline_reason: takes_decline_reason(sent, nonce, token),
        })
    }
}

/// Whether the server advertised `decline_reason`, in capabilities it signed for this nonce.
fn takes_decline_reason(sent: &Value, nonce: &str, token: &PushToken) -> bool {
    let (Some(capabilities), Some(signature)) = (
        sent.get("capabilities").and_then(Value::as_str),
        sent.get("capabilities_signature")
            .and_then(Value::as_str)
            .and_then(signed::from_base32),
    ) else {
        return false;
    };
    let Ok(parsed) = serde_json::from_str::<Value>(capabilities) else {
        return false;
    };
    token
        .server_key
        .verifies(&signed::capabilities(&parsed, nonce), &signature)
        && parsed.get("decline_reason") == Some(&Value::Bool(true))
}
