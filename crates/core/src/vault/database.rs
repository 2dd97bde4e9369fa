//! The vault's SQLite file: opening it safely, its schema and migrations, and what SQLite's
//! errors mean to the user.
//!
//! Opening reads before it writes: a file that is not a vault, or one from a newer Tessera, is
//! refused before anything in it could change.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::VaultError;
use crate::owner_only;

/// The schema this version of Tessera writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 4;
/// `PRAGMA application_id` of a Tessera vault: "TSRA".
pub const APPLICATION_ID: i64 = 0x5453_5241;
/// How long to wait for another program (the app, or the CLI) that is writing the vault.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Each migration takes the schema from the version before it to its own number.
const MIGRATIONS: [(i64, &str); 4] = [
    (
        1,
        "CREATE TABLE vault (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         vault_id TEXT NOT NULL,
         created_at INTEGER NOT NULL
     );
     CREATE TABLE slots (
         id INTEGER PRIMARY KEY,
         kind TEXT NOT NULL,
         params BLOB NOT NULL,
         wrapped_key BLOB NOT NULL,
         created_at INTEGER NOT NULL
     );
     CREATE TABLE accounts (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         position INTEGER NOT NULL,
         sealed BLOB NOT NULL,
         sealed_version INTEGER NOT NULL,
         created_at INTEGER NOT NULL,
         updated_at INTEGER NOT NULL,
         removed_at INTEGER
     );
     CREATE INDEX accounts_in_order ON accounts (removed_at, position);",
    ),
    (
        2,
        "CREATE TABLE approval_servers (
             id INTEGER PRIMARY KEY AUTOINCREMENT,
             sealed BLOB NOT NULL,
             sealed_version INTEGER NOT NULL,
             created_at INTEGER NOT NULL,
             updated_at INTEGER NOT NULL
         );",
    ),
    // The sealed list of sealed records (`manifest.rs`). It needs the vault key, so it is made
    // at the first unlock, not here.
    (3, "ALTER TABLE vault ADD COLUMN manifest BLOB;"),
    // Automatic backups' settings and the key they are written with, sealed: one row at most.
    (
        4,
        "CREATE TABLE automatic_backups (
             id INTEGER PRIMARY KEY CHECK (id = 1),
             sealed BLOB NOT NULL,
             sealed_version INTEGER NOT NULL,
             updated_at INTEGER NOT NULL
         );",
    ),
];

/// Opens an existing vault file, refusing files that are not vaults or are too new.
pub fn open_existing(path: &Path) -> Result<Connection, VaultError> {
    if !path.exists() {
        return Err(VaultError::NotFound(path.display().to_string()));
    }
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(failed(path))?;
    connection
        .busy_timeout(BUSY_TIMEOUT)
        .map_err(failed(path))?;
    let (application_id, version) = header(&connection, path)?;
    if application_id != APPLICATION_ID {
        return Err(VaultError::NotAVault(path.display().to_string()));
    }
    if version > SCHEMA_VERSION {
        return Err(VaultError::NewerVersion {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    // A vault made by an older Tessera got the umask's mode; make it private to its owner.
    let _ = owner_only::restrict(&owner_only::database_files(path));
    configure(&connection, path)?;
    migrate(&connection, version, path)?;
    Ok(connection)
}

/// Creates a new, empty vault file (its folder too), readable by its owner only. Refuses to
/// touch an existing file.
pub fn create_new(path: &Path) -> Result<Connection, VaultError> {
    if path.exists() {
        return Err(VaultError::AlreadyExists(path.display().to_string()));
    }
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        owner_only::create_folder(folder)
            .map_err(|error| VaultError::Storage(format!("{}: {error}", folder.display())))?;
    }
    // Made here, readable by its owner only, before SQLite opens it: SQLite would create it with
    // the umask's mode, and gives the -wal and -shm files the mode of this one.
    owner_only::create_new_file(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::AlreadyExists => VaultError::AlreadyExists(path.display().to_string()),
        _ => VaultError::Storage(format!("{}: {error}", path.display())),
    })?;
    let opened = (|| {
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(failed(path))?;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(failed(path))?;
        configure(&connection, path)?;
        migrate(&connection, 0, path)?;
        Ok(connection)
    })();
    if opened.is_err() {
        for file in owner_only::database_files(path) {
            let _ = std::fs::remove_file(file);
        }
    }
    opened
}

fn header(connection: &Connection, path: &Path) -> Result<(i64, i64), VaultError> {
    let read = |pragma: &str| {
        connection.query_row(&format!("PRAGMA {pragma}"), [], |row| row.get::<_, i64>(0))
    };
    let application_id = read("application_id").map_err(failed(path))?;
    let version = read("user_version").map_err(failed(path))?;
    Ok((application_id, version))
}

fn configure(connection: &Connection, path: &Path) -> Result<(), VaultError> {
    let mode: String = connection
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(failed(path))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(VaultError::Storage(format!(
            "the vault's folder does not allow a write-ahead log (mode {mode})"
        )));
    }
    connection
        .execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
        )
        .map_err(failed(path))
}

fn migrate(connection: &Connection, from: i64, path: &Path) -> Result<(), VaultError> {
    for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > from) {
        let batch = format!(
            "BEGIN IMMEDIATE; {sql}; PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {version}; COMMIT;"
        );
        if let Err(error) = connection.execute_batch(&batch) {
            let _ = connection.execute_batch("ROLLBACK");
            return Err(from_sqlite(error, path));
        }
    }
    Ok(())
}

/// Starts a write with `BEGIN IMMEDIATE`: the write lock is taken at once, so two programs
/// writing the same vault wait for each other instead of failing halfway.
pub fn begin_write<'c>(
    connection: &'c mut Connection,
    path: &Path,
) -> Result<rusqlite::Transaction<'c>, VaultError> {
    connection
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(failed(path))
}

/// Turns SQLite errors about the file at `path` into vault errors.
pub fn failed(path: &Path) -> impl Fn(rusqlite::Error) -> VaultError + Copy + '_ {
    move |error| from_sqlite(error, path)
}

/// What a SQLite error means to the user.
pub fn from_sqlite(error: rusqlite::Error, path: &Path) -> VaultError {
    match error.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => VaultError::DiskFull,
        Some(ErrorCode::NotADatabase) => VaultError::NotAVault(path.display().to_string()),
        Some(ErrorCode::DatabaseCorrupt) => VaultError::Damaged(path.display().to_string()),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => VaultError::Busy,
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
            VaultError::Storage(format!(
                "{} cannot be opened for writing: check its permissions",
                path.display()
            ))
        }
        _ => VaultError::Storage(error.to_string()),
    }
}
