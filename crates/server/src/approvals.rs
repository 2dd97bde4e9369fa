//! Approvals: asked for by a relying party, answered by a device, redeemed once.
//!
//! The rules (DESIGN.md): every state change is one conditional `UPDATE … WHERE state =
//! 'pending' AND expires_at > now`, so of two answers exactly one wins; an account has at most
//! one pending approval (a new one supersedes it; a partial unique index makes that hold even
//! between instances); a wrong number is a final deny; "this wasn't me" denies, mutes the account
//! and tells the relying party; rate limits and a backoff after denials in a row; every decision
//! is in the audit log.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tessera_push::message::{self, AnswerBody, Decision, MessageType};
use tessera_push::{Approval, Context, DenyReason, NumberMode, Outcome, PushChannel, Status};
use tokio::sync::broadcast::error::RecvError;

use crate::audit::{self, Entry};
use crate::devices::{self, Device};
use crate::error::ApiError;
use crate::events::Event;
use crate::ids::{new_id, random_in};
use crate::params;
use crate::relying_party::RelyingParty;
use crate::sql::{DbError, Row, Sql, SqlFuture, Value};
use crate::state::Server;
use crate::time::{now_ms, seconds};
use crate::{backoff, rate_limit, users};

/// The longest a relying party may make an approval wait.
const MAX_TTL_SECONDS: u64 = 300;
/// The shortest.
const MIN_TTL_SECONDS: u64 = 15;
/// The longest wait a long-poll may ask for.
pub const MAX_WAIT: Duration = Duration::from_secs(60);

/// A relying party's request for an approval.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApproval {
    /// The account to approve for (as given at enrollment).
    pub account: String,
    /// Where the sign-in comes from.
    pub context: Context,
    /// How the number is matched (`typed`, the default, or `choose`).
    #[serde(default)]
    pub mode: NumberMode,
    /// How long to wait for an answer, 15 to 300 seconds (default 90).
    #[serde(default)]
    pub ttl_seconds: Option<u64>,
    /// The user gave no password ("sign in with Tessera"): the device must verify the user before
    /// approving, and the number is typed (`choose` is refused). The view then says whether it did.
    #[serde(default)]
    pub passwordless: bool,
}

/// What the relying party gets back: show `number` on the sign-in screen.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Created {
    /// The approval's id.
    pub id: String,
    /// The number the user must match.
    pub number: u8,
    /// How it is matched.
    pub mode: NumberMode,
    /// When it lapses (Unix seconds).
    pub expires_at: i64,
    /// Whether the account looks flooded: the approvals before this one were denied or left
    /// unanswered so often in a row that one more brings a backoff, or the account has used more
    /// than half of its daily cap. Someone else may know the password.
    #[serde(default)]
    pub flooded: bool,
    /// Approvals before this one that were denied or left unanswered, in a row (a wrong pick in
    /// `choose` mode counts as two).
    #[serde(default)]
    pub denied_in_a_row: i64,
}

/// An approval as its relying party sees it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApprovalView {
    /// Its id.
    pub id: String,
    /// The account.
    pub account: String,
    /// `pending`, `approved`, `denied`, `expired` or `superseded`.
    pub status: Status,
    /// Why it was denied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<DenyReason>,
    /// The device that answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// When it was asked for (Unix seconds).
    pub created_at: i64,
    /// When it lapses (Unix seconds).
    pub expires_at: i64,
    /// When it was answered (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<i64>,
    /// Whether the result was redeemed.
    pub redeemed: bool,
    /// Asked for without a password.
    pub passwordless: bool,
    /// The device said it verified the user (an unlock or a biometric check) when it approved.
    /// A passwordless approval is approved only so.
    pub user_verified: bool,
}

/// One approval row.
struct Stored {
    id: String,
    user_id: String,
    rp_id: String,
    account: String,
    rp_name: String,
    number: u8,
    mode: NumberMode,
    choices: Option<[u8; 3]>,
    context: Context,
    state: String,
    reason: Option<String>,
    device_id: Option<String>,
    created_at: i64,
    expires_at: i64,
    decided_at: Option<i64>,
    redeemed_at: Option<i64>,
    passwordless: bool,
    user_verified: bool,
}

/// The approvals that match `$condition`, with their account and relying party's name.
macro_rules! approvals_where {
    ($condition:literal) => {
        concat!(
            "SELECT a.id, a.user_id, a.rp_id, a.number, a.mode, a.choices, a.context, a.state, a.reason, \
             a.device_id, a.created_at, a.expires_at, a.decided_at, a.redeemed_at, a.passwordless, a.user_verified, \
             u.account, r.name AS rp_name \
             FROM approvals a JOIN users u ON u.id = a.user_id JOIN relying_parties r ON r.id = a.rp_id WHERE ",
            $condition
        )
    };
}

const BY_ID: &str = approvals_where!("a.id = $1");
const BY_ID_FOR_PARTY: &str = approvals_where!("a.id = $1 AND a.rp_id = $2");
const BY_ID_FOR_USER: &str = approvals_where!("a.id = $1 AND a.user_id = $2");
const PENDING_FOR_USER: &str = approvals_where!(
    "a.user_id = $1 AND a.state = 'pending' AND a.expires_at > $2 ORDER BY a.created_at"
);

fn from_row(row: &Row) -> Result<Stored, DbError> {
    let damaged = |what: &str| DbError::Failed(format!("a stored approval's {what} is damaged"));
    let mode = row.text("mode")?;
    let choices = row.opt_text("choices")?;
    let context = row.text("context")?;
    Ok(Stored {
        id: row.text("id")?,
        user_id: row.text("user_id")?,
        rp_id: row.text("rp_id")?,
        account: row.text("account")?,
        rp_name: row.text("rp_name")?,
        number: u8::try_from(row.int("number")?).map_err(|_| damaged("number"))?,
        mode: if mode == "choose" {
            NumberMode::Choose
        } else {
            NumberMode::Typed
        },
        choices: choices
            .map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|_| damaged("choices"))?,
        context: serde_json::from_str(&context).map_err(|_| damaged("context"))?,
        state: row.text("state")?,
        reason: row.opt_text("reason")?,
        device_id: row.opt_text("device_id")?,
        created_at: row.int("created_at")?,
        expires_at: row.int("expires_at")?,
        decided_at: row.opt_int("decided_at")?,
        redeemed_at: row.opt_int("redeemed_at")?,
        passwordless: row.int("passwordless")? != 0,
        user_verified: row.int("user_verified")? != 0,
    })
}

/// The approval `sql` finds, read inside a unit of work.
async fn find(
    db: &mut dyn Sql,
    sql: &'static str,
    params: &[Value],
) -> Result<Option<Stored>, DbError> {
    db.row(sql, params)
        .await?
        .map(|row| from_row(&row))
        .transpose()
}

impl Stored {
    /// The status as of `now`: a pending approval past its expiry is expired.
    fn status(&self, now: i64) -> Status {
        match Status::parse(&self.state) {
            Some(Status::Pending) if self.expires_at <= now => Status::Expired,
            Some(status) => status,
            None => Status::Expired,
        }
    }

    fn view(&self, now: i64) -> ApprovalView {
        ApprovalView {
            id: self.id.clone(),
            account: self.account.clone(),
            status: self.status(now),
            reason: self.reason.as_deref().and_then(DenyReason::parse),
            device_id: self.device_id.clone(),
            created_at: seconds(self.created_at),
            expires_at: seconds(self.expires_at),
            decided_at: self.decided_at.map(seconds),
            redeemed: self.redeemed_at.is_some(),
            passwordless: self.passwordless,
            user_verified: self.user_verified,
        }
    }

    fn for_device(&self) -> Approval {
        Approval {
            id: self.id.clone(),
            relying_party: self.rp_name.clone(),
            account: self.account.clone(),
            context: self.context.clone(),
            mode: self.mode,
            choices: self.choices,
            options: Vec::new(),
            question: None,
            created_at: seconds(self.created_at),
            expires_at: seconds(self.expires_at),
            passwordless: self.passwordless,
        }
    }
}

/// The approval `sql` finds, in a unit of its own.
async fn load(
    server: &Server,
    sql: &'static str,
    params: Vec<Value>,
) -> Result<Option<Stored>, ApiError> {
    Ok(server
        .store
        .read(move |db| Box::pin(async move { find(db, sql, &params).await }))
        .await?)
}

fn check_context(context: &mut Context) -> Result<(), ApiError> {
    let fine = |text: &str| text.len() <= 200 && crate::shown::displayable(text);
    let optional = [
        &context.application,
        &context.place,
        &context.ip,
        &context.browser,
    ];
    if context.site.trim().is_empty()
        || !fine(&context.site)
        || optional
            .iter()
            .any(|part| part.as_deref().is_some_and(|text| !fine(text)))
    {
        return Err(ApiError::bad_request(
            "invalid_context",
            "the context needs a site, and every part must be at most 200 printable characters, without control, bidirectional or zero-width characters",
        ));
    }
    if context.time == 0 {
        context.time = seconds(now_ms());
    }
    Ok(())
}

/// Asks the account's devices for an approval.
pub async fn create(
    server: &Arc<Server>,
    party: &RelyingParty,
    request: NewApproval,
) -> Result<Created, ApiError> {
    let (server, party) = (server.clone(), party.clone());
    to_the_end(async move { create_now(&server, &party, request).await }).await
}

/// Runs `work` in a task of its own, which a dropped request does not cancel: once an approval
/// is written, the events, wake-ups and webhook that follow it must happen too, even if the
/// caller hung up while its unit of work waited its turn.
async fn to_the_end<T: Send + 'static>(
    work: impl std::future::Future<Output = Result<T, ApiError>> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::spawn(work).await.unwrap_or_else(|error| {
        eprintln!("tessera-server: a request's work stopped: {error}");
        Err(ApiError::from(DbError::Failed(
            "a request's work stopped".into(),
        )))
    })
}

async fn create_now(
    server: &Server,
    party: &RelyingParty,
    mut request: NewApproval,
) -> Result<Created, ApiError> {
    check_context(&mut request.context)?;
    if !matches!(request.mode, NumberMode::Typed | NumberMode::Choose) {
        return Err(ApiError::bad_request(
            "invalid_mode",
            "mode must be typed or choose",
        ));
    }
    if request.passwordless && request.mode == NumberMode::Choose {
        return Err(ApiError::bad_request(
            "invalid_mode",
            "a sign-in without a password needs a typed number: a pick of three is right one time in three",
        ));
    }
    let ttl = request
        .ttl_seconds
        .unwrap_or(server.settings.approval_ttl.as_secs());
    if !(MIN_TTL_SECONDS..=MAX_TTL_SECONDS).contains(&ttl) {
        return Err(ApiError::bad_request(
            "invalid_ttl",
            format!("ttl_seconds must be {MIN_TTL_SECONDS} to {MAX_TTL_SECONDS}"),
        ));
    }
    let (rp_id, account) = (party.id.clone(), request.account.clone());
    let found = server
        .store
        .read(move |db| Box::pin(async move { users::with_devices(db, &rp_id, &account).await }))
        .await?;
    let Some((user, channels)) = found.filter(|(_, devices)| !devices.is_empty()) else {
        return Err(ApiError::conflict(
            "no_device",
            "this account has no enrolled device: enroll one first",
        ));
    };
    let channels: Vec<PushChannel> = channels.into_iter().flatten().collect();
    let now = now_ms();
    let settings = &server.settings;
    if user.muted_until > now {
        let why = if user.wrong_picks >= settings.wrong_picks_before_mute {
            "approvals for this account are paused because wrong numbers were picked on the phone several times in a row"
        } else {
            "approvals for this account are paused because a sign-in was reported as not the user's"
        };
        return Err(ApiError::too_many(
            "account_muted",
            why,
            seconds_until(user.muted_until, now),
        ));
    }
    if let Some(until) = user.record().wait_until(settings)
        && until > now
    {
        return Err(ApiError::too_many(
            "backoff",
            "several sign-ins in a row were denied or went unanswered: wait before trying again",
            seconds_until(until, now),
        ));
    }
    let limits = [
        (format!("user:{}", user.id), settings.account_per_minute),
        (
            format!("rp:{}", party.id),
            settings.relying_party_per_minute,
        ),
    ];
    let over = server
        .store
        .write(move |db| Box::pin(async move { rate_limit::hit_all(db, &limits).await }))
        .await?;
    match over {
        Some((0, wait)) => {
            return Err(ApiError::too_many(
                "too_many_attempts",
                "too many sign-in approvals for this account: wait a minute",
                wait,
            ));
        }
        Some((_, wait)) => {
            return Err(ApiError::too_many(
                "rate_limited",
                "this relying party asked for too many approvals this minute",
                wait,
            ));
        }
        None => {}
    }
    let number = random_in(10, 99);
    let choices = (request.mode == NumberMode::Choose).then(|| three_choices(number));
    let context = serde_json::to_string(&request.context).unwrap_or_default();
    let expires_at = now + (ttl as i64) * 1000;
    let id = new_id("ap");
    let mut inserted = None;
    for attempt in 0.. {
        let pending = Pending {
            id: id.clone(),
            user_id: user.id.clone(),
            rp_id: party.id.clone(),
            number,
            mode: request.mode,
            passwordless: request.passwordless,
            choices: choices.map(|choices| serde_json::to_string(&choices).unwrap_or_default()),
            context: context.clone(),
            now,
            expires_at,
            per_day: settings.account_per_day,
        };
        match server.store.write(move |db| pending.insert(db)).await {
            Ok(done) => {
                inserted = Some(done);
                break;
            }
            // Another instance inserted a pending approval between our two statements: go again.
            Err(DbError::Unique) if attempt < 3 => continue,
            Err(error) => return Err(error.into()),
        }
    }
    let Inserted {
        closed,
        denied_in_a_row,
        asked_today,
    } = match inserted {
        Some(Ok(inserted)) => inserted,
        Some(Err(free_at)) => {
            return Err(ApiError::too_many(
                "daily_limit",
                "this account was asked for sign-in approvals too many times today: try again later",
                seconds_until(free_at, now),
            ));
        }
        None => return Err(DbError::Unique.into()),
    };
    let denied_in_a_row = denied_in_a_row.unwrap_or(user.denials);
    for approval_id in closed {
        server.bus.publish(Event::Closed { approval_id }).await;
    }
    server
        .bus
        .publish(Event::Created {
            user_id: user.id.clone(),
            approval_id: id.clone(),
        })
        .await;
    crate::wakeups::wake(server, channels);
    Ok(Created {
        id,
        number,
        mode: request.mode,
        expires_at: seconds(expires_at),
        flooded: backoff::flooded(settings, denied_in_a_row, asked_today),
        denied_in_a_row,
    })
}

/// A new pending approval, about to be written.
struct Pending {
    id: String,
    user_id: String,
    rp_id: String,
    number: u8,
    mode: NumberMode,
    passwordless: bool,
    choices: Option<String>,
    context: String,
    now: i64,
    expires_at: i64,
    /// The account's daily cap.
    per_day: i64,
}

/// What writing a new approval did.
struct Inserted {
    /// The approvals it closed unanswered.
    closed: Vec<String>,
    /// The account's denials in a row, if closing them changed it.
    denied_in_a_row: Option<i64>,
    /// Approvals for the account in the last 24 hours, this one included.
    asked_today: i64,
}

impl Pending {
    /// Checks the account's daily cap, closes its pending approval (superseded, or expired if it
    /// had lapsed) and counts it as a denial, inserts this one and records it. Over the cap it
    /// writes nothing and says when the oldest approval of the day leaves the window (Unix ms).
    fn insert<'c>(self, db: &'c mut dyn Sql) -> SqlFuture<'c, Result<Inserted, i64>> {
        Box::pin(async move {
            // Counted in the transaction that inserts: of two requests racing for the last place
            // of the day, the unique index on pending approvals makes one fail and start again,
            // and then it counts the other.
            let today = db
                .row(
                    "SELECT count(*) AS n, min(created_at) AS oldest FROM approvals WHERE user_id = $1 AND created_at > $2",
                    &params![&self.user_id, self.now - backoff::DAY_MS],
                )
                .await?;
            let (asked, oldest) = match &today {
                Some(row) => (row.int("n")?, row.opt_int("oldest")?),
                None => (0, None),
            };
            if asked >= self.per_day {
                return Ok(Err(oldest.unwrap_or(self.now) + backoff::DAY_MS));
            }
            let closed = db
                .rows(
                    "UPDATE approvals SET state = CASE WHEN expires_at <= $1 THEN 'expired' ELSE 'superseded' END, decided_at = $1 \
                     WHERE user_id = $2 AND state = 'pending' RETURNING id, created_at",
                    &params![self.now, &self.user_id],
                )
                .await?;
            // Left unanswered: a denial, made when it was asked for.
            let mut denied_in_a_row = None;
            if !closed.is_empty() {
                let mut asked_at = 0;
                for row in &closed {
                    asked_at = asked_at.max(row.int("created_at")?);
                }
                let counted = db
                    .row(
                        "UPDATE users SET denials = denials + $2, \
                         last_denied_at = CASE WHEN last_denied_at > $3 THEN last_denied_at ELSE $3 END \
                         WHERE id = $1 RETURNING denials",
                        &params![&self.user_id, closed.len() as i64, asked_at],
                    )
                    .await?;
                denied_in_a_row = counted.map(|row| row.int("denials")).transpose()?;
            }
            let mode = if self.mode == NumberMode::Choose {
                "choose"
            } else {
                "typed"
            };
            db.run(
                "INSERT INTO approvals (id, user_id, rp_id, number, mode, choices, context, state, created_at, expires_at, passwordless) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10)",
                &params![
                    &self.id,
                    &self.user_id,
                    &self.rp_id,
                    i64::from(self.number),
                    mode,
                    self.choices,
                    self.context,
                    self.now,
                    self.expires_at,
                    i64::from(self.passwordless)
                ],
            )
            .await?;
            audit::record_in(
                db,
                Entry {
                    event: "approval_created",
                    rp_id: Some(&self.rp_id),
                    user_id: Some(&self.user_id),
                    approval_id: Some(&self.id),
                    ..Entry::default()
                },
            )
            .await?;
            Ok(Ok(Inserted {
                closed: closed
                    .iter()
                    .map(|row| row.text("id"))
                    .collect::<Result<_, _>>()?,
                denied_in_a_row,
                asked_today: asked + 1,
            }))
        })
    }
}

/// The right number and two others, in random order.
fn three_choices(number: u8) -> [u8; 3] {
    let mut choices = vec![number];
    while choices.len() < 3 {
        let other = random_in(10, 99);
        if !choices.contains(&other) {
            choices.push(other);
        }
    }
    let first = usize::from(random_in(0, 2));
    choices.swap(0, first);
    [choices[0], choices[1], choices[2]]
}

/// Whole seconds from `now` until `until` (both Unix ms), rounded up: a caller that waits
/// exactly that long is not refused again.
fn seconds_until(until: i64, now: i64) -> u64 {
    ((until - now).max(0) as u64).div_ceil(1000)
}

/// An approval of `rp_id`'s, as it stands.
pub async fn status(server: &Server, rp_id: &str, id: &str) -> Result<ApprovalView, ApiError> {
    load(server, BY_ID_FOR_PARTY, params![id, rp_id].to_vec())
        .await?
        .map(|stored| stored.view(now_ms()))
        .ok_or_else(|| ApiError::not_found("unknown_approval", "no such approval"))
}

/// Waits until the approval is no longer pending, or `timeout` passes.
pub async fn wait(
    server: &Server,
    rp_id: &str,
    id: &str,
    timeout: Duration,
) -> Result<ApprovalView, ApiError> {
    let deadline = tokio::time::Instant::now() + timeout.min(MAX_WAIT);
    let mut events = server.bus.subscribe();
    loop {
        let view = status(server, rp_id, id).await?;
        if view.status != Status::Pending {
            return Ok(view);
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Ok(view);
        }
        // Re-read now and then (every second by default), for expiry and any event missed.
        let tick = (deadline - now).min(server.settings.wait_recheck);
        let _ = tokio::time::timeout(tick, async {
            loop {
                match events.recv().await {
                    Ok(Event::Closed { approval_id }) if approval_id == id => return,
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => return,
                    Err(RecvError::Closed) => std::future::pending::<()>().await,
                }
            }
        })
        .await;
    }
}

/// Redeems the result: once only, and only once it is final.
pub async fn redeem(server: &Server, rp_id: &str, id: &str) -> Result<ApprovalView, ApiError> {
    let now = now_ms();
    let (rp_id, id) = (rp_id.to_string(), id.to_string());
    let (redeemed, stored) = server
        .store
        .write(move |db| {
            Box::pin(async move {
                let redeemed = db
                    .row(
                        "UPDATE approvals SET redeemed_at = $1 WHERE id = $2 AND rp_id = $3 AND redeemed_at IS NULL \
                         AND (state <> 'pending' OR expires_at <= $1) RETURNING user_id",
                        &params![now, &id, &rp_id],
                    )
                    .await?;
                if let Some(row) = &redeemed {
                    audit::record_in(
                        db,
                        Entry {
                            event: "redeemed",
                            rp_id: Some(&rp_id),
                            user_id: Some(&row.text("user_id")?),
                            approval_id: Some(&id),
                            ..Entry::default()
                        },
                    )
                    .await?;
                }
                let stored = find(db, BY_ID_FOR_PARTY, &params![&id, &rp_id]).await?;
                Ok((redeemed.is_some(), stored))
            })
        })
        .await?;
    let view = stored
        .map(|stored| stored.view(now_ms()))
        .ok_or_else(|| ApiError::not_found("unknown_approval", "no such approval"))?;
    if redeemed {
        return Ok(view);
    }
    Err(if view.redeemed {
        ApiError::conflict(
            "already_redeemed",
            "this approval's result was already redeemed: each result counts once",
        )
    } else {
        ApiError::conflict("still_pending", "the approval has not been answered yet")
    })
}

/// The approvals waiting for a device's account, signed for it.
pub async fn pending_for(server: &Server, device: &Device) -> Result<Vec<String>, ApiError> {
    let parameters = params![&device.user_id, now_ms()];
    let rows = server
        .store
        .read(move |db| Box::pin(async move { db.rows(PENDING_FOR_USER, &parameters).await }))
        .await?;
    rows.iter()
        .map(|row| {
            from_row(row)
                .map_err(ApiError::from)
                .and_then(|stored| sign_for(server, device, &stored))
        })
        .collect()
}

/// One approval for a device: only its own account's, only while it is pending.
pub async fn fetch_for(server: &Server, device: &Device, id: &str) -> Result<String, ApiError> {
    let stored = load(
        server,
        BY_ID_FOR_USER,
        params![id, &device.user_id].to_vec(),
    )
    .await?
    .ok_or_else(|| {
        ApiError::not_found(
            "unknown_approval",
            "no such approval for this device's account",
        )
    })?;
    if stored.status(now_ms()) != Status::Pending {
        return Err(closed(&stored));
    }
    sign_for(server, device, &stored)
}

fn sign_for(server: &Server, device: &Device, stored: &Stored) -> Result<String, ApiError> {
    let claims = message::Claims {
        iss: server.settings.origin.clone(),
        aud: device.id.clone(),
        iat: seconds(now_ms()),
        exp: seconds(stored.expires_at),
        jti: stored.id.clone(),
        body: stored.for_device(),
    };
    message::seal(
        &server.key,
        MessageType::Approval,
        &server.key.public_key().thumbprint(),
        &claims,
    )
    .map_err(devices::refused)
}

fn closed(stored: &Stored) -> ApiError {
    let message = match stored.status(now_ms()) {
        Status::Approved => "this sign-in was already approved",
        Status::Denied => "this sign-in was already denied",
        Status::Expired => "this sign-in request has expired: start the sign-in again",
        Status::Superseded => "a newer sign-in request replaced this one",
        Status::Pending => "this sign-in is still waiting",
    };
    ApiError::conflict("approval_closed", message)
}

/// A device's answer. Exactly one answer to an approval wins.
pub async fn answer(
    server: &Arc<Server>,
    device: &Device,
    body: AnswerBody,
) -> Result<Outcome, ApiError> {
    let (server, device) = (server.clone(), device.clone());
    to_the_end(async move { answer_now(&server, &device, body).await }).await
}

async fn answer_now(
    server: &Server,
    device: &Device,
    body: AnswerBody,
) -> Result<Outcome, ApiError> {
    let (device_id, user_id) = (device.id.clone(), device.user_id.clone());
    let penalties = Penalties {
        mute_ms: server.settings.not_me_mute.as_millis() as i64,
        wrong_picks_before_mute: server.settings.wrong_picks_before_mute,
    };
    let answered = server
        .store
        .write(move |db| decide(db, body, device_id, user_id, penalties))
        .await??;
    let (stored, status, reason) = answered;
    server
        .bus
        .publish(Event::Closed {
            approval_id: stored.id.clone(),
        })
        .await;
    if reason == Some(DenyReason::NotMe) {
        crate::not_me::report(
            server,
            &stored.rp_id,
            &stored.account,
            &stored.id,
            &device.id,
        )
        .await;
    }
    Ok(Outcome { status, reason })
}

/// What an answer decided: the approval, its new status and the reason for a denial.
type Decided = (Stored, Status, Option<DenyReason>);

/// What a denial costs the account beyond one more denial in a row.
#[derive(Clone, Copy)]
struct Penalties {
    /// How long "this wasn't me", or too many wrong picks, mute the account (ms).
    mute_ms: i64,
    /// Wrong picks in `choose` mode in a row that mute it.
    wrong_picks_before_mute: i64,
}

/// Reads the approval, checks the answer against it, and records the decision, the account's
/// run of denials (and its mute, for "this wasn't me" and wrong picks) and the audit entry: all
/// or nothing.
fn decide<'c>(
    db: &'c mut dyn Sql,
    body: AnswerBody,
    device_id: String,
    user_id: String,
    penalties: Penalties,
) -> SqlFuture<'c, Result<Decided, ApiError>> {
    Box::pin(async move {
        let Some(stored) = find(db, BY_ID_FOR_USER, &params![&body.approval, &user_id]).await?
        else {
            return Ok(Err(ApiError::not_found(
                "unknown_approval",
                "no such approval for this device's account",
            )));
        };
        let (status, reason) = match (body.decision, body.number, body.reason) {
            (Decision::Approve, Some(number), None) if number == stored.number => {
                (Status::Approved, None)
            }
            (Decision::Approve, Some(_), None) => (Status::Denied, Some(DenyReason::WrongNumber)),
            (Decision::Deny, None, Some(reason @ (DenyReason::Declined | DenyReason::NotMe))) => {
                (Status::Denied, Some(reason))
            }
            _ => {
                return Ok(Err(ApiError::bad_request(
                    "invalid_answer",
                    "approve needs a number and no reason; deny needs the reason declined or not_me and no number",
                )));
            }
        };
        if status == Status::Approved && stored.passwordless && !body.user_verified {
            // Nothing changes: the device may verify the user and answer again.
            return Ok(Err(ApiError::bad_request(
                "user_verification_needed",
                "this sign-in has no password: approve it only after verifying the user on the device (unlock it)",
            )));
        }
        let user_verified = status == Status::Approved && body.user_verified;
        let now = now_ms();
        let decided = db
            .run(
                "UPDATE approvals SET state = $1, reason = $2, device_id = $3, decided_at = $4, user_verified = $6 \
                 WHERE id = $5 AND state = 'pending' AND expires_at > $4",
                &params![
                    status.as_str(),
                    reason.map(DenyReason::as_str),
                    &device_id,
                    now,
                    &stored.id,
                    i64::from(user_verified)
                ],
            )
            .await?;
        if decided == 0 {
            // Another answer, or the clock, came first; say how it stands now.
            let current = find(db, BY_ID, &params![&stored.id])
                .await?
                .unwrap_or(stored);
            return Ok(Err(closed(&current)));
        }
        match (status, reason) {
            (Status::Approved, _) => {
                db.run(
                    "UPDATE users SET denials = 0, wrong_picks = 0 WHERE id = $1",
                    &params![&stored.user_id],
                )
                .await?
            }
            (_, Some(DenyReason::NotMe)) => {
                db.run(
                    "UPDATE users SET denials = denials + 1, wrong_picks = 0, last_denied_at = $2, muted_until = $3 WHERE id = $1",
                    &params![&stored.user_id, now, now + penalties.mute_ms],
                )
                .await?
            }
            // A pick at random is right one time in three: a wrong one weighs more than a wrong
            // typed number, and a few in a row mute the account.
            (_, Some(DenyReason::WrongNumber)) if stored.mode == NumberMode::Choose => {
                db.run(
                    "UPDATE users SET denials = denials + $2, wrong_picks = wrong_picks + 1, last_denied_at = $3, \
                     muted_until = CASE WHEN wrong_picks + 1 >= $4 THEN $5 ELSE muted_until END WHERE id = $1",
                    &params![
                        &stored.user_id,
                        backoff::WRONG_PICK_WEIGHT,
                        now,
                        penalties.wrong_picks_before_mute,
                        now + penalties.mute_ms
                    ],
                )
                .await?
            }
            _ => {
                db.run(
                    "UPDATE users SET denials = denials + 1, last_denied_at = $2 WHERE id = $1",
                    &params![&stored.user_id, now],
                )
                .await?
            }
        };
        audit::record_in(
            db,
            Entry {
                event: if status == Status::Approved {
                    "approved"
                } else {
                    "denied"
                },
                rp_id: Some(&stored.rp_id),
                user_id: Some(&stored.user_id),
                approval_id: Some(&stored.id),
                device_id: Some(&device_id),
                detail: reason.map(DenyReason::as_str),
            },
        )
        .await?;
        Ok(Ok((stored, status, reason)))
    })
}
