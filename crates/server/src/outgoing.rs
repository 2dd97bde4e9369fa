//! The one way the server makes an HTTP client for requests it sends out (push wake-ups, the
//! relay, FCM's token endpoint, the not-me webhook): timeouts, no redirects, no cookies, and no
//! proxy.
//!
//! No proxy, not even one named by `HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY` in the server's
//! environment: through a proxy the server would never resolve the host name itself, so the
//! public-address guard (`push/public_address.rs`) would never see it, and a device could have
//! the proxy POST to `localhost` or a cloud metadata service on the server's behalf.

use std::time::Duration;

/// How long to wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait for a whole exchange.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A client builder with the timeouts, no redirects, no cookies and no proxy.
pub fn client() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("tessera-server/", env!("CARGO_PKG_VERSION")))
}
