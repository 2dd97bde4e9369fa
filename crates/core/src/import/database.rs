//! Other apps' SQLite databases, read from the bytes of a copied file without writing it anywhere.

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroize;

use super::error::ImportError;
use super::found::UnusableReason;

const HEADER: &[u8] = b"SQLite format 3\0";

/// Whether `file` is a SQLite database that mentions a table called `table` (a cheap look at its
/// bytes, for recognising a format; reading opens it properly).
pub(crate) fn has_table(file: &[u8], table: &str) -> bool {
    file.starts_with(HEADER)
        && file
            .windows(table.len())
            .any(|window| window.eq_ignore_ascii_case(table.as_bytes()))
}

/// Whether `file` is a SQLite database whose bytes hold `word` anywhere (a column's name in its
/// schema, say), ignoring case: a cheap look for recognising a format.
pub(crate) fn mentions(file: &[u8], word: &str) -> bool {
    has_table(file, word)
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

/// Opens `app`'s database, or says in the app's name why it cannot be.
pub(crate) fn open_for(app: &'static str, file: &[u8]) -> Result<Connection, ImportError> {
    open(file).map_err(|error| match error {
        OpenError::Cut => ImportError::damaged(app, "the database is cut short"),
        OpenError::Unreadable => ImportError::damaged(app, "it is not a database Tessera can read"),
    })
}

/// One row of a table, its columns by name, for databases whose columns differ between the
/// app's versions. Its texts (secrets among them) are wiped when it is dropped.
pub(crate) struct Record {
    values: Vec<(String, Value)>,
}

impl Record {
    /// Whether the row has the column at all (older versions of an app lack some).
    pub(crate) fn has(&self, column: &str) -> bool {
        self.values
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(column))
    }

    fn value(&self, column: &str) -> Option<&Value> {
        self.values
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(column))
            .map(|(_, value)| value)
    }

    /// A text column; `None` when missing, `NULL` or not text.
    pub(crate) fn text(&self, column: &str) -> Option<&str> {
        match self.value(column) {
            Some(Value::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// A whole-number column; `None` when missing or `NULL`; a number kept as text is read too;
    /// anything else names the column as unusable.
    pub(crate) fn integer(&self, column: &'static str) -> Result<Option<i64>, UnusableReason> {
        let bad = |value: String| UnusableReason::Field {
            name: column,
            value,
        };
        match self.value(column) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Integer(number)) => Ok(Some(*number)),
            Some(Value::Text(text)) => text
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| bad(text.chars().take(24).collect())),
            Some(Value::Real(number)) => Err(bad(number.to_string())),
            Some(Value::Blob(_)) => Err(bad("bytes".to_string())),
        }
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        for (_, value) in &mut self.values {
            match value {
                Value::Text(text) => text.zeroize(),
                Value::Blob(bytes) => bytes.zeroize(),
                _ => {}
            }
        }
    }
}

/// Every row `query` gives, with its columns by name.
pub(crate) fn records(connection: &Connection, query: &str) -> rusqlite::Result<Vec<Record>> {
    let mut statement = connection.prepare(query)?;
    let names: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let rows = statement.query_map([], |row| {
        let values = names
            .iter()
            .enumerate()
            .map(|(index, name)| Ok((name.clone(), row.get::<_, Value>(index)?)))
            .collect::<rusqlite::Result<_>>()?;
        Ok(Record { values })
    })?;
    rows.collect()
}
