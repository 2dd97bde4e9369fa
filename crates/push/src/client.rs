//! The device side over HTTP: enroll, list and fetch approvals, answer them, keep the push
//! address current, and follow the event stream while the app is open.
//!
//! Every request is a signed message; every approval that comes back is checked against the
//! server key the enrollment link pinned, so a server (or anything between) without that key
//! cannot put words in a site's mouth.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::approval::{Answer, Approval, DenyReason, Outcome};
use crate::jws::Unverified;
use crate::message::{
    self, AnswerBody, Claims, DEVICE_MESSAGE_LIFETIME, Decision, Empty, EnrollBody, EnrolledBody,
    FetchBody, MessageType, PushBody,
};
use crate::wire::{self, ErrorBody};
use crate::{ClockReading, EnrollLink, Enrollment, ProtocolError, PushChannel, SigningKey};

/// How long a request may take before the device gives up.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// An HTTP client for approval servers.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    /// The device's clock against the server that answered last.
    clock: std::sync::Arc<std::sync::Mutex<Option<ClockReading>>>,
    /// What privacyIDEA tokens remember of their challenges while the client lives.
    privacyidea: std::sync::Arc<std::sync::Mutex<crate::privacyidea::Remembered>>,
}

/// What the event stream tells a device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerEvent {
    /// An approval is waiting: fetch it.
    Approval(String),
}

/// The device's open event stream.
pub struct EventStream {
    response: reqwest::Response,
    server: String,
    buffer: Vec<u8>,
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

impl Client {
    /// A client with the protocol's timeouts.
    pub fn new() -> Client {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            // A redirect would re-send a signed message to wherever the answer points.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Tessera/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Client {
            http,
            clock: std::sync::Arc::default(),
            privacyidea: std::sync::Arc::default(),
        }
    }

    /// The HTTP client (no proxy from the environment, no redirects), for privacyIDEA's requests.
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// What privacyIDEA tokens remember of their challenges (first seen, answered).
    pub(crate) fn privacyidea_memory(&self) -> &std::sync::Mutex<crate::privacyidea::Remembered> {
        &self.privacyidea
    }

    /// How the device's clock compared with the server that answered last, if one has.
    pub fn clock(&self) -> Option<ClockReading> {
        self.clock.lock().ok().and_then(|clock| clock.clone())
    }

    /// Compares the device's clock with the `Date` of a server's answer.
    pub(crate) fn read_clock(&self, server: &str, response: &reqwest::Response) {
        let date = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|date| date.to_str().ok());
        if let Some(reading) =
            date.and_then(|date| ClockReading::from_date(server, date, SystemTime::now()))
            && let Ok(mut clock) = self.clock.lock()
        {
            *clock = Some(reading);
        }
    }

    /// Enrolls with the server in `link`: makes a device key, proves it and the token to the
    /// server, and checks that the server holds the key the link pinned.
    pub async fn enroll(
        &self,
        link: &EnrollLink,
        device_name: &str,
        push: Option<PushChannel>,
    ) -> Result<Enrollment, ProtocolError> {
        let key = SigningKey::generate()?;
        let body = EnrollBody {
            token: link.token.clone(),
            jwk: key.public_key().clone(),
            device_name: device_name.into(),
            push,
        };
        let claims =
            message::claims_now("enroll", &link.server, now(), DEVICE_MESSAGE_LIFETIME, body)?;
        let signed = message::seal(&key, MessageType::Enroll, "enroll", &claims)?;
        let answer: wire::Enrolled = self
            .post(
                &link.server,
                "/v1/device/enroll",
                &wire::Signed { message: signed },
            )
            .await?;
        if answer.server_key.thumbprint() != link.fingerprint {
            return Err(ProtocolError::ServerKeyMismatch);
        }
        let enrolled: Claims<EnrolledBody> = message::open(
            &Unverified::parse(&answer.enrolled)?,
            MessageType::Enrolled,
            &answer.server_key,
            &key.public_key().thumbprint(),
            now(),
            i64::MAX,
        )?;
        if enrolled.iss != link.server {
            return Err(ProtocolError::UnexpectedAnswer(
                "an enrollment confirmed by another server".into(),
            ));
        }
        if enrolled.body.device_key != key.public_key().thumbprint() {
            return Err(ProtocolError::UnexpectedAnswer(
                "enrolled another key".into(),
            ));
        }
        Ok(Enrollment {
            server: link.server.clone(),
            server_key: answer.server_key,
            device_id: enrolled.body.device_id,
            relying_party: enrolled.body.relying_party,
            account: enrolled.body.account,
            device_name: device_name.into(),
            key,
            enrolled_at: now(),
        })
    }

    /// The approvals waiting for this device, oldest first.
    pub async fn pending(&self, enrollment: &Enrollment) -> Result<Vec<Approval>, ProtocolError> {
        let answer: wire::Approvals = self
            .send(
                enrollment,
                MessageType::List,
                "/v1/device/approvals",
                Empty {},
            )
            .await?;
        answer
            .approvals
            .iter()
            .map(|signed| open_approval(enrollment, signed))
            .collect()
    }

    /// One approval, by id.
    pub async fn fetch(
        &self,
        enrollment: &Enrollment,
        id: &str,
    ) -> Result<Approval, ProtocolError> {
        let body = FetchBody {
            approval: id.into(),
        };
        let answer: wire::OneApproval = self
            .send(enrollment, MessageType::Fetch, "/v1/device/approval", body)
            .await?;
        let approval = open_approval(enrollment, &answer.approval)?;
        if approval.id != id {
            return Err(ProtocolError::UnexpectedAnswer("another approval".into()));
        }
        Ok(approval)
    }

    /// Answers an approval. A wrong number comes back as denied: for good.
    pub async fn answer(
        &self,
        enrollment: &Enrollment,
        id: &str,
        answer: Answer,
    ) -> Result<Outcome, ProtocolError> {
        let body = match answer {
            Answer::Approve { number } => AnswerBody {
                approval: id.into(),
                decision: Decision::Approve,
                number: Some(number),
                reason: None,
                user_verified: false,
            },
            Answer::ApproveVerified { number } => AnswerBody {
                approval: id.into(),
                decision: Decision::Approve,
                number: Some(number),
                reason: None,
                user_verified: true,
            },
            Answer::ApproveOption { .. } | Answer::Confirm => {
                return Err(ProtocolError::AnswerDoesNotFit);
            }
            Answer::Deny { reason } => AnswerBody {
                approval: id.into(),
                decision: Decision::Deny,
                number: None,
                reason: Some(match reason {
                    DenyReason::WrongNumber => DenyReason::Declined,
                    other => other,
                }),
                user_verified: false,
            },
        };
        self.send(enrollment, MessageType::Answer, "/v1/device/answer", body)
            .await
    }

    /// Tells the server where to wake this device from now on (`None`: not at all).
    pub async fn set_push(
        &self,
        enrollment: &Enrollment,
        push: Option<PushChannel>,
    ) -> Result<(), ProtocolError> {
        let _: serde_json::Value = self
            .send(
                enrollment,
                MessageType::Push,
                "/v1/device/push",
                PushBody { push },
            )
            .await?;
        Ok(())
    }

    /// Asks the server to forget this device.
    pub async fn unenroll(&self, enrollment: &Enrollment) -> Result<(), ProtocolError> {
        let _: serde_json::Value = self
            .send(
                enrollment,
                MessageType::Unenroll,
                "/v1/device/unenroll",
                Empty {},
            )
            .await?;
        Ok(())
    }

    /// Opens the event stream (Server-Sent Events). The server first announces every approval
    /// already waiting, then each new one as it is asked for.
    pub async fn events(&self, enrollment: &Enrollment) -> Result<EventStream, ProtocolError> {
        let signed = signed(enrollment, MessageType::Events, Empty {})?;
        let response = self
            .http
            .get(format!("{}/v1/device/events", enrollment.server))
            .header("authorization", format!("Tessera {signed}"))
            .header("accept", "text/event-stream")
            .send()
            .await
            .map_err(|error| unreachable(&enrollment.server, &error))?;
        self.read_clock(&enrollment.server, &response);
        let response = check_status(response).await?;
        Ok(EventStream {
            response,
            server: enrollment.server.clone(),
            buffer: Vec::new(),
        })
    }

    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        enrollment: &Enrollment,
        kind: MessageType,
        path: &str,
        body: B,
    ) -> Result<T, ProtocolError> {
        let message = signed(enrollment, kind, body)?;
        self.post(&enrollment.server, path, &wire::Signed { message })
            .await
    }

    async fn post<T: DeserializeOwned>(
        &self,
        server: &str,
        path: &str,
        body: &wire::Signed,
    ) -> Result<T, ProtocolError> {
        let response = self
            .http
            .post(format!("{server}{path}"))
            .timeout(REQUEST_TIMEOUT)
            .json(body)
            .send()
            .await
            .map_err(|error| unreachable(server, &error))?;
        self.read_clock(server, &response);
        let response = check_status(response).await?;
        let bytes = read_capped(response, server).await?;
        let bytes = if bytes.is_empty() {
            &b"null"[..]
        } else {
            &bytes[..]
        };
        serde_json::from_slice(bytes)
            .map_err(|error| ProtocolError::UnexpectedAnswer(error.to_string()))
    }
}

impl EventStream {
    /// Waits for the next event; `None` when the server closes the stream.
    pub async fn next(&mut self) -> Result<Option<ServerEvent>, ProtocolError> {
        loop {
            while let Some(end) = find_event_end(&self.buffer) {
                let block: Vec<u8> = self.buffer.drain(..end.1).collect();
                if let Some(event) = parse_event(&block[..end.0]) {
                    return Ok(Some(event));
                }
            }
            match self.response.chunk().await {
                Ok(Some(chunk)) => self.buffer.extend_from_slice(&chunk),
                Ok(None) => return Ok(None),
                Err(error) => return Err(unreachable(&self.server, &error)),
            }
            if self.buffer.len() > 64 * 1024 {
                return Err(ProtocolError::UnexpectedAnswer("an event too long".into()));
            }
        }
    }
}

/// Where the first event in `buffer` ends: (end of its text, end including the blank line).
fn find_event_end(buffer: &[u8]) -> Option<(usize, usize)> {
    let text = buffer;
    (0..text.len()).find_map(|at| {
        if text[at..].starts_with(b"\n\n") {
            Some((at, at + 2))
        } else if text[at..].starts_with(b"\r\n\r\n") {
            Some((at, at + 4))
        } else {
            None
        }
    })
}

/// Reads one Server-Sent Event; comments (keep-alives) and unknown events give `None`.
fn parse_event(block: &[u8]) -> Option<ServerEvent> {
    let text = std::str::from_utf8(block).ok()?;
    let (mut name, mut data) = ("message", String::new());
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            name = value.trim();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim());
        }
    }
    match name {
        "approval" => serde_json::from_str::<wire::ApprovalEvent>(&data)
            .ok()
            .map(|event| ServerEvent::Approval(event.id)),
        _ => None,
    }
}

fn signed<B: Serialize>(
    enrollment: &Enrollment,
    kind: MessageType,
    body: B,
) -> Result<String, ProtocolError> {
    let claims = message::claims_now(
        &enrollment.device_id,
        &enrollment.server,
        now(),
        DEVICE_MESSAGE_LIFETIME,
        body,
    )?;
    message::seal(&enrollment.key, kind, &enrollment.device_id, &claims)
}

fn open_approval(enrollment: &Enrollment, signed: &str) -> Result<Approval, ProtocolError> {
    let claims: Claims<Approval> = message::open(
        &Unverified::parse(signed)?,
        MessageType::Approval,
        &enrollment.server_key,
        &enrollment.device_id,
        now(),
        i64::MAX,
    )?;
    if claims.iss != enrollment.server {
        return Err(ProtocolError::UnexpectedAnswer(
            "an approval from another server".into(),
        ));
    }
    Ok(claims.body)
}

async fn check_status(response: reqwest::Response) -> Result<reqwest::Response, ProtocolError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = read_capped(response, "").await.unwrap_or_default();
    Err(match serde_json::from_slice::<ErrorBody>(&text) {
        Ok(body) => ProtocolError::Refused {
            status: status.as_u16(),
            code: body.error,
            message: body.message,
        },
        Err(_) => ProtocolError::UnexpectedAnswer(format!("HTTP {status}")),
    })
}

/// The most of an answer the client reads: every real answer is far smaller.
const MAX_ANSWER: usize = 256 * 1024;

/// An answer's body, refused once it passes [`MAX_ANSWER`] instead of read to its end.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    server: &str,
) -> Result<Vec<u8>, ProtocolError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| unreachable(server, &error))?
    {
        if body.len() + chunk.len() > MAX_ANSWER {
            return Err(ProtocolError::UnexpectedAnswer(format!(
                "an answer over {} KiB",
                MAX_ANSWER / 1024
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub(crate) fn unreachable(server: &str, error: &reqwest::Error) -> ProtocolError {
    let detail = if error.is_timeout() {
        "it did not answer in time".to_string()
    } else if error.is_connect() {
        "the connection was refused or failed".to_string()
    } else {
        // Without the address: a poll's carries its signed query.
        let mut error = error.to_string();
        if let Some(at) = error.find(" for url (") {
            error.truncate(at);
        }
        error
    };
    ProtocolError::Unreachable {
        server: server.into(),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_from_the_stream_and_keepalives_skipped() {
        let stream = b": keep-alive\n\nevent: approval\ndata: {\"id\":\"ap_1\"}\n\n";
        let (end, next) = find_event_end(stream).unwrap();
        assert_eq!(parse_event(&stream[..end]), None);
        let rest = &stream[next..];
        let (end, _) = find_event_end(rest).unwrap();
        assert_eq!(
            parse_event(&rest[..end]),
            Some(ServerEvent::Approval("ap_1".into()))
        );
    }
}
