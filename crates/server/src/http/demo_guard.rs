//! What keeps the demo site from being a liability on a real server: it is served only when the
//! server listens on loopback, unless the operator asks for it (`--demo`); its sign-ups and
//! password tries are limited per minute; its Argon2 hashing runs on blocking threads, a few at
//! a time, never on the async workers that serve every other request; and its rows are purged
//! once they are old.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::error::ApiError;
use crate::events::Event;
use crate::rate_limit;
use crate::state::Server;
use crate::time::now_ms;

/// Sign-ups from one address per minute.
const SIGN_UPS_PER_ADDRESS: i64 = 20;
/// Sign-ups from everyone per minute.
const SIGN_UPS_IN_ALL: i64 = 60;
/// Password tries (sign-in and enrollment) for one username per minute.
const TRIES_PER_USERNAME: i64 = 10;
/// Password tries from one address per minute.
const TRIES_PER_ADDRESS: i64 = 30;
/// How long a demo account lives; then it is removed and its devices revoked.
const ACCOUNT_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// How long a demo sign-in is kept.
const SIGN_IN_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// Argon2 hashes that may run at once: each takes 19 MiB and a core for a moment.
pub fn hashing_slots() -> Semaphore {
    Semaphore::new(2)
}

/// Present on a request only when this server serves the demo; otherwise the demo's paths
/// answer as paths that do not exist.
pub struct DemoServed;

impl FromRequestParts<Arc<Server>> for DemoServed {
    type Rejection = ApiError;

    async fn from_request_parts(_: &mut Parts, server: &Arc<Server>) -> Result<Self, ApiError> {
        if server.settings.demo == Some(true) {
            Ok(DemoServed)
        } else {
            Err(ApiError::not_found(
                "no_such_endpoint",
                "there is no such endpoint: see /openapi.json (the demo site is served only on loopback, or with --demo)",
            ))
        }
    }
}

/// Counts a sign-up from `address`; refuses it over the limits.
pub async fn sign_up_allowed(server: &Server, address: &str) -> Result<(), ApiError> {
    hit(
        server,
        [
            (format!("demo-sign-up:{address}"), SIGN_UPS_PER_ADDRESS),
            ("demo-sign-up".to_string(), SIGN_UPS_IN_ALL),
        ],
    )
    .await
}

/// Counts a password try for `username` from `address`; refuses it over the limits.
pub async fn password_try_allowed(
    server: &Server,
    username: &str,
    address: &str,
) -> Result<(), ApiError> {
    hit(
        server,
        [
            (format!("demo-password:{username}"), TRIES_PER_USERNAME),
            (format!("demo-address:{address}"), TRIES_PER_ADDRESS),
        ],
    )
    .await
}

async fn hit(server: &Server, limits: [(String, i64); 2]) -> Result<(), ApiError> {
    let over = server
        .store
        .write(move |db| Box::pin(async move { rate_limit::hit_all(db, &limits).await }))
        .await?;
    match over {
        Some((_, wait)) => Err(ApiError::too_many(
            "too_many_attempts",
            "too many tries in a minute: wait a little, then try again",
            wait,
        )),
        None => Ok(()),
    }
}

/// Runs `hash` (Argon2 over a copy of `password`) on a blocking thread once a slot is free.
pub async fn off_the_workers<T: Send + 'static>(
    server: &Server,
    password: &str,
    hash: impl FnOnce(&str) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let _slot = server.demo_hashing.acquire().await.map_err(|_| {
        ApiError::from(crate::sql::DbError::Failed("the server is stopping".into()))
    })?;
    let password = Zeroizing::new(password.to_string());
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .unwrap_or_else(|error| {
            Err(ApiError::from(crate::sql::DbError::Failed(format!(
                "a password hash stopped: {error}"
            ))))
        })
}

/// Removes demo accounts older than a week (revoking their devices, so that whoever signs up
/// with the name next does not inherit them) and sign-ins older than a day.
pub async fn purge(server: &Server) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let demo = crate::relying_party::demo(server.pool()).await?;
    let mut transaction = server.store.begin().await?;
    let revoked = sqlx::query(
        "UPDATE devices SET revoked_at = $1, push_kind = NULL, push_address = NULL \
         WHERE revoked_at IS NULL AND user_id IN (SELECT u.id FROM users u JOIN demo_users d ON d.username = u.account \
         WHERE u.rp_id = $2 AND d.created_at < $3) RETURNING id",
    )
    .bind(now)
    .bind(&demo.id)
    .bind(now - ACCOUNT_LIFETIME_MS)
    .fetch_all(&mut *transaction)
    .await?;
    sqlx::query("DELETE FROM demo_users WHERE created_at < $1")
        .bind(now - ACCOUNT_LIFETIME_MS)
        .execute(&mut *transaction)
        .await?;
    sqlx::query("DELETE FROM demo_sign_ins WHERE created_at < $1")
        .bind(now - SIGN_IN_LIFETIME_MS)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    for row in revoked {
        let device_id: String = crate::store::column(&row, "id")?;
        server.bus.publish(Event::DeviceGone { device_id }).await;
    }
    Ok(())
}
