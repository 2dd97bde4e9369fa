//! Things people scan that are not accounts, recognised so that they can be explained.
//!
//! A camera pointed at a sign-in page finds Wi-Fi codes, web addresses, passkey hand-offs and
//! Microsoft's work-account links as readily as `otpauth://` links. Each gets a sentence that
//! says what it is and what to do instead; none is ever stored.

/// A scanned or pasted text that is not an account, with what it is instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotAnAccount {
    /// `phonefactor://`: Microsoft Authenticator's work or school account activation.
    #[error(
        "this QR code adds a work or school account to Microsoft Authenticator, and only Microsoft's \
         app can use it: on the sign-in page choose 'I want to use a different authenticator app' \
         to get a code Tessera can read"
    )]
    WorkAccount,
    /// `WIFI:`: a Wi-Fi network and its password.
    #[error(
        "this QR code holds a Wi-Fi network, not an account: join it from your phone's Wi-Fi settings or camera app"
    )]
    WifiNetwork,
    /// `http://` or `https://`: a web address.
    #[error(
        "this QR code holds a web address ({0}), not an account: open it in a browser, and if the \
         site then shows a QR code for an authenticator app, scan that one"
    )]
    WebAddress(String),
    /// `FIDO:/`: a passkey sign-in handed over from another device.
    #[error(
        "this QR code is a passkey sign-in from another device, not an account: scan it with your \
         phone's camera app, which hands it to the phone's passkey manager"
    )]
    Passkey,
    /// `otpauth://pipush/`: a privacyIDEA push token enrollment.
    #[error(
        "this QR code enrolls a privacyIDEA push token for approving sign-ins, not an account with \
         codes: enroll it with 'tessera approvals enroll', or scan it from the app's Add screen"
    )]
    PrivacyIdeaPush,
    /// `tessera://enroll`: an enrollment for Tessera's sign-in approvals.
    #[error(
        "this QR code sets up sign-in approvals with Tessera, not an account with codes: enroll it \
         with 'tessera approvals enroll', or scan it from the app's Add screen"
    )]
    ApprovalEnrollment,
    /// `tessera://move`: one QR code of a move from another device's Tessera.
    #[error(
        "this QR code is one of those another device's Tessera shows to move its accounts: scan all \
         of them from the app's Add screen, then type the code shown beside them"
    )]
    MoveCode,
    /// A contact card (vCard or MeCard).
    #[error("this QR code holds a contact card, not an account")]
    ContactCard,
    /// `mailto:` or `MATMSG:`: an e-mail address or message.
    #[error("this QR code holds an e-mail address, not an account")]
    Email,
    /// `tel:`: a phone number.
    #[error("this QR code holds a phone number, not an account")]
    PhoneNumber,
    /// `sms:` or `SMSTO:`: a text message.
    #[error("this QR code holds a text message, not an account")]
    TextMessage,
    /// `geo:`: a place on a map.
    #[error("this QR code holds a place on a map, not an account")]
    Place,
    /// A link with another scheme.
    #[error(
        "this QR code holds a '{0}:' link, not an account: Tessera reads otpauth:// links and Google \
         Authenticator exports"
    )]
    OtherLink(String),
    /// Plain text.
    #[error(
        "this QR code holds plain text, not an account: Tessera reads otpauth:// links and Google \
         Authenticator exports"
    )]
    Text,
}

impl NotAnAccount {
    /// Says what a text that is not an account link is.
    pub fn recognise(text: &str) -> NotAnAccount {
        let text = text.trim();
        let lower = text
            .get(..text.len().min(32))
            .unwrap_or("")
            .to_ascii_lowercase();
        let starts = |prefix: &str| lower.starts_with(prefix);
        if starts("phonefactor:") {
            NotAnAccount::WorkAccount
        } else if starts("wifi:") {
            NotAnAccount::WifiNetwork
        } else if starts("http://") || starts("https://") {
            NotAnAccount::WebAddress(host_of(text))
        } else if starts("fido:/") {
            NotAnAccount::Passkey
        } else if starts("otpauth://pipush") {
            NotAnAccount::PrivacyIdeaPush
        } else if starts("tessera://enroll") {
            NotAnAccount::ApprovalEnrollment
        } else if starts("tessera://move") {
            NotAnAccount::MoveCode
        } else if starts("begin:vcard") || starts("mecard:") {
            NotAnAccount::ContactCard
        } else if starts("mailto:") || starts("matmsg:") {
            NotAnAccount::Email
        } else if starts("tel:") {
            NotAnAccount::PhoneNumber
        } else if starts("sms:") || starts("smsto:") {
            NotAnAccount::TextMessage
        } else if starts("geo:") {
            NotAnAccount::Place
        } else if let Some(scheme) = link_scheme(text) {
            NotAnAccount::OtherLink(scheme)
        } else {
            NotAnAccount::Text
        }
    }
}

/// The host of a web address, for naming it in the message.
fn host_of(address: &str) -> String {
    let after_scheme = address.split_once("://").map_or(address, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or(authority);
    host.chars().take(100).collect()
}

/// The scheme of a text that looks like a link (`scheme:` with a letter first, at most 32
/// characters), lower-cased.
fn link_scheme(text: &str) -> Option<String> {
    let (scheme, _) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let plausible = chars.next()?.is_ascii_alphabetic()
        && scheme.len() <= 32
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    plausible.then(|| scheme.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::{LinkError, read_scanned};

    #[test]
    fn every_kind_of_non_account_payload_is_named() {
        let cases = [
            (
                "phonefactor://activate_account?code=123456789&url=https://mobileappcommunicator.auth.microsoft.com/activate/123/WEU",
                NotAnAccount::WorkAccount,
            ),
            (
                "WIFI:S:Home;T:WPA;P:correct horse;;",
                NotAnAccount::WifiNetwork,
            ),
            (
                "https://accounts.example.com/setup?x=1",
                NotAnAccount::WebAddress("accounts.example.com".into()),
            ),
            (
                "FIDO:/1234567890123456789012345678901234567890",
                NotAnAccount::Passkey,
            ),
            (
                "otpauth://pipush/PIPU0001?url=https://pi.example.com/ttype/push",
                NotAnAccount::PrivacyIdeaPush,
            ),
            (
                "tessera://enroll?v=1&server=https://approve.example.com&token=abc&fp=xyz",
                NotAnAccount::ApprovalEnrollment,
            ),
            (
                "tessera://move?v=1&id=K7QM2X9T&part=1&of=8&data=AA&sum=AAAAAAAA",
                NotAnAccount::MoveCode,
            ),
            (
                "BEGIN:VCARD\nVERSION:3.0\nFN:Alice\nEND:VCARD",
                NotAnAccount::ContactCard,
            ),
            ("mailto:alice@example.com", NotAnAccount::Email),
            ("tel:+31201234567", NotAnAccount::PhoneNumber),
            ("SMSTO:+31201234567:hello", NotAnAccount::TextMessage),
            ("geo:52.37,4.89", NotAnAccount::Place),
            ("bitcoin:bc1qxyz", NotAnAccount::OtherLink("bitcoin".into())),
            ("just some words", NotAnAccount::Text),
        ];
        for (text, expected) in cases {
            assert_eq!(
                read_scanned(text),
                Err(LinkError::NotAnAccount(expected.clone())),
                "{text}"
            );
            assert!(
                expected.to_string().starts_with("this QR code "),
                "{expected}"
            );
        }
    }

    #[test]
    fn the_web_address_message_names_only_the_host() {
        let message =
            NotAnAccount::recognise("https://user:pw@example.com:8443/a?token=secret").to_string();
        assert!(message.contains("example.com:8443"), "{message}");
        assert!(
            !message.contains("token=secret") && !message.contains("pw"),
            "{message}"
        );
    }
}
