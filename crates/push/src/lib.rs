//! Tessera's sign-in approval protocol, and the device side of it.
//!
//! A site (the *relying party*) asks a Tessera approval server to approve a sign-in; the server
//! wakes the user's phone with a push that carries nothing, the phone fetches the approval with a
//! signed request, shows who is asking and from where, and the user answers by matching the
//! number on the sign-in screen. The protocol is written down in `docs/protocol.md`; this crate
//! is its one definition in code:
//!
//! - [`EnrollLink`]: the `tessera://enroll` link a site shows as a QR code;
//! - [`SigningKey`] and [`PublicKey`]: ECDSA P-256 keys (ring), their JWK and thumbprint;
//! - [`jws`]: compact JWS (ES256) signing and checking;
//! - [`message`]: every message type, its claims, and the time rules;
//! - [`approval`]: what an approval holds, the number-matching modes and the answers;
//! - [`Client`] and [`Enrollment`]: the device side, over HTTP;
//! - [`Inbox`]: every server a device is enrolled with, as one (the app's and the CLI's);
//! - [`privacyidea`]: privacyIDEA's push tokens, one more kind of server in the inbox.
//!
//! It is not the server (that is `tessera-server`, which uses the same types) and it stores
//! nothing itself: an [`Enrollment`] is turned into bytes for the caller to seal in the vault.

pub mod approval;
mod client;
mod clock;
mod enroll_link;
mod enrolled;
mod enrollment;
mod error;
pub mod inbox;
pub mod jws;
mod key;
pub mod message;
pub mod privacyidea;
mod push_channel;
pub mod wire;

pub use approval::{Answer, Approval, Context, DenyReason, NumberMode, Outcome, Status};
pub use client::{Client, EventStream, ServerEvent};
pub use clock::{CLOCK_TOLERANCE_SECONDS, ClockReading};
pub use enroll_link::{EnrollLink, LinkError};
pub use enrolled::Enrolled;
pub use enrollment::{Enrollment, default_device_name};
pub use error::ProtocolError;
pub use inbox::{ApprovalSource, Followed, Inbox, SourceKind, TesseraServer};
pub use key::{PublicKey, SigningKey};
pub use push_channel::{PushChannel, PushKind};

/// The protocol version this crate speaks (the `v` of enrollment links, the `/v1/` of paths).
pub const PROTOCOL_VERSION: u32 = 1;
