//! What an attacker might send, and that each is refused with a JSON error and changes
//! nothing (the approval still pending, its row as it was): replays, forged and stale messages,
//! another algorithm, malformed bodies.

mod common;

use common::{Db, Harness};
use serde_json::{Value, json};
use tessera_push::message::{self, AnswerBody, Claims, Decision, MessageType};
use tessera_push::{Enrollment, SigningKey, Status};

fn now() -> i64 {
    tessera_server::time::seconds(tessera_server::time::now_ms())
}

/// A device's answer message, signed by `key` (the device's own, or not).
fn answer_message(
    device: &Enrollment,
    key: &SigningKey,
    approval: &str,
    number: u8,
    iat: i64,
) -> String {
    let claims = Claims {
        iss: device.device_id.clone(),
        aud: device.server.clone(),
        iat,
        exp: iat + 60,
        jti: message::new_jti().unwrap(),
        body: AnswerBody {
            approval: approval.into(),
            decision: Decision::Approve,
            number: Some(number),
            reason: None,
            user_verified: false,
        },
    };
    message::seal(key, MessageType::Answer, &device.device_id, &claims).unwrap()
}

async fn post(harness: &Harness, path: &str, body: &str, content_type: &str) -> (u16, Value) {
    let response = harness
        .http
        .post(format!("{}{path}", harness.base))
        .header("content-type", content_type)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Asserts that the approval is still waiting for its answer and its row is as it was.
async fn still_pending_and_unchanged(
    harness: &Harness,
    id: &str,
    before: &[(&'static str, Option<String>)],
) {
    let row = harness.approval_row(id).await;
    assert_eq!(row, before, "the approval's row changed");
    let state = row.iter().find(|(column, _)| *column == "state");
    assert_eq!(state, Some(&("state", Some("pending".to_string()))));
    let (_, view) = harness
        .rp(reqwest::Method::GET, &format!("/v1/approvals/{id}"), None)
        .await;
    assert_eq!(view["status"], Status::Pending.as_str());
}

async fn send(harness: &Harness, signed: &str) -> (u16, Value) {
    post(
        harness,
        "/v1/device/answer",
        &json!({ "message": signed }).to_string(),
        "application/json",
    )
    .await
}

async fn a_replayed_message_is_refused(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("alice").await;
    let (id, number) = harness.approval("alice").await;
    let signed = answer_message(&device, &device.key, &id, number, now());
    assert_eq!(send(&harness, &signed).await.0, 200);
    let answered = harness.approval_row(&id).await;
    let (code, body) = send(&harness, &signed).await;
    assert_eq!(
        (code, body["error"].as_str()),
        (401, Some("replayed_message")),
        "{body}"
    );
    assert_eq!(
        harness.approval_row(&id).await,
        answered,
        "the answered approval's row changed"
    );
    // Replaying it against the next approval does nothing either: it names the old one.
    let (next, _) = harness.approval("alice").await;
    let before = harness.approval_row(&next).await;
    assert_eq!(send(&harness, &signed).await.0, 401);
    still_pending_and_unchanged(&harness, &next, &before).await;
    harness.running.stop().await;
}

async fn a_signature_by_another_key_is_refused(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("alice").await;
    let (id, number) = harness.approval("alice").await;
    let before = harness.approval_row(&id).await;
    let stranger = SigningKey::generate().unwrap();
    let (code, body) = send(
        &harness,
        &answer_message(&device, &stranger, &id, number, now()),
    )
    .await;
    assert_eq!(
        (code, body["error"].as_str()),
        (401, Some("bad_signature")),
        "{body}"
    );
    still_pending_and_unchanged(&harness, &id, &before).await;
    harness.running.stop().await;
}

async fn stale_and_future_messages_are_refused(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("alice").await;
    let (id, number) = harness.approval("alice").await;
    let before = harness.approval_row(&id).await;
    for iat in [now() - 3600, now() + 3600] {
        let (code, body) = send(
            &harness,
            &answer_message(&device, &device.key, &id, number, iat),
        )
        .await;
        assert_eq!(
            (code, body["error"].as_str()),
            (401, Some("stale_message")),
            "{body}"
        );
    }
    still_pending_and_unchanged(&harness, &id, &before).await;
    harness.running.stop().await;
}

async fn a_message_for_another_server_is_refused(db: Db) {
    let harness = Harness::start(db).await;
    let mut device = harness.device("alice").await;
    let (id, number) = harness.approval("alice").await;
    let before = harness.approval_row(&id).await;
    device.server = "https://elsewhere.example".into();
    let (code, body) = send(
        &harness,
        &answer_message(&device, &device.key, &id, number, now()),
    )
    .await;
    assert_eq!(
        (code, body["error"].as_str()),
        (401, Some("wrong_audience")),
        "{body}"
    );
    still_pending_and_unchanged(&harness, &id, &before).await;
    harness.running.stop().await;
}

async fn unsigned_or_other_algorithm_messages_are_refused(db: Db) {
    use base64::Engine;
    let harness = Harness::start(db).await;
    let device = harness.device("alice").await;
    let (id, number) = harness.approval("alice").await;
    let before = harness.approval_row(&id).await;
    let signed = answer_message(&device, &device.key, &id, number, now());
    let (_, rest) = signed.split_once('.').unwrap();
    let header = |alg: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
            r#"{{"alg":"{alg}","typ":"tessera-answer+jwt","kid":"{}"}}"#,
            device.device_id
        ))
    };
    let payload = rest.split('.').next().unwrap();
    for forged in [
        format!("{}.{payload}.", header("none")),
        format!("{}.{rest}", header("HS256")),
    ] {
        let (code, body) = send(&harness, &forged).await;
        assert_eq!(
            (code, body["error"].as_str()),
            (400, Some("invalid_message")),
            "{body}"
        );
    }
    still_pending_and_unchanged(&harness, &id, &before).await;
    harness.running.stop().await;
}

async fn bad_bodies_get_json_errors_and_store_nothing(db: Db) {
    let harness = Harness::start(db).await;
    let _device = harness.device("alice").await;
    let before = (
        harness.count("approvals").await,
        harness.count("devices").await,
        harness.count("audit_log").await,
    );
    let key = harness.rp_key.clone();
    let approve = |body: String, content_type: &'static str| {
        let request = harness
            .http
            .post(format!("{}/v1/approvals", harness.base))
            .bearer_auth(&key)
            .header("content-type", content_type)
            .body(body);
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let cases = [
        (
            approve("{\"account\": \"alice\",".into(), "application/json").await,
            400,
            "malformed_json",
        ),
        (
            approve(
                json!({"account": "alice", "context": {"site": "x"}, "admin": true}).to_string(),
                "application/json",
            )
            .await,
            422,
            "invalid_body",
        ),
        (
            approve(
                json!({"account": "alice", "context": {"site": "x"}}).to_string(),
                "text/plain",
            )
            .await,
            415,
            "unsupported_media_type",
        ),
        (
            approve(
                format!("{{\"account\": \"{}\"}}", "a".repeat(100_000)),
                "application/json",
            )
            .await,
            413,
            "body_too_large",
        ),
        (
            approve(
                json!({"account": "alice", "context": {"site": ""}}).to_string(),
                "application/json",
            )
            .await,
            400,
            "invalid_context",
        ),
        (
            approve(
                json!({"account": "alice", "context": {"site": "x"}, "ttl_seconds": 100000})
                    .to_string(),
                "application/json",
            )
            .await,
            400,
            "invalid_ttl",
        ),
        (
            post(
                &harness,
                "/v1/device/enroll",
                "not json",
                "application/json",
            )
            .await,
            400,
            "malformed_json",
        ),
        (
            post(
                &harness,
                "/v1/device/answer",
                &json!({"message": "a.b.c"}).to_string(),
                "application/json",
            )
            .await,
            400,
            "invalid_message",
        ),
        (
            post(
                &harness,
                "/v1/device/enroll",
                &json!({"message": "x".repeat(20_000)}).to_string(),
                "application/json",
            )
            .await,
            400,
            "invalid_message",
        ),
    ];
    for ((code, body), expected_code, expected_error) in cases {
        assert_eq!(
            (code, body["error"].as_str()),
            (expected_code, Some(expected_error)),
            "{body}"
        );
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|text| !text.is_empty())
        );
    }
    let response = harness
        .http
        .post(format!("{}/v1/approvals", harness.base))
        .bearer_auth("tsk_forged")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let after = (
        harness.count("approvals").await,
        harness.count("devices").await,
        harness.count("audit_log").await,
    );
    assert_eq!(before, after, "nothing was stored");
    harness.running.stop().await;
}

on_both!(
    a_replayed_message_is_refused,
    a_signature_by_another_key_is_refused,
    stale_and_future_messages_are_refused,
    a_message_for_another_server_is_refused,
    unsigned_or_other_algorithm_messages_are_refused,
    bad_bodies_get_json_errors_and_store_nothing,
);
