//! The enrollment link a site shows as a QR code:
//! `tessera://enroll?v=1&server=<origin>&token=<one-time secret>&fp=<server key thumbprint>`.
//!
//! The token is single use and valid ten minutes; the thumbprint pins the server's key, so a
//! device talks only to the server the site meant. The server must be `https://`, except on the
//! device's own loopback (`http://127.0.0.1`, `http://localhost`, `http://[::1]`), where tests and
//! a server on the same machine live.

use std::fmt;

use url::Url;

use crate::PROTOCOL_VERSION;

/// A parsed enrollment link. `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct EnrollLink {
    /// The server's origin (`https://approvals.example.com`), without a trailing slash.
    pub server: String,
    /// The one-time enrollment secret (base64url).
    pub token: String,
    /// The SHA-256 JWK thumbprint of the server's key (base64url, RFC 7638).
    pub fingerprint: String,
}

/// Why a link is not an enrollment link Tessera can use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not `tessera://enroll`.
    #[error("this is not a Tessera enrollment link (it should start with tessera://enroll)")]
    NotEnrollLink,
    /// A newer protocol version.
    #[error(
        "this enrollment link is for a newer version of Tessera (protocol {0}): update Tessera"
    )]
    NewerVersion(String),
    /// A part is missing.
    #[error("the enrollment link has no {0}: ask the site for a new one")]
    Missing(&'static str),
    /// A part is malformed.
    #[error("the enrollment link's {0} is damaged: ask the site for a new one")]
    Malformed(&'static str),
    /// The server is not reached over HTTPS.
    #[error(
        "the enrollment link's server {0} does not use https: Tessera only enrolls over a secure connection"
    )]
    Insecure(String),
}

impl EnrollLink {
    /// Reads a link, accepting any case of the scheme and surrounding whitespace.
    pub fn parse(text: &str) -> Result<EnrollLink, LinkError> {
        let url = Url::parse(text.trim()).map_err(|_| LinkError::NotEnrollLink)?;
        let host = url.host_str().unwrap_or("");
        if url.scheme() != "tessera" || !host.eq_ignore_ascii_case("enroll") {
            return Err(LinkError::NotEnrollLink);
        }
        let parameter = |name: &'static str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
                .ok_or(LinkError::Missing(name))
        };
        let version = parameter("v")?;
        match version.parse::<u32>() {
            Ok(PROTOCOL_VERSION) => {}
            Ok(newer) if newer > PROTOCOL_VERSION => return Err(LinkError::NewerVersion(version)),
            Ok(_) => return Err(LinkError::Malformed("version")),
            Err(_) => return Err(LinkError::Malformed("version")),
        }
        let server = origin(&parameter("server")?)?;
        let token = parameter("token")?;
        let fingerprint = parameter("fp")?;
        if !is_base64url(&token, 16..=128) {
            return Err(LinkError::Malformed("token"));
        }
        if !is_base64url(&fingerprint, 43..=43) {
            return Err(LinkError::Malformed("server fingerprint"));
        }
        Ok(EnrollLink {
            server,
            token,
            fingerprint,
        })
    }
}

impl fmt::Display for EnrollLink {
    /// The canonical link, with every value percent-encoded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("v", &PROTOCOL_VERSION.to_string())
            .append_pair("server", &self.server)
            .append_pair("token", &self.token)
            .append_pair("fp", &self.fingerprint)
            .finish();
        write!(f, "tessera://enroll?{query}")
    }
}

impl fmt::Debug for EnrollLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnrollLink")
            .field("server", &self.server)
            .field("token", &"<redacted>")
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

impl EnrollLink {
    /// Checks a server address as a link's `server` must be, and returns its origin.
    pub fn check_origin(text: &str) -> Result<String, LinkError> {
        origin(text)
    }
}

/// Checks a server address and returns its origin (scheme, host and port only).
fn origin(text: &str) -> Result<String, LinkError> {
    let url = Url::parse(text).map_err(|_| LinkError::Malformed("server"))?;
    let host = url.host_str().ok_or(LinkError::Malformed("server"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(LinkError::Malformed("server"));
    }
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(LinkError::Insecure(text.to_string())),
        _ => return Err(LinkError::Malformed("server")),
    }
    if url.path() != "/" && !url.path().is_empty() || url.query().is_some() {
        return Err(LinkError::Malformed("server"));
    }
    Ok(url.origin().ascii_serialization())
}

fn is_base64url(text: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&text.len())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg";

    fn link(server: &str) -> String {
        format!(
            "tessera://enroll?v=1&server={server}&token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&fp={FP}"
        )
    }

    #[test]
    fn a_written_link_reads_back_the_same() {
        let parsed = EnrollLink::parse(&link("https%3A%2F%2Fapprovals.example.com")).unwrap();
        assert_eq!(parsed.server, "https://approvals.example.com");
        assert_eq!(EnrollLink::parse(&parsed.to_string()).unwrap(), parsed);
    }

    #[test]
    fn scheme_case_and_whitespace_are_forgiven() {
        let text = format!(
            "  {}\n",
            link("https://a.example").replace("tessera", "TESSERA")
        );
        assert!(EnrollLink::parse(&text).is_ok());
        let host_case = link("https://a.example").replace("enroll?", "ENROLL?");
        assert!(EnrollLink::parse(&host_case).is_ok());
    }

    #[test]
    fn version_zero_and_credentials_in_the_server_are_refused() {
        assert_eq!(
            EnrollLink::parse(&link("https://a.example").replace("v=1", "v=0")),
            Err(LinkError::Malformed("version"))
        );
        assert_eq!(
            EnrollLink::parse(&link("https://user:pass@a.example")),
            Err(LinkError::Malformed("server"))
        );
    }

    #[test]
    fn plain_http_is_refused_except_on_loopback() {
        assert_eq!(
            EnrollLink::parse(&link("http://approvals.example.com")),
            Err(LinkError::Insecure("http://approvals.example.com".into()))
        );
        let local = EnrollLink::parse(&link("http://127.0.0.1:8080")).unwrap();
        assert_eq!(local.server, "http://127.0.0.1:8080");
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        assert_eq!(
            EnrollLink::parse("otpauth://totp/x?secret=AA"),
            Err(LinkError::NotEnrollLink)
        );
        assert_eq!(
            EnrollLink::parse(&link("https://a.example").replace("v=1", "v=2")),
            Err(LinkError::NewerVersion("2".into()))
        );
        assert_eq!(
            EnrollLink::parse(&link("https://a.example").replace(FP, "short")),
            Err(LinkError::Malformed("server fingerprint"))
        );
        assert_eq!(
            EnrollLink::parse(&link("https://a.example/path")),
            Err(LinkError::Malformed("server"))
        );
        assert_eq!(
            EnrollLink::parse("tessera://enroll?v=1"),
            Err(LinkError::Missing("server"))
        );
    }

    #[test]
    fn debug_hides_the_token() {
        let parsed = EnrollLink::parse(&link("https://a.example")).unwrap();
        assert!(!format!("{parsed:?}").contains("AAAAAAAA"));
    }
}
