//! Waking devices: one trait ([`Wake`]), one file per push service (FCM, APNs, UnifiedPush and an
//! operator's webhook relay), their settings ([`PushConfig`]), and the set a server is configured
//! with ([`Pushers`]). A wake-up carries nothing about the approval: the device fetches that
//! itself, with a signed request.
//!
//! This module does not decide when to wake a device, nor does it store push addresses: the
//! approval flow does both, and drops an address when [`PushError::Unregistered`] says it is dead.
//!
//! Secrets (private keys, access tokens, the relay's secret) stay inside the adapters: no `Debug`
//! output and no error message shows them.

mod apns;
mod config;
mod fcm;
mod http;
mod jwt;
mod key_file;
mod public_address;
mod secret;
mod unified_push;
mod wake;
mod webhook;

use std::fmt;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use tessera_push::{PushChannel, PushKind};

pub use config::PushConfig;
pub use secret::Secret;
pub use wake::{Wake, WakeFuture};

/// Why a device could not be woken. Logged by the server; the approval still waits.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The server has no credentials for this service.
    #[error("this server is not set up to wake devices through {0}")]
    NotConfigured(&'static str),
    /// The service says the device's address is dead (the app was removed or the token
    /// replaced): drop it; the device sends a new one when it next starts.
    #[error(
        "{0} says the device's address is no longer valid: drop it until the device sends a new one"
    )]
    Unregistered(&'static str),
    /// The address is not one this server will send to: a UnifiedPush endpoint on an internal
    /// host (see `public_address.rs` on why), an APNs token that is not hex.
    #[error("refusing to wake a device at this {service} address: {reason}")]
    AddressRefused {
        /// The push service.
        service: &'static str,
        /// What is wrong with the address.
        reason: String,
    },
    /// The service answered, but not with a success.
    #[error("{service} refused the wake-up (HTTP {status}): {detail}")]
    Rejected {
        /// The push service, or its token endpoint.
        service: &'static str,
        /// The HTTP status it answered with.
        status: u16,
        /// The service's own short reason, if it gave one.
        detail: String,
    },
    /// The service could not be reached, or did not answer in time.
    #[error("could not reach {service}: {detail}")]
    Unreachable {
        /// The push service, or its token endpoint.
        service: &'static str,
        /// What the connection ran into.
        detail: String,
    },
    /// A key or credentials file given at start-up cannot be used.
    #[error("cannot use {} as {what}: {reason}", path.display())]
    KeyFile {
        /// What the file was given as, with its flag.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The push settings do not fit together.
    #[error("push settings: {0}")]
    Config(String),
    /// Anything else.
    #[error("{0}")]
    Failed(String),
}

impl PushError {
    /// Whether the device's address is dead and should be dropped.
    pub fn is_unregistered(&self) -> bool {
        matches!(self, PushError::Unregistered(_))
    }
}

/// The push services a server is configured with.
///
/// A device whose service has no adapter here is woken through the webhook relay, if there is
/// one: a self-hosted server cannot hold the app publisher's FCM or APNs credentials, so a relay
/// run by someone who does is how its devices get woken.
#[derive(Default)]
pub struct Pushers {
    services: Vec<Box<dyn Wake>>,
}

impl Pushers {
    /// No push services: devices learn of approvals over their event stream only.
    pub fn none() -> Pushers {
        Pushers::default()
    }

    /// The services `config` sets up, with their key files read now, so that a bad file stops
    /// the server at start-up rather than at the first sign-in.
    pub fn new(config: &PushConfig) -> Result<Pushers, PushError> {
        let mut pushers = Pushers::none();
        if let Some(fcm) = fcm::Fcm::from_config(config)? {
            pushers = pushers.with(fcm);
        }
        if let Some(apns) = apns::Apns::from_config(config)? {
            pushers = pushers.with(apns);
        }
        if let Some(unified_push) = unified_push::UnifiedPush::from_config(config)? {
            pushers = pushers.with(unified_push);
        }
        if let Some(relay) = webhook::Relay::from_config(config)? {
            pushers = pushers.with(relay);
        }
        Ok(pushers)
    }

    /// These services plus `service`, which replaces any other for the same kind. This is also
    /// how a test puts a fake in place of a service that cannot be reached from here.
    pub fn with(mut self, service: impl Wake + 'static) -> Pushers {
        self.services.retain(|known| known.kind() != service.kind());
        self.services.push(Box::new(service));
        self
    }

    /// Whether devices can be woken through `kind`.
    pub fn supports(&self, kind: PushKind) -> bool {
        self.service_for(kind).is_some()
    }

    /// Wakes one device.
    pub async fn wake(&self, channel: &PushChannel) -> Result<(), PushError> {
        match self.service_for(channel.kind) {
            Some(service) => service.wake(channel).await,
            None => Err(PushError::NotConfigured(service_name(channel.kind))),
        }
    }

    fn service_for(&self, kind: PushKind) -> Option<&dyn Wake> {
        let find = |kind| {
            self.services
                .iter()
                .find(|service| service.kind() == kind)
                .map(|service| service.as_ref())
        };
        find(kind).or_else(|| find(PushKind::Webhook))
    }
}

impl fmt::Debug for Pushers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.services).finish()
    }
}

/// The name an operator knows a service by, for messages.
fn service_name(kind: PushKind) -> &'static str {
    match kind {
        PushKind::Fcm => "FCM",
        PushKind::Apns => "APNs",
        PushKind::UnifiedPush => "UnifiedPush",
        PushKind::Webhook => "the push relay",
    }
}

/// Seconds since 1970, as JWTs and the relay's timestamp count them.
fn unix_time() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
