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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacyidea::{PhoneKey, ServerKey};
    use serde_json::json;
    use std::sync::OnceLock;

    /// A key standing in for the server's, and a token that pins it (made once: RSA is slow).
    fn keys() -> &'static (PhoneKey, PhoneKey) {
        static KEYS: OnceLock<(PhoneKey, PhoneKey)> = OnceLock::new();
        KEYS.get_or_init(|| (PhoneKey::generate().unwrap(), PhoneKey::generate().unwrap()))
    }

    fn token() -> PushToken {
        let (server, phone) = keys();
        PushToken {
            url: "https://pi.example.com/ttype/push".into(),
            serial: "PIPU0001".into(),
            issuer: "privacyIDEA".into(),
            label: "PIPU0001".into(),
            key: PhoneKey::from_pkcs8(phone.pkcs8()).unwrap(),
            server_key: ServerKey::from_der(server.public_pkcs1()).unwrap(),
            enrolled_at: 0,
        }
    }

    /// A challenge as the server sends it, signed by `signer`.
    fn sent(signer: &PhoneKey, presence: Option<&str>, capabilities: Option<Value>) -> Value {
        let (nonce, url, serial) = ("NONCE", "https://pi.example.com/ttype/push", "PIPU0001");
        let text = signed::challenge(nonce, url, serial, "Sign in?", "Work", "1", presence);
        let mut value = json!({
            "nonce": nonce, "url": url, "serial": serial, "question": "Sign in?",
            "title": "Work", "sslverify": "1",
            "signature": signed::to_base32(&signer.sign(&text).unwrap()),
        });
        if let Some(options) = presence {
            value["require_presence"] = options.into();
        }
        if let Some(capabilities) = capabilities {
            let signature = signer
                .sign(&signed::capabilities(&capabilities, nonce))
                .unwrap();
            value["capabilities"] = capabilities.to_string().into();
            value["capabilities_signature"] = signed::to_base32(&signature).into();
        }
        value
    }

    #[test]
    fn a_challenge_signed_by_the_pinned_key_is_read_whole() {
        let (server, _) = keys();
        let checked = Challenge::verified(&sent(server, Some("08,77,01"), None), &token()).unwrap();
        assert_eq!(checked.nonce, "NONCE");
        assert_eq!(checked.question, "Sign in?");
        assert_eq!(checked.title, "Work");
        assert_eq!(checked.options, ["08", "77", "01"]);
        assert!(!checked.takes_decline_reason);
        let plain = Challenge::verified(&sent(server, None, None), &token()).unwrap();
        assert!(plain.options.is_empty());
    }

    #[test]
    fn a_changed_forged_or_misdirected_challenge_is_dropped() {
        let (server, stranger) = keys();
        assert_eq!(
            Challenge::verified(&sent(stranger, None, None), &token()),
            Err(Dropped::BadSignature)
        );
        let mut changed = sent(server, Some("08,77,01"), None);
        changed["require_presence"] = "08,77,02".into();
        assert_eq!(
            Challenge::verified(&changed, &token()),
            Err(Dropped::BadSignature)
        );
        let mut stripped = sent(server, Some("08,77,01"), None);
        stripped.as_object_mut().unwrap().remove("require_presence");
        assert_eq!(
            Challenge::verified(&stripped, &token()),
            Err(Dropped::BadSignature)
        );
        let mut elsewhere = sent(server, None, None);
        elsewhere["serial"] = "PIPU0002".into();
        assert_eq!(
            Challenge::verified(&elsewhere, &token()),
            Err(Dropped::NotOurs)
        );
        let mut missing = sent(server, None, None);
        missing.as_object_mut().unwrap().remove("title");
        assert_eq!(
            Challenge::verified(&missing, &token()),
            Err(Dropped::Malformed)
        );
        assert_eq!(
            Challenge::verified(&json!([1, 2]), &token()),
            Err(Dropped::Malformed)
        );
    }

    #[test]
    fn a_decline_reason_is_sent_only_where_the_server_signed_that_it_takes_one() {
        let (server, stranger) = keys();
        let capabilities = json!({ "decline_reason": true });
        let signed = sent(server, None, Some(capabilities.clone()));
        assert!(
            Challenge::verified(&signed, &token())
                .unwrap()
                .takes_decline_reason
        );
        let mut forged = sent(server, None, None);
        let stranger_signed = sent(stranger, None, Some(capabilities));
        forged["capabilities"] = stranger_signed["capabilities"].clone();
        forged["capabilities_signature"] = stranger_signed["capabilities_signature"].clone();
        let read = Challenge::verified(&forged, &token()).unwrap();
        assert!(
            !read.takes_decline_reason,
            "the challenge stands, the capability does not"
        );
        let off = sent(server, None, Some(json!({ "decline_reason": false })));
        assert!(
            !Challenge::verified(&off, &token())
                .unwrap()
                .takes_decline_reason
        );
    }
}
