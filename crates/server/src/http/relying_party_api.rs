//! The relying-party API: enrollment links, approvals (create, wait, redeem), and the admin
//! calls over an account's devices. Every call needs the relying party's API key.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use tessera_push::Status;

use super::extract::{Body, Party};
use crate::approvals::{self, ApprovalView, Created, NewApproval};
use crate::devices::{self, DeviceView};
use crate::error::ApiError;
use crate::state::Server;

/// `POST /v1/enrollments` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEnrollment {
    account: String,
}

/// An enrollment link to show as a QR code.
#[derive(Serialize)]
pub struct EnrollmentLink {
    link: String,
    expires_at: i64,
}

/// `POST /v1/enrollments`
pub async fn enrollment(
    State(server): State<Arc<Server>>,
    Party(party): Party,
    Body(body): Body<NewEnrollment>,
) -> Result<(StatusCode, Json<EnrollmentLink>), ApiError> {
    let (link, expires_at) = devices::new_enrollment(&server, &party.id, &body.account).await?;
    Ok((
        StatusCode::CREATED,
        Json(EnrollmentLink { link, expires_at }),
    ))
}

/// `POST /v1/approvals`
pub async fn create(
    State(server): State<Arc<Server>>,
    Party(party): Party,
    Body(body): Body<NewApproval>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(approvals::create(&server, &party, body).await?),
    ))
}

/// `?wait=<seconds>` on `GET /v1/approvals/{id}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitQuery {
    wait: Option<u64>,
}

/// Reads the query string, answering a bad one with a JSON error.
pub fn wait_query(
    query: Result<Query<WaitQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Duration, ApiError> {
    let Query(query) = query.map_err(|_| {
        ApiError::bad_request(
            "invalid_query",
            "the only query parameter is wait=<seconds>",
        )
    })?;
    Ok(Duration::from_secs(query.wait.unwrap_or(0)))
}

/// `GET /v1/approvals/{id}[?wait=seconds]`: the status, long-polling while pending.
pub async fn status(
    State(server): State<Arc<Server>>,
    Party(party): Party,
    Path(id): Path<String>,
    query: Result<Query<WaitQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ApprovalView>, ApiError> {
    let wait = wait_query(query)?;
    Ok(Json(approvals::wait(&server, &party.id, &id, wait).await?))
}

/// `GET /v1/approvals/{id}/events`: one `status` event when the approval is decided, then the
/// stream ends.
pub async fn events(
    State(server): State<Arc<Server>>,
    Party(party): Party,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    approvals::status(&server, &party.id, &id).await?;
    let stream = futures_util::stream::unfold(Some((server, party.id, id)), |state| async move {
        let (server, rp_id, id) = state?;
        loop {
            match approvals::wait(&server, &rp_id, &id, approvals::MAX_WAIT).await {
                Ok(view) if view.status != Status::Pending => {
                    let event = SseEvent::default()
                        .event("status")
                        .json_data(&view)
                        .unwrap_or_default();
                    return Some((Ok(event), None));
                }
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// `POST /v1/approvals/{id}/redeem`
pub async fn redeem(
    State(server): State<Arc<Server>>,
    Party(party): Party,
    Path(id): Path<String>,
) -> Result<Json<ApprovalView>, ApiError> {
    Ok(Json(approvals::redeem(&server, &party.id, &id).await?))
}

/// `GET /v1/accounts/{account}/devices`
pub async fn devices_of(
    State(server): State<Arc<Server>>,
    Party(party): Party,
    Path(account): Path<String>,
) -> Result<Json<Vec<DeviceView>>, ApiError> {
    Ok(Json(
        devices::of_account(&server, &party.id, &account).await?,
    ))
}

/// `PATCH /v1/accounts/{account}/devices/{id}` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    name: String,
}

/// `PATCH /v1/accounts/{account}/devices/{id}`
pub async fn rename(
    State(server): State<Arc<Server>>,
    Party(party): Party,
    Path((account, id)): Path<(String, String)>,
    Body(body): Body<Rename>,
) -> Result<StatusCode, ApiError> {
    devices::rename(&server, &party.id, &account, &id, &body.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /v1/accounts/{account}/devices/{id}`: revoke (a lost phone).
pub async fn revoke(
    State(server): State<Arc<Server>>,
    Party(party): Party,
    Path((account, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    devices::revoke(
        &server,
        &party.id,
        &account,
        &id,
        "revoked by the relying party",
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
