//! Relying parties: the sites that ask for approvals. Each has an API key, stored only as its
//! hash, and optionally a webhook that hears of "this wasn't me".

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::AnyPool;
use sqlx::any::AnyRow;

use crate::error::ApiError;
use crate::ids::{hash_secret, new_id, random};
use crate::store::column;
use crate::time::now_ms;

/// The name of the relying party behind the demo site.
pub const DEMO: &str = "Demo shop";

/// A relying party.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelyingParty {
    /// Its id.
    pub id: String,
    /// Its name, shown on devices.
    pub name: String,
    /// Where "this wasn't me" is reported, if anywhere.
    pub webhook_url: Option<String>,
}

fn from_row(row: &AnyRow) -> Result<RelyingParty, sqlx::Error> {
    Ok(RelyingParty {
        id: column(row, "id")?,
        name: column(row, "name")?,
        webhook_url: column(row, "webhook_url")?,
    })
}

/// Registers a relying party and returns it with its API key (shown once, stored hashed).
pub async fn create(
    pool: &AnyPool,
    name: &str,
    webhook_url: Option<&str>,
) -> Result<(RelyingParty, String), ApiError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(ApiError::bad_request(
            "invalid_name",
            "a relying party's name must be 1 to 100 characters",
        ));
    }
    if let Some(url) = webhook_url {
        tessera_push::EnrollLink::check_origin(&url_origin(url)).map_err(|_| {
            ApiError::bad_request(
                "invalid_webhook",
                "the webhook must be an https address (or http on this machine's loopback)",
            )
        })?;
    }
    let key = format!("tsk_{}", random(32));
    let party = RelyingParty {
        id: new_id("rp"),
        name: name.to_string(),
        webhook_url: webhook_url.map(str::to_string),
    };
    let inserted = sqlx::query(
        "INSERT INTO relying_parties (id, name, key_hash, webhook_url, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&party.id)
    .bind(&party.name)
    .bind(hash_secret(&key))
    .bind(&party.webhook_url)
    .bind(now_ms())
    .execute(pool)
    .await;
    match inserted {
        Ok(_) => Ok((party, key)),
        Err(error) if crate::store::is_unique_violation(&error) => Err(ApiError::conflict(
            "name_taken",
            format!("a relying party named {name} already exists"),
        )),
        Err(error) => Err(error.into()),
    }
}

/// Gives the relying party named `name` a new API key and returns it (shown once, stored
/// hashed). The old key stops working at once for new lookups; an instance that looked it up
/// in the last minute goes on accepting it until its memory of it lapses (see `REMEMBER`).
pub async fn new_key(pool: &AnyPool, name: &str) -> Result<(RelyingParty, String), ApiError> {
    let key = format!("tsk_{}", random(32));
    let mut transaction = pool.begin().await?;
    let replaced = sqlx::query(
        "UPDATE relying_parties SET key_hash = $1 WHERE name = $2 AND key_hash IS NOT NULL \
         RETURNING id, name, webhook_url",
    )
    .bind(hash_secret(&key))
    .bind(name.trim())
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(row) = replaced else {
        transaction.rollback().await?;
        return Err(ApiError::not_found(
            "unknown_relying_party",
            format!(
                "no relying party named {} has an API key: check the name (add-relying-party registers one)",
                name.trim()
            ),
        ));
    };
    let party = from_row(&row)?;
    crate::audit::record(
        &mut *transaction,
        crate::audit::Entry {
            event: "api_key_replaced",
            rp_id: Some(&party.id),
            ..crate::audit::Entry::default()
        },
    )
    .await?;
    transaction.commit().await?;
    Ok((party, key))
}

/// How long a relying party looked up by its key is remembered: this bounds how long a
/// replaced key keeps working on an instance that used it just before.
const REMEMBER: Duration = Duration::from_secs(60);

/// Relying parties recently looked up, by their key's hash: every request of a site carries
/// its key, and the database need not be asked each time.
#[derive(Debug, Default)]
pub struct KeyCache {
    known: Mutex<HashMap<String, (RelyingParty, Instant)>>,
}

impl KeyCache {
    /// The relying party an API key belongs to, from memory or the database.
    pub async fn find(
        &self,
        pool: &AnyPool,
        key: &str,
    ) -> Result<Option<RelyingParty>, sqlx::Error> {
        let hash = hash_secret(key);
        if let Ok(known) = self.known.lock()
            && let Some((party, at)) = known.get(&hash)
            && at.elapsed() < REMEMBER
        {
            return Ok(Some(party.clone()));
        }
        let party = by_key(pool, key).await?;
        if let (Some(party), Ok(mut known)) = (&party, self.known.lock()) {
            if known.len() > 10_000 {
                known.clear();
            }
            known.insert(hash, (party.clone(), Instant::now()));
        }
        Ok(party)
    }
}

/// The scheme, host and port of an address (the part the https rule is about).
fn url_origin(text: &str) -> String {
    url::Url::parse(text)
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_default()
}

/// The relying party an API key belongs to.
pub async fn by_key(pool: &AnyPool, key: &str) -> Result<Option<RelyingParty>, sqlx::Error> {
    sqlx::query("SELECT id, name, webhook_url FROM relying_parties WHERE key_hash = $1")
        .bind(hash_secret(key))
        .fetch_optional(pool)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

/// The demo site's relying party (made on first use; it has no API key: the demo calls the
/// server from inside).
pub async fn demo(pool: &AnyPool) -> Result<RelyingParty, sqlx::Error> {
    sqlx::query(
        "INSERT INTO relying_parties (id, name, key_hash, webhook_url, created_at) VALUES ('rp_demo', $1, NULL, NULL, $2) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(DEMO)
    .bind(now_ms())
    .execute(pool)
    .await?;
    let row = sqlx::query("SELECT id, name, webhook_url FROM relying_parties WHERE id = 'rp_demo'")
        .fetch_one(pool)
        .await?;
    from_row(&row)
}
