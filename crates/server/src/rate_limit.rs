//! Rate limits: fixed one-minute windows counted in the database, so every instance of a
//! Postgres deployment counts the same hits.

use sqlx::AnyPool;

use crate::time::now_ms;

const WINDOW_MS: i64 = 60_000;

/// Counts a hit on `bucket`; returns `Some(seconds until the window ends)` if it is over `limit`.
pub async fn hit(pool: &AnyPool, bucket: &str, limit: i64) -> Result<Option<u64>, sqlx::Error> {
    let now = now_ms();
    let window = now - now.rem_euclid(WINDOW_MS);
    let row = sqlx::query(
        "INSERT INTO rate_windows (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_windows.hits + 1 \
         RETURNING hits",
    )
    .bind(bucket)
    .bind(window)
    .fetch_one(pool)
    .await?;
    let hits: i64 = crate::store::column(&row, "hits")?;
    Ok((hits > limit).then(|| ((window + WINDOW_MS - now) / 1000 + 1) as u64))
}

/// Forgets windows that have ended.
pub async fn sweep(pool: &AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_windows WHERE window_start < $1")
        .bind(now_ms() - 2 * WINDOW_MS)
        .execute(pool)
        .await?;
    Ok(())
}
