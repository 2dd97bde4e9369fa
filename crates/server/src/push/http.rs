//! What every service's HTTP shares: the server's outgoing clients (`outgoing.rs`: timeouts, no
//! redirects, no proxy), and failures put into words without the URL (a UnifiedPush endpoint is itself a credential) or
//! anything else secret.

use std::error::Error;

use url::Url;

use super::PushError;
use super::public_address::{self, InternalAddress};

use crate::outgoing::{CONNECT_TIMEOUT, REQUEST_TIMEOUT};
/// How much of an error answer is read: services explain themselves in far less.
const MAX_ERROR_BODY: usize = 16 * 1024;
/// How much of a service's own reason goes into a message.
const MAX_DETAIL: usize = 200;

pub(super) use crate::outgoing::client;

/// Builds `builder`'s client for `service`.
pub(super) fn build(
    builder: reqwest::ClientBuilder,
    service: &'static str,
) -> Result<reqwest::Client, PushError> {
    builder.build().map_err(|err| {
        PushError::Failed(format!(
            "could not set up the HTTP client for {service}: {}",
            causes(&err.without_url())
        ))
    })
}

/// A request to `service` that got no answer, in words.
pub(super) fn unreachable(service: &'static str, err: reqwest::Error) -> PushError {
    let mut source: Option<&(dyn Error + 'static)> = Some(&err);
    while let Some(cause) = source {
        if let Some(internal) = cause.downcast_ref::<InternalAddress>() {
            return PushError::AddressRefused {
                service,
                reason: internal.to_string(),
            };
        }
        source = cause.source();
    }
    let detail = if err.is_timeout() {
        format!(
            "no answer within {} s",
            if err.is_connect() {
                CONNECT_TIMEOUT.as_secs()
            } else {
                REQUEST_TIMEOUT.as_secs()
            }
        )
    } else {
        causes(&err.without_url())
    };
    PushError::Unreachable { service, detail }
}

/// An error and its causes, joined, each said once.
fn causes(err: &(dyn Error + 'static)) -> String {
    let mut said: Vec<String> = Vec::new();
    let mut source = Some(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !said.iter().any(|earlier| earlier.contains(&text)) {
            said.push(text);
        }
        source = cause.source();
    }
    said.join(": ")
}

/// The start of an error answer's body; whatever arrived if the rest did not.
pub(super) async fn error_body(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() >= MAX_ERROR_BODY {
            body.truncate(MAX_ERROR_BODY);
            break;
        }
    }
    body
}

/// A service's own reason (its parts joined), fit for a log line: one short line, with the
/// device's `address` (which the service may echo) taken out.
pub(super) fn detail(parts: &[&str], address: &str) -> String {
    let parts: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|part| !part.is_empty())
        .collect();
    let reason = parts.join(": ");
    let reason = if address.is_empty() {
        reason
    } else {
        reason.replace(address, "<device address>")
    };
    let line: String = reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_DETAIL)
        .collect();
    match line.trim() {
        "" => "no reason given".into(),
        line => line.into(),
    }
}

/// Refuses a configured `url` that would carry credentials in the clear: `https://`, or
/// `http://` to a loopback address (a local proxy, or a test).
pub(super) fn https_or_loopback(url: &Url, flag: &str) -> Result<(), PushError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if public_address::is_loopback_literal(url) => Ok(()),
        _ => Err(PushError::Config(format!(
            "{flag} must be an https:// URL (plain http:// only to a loopback address such as \
             127.0.0.1)"
        ))),
    }
}

/// A service's base URL without its trailing `/`: `configured`, or `default` when the settings
/// were not made by clap, and checked as [`https_or_loopback`] does.
pub(super) fn base_url(
    configured: Option<&Url>,
    default: &str,
    flag: &str,
) -> Result<String, PushError> {
    let url = match configured {
        Some(url) => url.clone(),
        None => Url::parse(default)
            .map_err(|_| PushError::Failed(format!("the default for {flag} is not a URL")))?,
    };
    https_or_loopback(&url, flag)?;
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// What a plain push service's answer says: delivered; the address is dead (a status in `dead`);
/// or refused, with the status's standard reason (the body is not read: it is the service's).
pub(super) fn outcome(
    service: &'static str,
    status: reqwest::StatusCode,
    dead: &[u16],
) -> Result<(), PushError> {
    if status.is_success() {
        Ok(())
    } else if dead.contains(&status.as_u16()) {
        Err(PushError::Unregistered(service))
    } else {
        Err(PushError::Rejected {
            service,
            status: status.as_u16(),
            detail: status
                .canonical_reason()
                .unwrap_or("no reason given")
                .into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_hides_the_device_address_and_keeps_one_line() {
        assert_eq!(
            detail(&["INVALID_ARGUMENT", "bad token abc123\nretry"], "abc123"),
            "INVALID_ARGUMENT: bad token <device address> retry"
        );
        assert_eq!(detail(&["", "  "], "abc"), "no reason given");
        assert_eq!(detail(&[&"x".repeat(500)], "").len(), MAX_DETAIL);
    }
}
