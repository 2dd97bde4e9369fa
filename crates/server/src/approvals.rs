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
use crate::{rate_limit, users};

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
}

/// The approvals that match `$condition`, with their account and relying party's name.
macro_rules! approvals_where {
    ($condition:literal) => {
        concat!(
            "SELECT a.id, a.user_id, a.rp_id, a.number, a.mode, a.choices, a.context, a.state, a.reason, \
             a.device_id, a.created_at, a.expires_at, a.decided_at, a.redeemed_at, u.account, r.name AS rp_name \
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
            created_at: seconds(self.created_at),
            expires_at: seconds(self.expires_at),
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
    let fine = |text: &str| text.len() <= 200 && !text.chars().any(char::is_control);
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
            "the context needs a site, and every part must be at most 200 printable characters",
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
    if user.muted_until > now {
        return Err(ApiError::too_many(
            "account_muted",
            "approvals for this account are paused because a sign-in was reported as not the user's",
            seconds_until(user.muted_until, now),
        ));
    }
    let settings = &server.settings;
    if user.denials >= settings.backoff_after_denials {
        let doublings = (user.denials - settings.backoff_after_denials).min(10) as u32;
        let wait_ms = (10_000i64 << doublings).min(900_000);
        let until = user.last_denied_at + wait_ms;
        if until > now {
            return Err(ApiError::too_many(
                "backoff",
                "several sign-ins in a row were denied: wait before trying again",
                seconds_until(until, now),
            ));
        }
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
    let mut superseded = Vec::new();
    for attempt in 0.. {
        let pending = Pending {
            id: id.clone(),
            user_id: user.id.clone(),
            rp_id: party.id.clone(),
            number,
            mode: request.mode,
            choices: choices.map(|choices| serde_json::to_string(&choices).unwrap_or_default()),
            context: context.clone(),
            now,
            expires_at,
        };
        match server.store.write(move |db| pending.insert(db)).await {
            Ok(closed) => {
                superseded = closed;
                break;
            }
            // Another instance inserted a pending approval between our two statements: go again.
            Err(DbError::Unique) if attempt < 3 => continue,
            Err(error) => return Err(error.into()),
        }
    }
    for approval_id in superseded {
        server.bus.publish(Event::Closed { approval_id }).await;
    }
    server
        .bus
        .publish(Event::Created {
            user_id: user.id.clone(),
            approval_id: id.clone(),
        })
        .await;
    wake_devices(server, channels);
    Ok(Created {
        id,
        number,
        mode: request.mode,
        expires_at: seconds(expires_at),
    })
}

/// A new pending approval, about to be written.
struct Pending {
    id: String,
    user_id: String,
    rp_id: String,
    number: u8,
    mode: NumberMode,
    choices: Option<String>,
    context: String,
    now: i64,
    expires_at: i64,
}

impl Pending {
    /// Closes the account's pending approval (superseded, or expired if it had lapsed), inserts
    /// this one and records it; returns the ids of the approvals it closed.
    fn insert<'c>(self, db: &'c mut dyn Sql) -> SqlFuture<'c, Vec<String>> {
        Box::pin(async move {
            let closed = db
                .rows(
                    "UPDATE approvals SET state = CASE WHEN expires_at <= $1 THEN 'expired' ELSE 'superseded' END, decided_at = $1 \
                     WHERE user_id = $2 AND state = 'pending' RETURNING id",
                    &params![self.now, &self.user_id],
                )
                .await?;
            let mode = if self.mode == NumberMode::Choose {
                "choose"
            } else {
                "typed"
            };
            db.run(
                "INSERT INTO approvals (id, user_id, rp_id, number, mode, choices, context, state, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)",
                &params![
                    &self.id,
                    &self.user_id,
                    &self.rp_id,
                    i64::from(self.number),
                    mode,
                    self.choices,
                    self.context,
                    self.now,
                    self.expires_at
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
            closed.iter().map(|row| row.text("id")).collect()
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

/// Wakes the account's devices with content-free pushes, in the background so the site does
/// not wait; an address the push service says is dead is forgotten.
fn wake_devices(server: &Server, channels: Vec<PushChannel>) {
    if channels.is_empty() {
        return;
    }
    let (pushers, pool) = (server.pushers.clone(), server.pool().clone());
    tokio::spawn(async move {
        for channel in channels {
            match pushers.wake(&channel).await {
                Ok(()) => {}
                Err(error) if error.is_unregistered() => {
                    let forgotten = sqlx::query(
                        "UPDATE devices SET push_kind = NULL, push_address = NULL WHERE push_kind = $1 AND push_address = $2",
                    )
                    .bind(channel.kind.as_str())
                    .bind(&channel.address)
                    .execute(&pool)
                    .await;
                    if let Err(error) = forgotten {
                        eprintln!("tessera-server: could not forget a dead push address: {error}");
                    }
                }
                Err(error) => eprintln!(
                    "tessera-server: could not wake a device through {}: {error}",
                    channel.kind.as_str()
                ),
            }
        }
    });
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
        // Re-read at least every second (for expiry, and any event missed).
        let tick = (deadline - now).min(Duration::from_secs(1));
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
    let mute = server.settings.not_me_mute.as_millis() as i64;
    let answered = server
        .store
        .write(move |db| decide(db, body, device_id, user_id, mute))
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

/// Reads the approval, checks the answer against it, and records the decision, the account's
/// run of denials (and its mute, for "this wasn't me") and the audit entry: all or nothing.
fn decide<'c>(
    db: &'c mut dyn Sql,
    body: AnswerBody,
    device_id: String,
    user_id: String,
    mute: i64,
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
        let now = now_ms();
        let decided = db
            .run(
                "UPDATE approvals SET state = $1, reason = $2, device_id = $3, decided_at = $4 \
                 WHERE id = $5 AND state = 'pending' AND expires_at > $4",
                &params![
                    status.as_str(),
                    reason.map(DenyReason::as_str),
                    &device_id,
                    now,
                    &stored.id
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
                    "UPDATE users SET denials = 0 WHERE id = $1",
                    &params![&stored.user_id],
                )
                .await?
            }
            (_, Some(DenyReason::NotMe)) => {
                db.run(
                    "UPDATE users SET denials = denials + 1, last_denied_at = $2, muted_until = $3 WHERE id = $1",
                    &params![&stored.user_id, now, now + mute],
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
