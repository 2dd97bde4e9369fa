//! The enrollment link privacyIDEA shows as a QR code for a push token:
//! `otpauth://pipush/<label>?url=…&serial=…&enrollment_credential=…&v=1&sslverify=1&…`
//! (or `pia://pipush/…`). Parsed whole or refused with the reason.

use url::Url;
use zeroize::Zeroizing;

/// The newest token version Tessera speaks (privacyIDEA's `v`).
const NEWEST_VERSION: u32 = 1;

/// A privacyIDEA push-token enrollment link. `Debug` leaves out the enrollment credential.
pub struct PushLink {
    /// What the token is called (the link's path; often the serial).
    pub label: String,
    /// Who issued it (`privacyIDEA`, or the organisation's name).
    pub issuer: String,
    /// The token's serial number at the server (`PIPU0000C298`).
    pub serial: String,
    /// Where the phone enrolls, polls and answers (privacyIDEA's `/ttype/push`).
    pub url: Url,
    /// Whether the server's TLS certificate is checked (always, except on this machine).
    pub ssl_verify: bool,
    /// The server wakes no phone: challenges are only polled for.
    pub poll_only: bool,
    /// For how many minutes the server takes the enrollment (privacyIDEA's `ttl`).
    pub ttl_minutes: u32,
    /// The one-time credential that lets this phone complete the enrollment.
    pub enrollment_credential: Zeroizing<String>,
}

impl std::fmt::Debug for PushLink {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PushLink")
            .field("label", &self.label)
            .field("issuer", &self.issuer)
            .field("serial", &self.serial)
            .field("url", &self.url.as_str())
            .field("ssl_verify", &self.ssl_verify)
            .field("poll_only", &self.poll_only)
            .finish_non_exhaustive()
    }
}

/// Why a link is not a privacyIDEA push-token link Tessera can use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PushLinkError {
    /// Not an `otpauth://pipush` or `pia://pipush` link at all.
    #[error("this is not a privacyIDEA push-token link")]
    NotPushLink,
    /// A newer token version than Tessera speaks.
    #[error(
        "this push token is version {0}, newer than Tessera understands: update Tessera, or ask for a version 1 token"
    )]
    NewerVersion(String),
    /// A part the enrollment needs is missing or empty.
    #[error("the push-token link has no {0}: scan the whole QR code again")]
    Missing(&'static str),
    /// The server address is not a web address.
    #[error("the push-token link's server address is not a web address")]
    BadUrl,
    /// The link asks to talk to a server on the network without checking who it is.
    #[error(
        "the push-token link turns off the check of the server's certificate (or does not encrypt) for {0}: Tessera only does that for a server on this device. Ask the administrator to set push_ssl_verify to 1 and use https"
    )]
    Unverified(String),
}

impl PushLink {
    /// Whether `text` looks like a push-token link (so a reader can tell the user why it failed).
    pub fn is_push_link(text: &str) -> bool {
        let lower = text.trim().to_ascii_lowercase();
        lower.starts_with("otpauth://pipush/") || lower.starts_with("pia://pipush/")
    }

    /// Reads a push-token link.
    pub fn parse(text: &str) -> Result<PushLink, PushLinkError> {
        let text = text.trim();
        if !PushLink::is_push_link(text) {
            return Err(PushLinkError::NotPushLink);
        }
        let parsed = Url::parse(text).map_err(|_| PushLinkError::NotPushLink)?;
        let label = percent_decoded(parsed.path().trim_start_matches('/'));
        let field = |name: &str| {
            parsed
                .query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim().to_string())
                .filter(|value| !value.is_empty())
        };
        let version = field("v").unwrap_or_else(|| "1".into());
        if version.parse::<u32>().is_ok_and(|v| v > NEWEST_VERSION)
            || version.parse::<u32>().is_err()
        {
            return Err(PushLinkError::NewerVersion(version));
        }
        let serial = field("serial").ok_or(PushLinkError::Missing("serial number"))?;
        let credential = field("enrollment_credential")
            .ok_or(PushLinkError::Missing("enrollment credential"))?;
        let address = field("url").ok_or(PushLinkError::Missing("server address (url)"))?;
        let url = Url::parse(&address).map_err(|_| PushLinkError::BadUrl)?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            return Err(PushLinkError::BadUrl);
        }
        let ssl_verify = field("sslverify").is_none_or(|value| value != "0");
        let on_this_device = is_loopback(&url);
        if !on_this_device && (!ssl_verify || url.scheme() != "https") {
            return Err(PushLinkError::Unverified(
                url.host_str().unwrap_or_default().to_string(),
            ));
        }
        let poll_only = field("poll_only").is_some_and(|value| value.eq_ignore_ascii_case("true"));
        let ttl_minutes = field("ttl").and_then(|ttl| ttl.parse().ok()).unwrap_or(10);
        Ok(PushLink {
            label: if label.is_empty() {
                serial.clone()
            } else {
                label
            },
            issuer: field("issuer").unwrap_or_else(|| "privacyIDEA".into()),
            serial,
            url,
            ssl_verify,
            poll_only,
            ttl_minutes,
            enrollment_credential: Zeroizing::new(credential),
        })
    }
}

/// Whether the server runs on this device (the only place a check of its certificate may be off).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

fn percent_decoded(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCAL: &str = "otpauth://pipush/PIPU0000C298?url=http%3A//127.0.0.1%3A5055/ttype/push&ttl=10&issuer=privacyIDEA&enrollment_credential=1abcb00d9636e7bad2eb263b7b7fe112bfbea9a6&v=1&serial=PIPU0000C298&sslverify=0&poll_only=True";

    #[test]
    fn a_link_from_a_local_server_is_read_whole() {
        let link = PushLink::parse(LOCAL).unwrap();
        assert_eq!(link.serial, "PIPU0000C298");
        assert_eq!(link.label, "PIPU0000C298");
        assert_eq!(link.issuer, "privacyIDEA");
        assert_eq!(link.url.as_str(), "http://127.0.0.1:5055/ttype/push");
        assert!(!link.ssl_verify);
        assert!(link.poll_only);
        assert_eq!(link.ttl_minutes, 10);
        assert_eq!(
            link.enrollment_credential.as_str(),
            "1abcb00d9636e7bad2eb263b7b7fe112bfbea9a6"
        );
        assert!(
            !format!("{link:?}").contains("1abcb00d"),
            "Debug hides the credential"
        );
    }

    #[test]
    fn the_pia_scheme_and_an_encoded_label_are_read() {
        let link = PushLink::parse(
            "pia://pipush/Work%20phone?url=https%3A%2F%2Fmfa.example.org%2Fttype%2Fpush&serial=PIPU1&enrollment_credential=ab&issuer=Example%20Corp&sslverify=1",
        )
        .unwrap();
        assert_eq!(link.label, "Work phone");
        assert_eq!(link.issuer, "Example Corp");
        assert!(link.ssl_verify);
        assert!(!link.poll_only);
    }

    #[test]
    fn links_tessera_cannot_use_are_refused_with_the_reason() {
        let with = |from: &str, to: &str| LOCAL.replace(from, to);
        assert_eq!(
            PushLink::parse(&with("v=1", "v=2")).unwrap_err(),
            PushLinkError::NewerVersion("2".into())
        );
        assert!(matches!(
            PushLink::parse(&with("url=http%3A//127.0.0.1%3A5055/ttype/push", "url=")),
            Err(PushLinkError::Missing(_))
        ));
        assert!(matches!(
            PushLink::parse(&with("serial=PIPU0000C298", "")),
            Err(PushLinkError::Missing(_))
        ));
        assert_eq!(
            PushLink::parse(&with("127.0.0.1", "mfa.example.org")).unwrap_err(),
            PushLinkError::Unverified("mfa.example.org".into())
        );
        assert_eq!(
            PushLink::parse(&with("http%3A//127.0.0.1%3A5055", "javascript%3Aalert(1)"))
                .unwrap_err(),
            PushLinkError::BadUrl
        );
        assert_eq!(
            PushLink::parse("otpauth://totp/x?secret=AAAA").unwrap_err(),
            PushLinkError::NotPushLink
        );
    }

    #[test]
    fn https_with_the_check_on_is_taken_from_anywhere() {
        let link = PushLink::parse(
            &LOCAL
                .replace("http%3A//127.0.0.1%3A5055", "https%3A//mfa.example.org")
                .replace("sslverify=0", "sslverify=1"),
        )
        .unwrap();
        assert_eq!(link.url.host_str(), Some("mfa.example.org"));
    }
}
