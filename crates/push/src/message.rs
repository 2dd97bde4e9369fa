//! Every message of the protocol, its claims, and the rules every message must pass.
//!
//! A message is a compact JWS whose claims are [`Claims`]: who sent it (`iss`), for whom (`aud`),
//! when (`iat`, `exp`), a unique id (`jti`, kept by the receiver until `exp` so a replay is
//! refused) and a `body` whose shape the header's `typ` names.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::approval::{Approval, DenyReason};
use crate::jws::Unverified;
use crate::{ProtocolError, PublicKey, PushChannel, SigningKey};

/// How far apart the two clocks may be, in seconds.
pub const CLOCK_SKEW: i64 = 60;
/// The longest a device's message may be valid for, in seconds.
pub const MAX_LIFETIME: i64 = 300;
/// How long a device's messages are valid for when it sends them.
pub const DEVICE_MESSAGE_LIFETIME: i64 = 120;

/// The message types (the JWS `typ`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageType {
    /// Device → server: a new device key, with the enrollment token.
    Enroll,
    /// Device → server: which approvals are waiting for me?
    List,
    /// Device → server: give me this approval.
    Fetch,
    /// Device → server: my answer to this approval.
    Answer,
    /// Device → server: wake me here from now on (or nowhere).
    Push,
    /// Device → server: forget me.
    Unenroll,
    /// Device → server: open my event stream.
    Events,
    /// Server → device: you are enrolled.
    Enrolled,
    /// Server → device: an approval's content.
    Approval,
    /// Server → relying party: a user said "this wasn't me" (the webhook's signature).
    NotMe,
}

impl MessageType {
    /// The `typ` header value.
    pub fn typ(self) -> &'static str {
        match self {
            MessageType::Enroll => "tessera-enroll+jwt",
            MessageType::List => "tessera-list+jwt",
            MessageType::Fetch => "tessera-fetch+jwt",
            MessageType::Answer => "tessera-answer+jwt",
            MessageType::Push => "tessera-push+jwt",
            MessageType::Unenroll => "tessera-unenroll+jwt",
            MessageType::Events => "tessera-events+jwt",
            MessageType::Enrolled => "tessera-enrolled+jwt",
            MessageType::Approval => "tessera-approval+jwt",
            MessageType::NotMe => "tessera-not-me+jwt",
        }
    }
}

/// The claims of every message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims<B> {
    /// The sender: a device id, the server's origin, or `enroll` for a key not yet known.
    pub iss: String,
    /// The receiver: the server's origin, or a device id.
    pub aud: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// A unique id (at least 16 random bytes, base64url): never accepted twice.
    pub jti: String,
    /// What the message says; its shape is given by the `typ`.
    pub body: B,
}

/// The body of [`MessageType::Enroll`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollBody {
    /// The token from the enrollment link.
    pub token: String,
    /// The device's new public key (the message is signed with it: proof of possession).
    pub jwk: PublicKey,
    /// A name for the device that the user recognises (`Pixel 8`).
    pub device_name: String,
    /// Where to wake the device, if it can be woken.
    #[serde(default)]
    pub push: Option<PushChannel>,
}

/// The body of [`MessageType::Fetch`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchBody {
    /// The approval's id.
    pub approval: String,
}

/// The body of [`MessageType::Answer`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// The approval's id.
    pub approval: String,
    /// `approve` or `deny`.
    pub decision: Decision,
    /// With `approve`: the number the user typed or picked.
    #[serde(default)]
    pub number: Option<u8>,
    /// With `deny`: `declined` or `not_me`.
    #[serde(default)]
    pub reason: Option<DenyReason>,
    /// With `approve`: the device verified the user just now (an unlock or a biometric check).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub user_verified: bool,
}

/// The two decisions a device can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approve (with a number).
    Approve,
    /// Deny (with a reason).
    Deny,
}

/// The body of [`MessageType::Push`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushBody {
    /// The new push address; `null` stops push wake-ups.
    pub push: Option<PushChannel>,
}

/// An empty body ([`MessageType::List`], [`MessageType::Unenroll`], [`MessageType::Events`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// The body of [`MessageType::Enrolled`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolledBody {
    /// The device's id at the server (the `kid` of its messages from now on).
    pub device_id: String,
    /// The relying party's name.
    pub relying_party: String,
    /// The user's account at the relying party.
    pub account: String,
    /// The thumbprint of the device key the server now knows.
    pub device_key: String,
}

/// The body of [`MessageType::Approval`].
pub type ApprovalBody = Approval;

/// Signs a message of type `kind` from `iss` to `aud`, valid from `now` for `lifetime` seconds.
pub fn seal<B: Serialize>(
    key: &SigningKey,
    kind: MessageType,
    kid: &str,
    claims: &Claims<B>,
) -> Result<String, ProtocolError> {
    crate::jws::sign(key, kind.typ(), kid, claims)
}

/// A new unique message id: 16 random bytes, base64url.
pub fn new_jti() -> Result<String, ProtocolError> {
    use base64::Engine;
    let mut bytes = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| ProtocolError::NoRandomness)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Claims for a message sent now, with a fresh id.
pub fn claims_now<B>(
    iss: &str,
    aud: &str,
    now: i64,
    lifetime: i64,
    body: B,
) -> Result<Claims<B>, ProtocolError> {
    Ok(Claims {
        iss: iss.into(),
        aud: aud.into(),
        iat: now,
        exp: now.saturating_add(lifetime),
        jti: new_jti()?,
        body,
    })
}

/// Checks a message's type, signature, audience and times, and reads its claims. The caller
/// then checks `jti` against its replay cache.
pub fn open<B: DeserializeOwned>(
    message: &Unverified,
    kind: MessageType,
    key: &PublicKey,
    audience: &str,
    now: i64,
    max_lifetime: i64,
) -> Result<Claims<B>, ProtocolError> {
    if message.header().typ != kind.typ() {
        return Err(ProtocolError::WrongType {
            expected: kind.typ(),
            found: message.header().typ.clone(),
        });
    }
    let claims: Claims<B> = message.verify(key)?;
    if claims.aud != audience {
        return Err(ProtocolError::WrongAudience(claims.aud));
    }
    // `iat` and `exp` are the sender's: every sum and difference is checked, so that values near
    // the ends of i64 are refused, not wrapped past the lifetime rule (or a panic).
    let earliest = now.saturating_sub(CLOCK_SKEW);
    let latest = now.saturating_add(CLOCK_SKEW);
    let lifetime = claims.exp.checked_sub(claims.iat);
    let fresh = (earliest.saturating_sub(max_lifetime)..=latest).contains(&claims.iat)
        && claims.exp > earliest
        && claims.exp <= latest.saturating_add(max_lifetime)
        && lifetime.is_some_and(|lifetime| (0..=max_lifetime).contains(&lifetime));
    if !fresh {
        return Err(ProtocolError::Stale);
    }
    if claims.jti.len() < 16 || claims.jti.len() > 64 {
        return Err(ProtocolError::Malformed("jti"));
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(key: &SigningKey, iat: i64, exp: i64, aud: &str) -> Unverified {
        let claims = Claims {
            iss: "dev".into(),
            aud: aud.into(),
            iat,
            exp,
            jti: new_jti().unwrap(),
            body: Empty {},
        };
        Unverified::parse(&seal(key, MessageType::List, "dev", &claims).unwrap()).unwrap()
    }

    #[test]
    fn a_fresh_message_for_us_opens() {
        let key = SigningKey::generate().unwrap();
        let message = list(&key, 1000, 1120, "https://a.example");
        let claims: Claims<Empty> = open(
            &message,
            MessageType::List,
            key.public_key(),
            "https://a.example",
            1000,
            MAX_LIFETIME,
        )
        .unwrap();
        assert_eq!(claims.iss, "dev");
    }

    /// Opens a list request with the given times, as the server would at `now`.
    fn open_list(
        key: &SigningKey,
        iat: i64,
        exp: i64,
        now: i64,
    ) -> Result<Claims<Empty>, ProtocolError> {
        open::<Empty>(
            &list(key, iat, exp, "s"),
            MessageType::List,
            key.public_key(),
            "s",
            now,
            MAX_LIFETIME,
        )
    }

    #[test]
    fn stale_future_or_overlong_messages_are_refused() {
        let key = SigningKey::generate().unwrap();
        let check = |iat, exp, now| open_list(&key, iat, exp, now);
        assert_eq!(
            check(1000, 1100, 1100 + CLOCK_SKEW).unwrap_err(),
            ProtocolError::Stale
        );
        assert_eq!(check(2000, 2100, 1000).unwrap_err(), ProtocolError::Stale);
        assert_eq!(
            check(1000, 1000 + MAX_LIFETIME + 1, 1000).unwrap_err(),
            ProtocolError::Stale
        );
        assert!(check(1000, 1100, 1050).is_ok());
    }

    #[test]
    fn times_at_the_ends_of_i64_are_refused_not_wrapped() {
        let key = SigningKey::generate().unwrap();
        let now = 1_700_000_000;
        for (iat, exp) in [
            (i64::MIN, now),
            (i64::MIN, i64::MAX),
            (i64::MIN + 1, now + 60),
            (now, i64::MAX),
            (i64::MAX, i64::MAX),
            (i64::MAX, i64::MIN),
            (now, i64::MIN),
        ] {
            let refused = open_list(&key, iat, exp, now);
            assert_eq!(refused.unwrap_err(), ProtocolError::Stale, "{iat} {exp}");
        }
    }

    #[test]
    fn another_audience_or_type_is_refused() {
        let key = SigningKey::generate().unwrap();
        let message = list(&key, 1000, 1100, "https://other.example");
        assert!(matches!(
            open::<Empty>(
                &message,
                MessageType::List,
                key.public_key(),
                "https://a.example",
                1000,
                MAX_LIFETIME
            ),
            Err(ProtocolError::WrongAudience(_))
        ));
        assert!(matches!(
            open::<Empty>(
                &message,
                MessageType::Answer,
                key.public_key(),
                "https://other.example",
                1000,
                MAX_LIFETIME
            ),
            Err(ProtocolError::WrongType { .. })
        ));
    }

    #[test]
    fn unknown_claims_are_refused() {
        let key = SigningKey::generate().unwrap();
        let text = crate::jws::sign(
            &key,
            MessageType::List.typ(),
            "dev",
            &serde_json::json!({"iss":"d","aud":"s","iat":1000,"exp":1100,"jti":"AAAAAAAAAAAAAAAAAAAAAA","body":{},"admin":true}),
        )
        .unwrap();
        let message = Unverified::parse(&text).unwrap();
        assert_eq!(
            open::<Empty>(
                &message,
                MessageType::List,
                key.public_key(),
                "s",
                1000,
                MAX_LIFETIME
            )
            .unwrap_err(),
            ProtocolError::Malformed("claims")
        );
    }
}
