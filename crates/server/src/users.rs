//! Accounts: a relying party's user as the server knows them (`alice` at Demo shop), with the
//! state the rules keep about them (muted until, denials in a row).

use sqlx::AnyPool;
use tessera_push::{PushChannel, PushKind};

use crate::ids::new_id;
use crate::params;
use crate::sql::{DbError, Sql};
use crate::store::{column, is_unique_violation};
use crate::time::now_ms;

/// An account.
#[derive(Clone, Debug)]
pub struct User {
    /// The server's id for it.
    pub id: String,
    /// The relying party's name for it.
    pub account: String,
    /// Approvals are muted until then (Unix ms; 0 if not muted).
    pub muted_until: i64,
    /// Denials in a row.
    pub denials: i64,
    /// When the last denial was (Unix ms).
    pub last_denied_at: i64,
    /// Wrong picks in `choose` mode in a row.
    pub wrong_picks: i64,
    /// When the account's pending approval was asked for, if it has one (Unix ms).
    pub pending_since: Option<i64>,
}

/// The columns of a [`User`], for `FROM users u`.
macro_rules! user_columns {
    () => {
        "u.id, u.account, u.muted_until, u.denials, u.last_denied_at, u.wrong_picks, \
         (SELECT max(p.created_at) FROM approvals p WHERE p.user_id = u.id AND p.state = 'pending') AS pending_since"
    };
}

impl User {
    /// What the backoff rules read.
    pub fn record(&self) -> crate::backoff::Record {
        crate::backoff::Record {
            denials: self.denials,
            last_denied_at: self.last_denied_at,
            pending_since: self.pending_since,
        }
    }
}

/// Checks an account name from a relying party.
pub fn valid_account(account: &str) -> bool {
    !account.trim().is_empty() && account.len() <= 200 && crate::shown::displayable(account)
}

/// The account `account` at relying party `rp_id`, if known.
pub async fn find(pool: &AnyPool, rp_id: &str, account: &str) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users u WHERE u.rp_id = $1 AND u.account = $2"
    ))
    .bind(rp_id)
    .bind(account)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok(User {
            id: column(&row, "id")?,
            account: column(&row, "account")?,
            muted_until: column(&row, "muted_until")?,
            denials: column(&row, "denials")?,
            last_denied_at: column(&row, "last_denied_at")?,
            wrong_picks: column(&row, "wrong_picks")?,
            pending_since: column(&row, "pending_since")?,
        })
    })
    .transpose()
}

/// The account, made if new.
pub async fn find_or_create(
    pool: &AnyPool,
    rp_id: &str,
    account: &str,
) -> Result<User, sqlx::Error> {
    if let Some(user) = find(pool, rp_id, account).await? {
        return Ok(user);
    }
    let inserted =
        sqlx::query("INSERT INTO users (id, rp_id, account, created_at) VALUES ($1, $2, $3, $4)")
            .bind(new_id("usr"))
            .bind(rp_id)
            .bind(account)
            .bind(now_ms())
            .execute(pool)
            .await;
    match inserted {
        Ok(_) => {}
        Err(error) if is_unique_violation(&error) => {}
        Err(error) => return Err(error),
    }
    find(pool, rp_id, account)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// The account and its active devices (each with its push address, if it has one), in one
/// query: asking for an approval needs all of it.
pub async fn with_devices(
    db: &mut dyn Sql,
    rp_id: &str,
    account: &str,
) -> Result<Option<(User, Vec<Option<PushChannel>>)>, DbError> {
    let rows = db
        .rows(
            concat!(
                "SELECT ",
                user_columns!(),
                ", d.id AS device_id, d.push_kind, d.push_address \
                 FROM users u LEFT JOIN devices d ON d.user_id = u.id AND d.revoked_at IS NULL \
                 WHERE u.rp_id = $1 AND u.account = $2"
            ),
            &params![rp_id, account],
        )
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let user = User {
        id: first.text("id")?,
        account: first.text("account")?,
        muted_until: first.int("muted_until")?,
        denials: first.int("denials")?,
        last_denied_at: first.int("last_denied_at")?,
        wrong_picks: first.int("wrong_picks")?,
        pending_since: first.opt_int("pending_since")?,
    };
    let mut devices = Vec::new();
    for row in &rows {
        if row.opt_text("device_id")?.is_none() {
            continue;
        }
        let kind = row
            .opt_text("push_kind")?
            .and_then(|kind| PushKind::parse(&kind));
        let address = row.opt_text("push_address")?;
        devices.push(
            kind.zip(address)
                .map(|(kind, address)| PushChannel { kind, address }),
        );
    }
    Ok(Some((user, devices)))
}
