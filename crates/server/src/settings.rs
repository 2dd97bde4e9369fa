//! The rules a server runs with: how long things live and how often they may happen.

use std::time::Duration;

/// The server's rules. Every field has the default DESIGN.md gives.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The origin devices and sites reach the server at (`https://approvals.example.com`).
    pub origin: String,
    /// How long an approval waits for an answer.
    pub approval_ttl: Duration,
    /// How long an enrollment link stays valid.
    pub enrollment_ttl: Duration,
    /// How long approvals for an account are muted after "this wasn't me".
    pub not_me_mute: Duration,
    /// Approvals one account may be asked for per minute.
    pub account_per_minute: i64,
    /// Approvals one relying party may ask for per minute.
    pub relying_party_per_minute: i64,
    /// Denials in a row after which an account must wait before the next approval (the wait
    /// doubles with each further denial, up to 15 minutes). Approvals left unanswered count as
    /// denials, wrong picks in `choose` mode as two (see [`crate::backoff`]).
    pub backoff_after_denials: i64,
    /// Approvals one account may be asked for in any 24 hours.
    pub account_per_day: i64,
    /// Wrong picks in `choose` mode in a row after which the account is muted (as long as after
    /// "this wasn't me").
    pub wrong_picks_before_mute: i64,
    /// Whether a proxy in front of the server sets `X-Forwarded-For`, so that the demo takes a
    /// sign-in's address from it instead of the connection (which is the proxy's). Off: anyone
    /// can send that header.
    pub trust_forwarded_for: bool,
    /// Devices one account may have enrolled at once (revoked ones do not count).
    pub devices_per_account: i64,
    /// Wake-ups one server instance sends to one UnifiedPush host per minute.
    pub wakeups_per_host_per_minute: i64,
    /// Whether to serve the demo sign-in site; None: only when listening on loopback (decided
    /// when the server starts).
    pub demo: Option<bool>,
    /// How often a device's open event stream reads whether the device was revoked, in case
    /// the event that says so was lost.
    pub stream_recheck: Duration,
    /// How often a waiting long-poll reads its approval again, for its expiry and in case the
    /// event that closed it was lost.
    pub wait_recheck: Duration,
    /// Timeouts and caps on connections.
    pub connections: crate::serve::Limits,
}

impl Settings {
    /// The defaults, for a server reached at `origin`.
    pub fn new(origin: String) -> Settings {
        Settings {
            origin,
            approval_ttl: Duration::from_secs(90),
            enrollment_ttl: Duration::from_secs(600),
            not_me_mute: Duration::from_secs(15 * 60),
            account_per_minute: 10,
            relying_party_per_minute: 6000,
            backoff_after_denials: 3,
            account_per_day: 50,
            wrong_picks_before_mute: 2,
            trust_forwarded_for: false,
            devices_per_account: 10,
            wakeups_per_host_per_minute: 120,
            demo: None,
            stream_recheck: Duration::from_secs(30),
            wait_recheck: Duration::from_secs(1),
            connections: crate::serve::Limits::default(),
        }
    }
}
