//! One file per app whose exports Tessera reads; [`super::FORMATS`] lists them.

pub mod otpauth_list;
pub mod tessera;
