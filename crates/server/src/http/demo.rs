//! The demo sign-in site at `/demo`: a pretend shop whose users sign up with a password, enroll
//! a phone, and sign in by approving on it. It calls the approval rules directly, as the
//! relying party "Demo shop"; its pages are plain files with no outside assets. What keeps it
//! in bounds on a real server is `demo_guard.rs`.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use argon2::{Algorithm, Argon2, Params, Version};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use tessera_push::{Context, DenyReason, NumberMode, Status};
use zeroize::Zeroize;

use super::demo_guard::{self, DemoServed};
use super::extract::{Body, ClientAddress};
use super::relying_party_api::{WaitQuery, wait_query};
use crate::approvals::{self, NewApproval};
use crate::error::ApiError;
use crate::ids::{new_id, random};
use crate::relying_party;
use crate::state::Server;
use crate::store::{column, is_unique_violation};
use crate::time::now_ms;

const INDEX: &str = include_str!("../demo/assets/index.html");
const SCRIPT: &str = include_str!("../demo/assets/demo.js");
const STYLE: &str = include_str!("../demo/assets/demo.css");
const POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

fn page(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `GET /demo`
pub async fn index(_: DemoServed) -> Response {
    page("text/html; charset=utf-8", INDEX)
}

/// `GET /demo/demo.js`
pub async fn script(_: DemoServed) -> Response {
    page("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /demo/demo.css`
pub async fn style(_: DemoServed) -> Response {
    page("text/css; charset=utf-8", STYLE)
}

/// A username and password.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    username: String,
    password: String,
}

impl Drop for Credentials {
    fn drop(&mut self) {
        self.password.zeroize();
    }
}

fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len())
        && name.bytes().all(|byte| {
            byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"._-".contains(&byte)
        })
}

fn hash_password(password: &str, salt: &[u8]) -> Result<[u8; 32], ApiError> {
    let params = Params::new(19 * 1024, 2, 1, Some(32))
        .map_err(|_| ApiError::bad_request("weak_password", "the password cannot be used"))?;
    let mut output = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, &mut output)
        .map_err(|_| ApiError::bad_request("weak_password", "the password cannot be used"))?;
    Ok(output)
}

/// `POST /demo/api/sign-up`
pub async fn sign_up(
    _: DemoServed,
    State(server): State<Arc<Server>>,
    ClientAddress(client): ClientAddress,
    Body(body): Body<Credentials>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    if !valid_username(&body.username) {
        return Err(ApiError::bad_request(
            "invalid_username",
            "a username is 3 to 32 characters: a-z, 0-9, dot, underscore, hyphen",
        ));
    }
    if body.password.chars().count() < 8 {
        return Err(ApiError::bad_request(
            "weak_password",
            "a password needs at least 8 characters",
        ));
    }
    demo_guard::sign_up_allowed(&server, &client.to_string()).await?;
    let salt = random(16);
    let salted = salt.clone();
    let hash = demo_guard::off_the_workers(&server, &body.password, move |password| {
        hash_password(password, salted.as_bytes())
    })
    .await?;
    let stored = format!("{salt}${}", URL_SAFE_NO_PAD.encode(hash));
    let inserted = sqlx::query(
        "INSERT INTO demo_users (username, password_hash, created_at) VALUES ($1, $2, $3)",
    )
    .bind(&body.username)
    .bind(stored)
    .bind(now_ms())
    .execute(server.pool())
    .await;
    match inserted {
        Ok(_) => Ok((
            StatusCode::CREATED,
            Json(serde_json::json!({ "username": body.username })),
        )),
        Err(error) if is_unique_violation(&error) => Err(ApiError::conflict(
            "username_taken",
            "that username is taken",
        )),
        Err(error) => Err(error.into()),
    }
}

/// Checks a username and password (the same answer for an unknown user and a wrong password),
/// a limited number of times a minute per username and per address.
async fn check_password(
    server: &Server,
    credentials: &Credentials,
    client: IpAddr,
) -> Result<(), ApiError> {
    demo_guard::password_try_allowed(server, &credentials.username, &client.to_string()).await?;
    let wrong = || ApiError::unauthorized("wrong_password", "the username or password is wrong");
    let row = sqlx::query("SELECT password_hash FROM demo_users WHERE username = $1")
        .bind(&credentials.username)
        .fetch_optional(server.pool())
        .await?;
    let stored: String = match row {
        Some(row) => column(&row, "password_hash")?,
        None => {
            // Spend the same time as for a real user, so timing does not tell who exists.
            demo_guard::off_the_workers(server, &credentials.password, |password| {
                hash_password(password, b"no-such-user-salt")
            })
            .await?;
            return Err(wrong());
        }
    };
    let (salt, expected) = stored.split_once('$').ok_or_else(wrong)?;
    let salt = salt.to_string();
    let actual = demo_guard::off_the_workers(server, &credentials.password, move |password| {
        hash_password(password, salt.as_bytes())
    })
    .await?;
    let expected = URL_SAFE_NO_PAD.decode(expected).map_err(|_| wrong())?;
    let same = expected.len() == actual.len()
        && expected
            .iter()
            .zip(actual.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same { Ok(()) } else { Err(wrong()) }
}

/// What the enroll page shows.
#[derive(Serialize)]
pub struct Enrollment {
    link: String,
    qr_png_base64: String,
    expires_at: i64,
}

/// `POST /demo/api/enroll`
pub async fn enroll(
    _: DemoServed,
    State(server): State<Arc<Server>>,
    ClientAddress(client): ClientAddress,
    Body(body): Body<Credentials>,
) -> Result<Json<Enrollment>, ApiError> {
    check_password(&server, &body, client).await?;
    let party = relying_party::demo(server.pool()).await?;
    let (link, expires_at) =
        crate::devices::new_enrollment(&server, &party.id, &body.username).await?;
    let png = tessera_core::qr::encode(link.as_bytes())
        .map_err(|error| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                error.to_string(),
            )
        })?
        .to_png(8);
    Ok(Json(Enrollment {
        link,
        qr_png_base64: STANDARD.encode(png),
        expires_at,
    }))
}

/// A sign-in waiting for the phone.
#[derive(Serialize)]
pub struct SignIn {
    sign_in: String,
    number: u8,
    expires_at: i64,
}

/// `POST /demo/api/sign-in`
pub async fn sign_in(
    _: DemoServed,
    State(server): State<Arc<Server>>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Body(body): Body<Credentials>,
) -> Result<Json<SignIn>, ApiError> {
    check_password(&server, &body, client).await?;
    start_sign_in(&server, &body.username, client, &headers, false).await
}

/// A username alone, for signing in with Tessera.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Username {
    username: String,
}

/// `POST /demo/api/sign-in-with-tessera`: a sign-in without a password. The phone approves it
/// only with the number typed and the user verified on the phone (the server refuses anything
/// less). Counted against the same limits as password tries, per username and per address; an
/// unknown username gets the same answer as one without a phone.
pub async fn sign_in_with_tessera(
    _: DemoServed,
    State(server): State<Arc<Server>>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Body(body): Body<Username>,
) -> Result<Json<SignIn>, ApiError> {
    demo_guard::password_try_allowed(&server, &body.username, &client.to_string()).await?;
    start_sign_in(&server, &body.username, client, &headers, true).await
}

/// Asks the user's phone to approve a sign-in to the demo shop.
async fn start_sign_in(
    server: &Arc<Server>,
    username: &str,
    client: IpAddr,
    headers: &HeaderMap,
    passwordless: bool,
) -> Result<Json<SignIn>, ApiError> {
    let party = relying_party::demo(server.pool()).await?;
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let context = Context {
        site: relying_party::DEMO.into(),
        application: None,
        place: Some(place_of(client)),
        ip: Some(client.to_string()),
        browser: browser_of(agent),
        time: 0,
    };
    let request = NewApproval {
        account: username.to_string(),
        context,
        mode: NumberMode::Typed,
        ttl_seconds: None,
        passwordless,
    };
    let created =
        approvals::create(server, &party, request)
            .await
            .map_err(|error| match error.code {
                "backoff" => ApiError {
                    code: "too_many_attempts",
                    ..error
                },
                _ => error,
            })?;
    let id = new_id("si");
    sqlx::query(
        "INSERT INTO demo_sign_ins (id, username, approval_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&id)
    .bind(username)
    .bind(&created.id)
    .bind(now_ms())
    .execute(server.pool())
    .await?;
    Ok(Json(SignIn {
        sign_in: id,
        number: created.number,
        expires_at: created.expires_at,
    }))
}

/// Where a sign-in comes from, as well as the demo can tell without a location database.
fn place_of(ip: IpAddr) -> String {
    let local = match ip {
        std::net::IpAddr::V4(v4) => v4.is_private() || v4.is_link_local(),
        std::net::IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00,
    };
    if ip.is_loopback() {
        "this computer".into()
    } else if local {
        "the local network".into()
    } else {
        "the internet".into()
    }
}

/// "Firefox on Linux" from a User-Agent, if it says.
fn browser_of(agent: &str) -> Option<String> {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(token, _)| agent.contains(token))
    .map(|(_, name)| name)?;
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(token, _)| agent.contains(token))
    .map(|(_, name)| name);
    Some(match system {
        Some(system) => format!("{browser} on {system}"),
        None => browser.to_string(),
    })
}

/// How a sign-in stands, for the page.
#[derive(Serialize)]
pub struct SignInState {
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    username: String,
}

/// `GET /demo/api/sign-in/{id}?wait=<seconds>`
pub async fn sign_in_state(
    _: DemoServed,
    State(server): State<Arc<Server>>,
    Path(id): Path<String>,
    query: Result<Query<WaitQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SignInState>, ApiError> {
    let wait = wait_query(query)?.min(Duration::from_secs(25));
    let row = sqlx::query("SELECT username, approval_id FROM demo_sign_ins WHERE id = $1")
        .bind(&id)
        .fetch_optional(server.pool())
        .await?
        .ok_or_else(|| ApiError::not_found("unknown_sign_in", "no such sign-in: start again"))?;
    let (username, approval_id): (String, String) =
        (column(&row, "username")?, column(&row, "approval_id")?);
    let party = relying_party::demo(server.pool()).await?;
    let mut view = approvals::wait(&server, &party.id, &approval_id, wait).await?;
    if view.status != Status::Pending && !view.redeemed {
        // The page may poll again after this; redeem once and keep answering from the status.
        if let Ok(redeemed) = approvals::redeem(&server, &party.id, &approval_id).await {
            view = redeemed;
        }
    }
    let (state, reason) = match view.status {
        Status::Pending => ("waiting", None),
        // What a site does with a sign-in without a password: it trusts only an approval the
        // device made with the user verified (the server refuses others; the site checks too).
        Status::Approved if view.passwordless && !view.user_verified => {
            ("refused", Some("not_verified"))
        }
        Status::Approved => ("signed_in", None),
        Status::Expired => ("expired", None),
        Status::Superseded => ("refused", Some("superseded")),
        Status::Denied => (
            "refused",
            Some(view.reason.unwrap_or(DenyReason::Declined).as_str()),
        ),
    };
    Ok(Json(SignInState {
        state,
        reason,
        username,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_from_their_user_agent() {
        let chromium = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(browser_of(chromium).as_deref(), Some("Chrome on Linux"));
        assert_eq!(browser_of("curl/8.0"), None);
    }

    #[test]
    fn usernames_are_plain() {
        assert!(valid_username("alice.b_c-1"));
        assert!(!valid_username("Al"));
        assert!(!valid_username("alice smith"));
    }
}
