//! UnifiedPush, for Android phones without Google's services: the device's distributor (ntfy, a
//! NextPush server, …) gave it an endpoint URL, and a POST there reaches the app.
//!
//! The endpoint comes from the device, so it is the one address here an outsider chooses: see
//! `public_address.rs` for what the server refuses to send to, and why. The body is a fixed,
//! content-free `{"tessera":"wake"}`; no answer body is read.

use std::fmt;
use std::sync::Arc;

use tessera_push::{PushChannel, PushKind};

use super::public_address::{self, PublicOnly};
use super::{PushConfig, PushError, Wake, WakeFuture, http};

const SERVICE: &str = "UnifiedPush";
/// How long a distributor should keep a wake-up for an offline phone, in seconds: about as
/// long as an approval waits.
const TIME_TO_LIVE: &str = "90";

/// Wakes devices at their UnifiedPush endpoint.
pub(super) struct UnifiedPush {
    client: reqwest::Client,
    allow_loopback: bool,
}

impl UnifiedPush {
    /// UnifiedPush as `config` sets it up, if it does.
    pub(super) fn from_config(config: &PushConfig) -> Result<Option<UnifiedPush>, PushError> {
        if !config.unifiedpush {
            return Ok(None);
        }
        let client = http::build(http::client().dns_resolver(Arc::new(PublicOnly)), SERVICE)?;
        Ok(Some(UnifiedPush {
            client,
            allow_loopback: config.unifiedpush_allow_loopback,
        }))
    }

    async fn send(&self, address: &str) -> Result<(), PushError> {
        let endpoint =
            public_address::endpoint(address, self.allow_loopback).map_err(|reason| {
                PushError::AddressRefused {
                    service: SERVICE,
                    reason,
                }
            })?;
        let response = self
            .client
            .post(endpoint)
            .header("TTL", TIME_TO_LIVE)
            .header("Urgency", "high")
            .json(&serde_json::json!({ "tessera": "wake" }))
            .send()
            .await
            .map_err(|err| http::unreachable(SERVICE, err))?;
        http::outcome(SERVICE, response.status(), &[404, 410])
    }
}

impl fmt::Debug for UnifiedPush {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UnifiedPush")
    }
}

impl Wake for UnifiedPush {
    fn kind(&self) -> PushKind {
        PushKind::UnifiedPush
    }

    fn wake<'a>(&'a self, channel: &'a PushChannel) -> WakeFuture<'a> {
        Box::pin(self.send(&channel.address))
    }
}
