//! A relay the operator runs (or trusts): each wake-up is POSTed to it as
//! `{"kind": "fcm", "address": "…", "sent_at": 1700000000}` for it to deliver. It serves devices
//! of kind `webhook`, and devices of any service this server has no credentials for.
//!
//! The relay checks that a request is ours and fresh:
//!
//! - `Tessera-Signature: sha256=<hex>` is HMAC-SHA256 of the exact body under the shared secret;
//! - `sent_at`, inside the signed body, is when it was sent (Unix seconds), so a relay refuses
//!   requests more than a few minutes old and a captured one cannot be replayed later;
//!   `Tessera-Timestamp` repeats it so that stale requests can be dropped before parsing, but
//!   only the signed value is to be trusted.
//!
//! A relay answers 2xx when it has passed the wake-up on, and 410 Gone when the service told it
//! the device's address is dead.

use std::fmt;

use ring::hmac;
use serde::Serialize;
use tessera_push::{PushChannel, PushKind};
use url::Url;

use super::{PushConfig, PushError, Wake, WakeFuture, http, unix_time};

const SERVICE: &str = "the push relay";
/// Shorter secrets are too easy to guess at.
const MIN_SECRET_LENGTH: usize = 16;

/// Hands wake-ups to the operator's relay.
pub(super) struct Relay {
    client: reqwest::Client,
    url: Url,
    key: hmac::Key,
}

/// What the relay is sent.
#[derive(Serialize)]
struct WakeRequest<'a> {
    kind: &'static str,
    address: &'a str,
    sent_at: u64,
}

impl Relay {
    /// The relay as `config` sets it up, if it does.
    pub(super) fn from_config(config: &PushConfig) -> Result<Option<Relay>, PushError> {
        let (url, secret) = match (&config.push_webhook_url, &config.push_webhook_secret) {
            (None, None) => return Ok(None),
            (Some(url), Some(secret)) => (url, secret),
            (Some(_), None) => {
                return Err(PushError::Config(
                    "--push-webhook-url needs --push-webhook-secret, for the relay to check \
                     that requests come from this server"
                        .into(),
                ));
            }
            (None, Some(_)) => {
                return Err(PushError::Config(
                    "--push-webhook-secret is set but --push-webhook-url is not".into(),
                ));
            }
        };
        if secret.expose().chars().count() < MIN_SECRET_LENGTH {
            return Err(PushError::Config(format!(
                "--push-webhook-secret must be at least {MIN_SECRET_LENGTH} characters \
                 (`openssl rand -hex 32` makes a good one)"
            )));
        }
        if !matches!(url.scheme(), "https" | "http") {
            return Err(PushError::Config(
                "--push-webhook-url must be an https:// or http:// URL".into(),
            ));
        }
        Ok(Some(Relay {
            client: http::build(http::client(), SERVICE)?,
            url: url.clone(),
            key: hmac::Key::new(hmac::HMAC_SHA256, secret.expose().as_bytes()),
        }))
    }

    async fn send(&self, channel: &PushChannel) -> Result<(), PushError> {
        let sent_at = unix_time();
        let body = serde_json::to_vec(&WakeRequest {
            kind: channel.kind.as_str(),
            address: &channel.address,
            sent_at,
        })
        .map_err(|_| PushError::Failed("could not write the relay's request".into()))?;
        let signature = hex(hmac::sign(&self.key, &body).as_ref());
        let response = self
            .client
            .post(self.url.clone())
            .header("Content-Type", "application/json")
            .header("Tessera-Timestamp", sent_at.to_string())
            .header("Tessera-Signature", format!("sha256={signature}"))
            .body(body)
            .send()
            .await
            .map_err(|err| http::unreachable(SERVICE, err))?;
        http::outcome(SERVICE, response.status(), &[410])
    }
}

impl Wake for Relay {
    fn kind(&self) -> PushKind {
        PushKind::Webhook
    }

    fn wake<'a>(&'a self, channel: &'a PushChannel) -> WakeFuture<'a> {
        Box::pin(self.send(channel))
    }
}

impl fmt::Debug for Relay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Relay")
            .field("url", &self.url.as_str())
            .field("secret", &"redacted")
            .finish_non_exhaustive()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
