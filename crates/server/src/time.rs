//! The server's clock, in the two units it uses: milliseconds in the database, seconds in the
//! protocol.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

/// Unix milliseconds as Unix seconds (rounded down).
pub fn seconds(ms: i64) -> i64 {
    ms.div_euclid(1000)
}
