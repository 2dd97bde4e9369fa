//! The HTTP surface: routes, limits, and JSON answers for everything that is not a route.

mod demo;
pub mod demo_guard;
mod device_api;
mod extract;
mod relying_party_api;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};

use crate::error::ApiError;
use crate::state::Server;

/// The largest request body accepted: every real request is far smaller.
pub const MAX_BODY: usize = 64 * 1024;

/// The OpenAPI document (also at `crates/server/openapi.json`).
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// Every route of the server.
pub fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route(
            "/",
            get(|_: demo_guard::DemoServed| async { Redirect::to("/demo") }),
        )
        .route("/openapi.json", get(openapi))
        .route("/v1/server-key", get(server_key))
        .route("/v1/enrollments", post(relying_party_api::enrollment))
        .route("/v1/approvals", post(relying_party_api::create))
        .route("/v1/approvals/{id}", get(relying_party_api::status))
        .route("/v1/approvals/{id}/events", get(relying_party_api::events))
        .route("/v1/approvals/{id}/redeem", post(relying_party_api::redeem))
        .route(
            "/v1/accounts/{account}/devices",
            get(relying_party_api::devices_of),
        )
        .route(
            "/v1/accounts/{account}/devices/{id}",
            patch(relying_party_api::rename).delete(relying_party_api::revoke),
        )
        .route("/v1/device/enroll", post(device_api::enroll))
        .route("/v1/device/approvals", post(device_api::list))
        .route("/v1/device/approval", post(device_api::fetch))
        .route("/v1/device/answer", post(device_api::answer))
        .route("/v1/device/push", post(device_api::push))
        .route("/v1/device/unenroll", post(device_api::unenroll))
        .route("/v1/device/events", get(device_api::events))
        .route("/demo", get(demo::index))
        .route("/demo/demo.js", get(demo::script))
        .route("/demo/demo.css", get(demo::style))
        .route("/demo/api/sign-up", post(demo::sign_up))
        .route("/demo/api/enroll", post(demo::enroll))
        .route("/demo/api/sign-in", post(demo::sign_in))
        .route(
            "/demo/api/sign-in-with-tessera",
            post(demo::sign_in_with_tessera),
        )
        .route("/demo/api/sign-in/{id}", get(demo::sign_in_state))
        .fallback(no_such_endpoint)
        .layer(axum::middleware::map_response(json_errors))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(server)
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn server_key(
    axum::extract::State(server): axum::extract::State<Arc<Server>>,
) -> Json<serde_json::Value> {
    let key = server.key.public_key();
    Json(serde_json::json!({ "jwk": key, "thumbprint": key.thumbprint() }))
}

/// Turns any error answer that is not JSON (axum's own rejections, such as a path that is not
/// UTF-8) into the server's JSON error body, so that every error reads the same.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let text = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string())
        .unwrap_or_default();
    let code = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "no_such_endpoint",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ if status.is_client_error() => "bad_request",
        _ => "internal",
    };
    let message = if text.is_empty() {
        status.to_string()
    } else {
        text
    };
    ApiError::new(status, code, message).into_response()
}

async fn no_such_endpoint() -> ApiError {
    ApiError::not_found(
        "no_such_endpoint",
        "there is no such endpoint: see /openapi.json",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method: see /openapi.json",
    )
}
