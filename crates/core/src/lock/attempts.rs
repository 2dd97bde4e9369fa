//! Wrong tries at unlocking: after [`FREE_TRIES`] in a row, each further try waits, twice as long
//! each time (30 s, 1 min, 2 min … at most an hour). The count is kept in a small file beside
//! the app's settings, so quitting the app does not reset it.
//!
//! This slows down someone guessing at the unlock screen; it is no defence against a copy of the
//! vault file, which is what Argon2id's cost is for (see docs/vault-format.md).

use std::io;
use std::path::{Path, PathBuf};

/// Wrong tries in a row that cost nothing.
pub const FREE_TRIES: u32 = 5;
const FIRST_WAIT_SECONDS: u64 = 30;
const LONGEST_WAIT_SECONDS: u64 = 3600;

/// The wrong tries in a row, and when the last one was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnlockAttempts {
    path: PathBuf,
    failures: u32,
    last_failure: i64,
}

impl UnlockAttempts {
    /// The count kept at `path`. A missing file is no wrong tries; a damaged one counts as
    /// [`FREE_TRIES`] at `now`, so that damaging the file does not buy free tries.
    pub fn load(path: &Path, now: i64) -> UnlockAttempts {
        let (failures, last_failure) = match std::fs::read_to_string(path) {
            Ok(text) => parse(&text).unwrap_or((FREE_TRIES, now)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => (0, 0),
            Err(_) => (FREE_TRIES, now),
        };
        UnlockAttempts {
            path: path.to_path_buf(),
            failures,
            last_failure,
        }
    }

    /// Wrong tries in a row so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Seconds until the next try may be made (0: now).
    pub fn wait(&self, now: i64) -> u64 {
        let delay = delay(self.failures);
        if delay == 0 {
            return 0;
        }
        // A clock set back must not end the wait early, nor stretch it past one delay.
        let since = u64::try_from(now.saturating_sub(self.last_failure)).unwrap_or(0);
        delay.saturating_sub(since)
    }

    /// Records a wrong try at `now`.
    pub fn failed(&mut self, now: i64) -> io::Result<()> {
        self.failures = self.failures.saturating_add(1);
        self.last_failure = now;
        self.save()
    }

    /// The right credential: the count starts again.
    pub fn succeeded(&mut self) -> io::Result<()> {
        if self.failures == 0 {
            return Ok(());
        }
        self.failures = 0;
        self.last_failure = 0;
        match std::fs::remove_file(&self.path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }

    fn save(&self) -> io::Result<()> {
        if let Some(folder) = self.path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let temporary = self.path.with_extension("tmp");
        crate::owner_only::write_file(
            &temporary,
            format!("failures={}\nlast={}\n", self.failures, self.last_failure).as_bytes(),
        )?;
        std::fs::rename(temporary, &self.path)
    }
}

/// The wait after this many wrong tries in a row.
fn delay(failures: u32) -> u64 {
    let over = failures.saturating_sub(FREE_TRIES);
    if failures < FREE_TRIES {
        return 0;
    }
    FIRST_WAIT_SECONDS
        .saturating_mul(1u64.checked_shl(over).unwrap_or(u64::MAX))
        .min(LONGEST_WAIT_SECONDS)
}

fn parse(text: &str) -> Option<(u32, i64)> {
    let mut failures = None;
    let mut last = None;
    for line in text.lines() {
        match line.split_once('=') {
            Some(("failures", value)) => failures = value.parse().ok(),
            Some(("last", value)) => last = value.parse().ok(),
            _ => return None,
        }
    }
    Some((failures?, last?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_tries_are_free_and_then_the_wait_doubles() {
        let waits: Vec<u64> = (0..12).map(delay).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920]);
        assert_eq!(delay(13), 3600);
        assert_eq!(delay(u32::MAX), 3600);
    }

    #[test]
    fn the_count_survives_a_restart_and_ends_with_the_right_password() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("unlock-attempts");
        let mut attempts = UnlockAttempts::load(&path, 1000);
        for _ in 0..FREE_TRIES {
            assert_eq!(attempts.wait(1000), 0);
            attempts.failed(1000).unwrap();
        }
        let restarted = UnlockAttempts::load(&path, 1010);
        assert_eq!(restarted.failures(), FREE_TRIES);
        assert_eq!(restarted.wait(1010), 20);
        assert_eq!(restarted.wait(1030), 0);
        let mut restarted = restarted;
        restarted.succeeded().unwrap();
        assert_eq!(UnlockAttempts::load(&path, 1030).failures(), 0);
        assert!(!path.exists());
    }

    #[test]
    fn a_damaged_count_is_not_a_fresh_start() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("unlock-attempts");
        std::fs::write(&path, "failures=zero\n").unwrap();
        let attempts = UnlockAttempts::load(&path, 500);
        assert_eq!(attempts.failures(), FREE_TRIES);
        assert_eq!(attempts.wait(500), 30);
    }

    #[test]
    fn a_clock_set_back_does_not_end_the_wait() {
        let folder = tempfile::tempdir().unwrap();
        let mut attempts = UnlockAttempts::load(&folder.path().join("count"), 0);
        for _ in 0..FREE_TRIES {
            attempts.failed(10_000).unwrap();
        }
        assert_eq!(attempts.wait(5_000), 30);
    }
}
