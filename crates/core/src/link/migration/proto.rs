//! The protobuf messages inside an export, as Google Authenticator defines them.
//!
//! ```text
//! message MigrationPayload {
//!   repeated OtpParameters otp_parameters = 1;
//!   int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
//! }
//! message OtpParameters {
//!   bytes secret = 1; string name = 2; string issuer = 3;
//!   Algorithm algorithm = 4;   // 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
//!   DigitCount digits = 5;     // 0 unspecified, 1 six, 2 eight
//!   OtpType type = 6;          // 0 unspecified, 1 HOTP, 2 TOTP
//!   int64 counter = 7;
//! }
//! ```
//!
//! Enums are kept as their numbers so that a value from a newer Google Authenticator is reported
//! as unsupported rather than failing the whole export.

use std::fmt;

use zeroize::Zeroize;

/// `Algorithm.SHA1`.
pub const ALGORITHM_SHA1: i32 = 1;
/// `Algorithm.SHA256`.
pub const ALGORITHM_SHA256: i32 = 2;
/// `Algorithm.SHA512`.
pub const ALGORITHM_SHA512: i32 = 3;
/// `Algorithm.MD5`.
pub const ALGORITHM_MD5: i32 = 4;
/// `DigitCount.SIX`.
pub const DIGITS_SIX: i32 = 1;
/// `DigitCount.EIGHT`.
pub const DIGITS_EIGHT: i32 = 2;
/// `OtpType.HOTP`.
pub const TYPE_HOTP: i32 = 1;
/// `OtpType.TOTP`.
pub const TYPE_TOTP: i32 = 2;

/// One export link's payload.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MigrationPayload {
    /// The accounts in this part.
    #[prost(message, repeated, tag = "1")]
    pub otp_parameters: Vec<OtpParameters>,
    /// The format version (1).
    #[prost(int32, tag = "2")]
    pub version: i32,
    /// How many links the export has.
    #[prost(int32, tag = "3")]
    pub batch_size: i32,
    /// This link's position, from 0.
    #[prost(int32, tag = "4")]
    pub batch_index: i32,
    /// A number shared by the links of one export.
    #[prost(int32, tag = "5")]
    pub batch_id: i32,
}

/// One account in an export. The secret is wiped when this is dropped, and `Debug` hides it.
#[derive(Clone, PartialEq, prost::Message)]
#[prost(skip_debug)]
pub struct OtpParameters {
    /// The raw secret bytes.
    #[prost(bytes = "vec", tag = "1")]
    pub secret: Vec<u8>,
    /// The label: the account name, often as `Issuer:name`.
    #[prost(string, tag = "2")]
    pub name: String,
    /// The issuer.
    #[prost(string, tag = "3")]
    pub issuer: String,
    /// The `Algorithm` number.
    #[prost(int32, tag = "4")]
    pub algorithm: i32,
    /// The `DigitCount` number.
    #[prost(int32, tag = "5")]
    pub digits: i32,
    /// The `OtpType` number.
    #[prost(int32, tag = "6")]
    pub r#type: i32,
    /// The HOTP counter.
    #[prost(int64, tag = "7")]
    pub counter: i64,
}

impl Drop for OtpParameters {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl fmt::Debug for OtpParameters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtpParameters")
            .field("secret", &"<redacted>")
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("type", &self.r#type)
            .field("counter", &self.counter)
            .finish()
    }
}
