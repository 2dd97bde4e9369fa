//! The device API: every request is one signed message (see docs/protocol.md).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use tessera_push::message::{AnswerBody, Claims, Empty, FetchBody, MessageType, PushBody};
use tessera_push::wire::{self, ApprovalEvent, Signed};
use tessera_push::{Outcome, jws::Unverified};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use super::extract::Body;
use crate::approvals;
use crate::devices::{self, Device};
use crate::error::ApiError;
use crate::events::Event;
use crate::state::Server;

/// `POST /v1/device/enroll`
pub async fn enroll(
    State(server): State<Arc<Server>>,
    Body(body): Body<Signed>,
) -> Result<(StatusCode, Json<wire::Enrolled>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(devices::enroll(&server, &body.message).await?),
    ))
}

/// `POST /v1/device/approvals`: the approvals waiting.
pub async fn list(
    State(server): State<Arc<Server>>,
    Body(body): Body<Signed>,
) -> Result<Json<wire::Approvals>, ApiError> {
    let (device, _): (Device, Claims<Empty>) =
        devices::authenticate(&server, &body.message, MessageType::List).await?;
    Ok(Json(wire::Approvals {
        approvals: approvals::pending_for(&server, &device).await?,
    }))
}

/// `POST /v1/device/approval`: one approval.
pub async fn fetch(
    State(server): State<Arc<Server>>,
    Body(body): Body<Signed>,
) -> Result<Json<wire::OneApproval>, ApiError> {
    let (device, claims): (Device, Claims<FetchBody>) =
        devices::authenticate(&server, &body.message, MessageType::Fetch).await?;
    Ok(Json(wire::OneApproval {
        approval: approvals::fetch_for(&server, &device, &claims.body.approval).await?,
    }))
}

/// `POST /v1/device/answer`
pub async fn answer(
    State(server): State<Arc<Server>>,
    Body(body): Body<Signed>,
) -> Result<Json<Outcome>, ApiError> {
    let (device, claims): (Device, Claims<AnswerBody>) =
        devices::authenticate(&server, &body.message, MessageType::Answer).await?;
    Ok(Json(
        approvals::answer(&server, &device, claims.body).await?,
    ))
}

/// `POST /v1/device/push`: a new push address (or none).
pub async fn push(
    State(server): State<Arc<Server>>,
    Body(body): Body<Signed>,
) -> Result<StatusCode, ApiError> {
    let (device, claims): (Device, Claims<PushBody>) =
        devices::authenticate(&server, &body.message, MessageType::Push).await?;
    devices::set_push(&server, &device, claims.body.push).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/device/unenroll`: the device leaves.
pub async fn unenroll(
    State(server): State<Arc<Server>>,
    Body(body): Body<Signed>,
) -> Result<StatusCode, ApiError> {
    let (device, _): (Device, Claims<Empty>) =
        devices::authenticate(&server, &body.message, MessageType::Unenroll).await?;
    devices::revoke(
        &server,
        &device.rp_id,
        &device.account,
        &device.id,
        "unenrolled by the device",
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/device/events` with `Authorization: Tessera <signed events message>`: an `approval`
/// event for each approval waiting now and each new one, ids only; ends when the device is
/// revoked: on its `DeviceGone` event, or, if that event was lost, when the stream next reads
/// the device's row (after missing events, and every `stream_recheck`).
pub async fn events(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let signed = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Tessera "))
        .ok_or_else(|| {
            ApiError::unauthorized(
                "missing_signature",
                "send a signed events message as Authorization: Tessera <message>",
            )
        })?;
    Unverified::parse(signed).map_err(devices::refused)?;
    let (device, _): (Device, Claims<Empty>) =
        devices::authenticate(&server, signed, MessageType::Events).await?;
    // Subscribe before listing, so nothing created in between is missed.
    let receiver = server.bus.subscribe();
    let waiting = pending_ids(&server, &device).await?;
    let recheck = server.settings.stream_recheck;
    let state = OpenStream {
        next_check: Instant::now() + recheck,
        server,
        device,
        receiver,
        queue: waiting,
    };
    let stream = futures_util::stream::unfold(Some(state), move |state| async move {
        let mut state = state?;
        loop {
            if let Some(id) = state.queue.pop_front() {
                let event = SseEvent::default()
                    .event("approval")
                    .json_data(ApprovalEvent { id })
                    .unwrap_or_default();
                return Some((Ok(event), Some(state)));
            }
            let received = tokio::time::timeout_at(state.next_check, state.receiver.recv()).await;
            match received {
                Ok(Ok(Event::Created {
                    user_id,
                    approval_id,
                })) if user_id == state.device.user_id => state.queue.push_back(approval_id),
                Ok(Ok(Event::DeviceGone { device_id })) if device_id == state.device.id => {
                    return None;
                }
                Ok(Ok(_)) => {}
                // Events were missed, a DeviceGone among them perhaps: read how things stand.
                Ok(Err(RecvError::Lagged(_))) => {
                    if !still_enrolled(&state.server, &state.device).await {
                        return None;
                    }
                    state.queue = pending_ids(&state.server, &state.device).await.ok()?;
                }
                Ok(Err(RecvError::Closed)) => return None,
                // An event can be lost without a trace (a Postgres listener that reconnected):
                // every so often, read whether the device is still enrolled.
                Err(_) => {
                    if !still_enrolled(&state.server, &state.device).await {
                        return None;
                    }
                    state.next_check = Instant::now() + recheck;
                }
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// An open event stream.
struct OpenStream {
    server: Arc<Server>,
    device: Device,
    receiver: tokio::sync::broadcast::Receiver<Event>,
    queue: VecDeque<String>,
    /// When to read the device's revocation next, whatever the events say.
    next_check: Instant,
}

/// Whether the device is still enrolled, read from the database; a database that cannot say
/// keeps the stream open (the next check asks again).
async fn still_enrolled(server: &Server, device: &Device) -> bool {
    let row = sqlx::query("SELECT revoked_at FROM devices WHERE id = $1")
        .bind(&device.id)
        .fetch_optional(server.pool())
        .await;
    match row {
        Ok(Some(row)) => matches!(
            crate::store::column::<Option<i64>>(&row, "revoked_at"),
            Ok(None)
        ),
        Ok(None) => false,
        Err(error) => {
            eprintln!("tessera-server: could not read whether a device is still enrolled: {error}");
            true
        }
    }
}

async fn pending_ids(server: &Server, device: &Device) -> Result<VecDeque<String>, ApiError> {
    let rows = sqlx::query("SELECT id FROM approvals WHERE user_id = $1 AND state = 'pending' AND expires_at > $2 ORDER BY created_at")
        .bind(&device.user_id)
        .bind(crate::time::now_ms())
        .fetch_all(server.pool())
        .await?;
    rows.iter()
        .map(|row| crate::store::column::<String>(row, "id").map_err(ApiError::from))
        .collect()
}
