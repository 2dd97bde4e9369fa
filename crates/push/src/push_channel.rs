//! Where a device is woken: a push service and the device's address on it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The push services a server can wake a device through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PushKind {
    /// Firebase Cloud Messaging (Android): the address is the FCM registration token.
    Fcm,
    /// Apple Push Notification service: the address is the hex device token.
    Apns,
    /// UnifiedPush: the address is the distributor's `https://` endpoint.
    #[serde(rename = "unifiedpush")]
    UnifiedPush,
    /// A relay the server operator runs: the address is whatever the relay knows the device by.
    Webhook,
}

impl PushKind {
    /// The name used in the protocol and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PushKind::Fcm => "fcm",
            PushKind::Apns => "apns",
            PushKind::UnifiedPush => "unifiedpush",
            PushKind::Webhook => "webhook",
        }
    }

    /// Reads a name written by [`PushKind::as_str`].
    pub fn parse(name: &str) -> Option<PushKind> {
        [
            PushKind::Fcm,
            PushKind::Apns,
            PushKind::UnifiedPush,
            PushKind::Webhook,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

/// A device's push address. `Debug` shows only the service and the address's length: push
/// tokens let anyone who holds the service's credentials wake the device.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushChannel {
    /// The service.
    pub kind: PushKind,
    /// The device's token or endpoint on it (at most 4,096 characters).
    pub address: String,
}

impl fmt::Debug for PushChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PushChannel({}, {} chars)",
            self.kind.as_str(),
            self.address.len()
        )
    }
}
