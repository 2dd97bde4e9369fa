//! One file per app whose exports Tessera reads; [`super::FORMATS`] lists them.

pub mod aegis;
pub mod andotp;
pub mod bitwarden;
pub mod otpauth_list;
pub mod twofas;
