//! The QR decoders the cascade can call, one file each, behind one function shape: a greyscale
//! picture in, the payloads found out. A decoder that panics on a strange picture counts as
//! having found nothing.

pub mod rqrr;
pub mod rxing;

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs a decoder, turning a panic inside it into "nothing found".
pub(super) fn guarded(decode: impl FnOnce() -> Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    catch_unwind(AssertUnwindSafe(decode)).unwrap_or_default()
}
