//! Devices: enrolling them, knowing them by their signed messages, and what their owners and
//! relying parties may change (name, push address, revocation).

use axum::http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tessera_push::jws::Unverified;
use tessera_push::message::{self, Claims, EnrollBody, EnrolledBody, MAX_LIFETIME, MessageType};
use tessera_push::{ProtocolError, PublicKey, PushChannel};

use crate::audit::{self, Entry};
use crate::error::ApiError;
use crate::events::Event;
use crate::ids::{hash_secret, new_id};
use crate::params;
use crate::sql::{DbError, Row};
use crate::state::Server;
use crate::store::{column, is_unique_violation};
use crate::time::{now_ms, seconds};

/// A device that proved itself with a signed message.
#[derive(Clone, Debug)]
pub struct Device {
    /// Its id.
    pub id: String,
    /// Its account's user id.
    pub user_id: String,
    /// The account's relying party.
    pub rp_id: String,
    /// The relying party's name.
    pub rp_name: String,
    /// The account at the relying party.
    pub account: String,
}

/// A device as its relying party's admin sees it.
#[derive(Clone, Debug, Serialize)]
pub struct DeviceView {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its key's thumbprint.
    pub thumbprint: String,
    /// The push service it is woken through, if any.
    pub push: Option<String>,
    /// When it was enrolled (Unix seconds).
    pub enrolled_at: i64,
    /// When it last sent a message (Unix seconds).
    pub last_seen_at: i64,
    /// When it was revoked (Unix seconds), if it was.
    pub revoked_at: Option<i64>,
}

/// What a protocol error means as an answer.
pub fn refused(error: ProtocolError) -> ApiError {
    let code = match error {
        ProtocolError::Malformed(_) | ProtocolError::WrongType { .. } | ProtocolError::BadKey => {
            "invalid_message"
        }
        ProtocolError::BadSignature => "bad_signature",
        ProtocolError::WrongAudience(_) => "wrong_audience",
        ProtocolError::Stale => "stale_message",
        _ => "invalid_message",
    };
    let status = if code == "invalid_message" {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNAUTHORIZED
    };
    ApiError::new(status, code, error.to_string())
}

/// Checks a device's signed message of type `kind`: a known, unrevoked device, its signature,
/// our audience, its times, and that its id was never seen before.
pub async fn authenticate<B: DeserializeOwned>(
    server: &Server,
    signed: &str,
    kind: MessageType,
) -> Result<(Device, Claims<B>), ApiError> {
    let message = Unverified::parse(signed).map_err(refused)?;
    let device_id = message.header().kid.clone();
    let wanted = device_id.clone();
    let row = server
        .store
        .read(move |db| {
            Box::pin(async move {
                db.row(
                    "SELECT d.id, d.user_id, d.jwk, d.revoked_at, u.account, u.rp_id, r.name AS rp_name \
                     FROM devices d JOIN users u ON u.id = d.user_id JOIN relying_parties r ON r.id = u.rp_id \
                     WHERE d.id = $1",
                    &params![&wanted],
                )
                .await
            })
        })
        .await?
        .ok_or_else(|| {
            ApiError::unauthorized(
                "unknown_device",
                "this device is not enrolled with this server: enroll it again",
            )
        })?;
    if row.opt_int("revoked_at")?.is_some() {
        return Err(ApiError::unauthorized(
            "device_revoked",
            "this device was removed from the account: enroll it again if that was a mistake",
        ));
    }
    let jwk: PublicKey = serde_json::from_str(&row.text("jwk")?)
        .map_err(|_| ApiError::from(DbError::Failed("a stored device key is damaged".into())))?;
    let now = seconds(now_ms());
    let claims: Claims<B> = message::open(
        &message,
        kind,
        &jwk,
        &server.settings.origin,
        now,
        MAX_LIFETIME,
    )
    .map_err(refused)?;
    if claims.iss != device_id {
        return Err(ApiError::bad_request(
            "invalid_message",
            "the message's sender (iss) is not the key that signed it (kid)",
        ));
    }
    remember_message(server, &device_id, &claims.jti, claims.exp).await?;
    Ok((device_from_row(&row)?, claims))
}

fn device_from_row(row: &Row) -> Result<Device, DbError> {
    Ok(Device {
        id: row.text("id")?,
        user_id: row.text("user_id")?,
        rp_id: row.text("rp_id")?,
        rp_name: row.text("rp_name")?,
        account: row.text("account")?,
    })
}

/// The replay cache: a message id is accepted once per device, kept until the message expires.
async fn remember_message(
    server: &Server,
    device_id: &str,
    jti: &str,
    exp: i64,
) -> Result<(), ApiError> {
    let parameters = params![device_id, jti, (exp + message::CLOCK_SKEW) * 1000];
    let inserted = server
        .store
        .write(move |db| {
            Box::pin(async move {
                db.run(
                    "INSERT INTO seen_messages (device_id, jti, expires_at) VALUES ($1, $2, $3)",
                    &parameters,
                )
                .await
            })
        })
        .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(DbError::Unique) => Err(ApiError::unauthorized(
            "replayed_message",
            "this message was already received once: a replay is refused",
        )),
        Err(error) => Err(error.into()),
    }
}

/// Forgets message ids whose messages have expired (they would be refused as stale anyway).
pub async fn sweep_seen_messages(server: &Server) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM seen_messages WHERE expires_at < $1")
        .bind(now_ms())
        .execute(server.pool())
        .await?;
    Ok(())
}

/// Makes an enrollment link for `account` at relying party `rp_id`.
pub async fn new_enrollment(
    server: &Server,
    rp_id: &str,
    account: &str,
) -> Result<(String, i64), ApiError> {
    if !crate::users::valid_account(account) {
        return Err(ApiError::bad_request(
            "invalid_account",
            "the account name must be 1 to 200 printable characters, without control, bidirectional or zero-width characters",
        ));
    }
    let user = crate::users::find_or_create(server.pool(), rp_id, account).await?;
    let token = crate::ids::random(32);
    let expires_at = now_ms() + server.settings.enrollment_ttl.as_millis() as i64;
    sqlx::query(
        "INSERT INTO enrollment_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(hash_secret(&token))
    .bind(&user.id)
    .bind(expires_at)
    .execute(server.pool())
    .await?;
    let link = tessera_push::EnrollLink {
        server: server.settings.origin.clone(),
        token,
        fingerprint: server.key.public_key().thumbprint(),
    };
    Ok((link.to_string(), seconds(expires_at)))
}

/// Enrolls a device from its signed enrollment message: the token is used up and the device
/// added in one transaction.
pub async fn enroll(
    server: &Server,
    signed: &str,
) -> Result<tessera_push::wire::Enrolled, ApiError> {
    let message = Unverified::parse(signed).map_err(refused)?;
    if message.header().kid != "enroll" {
        return Err(refused(ProtocolError::Malformed(
            "an enrollment is signed with kid \"enroll\"",
        )));
    }
    // The key that must have signed is inside the claims: read them once unchecked to find it,
    // then check the signature with it (proof of possession) before trusting anything else.
    let key = message
        .peek_claims::<Claims<EnrollBody>>()
        .map_err(refused)?
        .body
        .jwk;
    key.check().map_err(refused)?;
    let claims: Claims<EnrollBody> = message::open(
        &message,
        MessageType::Enroll,
        &key,
        &server.settings.origin,
        seconds(now_ms()),
        MAX_LIFETIME,
    )
    .map_err(refused)?;
    if claims.iss != "enroll" {
        return Err(refused(ProtocolError::Malformed(
            "an enrollment's sender (iss) is \"enroll\"",
        )));
    }
    let body = claims.body;
    let name = device_name(&body.device_name)?;
    if let Some(push) = &body.push {
        check_push(server, push)?;
    }
    let now = now_ms();
    let mut transaction = server.store.begin().await?;
    let used = sqlx::query(
        "UPDATE enrollment_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(hash_secret(&body.token))
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(used) = used else {
        return Err(ApiError::new(
            StatusCode::GONE,
            "enrollment_link_used",
            "this enrollment link has expired or was already used: ask the site for a new one",
        ));
    };
    let user_id: String = column(&used, "user_id")?;
    // Each device is woken at every approval: the cap keeps one sign-in from making the server
    // call as many addresses as someone cares to enroll. The account's row is written first so
    // that, on Postgres, two enrollments at once take their turns and cannot both take the last
    // place (SQLite's transaction holds the write lock from its start).
    sqlx::query("UPDATE users SET muted_until = muted_until WHERE id = $1")
        .bind(&user_id)
        .execute(&mut *transaction)
        .await?;
    let active =
        sqlx::query("SELECT count(*) AS n FROM devices WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(&user_id)
            .fetch_one(&mut *transaction)
            .await?;
    let active: i64 = column(&active, "n")?;
    if active >= server.settings.devices_per_account {
        return Err(ApiError::conflict(
            "too_many_devices",
            format!(
                "this account has {active} devices, the most it may have: remove one it no longer uses, then scan the link again"
            ),
        ));
    }
    let device_id = new_id("dev");
    let inserted = sqlx::query(
        "INSERT INTO devices (id, user_id, name, jwk, thumbprint, push_kind, push_address, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&device_id)
    .bind(&user_id)
    .bind(name)
    .bind(serde_json::to_string(&key).unwrap_or_default())
    .bind(key.thumbprint())
    .bind(body.push.as_ref().map(|push| push.kind.as_str()))
    .bind(body.push.as_ref().map(|push| push.address.clone()))
    .bind(now)
    .execute(&mut *transaction)
    .await;
    match inserted {
        Ok(_) => {}
        Err(error) if is_unique_violation(&error) => {
            return Err(ApiError::conflict(
                "key_already_enrolled",
                "this device key is already enrolled",
            ));
        }
        Err(error) => return Err(error.into()),
    }
    let party = sqlx::query(
        "SELECT u.account, u.rp_id, r.name FROM users u JOIN relying_parties r ON r.id = u.rp_id WHERE u.id = $1",
    )
    .bind(&user_id)
    .fetch_one(&mut *transaction)
    .await?;
    let rp_id: String = column(&party, "rp_id")?;
    audit::record(
        &mut *transaction,
        Entry {
            event: "device_enrolled",
            rp_id: Some(&rp_id),
            user_id: Some(&user_id),
            device_id: Some(&device_id),
            detail: Some(name),
            ..Entry::default()
        },
    )
    .await?;
    transaction.commit().await?;
    let enrolled = EnrolledBody {
        device_id,
        relying_party: column(&party, "name")?,
        account: column(&party, "account")?,
        device_key: key.thumbprint(),
    };
    let claims = message::claims_now(
        &server.settings.origin,
        &key.thumbprint(),
        seconds(now),
        300,
        enrolled,
    )
    .map_err(refused)?;
    let signed = message::seal(
        &server.key,
        MessageType::Enrolled,
        &server.key.public_key().thumbprint(),
        &claims,
    )
    .map_err(refused)?;
    Ok(tessera_push::wire::Enrolled {
        server_key: server.key.public_key().clone(),
        enrolled: signed,
    })
}

/// A device name as the user will see it: trimmed, 1 to 100 bytes, and nothing that shows
/// other than it is (no control or format characters, see [`crate::shown`]).
fn device_name(name: &str) -> Result<&str, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 || !crate::shown::displayable(name) {
        return Err(ApiError::bad_request(
            "invalid_device_name",
            "the device name must be 1 to 100 printable characters, without control, bidirectional or zero-width characters",
        ));
    }
    Ok(name)
}

/// Refuses push addresses the server cannot use or that are not plausible.
pub fn check_push(server: &Server, push: &PushChannel) -> Result<(), ApiError> {
    if push.address.is_empty()
        || push.address.len() > 4096
        || push.address.chars().any(char::is_control)
    {
        return Err(ApiError::bad_request(
            "invalid_push_address",
            "the push address is empty, too long or not printable",
        ));
    }
    if !server.pushers.supports(push.kind) {
        return Err(ApiError::bad_request(
            "push_not_supported",
            format!(
                "this server cannot wake devices through {}; leave push out to use the event stream",
                push.kind.as_str()
            ),
        ));
    }
    Ok(())
}

/// Sets (or clears) a device's push address.
pub async fn set_push(
    server: &Server,
    device: &Device,
    push: Option<PushChannel>,
) -> Result<(), ApiError> {
    if let Some(push) = &push {
        check_push(server, push)?;
    }
    let mut transaction = server.store.begin().await?;
    sqlx::query(
        "UPDATE devices SET push_kind = $1, push_address = $2, last_seen_at = $3 WHERE id = $4",
    )
    .bind(push.as_ref().map(|push| push.kind.as_str()))
    .bind(push.as_ref().map(|push| push.address.clone()))
    .bind(now_ms())
    .bind(&device.id)
    .execute(&mut *transaction)
    .await?;
    audit::record(
        &mut *transaction,
        Entry {
            event: "push_rotated",
            rp_id: Some(&device.rp_id),
            user_id: Some(&device.user_id),
            device_id: Some(&device.id),
            detail: push.as_ref().map(|push| push.kind.as_str()),
            ..Entry::default()
        },
    )
    .await?;
    transaction.commit().await?;
    Ok(())
}

/// Revokes a device: it can no longer fetch or answer, and its event stream ends.
pub async fn revoke(
    server: &Server,
    rp_id: &str,
    account: &str,
    device_id: &str,
    why: &str,
) -> Result<(), ApiError> {
    let mut transaction = server.store.begin().await?;
    let revoked = sqlx::query(
        "UPDATE devices SET revoked_at = $1, push_kind = NULL, push_address = NULL \
         WHERE id = $2 AND revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE rp_id = $3 AND account = $4) RETURNING user_id",
    )
    .bind(now_ms())
    .bind(device_id)
    .bind(rp_id)
    .bind(account)
    .fetch_optional(&mut *transaction)
    .await?
    .ok_or_else(|| ApiError::not_found("unknown_device", "no such device, or it was already revoked"))?;
    let user_id: String = column(&revoked, "user_id")?;
    audit::record(
        &mut *transaction,
        Entry {
            event: "device_revoked",
            rp_id: Some(rp_id),
            user_id: Some(&user_id),
            device_id: Some(device_id),
            detail: Some(why),
            ..Entry::default()
        },
    )
    .await?;
    transaction.commit().await?;
    server
        .bus
        .publish(Event::DeviceGone {
            device_id: device_id.to_string(),
        })
        .await;
    Ok(())
}

/// Renames a device.
pub async fn rename(
    server: &Server,
    rp_id: &str,
    account: &str,
    device_id: &str,
    name: &str,
) -> Result<(), ApiError> {
    let name = device_name(name)?;
    let mut transaction = server.store.begin().await?;
    let renamed = sqlx::query(
        "UPDATE devices SET name = $1 WHERE id = $2 AND user_id IN (SELECT id FROM users WHERE rp_id = $3 AND account = $4) RETURNING user_id",
    )
    .bind(name)
    .bind(device_id)
    .bind(rp_id)
    .bind(account)
    .fetch_optional(&mut *transaction)
    .await?
    .ok_or_else(|| ApiError::not_found("unknown_device", "no such device"))?;
    let user_id: String = column(&renamed, "user_id")?;
    audit::record(
        &mut *transaction,
        Entry {
            event: "device_renamed",
            rp_id: Some(rp_id),
            user_id: Some(&user_id),
            device_id: Some(device_id),
            detail: Some(name),
            ..Entry::default()
        },
    )
    .await?;
    transaction.commit().await?;
    Ok(())
}

/// The devices of an account, enrolled and revoked.
pub async fn of_account(
    server: &Server,
    rp_id: &str,
    account: &str,
) -> Result<Vec<DeviceView>, ApiError> {
    let rows = sqlx::query(
        "SELECT d.id, d.name, d.thumbprint, d.push_kind, d.created_at, d.last_seen_at, d.revoked_at \
         FROM devices d JOIN users u ON u.id = d.user_id WHERE u.rp_id = $1 AND u.account = $2 ORDER BY d.created_at",
    )
    .bind(rp_id)
    .bind(account)
    .fetch_all(server.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DeviceView {
                id: column(row, "id")?,
                name: column(row, "name")?,
                thumbprint: column(row, "thumbprint")?,
                push: column::<Option<String>>(row, "push_kind")?,
                enrolled_at: seconds(column(row, "created_at")?),
                last_seen_at: seconds(column(row, "last_seen_at")?),
                revoked_at: column::<Option<i64>>(row, "revoked_at")?.map(seconds),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(ApiError::from)
}
