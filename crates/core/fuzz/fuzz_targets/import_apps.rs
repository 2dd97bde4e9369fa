//! Any bytes given to the readers of Authenticator Pro, FreeOTP, FreeOTP+, Proton Authenticator,
//! Steam, Duo, Battle.net, Google and Microsoft Authenticator, Authy, TOTP Authenticator and
//! Authenticator Plus files are read or refused; nothing panics, and what reads gives accounts
//! that make codes. (Without a password: the encrypted variants' contents are the plain variants'
//! formats, which are reached this way.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::import::Format;
use tessera_core::import::formats::{
    authenticator_plus, authenticator_pro, authy, battle_net, duo, freeotp, freeotp_plus,
    google_authenticator, microsoft_authenticator, proton, steam, totp_authenticator,
};

fuzz_target!(|data: &[u8]| {
    let formats: [&dyn Format; 12] = [
        &authenticator_pro::AuthenticatorPro,
        &freeotp::FreeOtp,
        &freeotp_plus::FreeOtpPlus,
        &proton::Proton,
        &steam::Steam,
        &duo::Duo,
        &battle_net::BattleNet,
        &google_authenticator::GoogleAuthenticator,
        &microsoft_authenticator::MicrosoftAuthenticator,
        &authy::Authy,
        &totp_authenticator::TotpAuthenticator,
        &authenticator_plus::AuthenticatorPlus,
    ];
    for format in formats {
        let _ = format.recognises(data);
        if let Ok(found) = format.read(data, None) {
            for found in &found.accounts {
                assert!(found.account.validate().is_ok());
                let _ = found.account.code_at(0);
            }
        }
    }
});
