//! What can go wrong in the protocol, on either side, in words a user can act on.

/// A protocol failure. None of these leaves a half-done change behind: a message that fails a
/// check is refused whole.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// The system's random number generator failed.
    #[error("the system's random number generator failed: try again")]
    NoRandomness,
    /// A stored key could not be read.
    #[error("the device key for this server is damaged: remove the server and enroll again")]
    DamagedKey,
    /// A JWK is not a P-256 key.
    #[error("the key is not an ECDSA P-256 key")]
    BadKey,
    /// A message is not a compact JWS of the expected shape.
    #[error("the message is not a well-formed signed message ({0})")]
    Malformed(&'static str),
    /// A message of another type was sent where this one was expected.
    #[error("the message is a {found} where a {expected} was expected")]
    WrongType {
        /// The type the receiver needs.
        expected: &'static str,
        /// The `typ` the message had.
        found: String,
    },
    /// The signature does not match the key.
    #[error("the message's signature does not match the key it claims")]
    BadSignature,
    /// Sent for another server or device.
    #[error("the message was meant for {0}, not for this receiver")]
    WrongAudience(String),
    /// Outside its validity window.
    #[error("the message has expired or is dated in the future: check the device's clock")]
    Stale,
    /// The server's key is not the one the enrollment link pinned.
    #[error(
        "the server's key does not match the enrollment link: this may not be the server the site meant, so nothing was enrolled"
    )]
    ServerKeyMismatch,
    /// The server could not be reached.
    #[error(
        "the approval server at {server} could not be reached ({detail}): check the connection and try again"
    )]
    Unreachable {
        /// The server's origin.
        server: String,
        /// What the network layer said.
        detail: String,
    },
    /// The server refused the request and said why.
    #[error("the approval server refused: {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The server's error code (`approval_closed`, `device_revoked`, …).
        code: String,
        /// The server's explanation.
        message: String,
    },
    /// The answer is not one this sign-in takes (a number where it asks to pick an option, …).
    #[error("this sign-in is answered another way: look at it again and answer as it asks")]
    AnswerDoesNotFit,
    /// The server answered with something that is not the protocol.
    #[error("the approval server answered with something Tessera does not understand ({0})")]
    UnexpectedAnswer(String),
}
