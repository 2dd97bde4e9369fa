//! Rate limits: fixed one-minute windows counted in the database, so every instance of a
//! Postgres deployment counts the same hits.

use sqlx::AnyPool;

use crate::params;
use crate::sql::{DbError, Sql};
use crate::time::now_ms;

const WINDOW_MS: i64 = 60_000;

/// Counts a hit on each bucket in one statement; returns the first bucket that is over its
/// limit (its index, and seconds until its window ends).
pub async fn hit_all(
    db: &mut dyn Sql,
    limits: &[(String, i64); 2],
) -> Result<Option<(usize, u64)>, DbError> {
    let now = now_ms();
    let window = now - now.rem_euclid(WINDOW_MS);
    let rows = db
        .rows(
            "INSERT INTO rate_windows (bucket, window_start, hits) VALUES ($1, $3, 1), ($2, $3, 1) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_windows.hits + 1 \
             RETURNING bucket, hits",
            &params![&limits[0].0, &limits[1].0, window],
        )
        .await?;
    let wait = ((window + WINDOW_MS - now) as u64).div_ceil(1000);
    for (index, (bucket, limit)) in limits.iter().enumerate() {
        for row in &rows {
            if row.text("bucket")? == *bucket && row.int("hits")? > *limit {
                return Ok(Some((index, wait)));
            }
        }
    }
    Ok(None)
}

/// Forgets windows that have ended.
pub async fn sweep(pool: &AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_windows WHERE window_start < $1")
        .bind(now_ms() - 2 * WINDOW_MS)
        .execute(pool)
        .await?;
    Ok(())
}
