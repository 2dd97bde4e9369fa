//! Waking an account's devices when an approval is asked for: each push address once, no more
//! wake-ups to one UnifiedPush host than a limit a minute, and addresses the push service calls
//! dead forgotten.
//!
//! UnifiedPush endpoints are URLs that devices choose, so without these rules a sign-in could
//! make the server POST to as many addresses of an attacker's choice as the account has devices,
//! and many accounts to one host without end (issue 15). FCM, APNs and the relay are reached at
//! hosts the operator chose and are not limited here.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use tessera_push::{PushChannel, PushKind};

use crate::state::Server;
use crate::time::now_ms;

/// Wake-ups sent to each UnifiedPush host in the current minute, on this instance.
#[derive(Debug, Default)]
pub struct HostLimit {
    counts: Mutex<(i64, HashMap<String, i64>)>,
}

impl HostLimit {
    /// Counts a wake-up to `host`; false if `per_minute` were sent there this minute already.
    pub fn allow(&self, host: &str, per_minute: i64) -> bool {
        let minute = now_ms().div_euclid(60_000);
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if counts.0 != minute {
            *counts = (minute, HashMap::new());
        }
        let sent = counts.1.entry(host.to_ascii_lowercase()).or_insert(0);
        if *sent >= per_minute {
            return false;
        }
        *sent += 1;
        true
    }
}

/// The host a UnifiedPush endpoint would be reached at; None for other kinds, whose hosts the
/// operator chose.
fn limited_host(channel: &PushChannel) -> Option<String> {
    if channel.kind != PushKind::UnifiedPush {
        return None;
    }
    url::Url::parse(&channel.address)
        .ok()
        .and_then(|url| url.host_str().map(str::to_string))
}

/// Wakes the devices at `channels` with content-free pushes, in the background so the site does
/// not wait: each distinct address once, within the per-host limit.
pub fn wake(server: &Server, channels: Vec<PushChannel>) {
    let mut seen = HashSet::new();
    let per_host = server.settings.wakeups_per_host_per_minute;
    let channels: Vec<PushChannel> = channels
        .into_iter()
        .filter(|channel| seen.insert((channel.kind, channel.address.clone())))
        .filter(|channel| match limited_host(channel) {
            Some(host) if !server.wake_limit.allow(&host, per_host) => {
                eprintln!(
                    "tessera-server: not waking a device at {host}: {per_host} wake-ups went to that host this minute"
                );
                false
            }
            _ => true,
        })
        .collect();
    if channels.is_empty() {
        return;
    }
    let (pushers, pool) = (server.pushers.clone(), server.pool().clone());
    tokio::spawn(async move {
        for channel in channels {
            match pushers.wake(&channel).await {
                Ok(()) => {}
                Err(error) if error.is_unregistered() => {
                    let forgotten = sqlx::query(
                        "UPDATE devices SET push_kind = NULL, push_address = NULL WHERE push_kind = $1 AND push_address = $2",
                    )
                    .bind(channel.kind.as_str())
                    .bind(&channel.address)
                    .execute(&pool)
                    .await;
                    if let Err(error) = forgotten {
                        eprintln!("tessera-server: could not forget a dead push address: {error}");
                    }
                }
                Err(error) => eprintln!(
                    "tessera-server: could not wake a device through {}: {error}",
                    channel.kind.as_str()
                ),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::HostLimit;

    #[test]
    fn a_host_gets_at_most_its_limit_a_minute_whatever_its_case() {
        let limit = HostLimit::default();
        assert!(limit.allow("push.example.com", 2));
        assert!(limit.allow("PUSH.example.com", 2));
        assert!(!limit.allow("push.example.com", 2));
        assert!(limit.allow("other.example.com", 2));
    }
}
