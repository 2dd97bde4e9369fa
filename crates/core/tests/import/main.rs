//! Every import format, tested on files written by encoders of our own from each app's published
//! format (never by the reader under test, never another project's files): each fixture must
//! yield the shared set of accounts in `expected` (as much of it as the format can carry), a wrong
//! password and damaged files are refused, and an entry that cannot be used is listed.

#[path = "../peer/backup.rs"]
mod backup_peer;
mod expected;
mod seal;
mod session;

mod aegis;
mod andotp;
mod android;
mod authenticator_plus;
mod authenticator_pro;
mod authy;
mod battle_net;
mod bitwarden;
mod duo;
mod ente;
mod freeotp;
mod freeotp_plus;
mod google_authenticator;
mod microsoft_authenticator;
mod otpauth_list;
mod proton;
mod steam;
mod tessera;
mod totp_authenticator;
mod twofas;
