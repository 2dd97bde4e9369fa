//! Files only their owner may read: created with mode 0600 on Unix, whatever the umask.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to a new or truncated file at `path` that only its owner can read.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
