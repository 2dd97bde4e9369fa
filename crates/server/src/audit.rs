//! The audit log: every decision and every change to who may approve, one row each, never
//! updated. Operators read it with SQL; the admin API does not change it.

use sqlx::AnyPool;

use crate::ids::new_id;
use crate::params;
use crate::sql::{DbError, Sql};
use crate::time::now_ms;

/// What is being recorded, and about what.
#[derive(Debug, Default)]
pub struct Entry<'a> {
    /// What happened: `approval_created`, `approved`, `denied`, `redeemed`, `device_enrolled`, …
    pub event: &'a str,
    /// The relying party.
    pub rp_id: Option<&'a str>,
    /// The account's user id.
    pub user_id: Option<&'a str>,
    /// The approval.
    pub approval_id: Option<&'a str>,
    /// The device.
    pub device_id: Option<&'a str>,
    /// A short detail (a deny reason, a new name).
    pub detail: Option<&'a str>,
}

const INSERT: &str = "INSERT INTO audit_log (id, at, event, rp_id, user_id, approval_id, device_id, detail) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Appends an entry inside a unit of work.
pub async fn record_in(db: &mut dyn Sql, entry: Entry<'_>) -> Result<(), DbError> {
    db.run(
        INSERT,
        &params![
            new_id("au"),
            now_ms(),
            entry.event,
            entry.rp_id,
            entry.user_id,
            entry.approval_id,
            entry.device_id,
            entry.detail
        ],
    )
    .await?;
    Ok(())
}

/// Appends an entry.
pub async fn record<'e, E>(executor: E, entry: Entry<'_>) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(INSERT)
        .bind(new_id("au"))
        .bind(now_ms())
        .bind(entry.event)
        .bind(entry.rp_id)
        .bind(entry.user_id)
        .bind(entry.approval_id)
        .bind(entry.device_id)
        .bind(entry.detail)
        .execute(executor)
        .await?;
    Ok(())
}

/// The number of entries of `event` (for tests and the operator).
pub async fn count(pool: &AnyPool, event: &str) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("SELECT count(*) AS n FROM audit_log WHERE event = $1")
        .bind(event)
        .fetch_one(pool)
        .await?;
    crate::store::column(&row, "n")
}
