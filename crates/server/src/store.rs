//! The server's database: one pool over SQLite (embedded, the default) or Postgres (shared by
//! any number of server instances), the migrations, and the few helpers every part uses.
//!
//! The approval flows (asking, fetching, answering, redeeming, and knowing a device by its
//! message) run as units of work ([`Store::read`], [`Store::write`]). On Postgres a unit is a
//! sqlx transaction. On SQLite it is one trip to a thread that owns a rusqlite connection to the
//! same file ([`crate::sqlite_thread`]): sqlx hands every SQLite statement to a worker thread
//! and back, which on a small machine cost more than the flows' own work (docs/testing.md).
//! Everything else (migrations, enrollment, the admin API, the demo) goes through the sqlx pool;
//! on SQLite that is a second connection, and the two queue for the write lock.
//!
//! Every query is written once, in SQL both databases understand, and bound with `$1`-style
//! parameters. State changes that race (two answers, two redeems) are single conditional
//! `UPDATE`s; changes of several rows are transactions that begin with a write, so SQLite takes
//! its write lock at once instead of failing to upgrade a read.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use tessera_core::owner_only;

use crate::sql::{DbError, Postgres, Sql, SqlFuture};
use crate::sqlite_thread::{Access, SqliteThread};

/// The name of the SQLite database file in the server's data folder.
pub const SQLITE_FILE: &str = "approvals.sqlite3";

/// The SQLite files in `folder` (the database, its write-ahead log and its index) that users
/// other than their owner can read or write. The database holds the server's private signing
/// key, so the server warns about these when it starts.
pub fn sqlite_files_open_to_others(folder: &Path) -> Vec<PathBuf> {
    owner_only::open_to_others(&owner_only::database_files(&folder.join(SQLITE_FILE)))
}

/// The migrations, in order. Each runs once, in a transaction, recorded in `schema_migrations`.
const MIGRATIONS: [(i64, &str); 3] = [
    (1, include_str!("../migrations/0001_approvals.sql")),
    (2, include_str!("../migrations/0002_fatigue.sql")),
    (3, include_str!("../migrations/0003_passwordless.sql")),
];

/// Which database the server runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file, one server instance.
    Sqlite,
    /// Postgres, any number of instances.
    Postgres,
}

/// The database.
#[derive(Clone, Debug)]
pub struct Store {
    /// The connection pool.
    pub pool: AnyPool,
    /// Which database it is.
    pub backend: Backend,
    /// The Postgres address, for the event listener (None on SQLite).
    pub postgres_url: Option<String>,
    /// On SQLite, the thread that runs the approval flows' units of work.
    sqlite: Option<SqliteThread>,
}

/// A database failure. Shown to operators in logs; API callers get a generic 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or migrated.
    #[error("the database could not be opened: {0}")]
    Open(String),
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    /// A unit of work failed.
    #[error("{0}")]
    Work(#[from] DbError),
    /// The client for the server's outgoing requests could not be set up (not the database's
    /// fault, but it stops a start as surely).
    #[error("the HTTP client for outgoing requests could not be set up: {0}")]
    Http(String),
}

impl Store {
    /// Opens (creating if needed) the SQLite database in `folder`.
    pub async fn sqlite(folder: &Path) -> Result<Store, StoreError> {
        owner_only::create_folder(folder)
            .map_err(|error| StoreError::Open(format!("{}: {error}", folder.display())))?;
        let path = folder.join(SQLITE_FILE);
        // The database holds the server's private signing key in the clear: it is made here,
        // readable by its owner only, before SQLite opens it (SQLite would use the umask's mode,
        // and gives the -wal and -shm files the mode of the database file).
        match owner_only::create_new_file(&path) {
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(StoreError::Open(format!("{}: {error}", path.display()))),
        }
        let url = format!("sqlite://{}?mode=rwc", path.display());
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            // An embedded database cannot lose its connection; a ping before every query would
            // be one more trip to SQLite's worker thread each time.
            .test_before_acquire(false)
            .after_connect(|connection, _| {
                Box::pin(async move {
                    // WAL lets readers and the writer work at once; NORMAL sync in WAL mode is
                    // safe against a crashed server (the WAL is synced at checkpoints), and the
                    // busy timeout makes writers queue rather than fail.
                    connection
                        .execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|error| StoreError::Open(format!("{}: {error}", path.display())))?;
        let mut store = Store {
            pool,
            backend: Backend::Sqlite,
            postgres_url: None,
            sqlite: None,
        };
        store.migrate().await?;
        store.sqlite = Some(
            SqliteThread::open(&path)
                .map_err(|error| StoreError::Open(format!("{}: {error}", path.display())))?,
        );
        Ok(store)
    }

    /// Connects to Postgres at `url` (`postgres://user@host/db`).
    pub async fn postgres(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|error| StoreError::Open(format!("Postgres: {error}")))?;
        let store = Store {
            pool,
            backend: Backend::Postgres,
            postgres_url: Some(url.to_string()),
            sqlite: None,
        };
        store.migrate().await?;
        Ok(store)
    }

    /// A sqlx transaction that holds the write lock from its start on SQLite, where the flows'
    /// thread writes through a connection of its own: a transaction that began by reading could
    /// otherwise find that the other connection wrote in between, and fail instead of waiting.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Runs a unit of reads: on SQLite in one trip to its thread, from one snapshot; on
    /// Postgres on one pooled connection, each statement seeing what was committed before it.
    pub async fn read<T, F>(&self, unit: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut dyn Sql) -> SqlFuture<'c, T> + Send + 'static,
    {
        if let Some(thread) = &self.sqlite {
            return thread.run(Access::Read, unit).await;
        }
        let mut connection = self.pool.acquire().await?;
        unit(&mut Postgres {
            connection: &mut connection,
        })
        .await
    }

    /// Runs a unit of work as one transaction: committed if it succeeds, rolled back if it
    /// fails (so a failed unit changes nothing).
    pub async fn write<T, F>(&self, unit: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut dyn Sql) -> SqlFuture<'c, T> + Send + 'static,
    {
        if let Some(thread) = &self.sqlite {
            return thread.run(Access::Write, unit).await;
        }
        let mut transaction = self.pool.begin().await?;
        let outcome = unit(&mut Postgres {
            connection: &mut transaction,
        })
        .await;
        match outcome {
            Ok(value) => {
                transaction.commit().await?;
                Ok(value)
            }
            Err(error) => {
                // The unit's own error is the one to tell; a failed rollback ends with the
                // connection, which sqlx then closes.
                if let Err(rollback) = transaction.rollback().await {
                    eprintln!("tessera-server: rolling back a failed unit of work: {rollback}");
                }
                Err(error)
            }
        }
    }

    /// Brings the schema up to date. Safe when several instances start at once: the version
    /// row is written first, so a second instance waits, then finds it and skips.
    async fn migrate(&self) -> Result<(), StoreError> {
        self.pool
            .execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
            )
            .await
            .map_err(|error| StoreError::Open(format!("migrations: {error}")))?;
        for (version, sql) in MIGRATIONS {
            let mut transaction = self.begin().await?;
            let claimed = sqlx::query(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING",
            )
            .bind(version)
            .bind(crate::time::now_ms())
            .execute(&mut *transaction)
            .await?;
            if claimed.rows_affected() == 0 {
                transaction.rollback().await?;
                continue;
            }
            for statement in statements(sql) {
                transaction
                    .execute(sqlx::AssertSqlSafe(statement))
                    .await
                    .map_err(|error| StoreError::Open(format!("migration {version}: {error}")))?;
            }
            transaction.commit().await?;
        }
        Ok(())
    }
}

/// Splits a migration into statements, leaving out comments.
fn statements(sql: &str) -> Vec<String> {
    let without_comments: String = sql
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    without_comments
        .split(';')
        .map(str::trim)
        .filter(|statement| !statement.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a query failed on a unique constraint (a race another writer won, or a replay).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(database) if database.is_unique_violation())
}

/// Reads a column, mapping a missing or mistyped one to a query error.
pub fn column<'r, T>(row: &'r AnyRow, name: &str) -> Result<T, sqlx::Error>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    sqlx::Row::try_get(row, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_split_into_statements_without_comments() {
        let parts =
            statements("-- a comment;\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX b ON a (x);\n");
        assert_eq!(
            parts,
            vec!["CREATE TABLE a (x TEXT)", "CREATE INDEX b ON a (x)"]
        );
    }
}
