//! The app's own log of what it did (connections to approval servers, sign-ins arriving and how
//! they were answered, failures), kept on the device so that the user can look at it in Settings
//! or export it when asking for help. Nothing leaves the device unless the user exports it.
//!
//! What is written is chosen by the callers from fixed words, server origins and error codes: never
//! a secret, a code, an approval's number, an account's or a user's name. The file is readable by
//! its owner only and stays small: past [`MAX_BYTES`] it moves aside (one older file is kept).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How large the log grows before it moves aside.
pub const MAX_BYTES: u64 = 256 * 1024;

/// The log.
#[derive(Default)]
pub struct ActivityLog {
    path: Mutex<Option<PathBuf>>,
}

impl ActivityLog {
    /// Keeps the log in this file.
    pub fn set_path(&self, path: PathBuf) {
        if let Ok(mut slot) = self.path.lock() {
            *slot = Some(path);
        }
    }

    /// Writes one line, with the time. A log that cannot be written is no reason to fail.
    pub fn record(&self, what: &str) {
        let Ok(path) = self.path.lock() else {
            return;
        };
        if let Some(path) = path.as_deref() {
            let _ = append(path, &format!("{} {what}\n", timestamp()));
        }
    }

    /// The whole log, oldest first (the older file, then the current one).
    pub fn read(&self) -> String {
        let path = self.path.lock().ok().and_then(|path| path.clone());
        let Some(path) = path else {
            return String::new();
        };
        let older = std::fs::read_to_string(older_file(&path)).unwrap_or_default();
        older + &std::fs::read_to_string(&path).unwrap_or_default()
    }

    /// Writes the whole log to `to` (a file the user chose), readable by its owner only.
    pub fn export(&self, to: &Path) -> std::io::Result<()> {
        let mut file = owner_only().truncate(true).open(to)?;
        file.write_all(self.read().as_bytes())?;
        file.sync_all()
    }
}

fn append(path: &Path, line: &str) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|file| file.len() + line.len() as u64 > MAX_BYTES) {
        std::fs::rename(path, older_file(path))?;
    }
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    owner_only()
        .append(true)
        .open(path)?
        .write_all(line.as_bytes())
}

fn older_file(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".1");
    PathBuf::from(name)
}

fn owner_only() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Now, as `2026-12-03 11:30:00Z`.
fn timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kept_in_order_and_the_log_stays_small() {
        let folder = tempfile::tempdir().unwrap();
        let log = ActivityLog::default();
        log.set_path(folder.path().join("activity.log"));
        log.record("first");
        log.record("second");
        let text = log.read();
        assert!(text.find(" first\n").unwrap() < text.find(" second\n").unwrap());
        let line = "x".repeat(1000);
        for _ in 0..600 {
            log.record(&line);
        }
        let current = std::fs::metadata(folder.path().join("activity.log")).unwrap();
        let older = std::fs::metadata(folder.path().join("activity.log.1")).unwrap();
        assert!(current.len() <= MAX_BYTES && older.len() <= MAX_BYTES);
        assert!(!log.read().contains(" first\n"), "the oldest lines went");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(current.permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn an_export_is_the_whole_log_for_the_owner_only() {
        let folder = tempfile::tempdir().unwrap();
        let log = ActivityLog::default();
        log.set_path(folder.path().join("activity.log"));
        log.record("connected to https://approvals.example.com");
        let exported = folder.path().join("exported.log");
        log.export(&exported).unwrap();
        assert_eq!(std::fs::read_to_string(&exported).unwrap(), log.read());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&exported).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_log_without_a_place_records_nothing_and_fails_nothing() {
        let log = ActivityLog::default();
        log.record("nowhere");
        assert_eq!(log.read(), "");
    }
}
