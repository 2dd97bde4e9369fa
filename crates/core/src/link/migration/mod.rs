//! Google Authenticator's `otpauth-migration://offline?data=…` exports: reading every part of a
//! batch, putting batches together, and writing them.
//!
//! An export link carries a base64 protobuf `MigrationPayload` (see [`proto`]). Google splits
//! large exports into a batch of QR codes that share a batch id; [`ExportBatch`] gathers the parts
//! and names the ones still missing.

mod batch;
pub mod proto;
mod read;
mod write;

pub use batch::ExportBatch;
pub use read::{ExportPart, PartOf, Unusable, UnusableEntry, is_export_link, read_export};
pub use write::{ExportLinks, NotExportable, write_export, write_export_with_batch_id};

/// Why a Google Authenticator export could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// Not the `offline` kind of export.
    #[error(
        "this Google Authenticator link is not an export ('otpauth-migration://offline'): in Google \
         Authenticator choose 'Transfer accounts', then 'Export accounts'"
    )]
    NotOffline,
    /// No `data` parameter.
    #[error("the export link has no data: scan the QR code again, or copy the whole link")]
    NoData,
    /// Data that is not base64 or not a valid export.
    #[error("the export is damaged ({0}): scan the QR code again")]
    Damaged(&'static str),
    /// More data than an export QR code can hold.
    #[error(
        "the export link is far larger than a QR code can hold, so it is not one of Google's exports"
    )]
    TooLarge,
    /// A part that claims a position outside its batch.
    #[error(
        "the export says it is part {index} of {size}, which cannot be: scan the QR code again"
    )]
    BadPosition {
        /// The 1-based position the part claims.
        index: i64,
        /// The number of parts the batch claims.
        size: i64,
    },
    /// A part of another export batch.
    #[error(
        "this QR code belongs to another export: finish scanning the codes of the first export, then scan the others"
    )]
    OtherBatch,
    /// Two parts of one batch disagree on how many parts there are.
    #[error(
        "the parts of this export disagree on how many codes there are: export from Google Authenticator again"
    )]
    SizeMismatch,
}
