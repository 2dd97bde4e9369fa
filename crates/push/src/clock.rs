//! The device's clock against the servers': codes and approvals fail when a phone's clock is
//! wrong, and a user cannot tell why. Every server answer carries the server's time in its `Date`
//! header; the client keeps the last comparison, so the app can warn without ever asking a server
//! for this alone.

use std::time::{SystemTime, UNIX_EPOCH};

/// Past this many seconds apart, codes and approvals start to fail: the app warns.
pub const CLOCK_TOLERANCE_SECONDS: i64 = 30;

/// How this device's clock compared with a server's when it last answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockReading {
    /// The server's origin.
    pub server: String,
    /// The server's time minus the device's, in seconds: positive when the device is behind.
    pub offset_seconds: i64,
    /// When it was read, by the device's clock (Unix seconds).
    pub read_at: i64,
}

impl ClockReading {
    /// Reads a `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`) against the device's time `now`.
    pub fn from_date(server: &str, date: &str, now: SystemTime) -> Option<ClockReading> {
        let server_time = httpdate::parse_http_date(date).ok()?;
        let seconds = |time: SystemTime| {
            time.duration_since(UNIX_EPOCH)
                .ok()
                .and_then(|since| i64::try_from(since.as_secs()).ok())
        };
        let (server_seconds, device_seconds) = (seconds(server_time)?, seconds(now)?);
        Some(ClockReading {
            server: server.to_string(),
            offset_seconds: server_seconds - device_seconds,
            read_at: device_seconds,
        })
    }

    /// Whether the device's clock is off by more than codes and approvals tolerate.
    pub fn is_off(&self) -> bool {
        self.offset_seconds.abs() > CLOCK_TOLERANCE_SECONDS
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const DATE: &str = "Thu, 03 Dec 2026 11:30:00 GMT";

    fn at(unix: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix)
    }

    #[test]
    fn a_device_behind_the_server_has_a_positive_offset() {
        let server = 1_796_297_400; // DATE
        let reading = ClockReading::from_date("https://a.example", DATE, at(server - 45)).unwrap();
        assert_eq!(reading.offset_seconds, 45);
        assert!(reading.is_off());
        let ahead = ClockReading::from_date("https://a.example", DATE, at(server + 30)).unwrap();
        assert_eq!(ahead.offset_seconds, -30);
        assert!(!ahead.is_off(), "30 s is still within what codes tolerate");
    }

    #[test]
    fn a_date_that_is_not_one_gives_no_reading() {
        assert_eq!(
            ClockReading::from_date("s", "yesterday", SystemTime::now()),
            None
        );
        assert_eq!(ClockReading::from_date("s", "", SystemTime::now()), None);
    }
}
