//! Other apps' SQLite databases, read from the bytes of a copied file without writing it anywhere.

use rusqlite::{Connection, OpenFlags};

const HEADER: &[u8] = b"SQLite format 3\0";

/// Whether `file` is a SQLite database that mentions a table called `table` (a cheap look at its
/// bytes, for recognising a format; reading opens it properly).
pub(crate) fn has_table(file: &[u8], table: &str) -> bool {
    file.starts_with(HEADER)
        && file
            .windows(table.len())
            .any(|window| window.eq_ignore_ascii_case(table.as_bytes()))
}

/// Why a database cannot be opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// It is shorter than its header says: a copy was cut short.
    Cut,
    /// It is not a database SQLite can read.
    Unreadable,
}

/// Opens a copy of the database in memory, read-only. A database in write-ahead-log mode is
/// read as it is in the main file (what a copy of the file alone holds).
pub(crate) fn open(file: &[u8]) -> Result<Connection, OpenError> {
    if !file.starts_with(HEADER) || file.len() < 100 {
        return Err(OpenError::Unreadable);
    }
    let page_size = match u16::from_be_bytes([file[16], file[17]]) {
        1 => 65_536,
        size => usize::from(size),
    };
    let pages = u32::from_be_bytes([file[28], file[29], file[30], file[31]]) as usize;
    let counts_are_current = file[24..28] == file[92..96];
    if page_size < 512 || !page_size.is_power_of_two() {
        return Err(OpenError::Unreadable);
    }
    if !file.len().is_multiple_of(page_size)
        || (counts_are_current && pages != 0 && file.len() < pages * page_size)
    {
        return Err(OpenError::Cut);
    }
    let mut copy = file.to_vec();
    // Bytes 18 and 19 say "write-ahead log"; an in-memory copy has none, so read it as a plain
    // database (the log's changes are not in the copied file anyway).
    copy[18] = 1;
    copy[19] = 1;
    let mut connection = Connection::open_with_flags(
        ":memory:",
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| OpenError::Unreadable)?;
    let size = copy.len();
    connection
        .deserialize_read_exact("main", copy.as_slice(), size, true)
        .map_err(|_| OpenError::Unreadable)?;
    // A damaged file can open and fail later; check it whole now.
    let fine: String = connection
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(|_| OpenError::Unreadable)?;
    if fine != "ok" {
        return Err(OpenError::Unreadable);
    }
    Ok(connection)
}
