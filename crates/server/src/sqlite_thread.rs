//! The thread that owns the SQLite connection for the approval flows. A request hands it a
//! whole unit of work (its reads, or its transaction) and gets the result back: one trip per
//! unit, where a driver with a worker thread per connection makes one per statement. On this
//! kind of machine a trip costs tens of microseconds and a statement a few, so this is what
//! lets SQLite keep up with many flows a second (docs/testing.md has the figures).

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;

use rusqlite::types::ValueRef;

use crate::sql::{DbError, Row, Sql, SqlFuture, Value};

/// One unit of work, run on the thread.
type Job = Box<dyn FnOnce(&mut rusqlite::Connection) + Send>;

/// The handle requests use to reach the thread. The thread ends when every handle is gone.
#[derive(Clone, Debug)]
pub struct SqliteThread {
    jobs: mpsc::Sender<Job>,
}

/// Whether a unit only reads or also writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reads, from one snapshot.
    Read,
    /// A transaction that writes, holding the write lock from its start.
    Write,
}

impl SqliteThread {
    /// Opens `path` (the schema already made) and starts the thread.
    pub fn open(path: &Path) -> Result<SqliteThread, DbError> {
        let connection = rusqlite::Connection::open(path).map_err(failed)?;
        // As the sqlx pool's connection: WAL, NORMAL sync (safe in WAL mode against a crashed
        // server), writers queue rather than fail, and foreign keys are checked.
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                 PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
            )
            .map_err(failed)?;
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("tessera-sqlite".into())
            .spawn(move || {
                let mut connection = connection;
                for job in queue {
                    // A unit that panics fails its own request (its answer is dropped), not
                    // every later one: the thread goes on, its transaction rolled back.
                    let run = std::panic::AssertUnwindSafe(|| job(&mut connection));
                    if std::panic::catch_unwind(run).is_err() && !connection.is_autocommit() {
                        let _ = connection.execute_batch("ROLLBACK");
                    }
                }
            })
            .map_err(|error| DbError::Failed(format!("cannot start the SQLite thread: {error}")))?;
        Ok(SqliteThread { jobs })
    }

    /// Runs `unit` on the thread, in a transaction that commits if it succeeds and rolls back
    /// if it fails.
    pub async fn run<T, F>(&self, access: Access, unit: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut dyn Sql) -> SqlFuture<'c, T> + Send + 'static,
    {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |connection| {
            let _ = done.send(in_transaction(connection, access, unit));
        });
        self.jobs
            .send(job)
            .map_err(|_| DbError::Failed("the SQLite thread has stopped".into()))?;
        result
            .await
            .map_err(|_| DbError::Failed("the SQLite thread dropped a request".into()))?
    }
}

fn in_transaction<T, F>(
    connection: &mut rusqlite::Connection,
    access: Access,
    unit: F,
) -> Result<T, DbError>
where
    F: for<'c> FnOnce(&'c mut dyn Sql) -> SqlFuture<'c, T>,
{
    let begin = match access {
        Access::Read => "BEGIN",
        Access::Write => "BEGIN IMMEDIATE",
    };
    connection.execute_batch(begin).map_err(failed)?;
    let outcome = at_once(unit(&mut Statements { connection }));
    let end = if outcome.is_ok() {
        connection.execute_batch("COMMIT")
    } else {
        connection.execute_batch("ROLLBACK")
    };
    match (outcome, end) {
        (Ok(value), Ok(())) => Ok(value),
        (Err(error), _) => {
            // A failed COMMIT leaves the transaction open; make sure it is not.
            if !connection.is_autocommit() {
                let _ = connection.execute_batch("ROLLBACK");
            }
            Err(error)
        }
        (Ok(_), Err(error)) => {
            if !connection.is_autocommit() {
                let _ = connection.execute_batch("ROLLBACK");
            }
            Err(failed(error))
        }
    }
}

/// The result of a unit's future. Its statements complete as they are called, so it is ready
/// the first time it is polled; a unit that waits on anything else is a mistake, refused.
fn at_once<T>(mut unit: SqlFuture<'_, T>) -> Result<T, DbError> {
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match unit.as_mut().poll(&mut context) {
        std::task::Poll::Ready(outcome) => outcome,
        std::task::Poll::Pending => Err(DbError::Failed(
            "a unit of work waited on something other than SQLite".into(),
        )),
    }
}

/// Statements on the thread's connection, run as they are called.
struct Statements<'c> {
    connection: &'c mut rusqlite::Connection,
}

impl Statements<'_> {
    fn prepared<'s>(
        &'s self,
        sql: &str,
        params: &[Value],
    ) -> Result<rusqlite::CachedStatement<'s>, DbError> {
        let mut statement = self.connection.prepare_cached(sql).map_err(failed)?;
        // Postgres refuses a statement given more or fewer parameters than it has; so does this,
        // so that a mistake shows on SQLite too.
        if statement.parameter_count() != params.len() {
            return Err(DbError::Failed(format!(
                "a statement with {} parameters was given {}",
                statement.parameter_count(),
                params.len()
            )));
        }
        for (number, param) in params.iter().enumerate() {
            // `$1` is a named parameter to SQLite; bind each by its name.
            let Some(index) = statement
                .parameter_index(&format!("${}", number + 1))
                .map_err(failed)?
            else {
                continue;
            };
            let bound = match param {
                Value::Int(value) => statement.raw_bind_parameter(index, value),
                Value::Text(value) => statement.raw_bind_parameter(index, value),
            };
            bound.map_err(failed)?;
        }
        Ok(statement)
    }

    fn all_rows(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let mut statement = self.prepared(sql, params)?;
        let names: Arc<[String]> = statement
            .column_names()
            .into_iter()
            .map(str::to_string)
            .collect();
        let mut rows = statement.raw_query();
        let mut found = Vec::new();
        while let Some(row) = rows.next().map_err(failed)? {
            let mut values = Vec::with_capacity(names.len());
            for index in 0..names.len() {
                values.push(match row.get_ref(index).map_err(failed)? {
                    ValueRef::Null => Value::Int(None),
                    ValueRef::Integer(number) => Value::Int(Some(number)),
                    ValueRef::Text(text) => {
                        Value::Text(Some(String::from_utf8_lossy(text).into_owned()))
                    }
                    ValueRef::Real(_) | ValueRef::Blob(_) => {
                        return Err(DbError::Failed(format!(
                            "column {} holds a value of a kind the server never writes",
                            names[index]
                        )));
                    }
                });
            }
            found.push(Row::new(names.clone(), values));
        }
        Ok(found)
    }

    fn changed(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let mut statement = self.prepared(sql, params)?;
        let changed = statement.raw_execute().map_err(failed)?;
        Ok(changed as u64)
    }
}

impl Sql for Statements<'_> {
    fn rows<'a>(&'a mut self, sql: &'static str, params: &'a [Value]) -> SqlFuture<'a, Vec<Row>> {
        let result = self.all_rows(sql, params);
        Box::pin(std::future::ready(result))
    }

    fn run<'a>(&'a mut self, sql: &'static str, params: &'a [Value]) -> SqlFuture<'a, u64> {
        let result = self.changed(sql, params);
        Box::pin(std::future::ready(result))
    }
}

fn failed(error: rusqlite::Error) -> DbError {
    match &error {
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            DbError::Unique
        }
        _ => DbError::Failed(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Executor;

    use crate::params;
    use crate::sql::DbError;
    use crate::store::Store;

    async fn store_with_table() -> (tempfile::TempDir, Store) {
        let folder = tempfile::tempdir().unwrap();
        let store = Store::sqlite(folder.path()).await.unwrap();
        store
            .pool
            .execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT, note TEXT)")
            .await
            .unwrap();
        (folder, store)
    }

    async fn keys(store: &Store) -> Vec<String> {
        store
            .read(|db| {
                Box::pin(async move {
                    let rows = db.rows("SELECT k FROM t ORDER BY k", &[]).await?;
                    rows.iter().map(|row| row.text("k")).collect()
                })
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_unit_that_fails_changes_nothing() {
        let (_folder, store) = store_with_table().await;
        let failed: Result<(), DbError> = store
            .write(|db| {
                Box::pin(async move {
                    db.run("INSERT INTO t (k, v) VALUES ($1, $2)", &params!["a", 1])
                        .await?;
                    Err(DbError::Failed("the second step failed".into()))
                })
            })
            .await;
        assert!(failed.is_err());
        assert!(keys(&store).await.is_empty());
    }

    #[tokio::test]
    async fn a_unit_that_panics_fails_alone_and_the_thread_goes_on() {
        let (_folder, store) = store_with_table().await;
        let panicked: Result<(), DbError> = store
            .write(|db| {
                Box::pin(async move {
                    db.run("INSERT INTO t (k, v) VALUES ($1, $2)", &params!["a", 1])
                        .await?;
                    panic!("a bug in a unit");
                })
            })
            .await;
        assert!(matches!(panicked, Err(DbError::Failed(_))), "{panicked:?}");
        store
            .write(|db| {
                Box::pin(async move {
                    db.run("INSERT INTO t (k, v) VALUES ($1, $2)", &params!["b", 2])
                        .await?;
                    Ok(())
                })
            })
            .await
            .unwrap();
        assert_eq!(keys(&store).await, ["b"]);
    }

    #[tokio::test]
    async fn parameters_bind_by_number_and_a_duplicate_is_told_apart() {
        let (_folder, store) = store_with_table().await;
        let insert = "INSERT INTO t (note, v, k) VALUES ($3, $2, $1)";
        store
            .write(move |db| {
                Box::pin(async move {
                    db.run(insert, &params!["key", 7, None::<String>]).await?;
                    Ok(())
                })
            })
            .await
            .unwrap();
        let again = store
            .write(move |db| Box::pin(async move { db.run(insert, &params!["key", 8, "x"]).await }))
            .await;
        assert!(matches!(again, Err(DbError::Unique)), "{again:?}");
        let row = store
            .read(|db| Box::pin(async move { db.row("SELECT k, v, note FROM t", &[]).await }))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.text("k").unwrap(), "key");
        assert_eq!(row.int("v").unwrap(), 7);
        assert_eq!(row.opt_text("note").unwrap(), None);
        let short = store
            .write(move |db| Box::pin(async move { db.run(insert, &params!["other", 9]).await }))
            .await;
        assert!(
            matches!(&short, Err(DbError::Failed(message)) if message.contains("3 parameters was given 2")),
            "{short:?}"
        );
    }
}
