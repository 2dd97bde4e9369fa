//! Statements run inside one unit of work: a request's reads, or its whole transaction. A unit
//! is written once against [`Sql`] and runs on either database: on SQLite in one trip to the
//! thread that owns the connection ([`crate::sqlite_thread`]), on Postgres as a sqlx
//! transaction ([`Postgres`]).
//!
//! SQL is written in the dialect both databases share, with `$1`-style parameters.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Column, Row as _};

/// What a statement run inside a unit returns.
pub type SqlFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DbError>> + Send + 'a>>;

/// A parameter or a column value. Every column is a 64-bit integer or text; a NULL keeps its
/// type, which Postgres needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// BIGINT, or NULL.
    Int(Option<i64>),
    /// TEXT, or NULL.
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Int(Some(value))
    }
}

impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Value {
        Value::Int(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::Text(Some(value.to_string()))
    }
}

impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::Text(Some(value))
    }
}

impl From<&String> for Value {
    fn from(value: &String) -> Value {
        Value::Text(Some(value.clone()))
    }
}

impl From<Option<&str>> for Value {
    fn from(value: Option<&str>) -> Value {
        Value::Text(value.map(str::to_string))
    }
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Value {
        Value::Text(value)
    }
}

/// The parameters of a statement: `params![a, b]`.
#[macro_export]
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        [$($crate::sql::Value::from($value)),*]
    };
}

/// A row: its columns by name.
#[derive(Clone, Debug)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// A row of `values` under `names`.
    pub fn new(names: Arc<[String]>, values: Vec<Value>) -> Row {
        Row { names, values }
    }

    fn value(&self, name: &str) -> Result<&Value, DbError> {
        self.names
            .iter()
            .position(|column| column == name)
            .and_then(|index| self.values.get(index))
            .ok_or_else(|| DbError::Failed(format!("no column {name} in the result")))
    }

    /// An integer column that may be NULL.
    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, DbError> {
        match self.value(name)? {
            Value::Int(value) => Ok(*value),
            Value::Text(None) => Ok(None),
            Value::Text(Some(_)) => Err(DbError::Failed(format!("column {name} is not a number"))),
        }
    }

    /// A text column that may be NULL.
    pub fn opt_text(&self, name: &str) -> Result<Option<String>, DbError> {
        match self.value(name)? {
            Value::Text(value) => Ok(value.clone()),
            Value::Int(None) => Ok(None),
            Value::Int(Some(_)) => Err(DbError::Failed(format!("column {name} is not text"))),
        }
    }

    /// An integer column.
    pub fn int(&self, name: &str) -> Result<i64, DbError> {
        self.opt_int(name)?
            .ok_or_else(|| DbError::Failed(format!("column {name} is NULL")))
    }

    /// A text column.
    pub fn text(&self, name: &str) -> Result<String, DbError> {
        self.opt_text(name)?
            .ok_or_else(|| DbError::Failed(format!("column {name} is NULL")))
    }
}

/// A database failure inside a unit of work.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint refused the write: a race another writer won, or a replay.
    #[error("a unique constraint refused the write")]
    Unique,
    /// Anything else: shown to operators in logs; API callers get a generic 500.
    #[error("database error: {0}")]
    Failed(String),
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> DbError {
        if crate::store::is_unique_violation(&error) {
            DbError::Unique
        } else {
            DbError::Failed(error.to_string())
        }
    }
}

/// Runs statements inside a unit of work.
pub trait Sql: Send {
    /// Runs a statement and returns its rows (a SELECT, or a write with RETURNING).
    fn rows<'a>(&'a mut self, sql: &'static str, params: &'a [Value]) -> SqlFuture<'a, Vec<Row>>;

    /// Runs a statement and returns how many rows it changed.
    fn run<'a>(&'a mut self, sql: &'static str, params: &'a [Value]) -> SqlFuture<'a, u64>;

    /// The first row, if any.
    fn row<'a>(&'a mut self, sql: &'static str, params: &'a [Value]) -> SqlFuture<'a, Option<Row>> {
        Box::pin(async move { Ok(self.rows(sql, params).await?.into_iter().next()) })
    }
}

/// A unit of work on Postgres, through sqlx: each statement is a round trip.
pub struct Postgres<'c> {
    /// The connection, inside a transaction for units that write.
    pub connection: &'c mut AnyConnection,
}

fn bound<'q>(
    sql: &'static str,
    params: &'q [Value],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    let mut query = sqlx::query(sql);
    for param in params {
        query = match param {
            Value::Int(value) => query.bind(*value),
            Value::Text(value) => query.bind(value.as_deref()),
        };
    }
    query
}

fn from_any(row: &AnyRow, names: &Arc<[String]>) -> Result<Row, DbError> {
    let mut values = Vec::with_capacity(names.len());
    for index in 0..names.len() {
        let value = match row.try_get::<Option<i64>, _>(index) {
            Ok(number) => Value::Int(number),
            Err(_) => Value::Text(row.try_get::<Option<String>, _>(index)?),
        };
        values.push(value);
    }
    Ok(Row::new(names.clone(), values))
}

impl Sql for Postgres<'_> {
    fn rows<'a>(&'a mut self, sql: &'static str, params: &'a [Value]) -> SqlFuture<'a, Vec<Row>> {
        Box::pin(async move {
            let rows = bound(sql, params).fetch_all(&mut *self.connection).await?;
            let Some(first) = rows.first() else {
                return Ok(Vec::new());
            };
            let names: Arc<[String]> = first
                .columns()
                .iter()
                .map(|column| column.name().to_string())
                .collect();
            rows.iter().map(|row| from_any(row, &names)).collect()
        })
    }

    fn run<'a>(&'a mut self, sql: &'static str, params: &'a [Value]) -> SqlFuture<'a, u64> {
        Box::pin(async move {
            Ok(bound(sql, params)
                .execute(&mut *self.connection)
                .await?
                .rows_affected())
        })
    }
}
