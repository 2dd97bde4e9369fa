//! Any text as a privacyIDEA push-token link, and any bytes as a challenge a server sent: each
//! is read or refused, nothing panics, and no challenge passes its checks without the pinned
//! key's signature (the fuzzer has no way to make one).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tessera_push::privacyidea::{Challenge, PhoneKey, PushLink, PushToken, ServerKey};

/// A token pinning a key the fuzzer never sees (made once: RSA keys are slow to make).
fn token() -> &'static PushToken {
    static TOKEN: OnceLock<PushToken> = OnceLock::new();
    TOKEN.get_or_init(|| {
        let server = PhoneKey::generate().expect("a key");
        PushToken {
            url: "https://pi.example.com/ttype/push".into(),
            serial: "PIPU0001".into(),
            issuer: "privacyIDEA".into(),
            label: "PIPU0001".into(),
            key: PhoneKey::generate().expect("a key"),
            server_key: ServerKey::from_der(server.public_pkcs1()).expect("an RSA key"),
            enrolled_at: 0,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(link) = PushLink::parse(text) {
            assert!(!link.serial.is_empty() && !link.enrollment_credential.is_empty());
            assert!(link.ssl_verify || link.url.host_str().is_some());
        }
        let _ = PushLink::parse(&format!("otpauth://pipush/LABEL?{text}"));
        let _ = ServerKey::from_base64(text);
    }
    if let Ok(sent) = serde_json::from_slice::<serde_json::Value>(data) {
        assert!(Challenge::verified(&sent, token()).is_err(), "unsigned, so never shown");
    }
});
