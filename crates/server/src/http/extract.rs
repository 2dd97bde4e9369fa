//! Reading requests so that every bad one gets a JSON error: bodies that are not JSON, too
//! big, of the wrong content type or with unknown fields; a missing or wrong API key. And where
//! a request comes from.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::relying_party::RelyingParty;
use crate::state::Server;

/// A JSON body (`Content-Type: application/json`), refused whole if anything in it is wrong.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(body_error(rejection)),
        }
    }
}

fn body_error(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let (code, message) = match &rejection {
        JsonRejection::MissingJsonContentType(_) => (
            "unsupported_media_type",
            "send the body as JSON, with Content-Type: application/json".to_string(),
        ),
        JsonRejection::JsonSyntaxError(_) => (
            "malformed_json",
            "the body is not well-formed JSON".to_string(),
        ),
        JsonRejection::JsonDataError(error) => (
            "invalid_body",
            format!(
                "the body does not have the expected fields: {}",
                error.body_text()
            ),
        ),
        _ if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
            ("body_too_large", "the body is too large".to_string())
        }
        _ => ("invalid_body", rejection.body_text()),
    };
    ApiError::new(status, code, message)
}

/// The relying party whose API key (`Authorization: Bearer tsk_…`) came with the request.
pub struct Party(pub RelyingParty);

impl FromRequestParts<Arc<Server>> for Party {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, server: &Arc<Server>) -> Result<Self, ApiError> {
        let key = parts
            .headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "missing_api_key",
                    "send the relying party's API key as Authorization: Bearer <key>",
                )
            })?;
        server
            .parties
            .find(server.pool(), key.trim())
            .await?
            .map(Party)
            .ok_or_else(|| {
                ApiError::unauthorized("invalid_api_key", "the API key is not known to this server")
            })
    }
}

/// The address a request comes from, as far as the server can tell: the connection's peer, or,
/// when the operator says a proxy in front adds it (`--trust-forwarded-for`), the last address
/// in `X-Forwarded-For`, the one that proxy saw. Earlier entries are the client's own words and
/// never trusted; without the option the header is ignored, since anyone can send it.
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<Arc<Server>> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, server: &Arc<Server>) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server does not know where the request came from",
                )
            })?;
        if !server.settings.trust_forwarded_for {
            return Ok(ClientAddress(peer));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .next_back()
            .and_then(|last| last.trim().parse::<IpAddr>().ok());
        Ok(ClientAddress(forwarded.unwrap_or(peer)))
    }
}
