//! One file per app whose exports Tessera reads; [`super::FORMATS`] lists them.

pub mod aegis;
pub mod andotp;
pub mod authenticator_plus;
pub mod authenticator_pro;
pub mod authy;
pub mod battle_net;
pub mod bitwarden;
pub mod duo;
pub mod freeotp;
pub mod freeotp_plus;
pub mod google_authenticator;
pub mod microsoft_authenticator;
pub mod otpauth_list;
pub mod proton;
pub mod steam;
pub mod tessera;
pub mod totp_authenticator;
pub mod twofas;
