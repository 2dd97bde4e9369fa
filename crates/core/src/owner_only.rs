//! Files and folders that only their owner can read: the vault, the server's database, pictures
//! of QR codes that hold secrets.
//!
//! Created the usual way, they get the process's umask, which is 022 on most systems: readable by
//! every user of the machine. These helpers create folders with mode 0700 and files with mode
//! 0600 from the start (not chmod-ed afterwards, which would leave a moment when another user
//! could open them). SQLite gives a database's `-wal` and `-shm` files the mode of the database
//! file itself, so creating the database file here before SQLite opens it covers them too.
//! On other systems than Unix these are the ordinary calls: the user's folders there are private
//! by their access lists.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The mode of files created here.
#[cfg(unix)]
pub const FILE_MODE: u32 = 0o600;
/// The mode of folders created here.
#[cfg(unix)]
pub const FOLDER_MODE: u32 = 0o700;

/// Creates `folder` and any missing parents, each readable by its owner only. Folders that are
/// already there keep their mode.
pub fn create_folder(folder: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, FOLDER_MODE);
    builder.create(folder)
}

/// Creates a new, empty file readable by its owner only; fails if something is already there.
pub fn create_new_file(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options.open(path)
}

/// Writes `bytes` to `path`, replacing what was there. A file that was already there is made
/// readable by its owner only before anything is written to it.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(FILE_MODE))?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Replaces the file at `path` with `bytes` so that it is never half-written: the bytes go to a
/// new owner-only file beside it, which is synced and then renamed over `path`. A crash leaves
/// either the old file or the new one, and at most a stray `.partial` file.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let mut partial = name.to_os_string();
    partial.push(format!(".{}.partial", std::process::id()));
    let partial = path.with_file_name(partial);
    let _ = std::fs::remove_file(&partial);
    let written = create_new_file(&partial).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(error) = written.and_then(|()| std::fs::rename(&partial, path)) {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    #[cfg(unix)]
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        // The rename is durable only once the folder is synced. Some file systems (FUSE mounts of
        // synced folders among them) cannot sync a folder at all: the file itself is synced and
        // in place, so that is not a failure to write it.
        match File::open(folder).and_then(|folder| folder.sync_all()) {
            Err(error)
                if !matches!(
                    error.kind(),
                    io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
                ) =>
            {
                return Err(error);
            }
            _ => {}
        }
    }
    Ok(())
}

/// The SQLite files of the database at `path`: the database, its write-ahead log and its
/// shared-memory index.
pub fn database_files(path: &Path) -> [PathBuf; 3] {
    ["", "-wal", "-shm"].map(|suffix| PathBuf::from(format!("{}{suffix}", path.display())))
}

/// Those of `paths` that exist and that users other than the owner can read or write.
pub fn open_to_others(paths: &[PathBuf]) -> Vec<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        paths
            .iter()
            .filter(|path| {
                std::fs::metadata(path)
                    .is_ok_and(|metadata| metadata.permissions().mode() & 0o077 != 0)
            })
            .cloned()
            .collect()
    }
    #[cfg(not(unix))]
    {
        let _ = paths;
        Vec::new()
    }
}

/// Makes those of `paths` that others can read readable by their owner only (for files an older
/// version created with the umask's mode). Returns those it could not change.
pub fn restrict(paths: &[PathBuf]) -> Vec<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        open_to_others(paths)
            .into_iter()
            .filter(|path| {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(FILE_MODE)).is_err()
            })
            .collect()
    }
    #[cfg(not(unix))]
    {
        let _ = paths;
        Vec::new()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_file_written_over_one_others_could_read_is_made_private_first() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("code.png");
        std::fs::write(&path, b"old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(
            (mode(&path), std::fs::read(&path).unwrap()),
            (0o600, b"new".to_vec())
        );
    }

    #[test]
    fn files_open_to_others_are_found_and_restricted() {
        let folder = tempfile::tempdir().unwrap();
        let [database, wal, shm] = database_files(&folder.path().join("db"));
        std::fs::write(&database, b"").unwrap();
        std::fs::write(&wal, b"").unwrap();
        std::fs::set_permissions(&database, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o600)).unwrap();
        let all = [database.clone(), wal.clone(), shm];
        assert_eq!(open_to_others(&all), vec![database.clone()]);
        assert!(restrict(&all).is_empty());
        assert_eq!(mode(&database), 0o600);
        assert!(open_to_others(&all).is_empty());
    }

    #[test]
    fn a_new_file_is_refused_where_one_exists() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("vault");
        create_new_file(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(
            create_new_file(&path).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
    }
}
