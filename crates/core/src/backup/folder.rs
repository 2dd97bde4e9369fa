//! The folder automatic backups go into: each file named after the moment it was written (UTC),
//! written whole or not at all, and only the newest few kept.
//!
//! A name is `tessera-2026-12-07T23-59-01Z.tessera-backup`; a second backup in the same second
//! gets `-2`, `-3`… before the extension. Names sort by that time and number, not by the files'
//! modification times, which synced folders and copies change. Only files named so and starting
//! with the backup's magic are ever removed: the folder may be one the user keeps other things in.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::owner_only;

/// How every backup's name starts.
pub const PREFIX: &str = "tessera-";
/// How every backup's name ends (the export's extension too).
pub const EXTENSION: &str = ".tessera-backup";
/// A `.partial` file left by a writer that was killed is removed once it is this old (a younger
/// one may be another program's backup being written).
const STALE_PARTIAL: Duration = Duration::from_secs(60 * 60);
/// Enough of a file to read a backup's header (its magic and its wrapped keys).
pub const HEADER_BYTES: u64 = 1024;

/// A backup in the folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its file name.
    pub name: String,
    /// When it was written, as its name says (Unix seconds, UTC).
    pub written_at: i64,
    /// Its place among backups written in the same second (1 for the first).
    pub sequence: u32,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Why a backup could not be written into the folder, in words the user can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FolderError {
    /// The folder is not there (a drive that is not plugged in, a folder removed).
    #[error(
        "the backup folder {0} is not there: plug in the drive it is on, or choose another folder"
    )]
    Missing(String),
    /// Something other than a folder is at the path.
    #[error("{0} is not a folder: choose a folder for the backups")]
    NotAFolder(String),
    /// The system does not let Tessera write there.
    #[error(
        "Tessera may not write in the backup folder {0}: allow it to, or choose another folder"
    )]
    Denied(String),
    /// The disk the folder is on is full.
    #[error("the disk of the backup folder {0} is full: free some space, or choose another folder")]
    Full(String),
    /// A folder given as a relative path (it would depend on where Tessera was started).
    #[error("the backup folder {0} is not a full path: give it from the root (/…)")]
    Relative(String),
    /// A folder whose path is not text (the vault keeps it as UTF-8).
    #[error("the backup folder's path {0} is not valid text: choose a folder with a plain name")]
    NotText(String),
    /// Anything else the system said.
    #[error("the backup could not be written into {folder}: {detail}")]
    Other {
        /// The folder.
        folder: String,
        /// What the system said.
        detail: String,
    },
}

impl FolderError {
    /// A short name for the kind of failure (the app's catalogues have a message for each).
    pub fn code(&self) -> &'static str {
        match self {
            FolderError::Missing(_) => "missing",
            FolderError::NotAFolder(_) => "not_a_folder",
            FolderError::Denied(_) => "denied",
            FolderError::Full(_) => "full",
            FolderError::Relative(_) => "relative",
            FolderError::NotText(_) => "not_text",
            FolderError::Other { .. } => "other",
        }
    }

    pub(crate) fn from_io(folder: &Path, error: &std::io::Error) -> FolderError {
        use std::io::ErrorKind;
        let shown = folder.display().to_string();
        match error.kind() {
            ErrorKind::NotFound => FolderError::Missing(shown),
            ErrorKind::NotADirectory => FolderError::NotAFolder(shown),
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
                FolderError::Denied(shown)
            }
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => FolderError::Full(shown),
            _ => FolderError::Other {
                folder: shown,
                detail: error.to_string(),
            },
        }
    }
}

/// The name of a backup written at `at` (Unix seconds), the `sequence`-th in that second.
pub fn file_name(at: i64, sequence: u32) -> String {
    let stamp = utc_text(at).replace(':', "-");
    match sequence {
        0 | 1 => format!("{PREFIX}{stamp}{EXTENSION}"),
        n => format!("{PREFIX}{stamp}-{n}{EXTENSION}"),
    }
}

/// When a backup's name says it was written, and its place in that second; `None` for any other
/// name.
pub fn parse_name(name: &str) -> Option<(i64, u32)> {
    let middle = name.strip_prefix(PREFIX)?.strip_suffix(EXTENSION)?;
    let (stamp, sequence) = match middle.split_at_checked(20)? {
        (stamp, "") => (stamp, 1),
        (stamp, rest) => {
            let digits = rest.strip_prefix('-')?;
            if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
                return None;
            }
            let sequence: u32 = digits.parse().ok()?;
            (stamp, sequence.max(2))
        }
    };
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = stamp.get(range)?;
        digits
            .bytes()
            .all(|byte| byte.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let at = days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second;
    // Only a name this module would write (no 31 February, no hour 24).
    (file_name(at, sequence) == name).then_some((at, sequence))
}

/// A moment as `2026-12-07T23:59:01Z`.
pub fn utc_text(at: i64) -> String {
    let (year, month, day) = civil_from_days(at.div_euclid(86_400));
    let second = at.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second / 3_600,
        second % 3_600 / 60,
        second % 60
    )
}

/// The backups in `folder` (by their names), oldest first.
pub fn backups_in(folder: &Path) -> Result<Vec<BackupFile>, FolderError> {
    check_folder(folder)?;
    let entries =
        std::fs::read_dir(folder).map_err(|error| FolderError::from_io(folder, &error))?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Some((written_at, sequence)) = parse_name(&name) else {
            continue;
        };
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        if !metadata.is_file() {
            continue;
        }
        found.push(BackupFile {
            path: entry.path(),
            name,
            written_at,
            sequence,
            bytes: metadata.len(),
        });
    }
    found.sort_by_key(|backup| (backup.written_at, backup.sequence));
    Ok(found)
}

/// Writes a backup into `folder`, named for `at`: to a `.partial` file beside it, synced, then
/// renamed, so that the folder never holds a half-written backup under a backup's name. The
/// folder is not created: a missing one is a drive that is not plugged in.
pub fn write_into(folder: &Path, bytes: &[u8], at: i64) -> Result<BackupFile, FolderError> {
    // After the last backup of that second, not in the first name free: the oldest of that
    // second may have been removed already, and its name must not come back as the newest.
    let after = backups_in(folder)?
        .iter()
        .filter(|backup| backup.written_at == at)
        .map(|backup| backup.sequence)
        .max()
        .unwrap_or(0);
    // Two programs writing in the same second and both finding the same name free is the one
    // race left: the later rename wins, and its backup is as new.
    let (path, name, sequence) = (after + 1..)
        .map(|sequence| {
            let name = file_name(at, sequence);
            (folder.join(&name), name, sequence)
        })
        .find(|(path, _, _)| std::fs::symlink_metadata(path).is_err())
        .unwrap_or_else(|| unreachable!("an unbounded range"));
    owner_only::replace_file(&path, bytes).map_err(|error| FolderError::from_io(folder, &error))?;
    Ok(BackupFile {
        path,
        name,
        written_at: at,
        sequence,
        bytes: bytes.len() as u64,
    })
}

/// Removes the oldest backups so that `keep` remain, `written` (the one just written) always
/// among them, and `.partial` files that killed writers left behind. Only files that are named
/// as backups and start as one are touched. A file that cannot be removed is left (the next
/// backup tries again); the names of those removed are returned.
pub fn keep_newest(folder: &Path, keep: usize, written: &Path) -> Vec<String> {
    let mut removed = Vec::new();
    let Ok(backups) = backups_in(folder) else {
        return removed;
    };
    let others: Vec<&BackupFile> = backups
        .iter()
        .filter(|backup| backup.path != written && starts_as_backup(&backup.path))
        .collect();
    let excess = others.len().saturating_sub(keep.saturating_sub(1));
    for backup in &others[..excess] {
        if std::fs::remove_file(&backup.path).is_ok() {
            removed.push(backup.name.clone());
        }
    }
    remove_stale_partials(folder);
    removed
}

/// The first bytes of a file, enough for a backup's header.
pub fn header_of(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut start = Vec::new();
    std::fs::File::open(path)?
        .take(HEADER_BYTES)
        .read_to_end(&mut start)?;
    Ok(start)
}

fn starts_as_backup(path: &Path) -> bool {
    header_of(path).is_ok_and(|start| super::is_backup(&start))
}

fn remove_stale_partials(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        // `replace_file` names them `<backup name>.<process id>.partial`.
        let Some(backup) = name
            .strip_suffix(".partial")
            .and_then(|rest| rest.rsplit_once('.'))
            .filter(|(_, pid)| !pid.is_empty() && pid.bytes().all(|byte| byte.is_ascii_digit()))
            .map(|(backup, _)| backup)
        else {
            continue;
        };
        let stale = entry
            .metadata()
            .and_then(|metadata| metadata.modified())
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .is_some_and(|age| age > STALE_PARTIAL);
        if parse_name(backup).is_some() && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The folder as the vault keeps it: a full path, as text.
pub fn check_path(folder: &Path) -> Result<&str, FolderError> {
    let text = folder
        .to_str()
        .ok_or_else(|| FolderError::NotText(folder.display().to_string()))?;
    if !folder.is_absolute() {
        return Err(FolderError::Relative(text.to_string()));
    }
    Ok(text)
}

fn check_folder(folder: &Path) -> Result<(), FolderError> {
    check_path(folder)?;
    let metadata =
        std::fs::metadata(folder).map_err(|error| FolderError::from_io(folder, &error))?;
    if !metadata.is_dir() {
        return Err(FolderError::NotAFolder(folder.display().to_string()));
    }
    Ok(())
}

// Days since 1970-01-01 to a date and back, proleptic Gregorian (Howard Hinnant's algorithms).

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_utc_time_and_read_back() {
        // 2026-12-07T23:59:01Z
        let at = 1_796_687_941;
        assert_eq!(utc_text(at), "2026-12-07T23:59:01Z");
        assert_eq!(
            file_name(at, 1),
            "tessera-2026-12-07T23-59-01Z.tessera-backup"
        );
        assert_eq!(
            file_name(at, 3),
            "tessera-2026-12-07T23-59-01Z-3.tessera-backup"
        );
        assert_eq!(parse_name(&file_name(at, 1)), Some((at, 1)));
        assert_eq!(parse_name(&file_name(at, 12)), Some((at, 12)));
        assert_eq!(utc_text(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_text(951_782_400), "2000-02-29T00:00:00Z");
        for at in [0, 951_782_400, 4_102_444_799, 1_234_567_890] {
            assert_eq!(parse_name(&file_name(at, 1)), Some((at, 1)), "{at}");
        }
    }

    #[test]
    fn other_names_are_not_backups() {
        for name in [
            "tessera-2026-02-31T00-00-00Z.tessera-backup",
            "tessera-2026-12-07T24-00-00Z.tessera-backup",
            "tessera-2026-12-07T23-59-01Z-.tessera-backup",
            "tessera-2026-12-07T23-59-01Z-1.tessera-backup",
            "tessera-2026-12-07T23-59-01Z-x.tessera-backup",
            "tessera-2026-12-07T23-59-01Z.tessera-backup.123.partial",
            "tessera-2026-12-07.tessera-backup",
            "notes.txt",
            "tessera-٢٠٢٦-12-07T23-59-01Z.tessera-backup",
        ] {
            assert_eq!(parse_name(name), None, "{name}");
        }
    }

    #[test]
    fn the_oldest_are_removed_and_other_files_are_left_alone() {
        let folder = tempfile::tempdir().unwrap();
        let backup = |at: i64| {
            let mut bytes = super::super::MAGIC.to_vec();
            bytes.extend_from_slice(b"rest");
            write_into(folder.path(), &bytes, at).unwrap()
        };
        for at in [100, 300, 200] {
            backup(at);
        }
        let same_second = backup(300);
        assert_eq!(same_second.sequence, 2);
        // The first of that second removed, its name is not used again.
        std::fs::remove_file(folder.path().join(file_name(300, 1))).unwrap();
        assert_eq!(backup(300).sequence, 3);
        // Named like a backup but not one, and a file of the user's own.
        std::fs::write(folder.path().join(file_name(50, 1)), b"not a backup").unwrap();
        std::fs::write(folder.path().join("notes.txt"), b"mine").unwrap();
        let newest = backup(400);
        let removed = keep_newest(folder.path(), 2, &newest.path);
        assert_eq!(
            removed,
            [file_name(100, 1), file_name(200, 1), file_name(300, 2)]
        );
        let left: Vec<String> = backups_in(folder.path())
            .unwrap()
            .into_iter()
            .map(|file| file.name)
            .collect();
        assert_eq!(
            left,
            [file_name(50, 1), file_name(300, 3), file_name(400, 1)]
        );
        assert!(folder.path().join("notes.txt").exists());
    }

    #[test]
    fn the_one_just_written_is_kept_even_when_the_clock_went_back() {
        let folder = tempfile::tempdir().unwrap();
        for at in [500, 600] {
            write_into(folder.path(), &super::super::MAGIC, at).unwrap();
        }
        let earlier = write_into(folder.path(), &super::super::MAGIC, 100).unwrap();
        keep_newest(folder.path(), 1, &earlier.path);
        let left: Vec<i64> = backups_in(folder.path())
            .unwrap()
            .iter()
            .map(|file| file.written_at)
            .collect();
        assert_eq!(left, [100]);
    }

    #[test]
    fn a_missing_folder_or_a_file_in_its_place_is_named() {
        let folder = tempfile::tempdir().unwrap();
        let gone = folder.path().join("stick");
        assert_eq!(
            write_into(&gone, b"x", 0).unwrap_err(),
            FolderError::Missing(gone.display().to_string())
        );
        std::fs::write(&gone, b"a file").unwrap();
        assert_eq!(
            write_into(&gone, b"x", 0).unwrap_err(),
            FolderError::NotAFolder(gone.display().to_string())
        );
        assert_eq!(
            write_into(Path::new("backups"), b"x", 0)
                .unwrap_err()
                .code(),
            "relative"
        );
    }
}
