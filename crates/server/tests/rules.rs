//! The smaller rules, on SQLite: wake-ups carry nothing and dead push addresses are forgotten,
//! the admin API stays inside the account in its path, a 429 says when to come back, and a
//! message's sender must be its signer.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Db, Harness};
use reqwest::Method;
use serde_json::json;
use tessera_push::message::{self, Claims, Empty, MessageType};
use tessera_push::{Answer, DenyReason, PushChannel, PushKind};
use tessera_server::push::{PushError, Pushers, Wake, WakeFuture};

/// A push service that records what it was asked to send, and says every address is dead.
#[derive(Debug, Default, Clone)]
struct DeadLetters {
    woken: Arc<Mutex<Vec<PushChannel>>>,
}

impl Wake for DeadLetters {
    fn kind(&self) -> PushKind {
        PushKind::UnifiedPush
    }

    fn wake<'a>(&'a self, channel: &'a PushChannel) -> WakeFuture<'a> {
        self.woken.lock().unwrap().push(channel.clone());
        Box::pin(async { Err(PushError::Unregistered("the endpoint is gone")) })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_service_that_says_dead_makes_the_server_forget_the_address() {
    let service = DeadLetters::default();
    let harness = Harness::start_on(
        None,
        tempfile::tempdir().unwrap(),
        Pushers::none().with(service.clone()),
        |_| {},
    )
    .await;
    let link = harness.link("alice").await;
    let push = PushChannel {
        kind: PushKind::UnifiedPush,
        address: "https://push.example/endpoint/abc".into(),
    };
    harness
        .client
        .enroll(&link, "phone", Some(push.clone()))
        .await
        .unwrap();
    let (code, devices) = harness
        .rp(Method::GET, "/v1/accounts/alice/devices", None)
        .await;
    assert_eq!(
        (code, devices[0]["push"].as_str()),
        (200, Some("unifiedpush"))
    );
    harness.approval("alice").await;
    for _ in 0..50 {
        let (_, devices) = harness
            .rp(Method::GET, "/v1/accounts/alice/devices", None)
            .await;
        if devices[0]["push"].is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        *service.woken.lock().unwrap(),
        vec![push],
        "one content-free wake-up to the device's address"
    );
    let (_, devices) = harness
        .rp(Method::GET, "/v1/accounts/alice/devices", None)
        .await;
    assert!(
        devices[0]["push"].is_null(),
        "the dead address is forgotten: {devices}"
    );
    harness.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_api_acts_only_within_the_account_in_the_path() {
    let harness = Harness::start(Db::Sqlite).await;
    let alice = harness.device("alice").await;
    harness.device("bob").await;
    let path = format!("/v1/accounts/bob/devices/{}", alice.device_id);
    let (code, body) = harness.rp(Method::DELETE, &path, None).await;
    assert_eq!(
        (code, body["error"].as_str()),
        (404, Some("unknown_device"))
    );
    let (code, _) = harness
        .rp(Method::PATCH, &path, Some(json!({"name": "stolen"})))
        .await;
    assert_eq!(code, 404);
    assert!(
        harness.client.pending(&alice).await.is_ok(),
        "alice's device still works"
    );
    harness.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_account_is_told_when_to_come_back() {
    let harness = Harness::start(Db::Sqlite).await;
    let device = harness.device("carol").await;
    let (id, _) = harness.approval("carol").await;
    harness
        .client
        .answer(
            &device,
            &id,
            Answer::Deny {
                reason: DenyReason::NotMe,
            },
        )
        .await
        .unwrap();
    let response = harness
        .http
        .post(format!("{}/v1/approvals", harness.base))
        .bearer_auth(&harness.rp_key)
        .json(&json!({"account": "carol", "context": {"site": "Example shop"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let header: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["retry_after"].as_u64(), Some(header));
    assert!(
        (14 * 60..=15 * 60).contains(&header),
        "about fifteen minutes, rounded up: {header}"
    );
    harness.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_whose_sender_is_not_its_signer_is_refused() {
    let harness = Harness::start(Db::Sqlite).await;
    let device = harness.device("dave").await;
    let now = tessera_server::time::seconds(tessera_server::time::now_ms());
    let claims = Claims {
        iss: "dev_someone_else".into(),
        aud: device.server.clone(),
        iat: now,
        exp: now + 60,
        jti: message::new_jti().unwrap(),
        body: Empty {},
    };
    let signed = message::seal(&device.key, MessageType::List, &device.device_id, &claims).unwrap();
    let response = harness
        .http
        .post(format!("{}/v1/device/approvals", harness.base))
        .json(&json!({"message": signed}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_message");
    // An enrollment that does not say it is one is refused too, and uses up nothing.
    let link = harness.link("dave").await;
    let key = tessera_push::SigningKey::generate().unwrap();
    let body = message::EnrollBody {
        token: link.token.clone(),
        jwk: key.public_key().clone(),
        device_name: "phone".into(),
        push: None,
    };
    let claims = Claims {
        iss: "not-enroll".into(),
        aud: link.server.clone(),
        iat: now,
        exp: now + 60,
        jti: message::new_jti().unwrap(),
        body,
    };
    let signed = message::seal(&key, MessageType::Enroll, "enroll", &claims).unwrap();
    let response = post_enroll(&harness, &signed).await;
    assert_eq!(response.status().as_u16(), 400);
    assert!(
        harness.client.enroll(&link, "phone", None).await.is_ok(),
        "the link still works"
    );
    harness.running.stop().await;
}

#[tokio::test]
async fn an_enrollment_with_times_at_the_ends_of_i64_gets_a_clear_refusal() {
    let harness = Harness::start(Db::Sqlite).await;
    let link = harness.link("gina").await;
    let key = tessera_push::SigningKey::generate().unwrap();
    for (iat, exp) in [(i64::MIN, 1_700_000_000), (i64::MIN + 1, i64::MAX)] {
        let claims = Claims {
            iss: "enroll".into(),
            aud: link.server.clone(),
            iat,
            exp,
            jti: message::new_jti().unwrap(),
            body: message::EnrollBody {
                token: link.token.clone(),
                jwk: key.public_key().clone(),
                device_name: "phone".into(),
                push: None,
            },
        };
        let signed = message::seal(&key, MessageType::Enroll, "enroll", &claims).unwrap();
        let response = post_enroll(&harness, &signed).await;
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap();
        assert!((400..500).contains(&status), "{iat} {exp}: {status} {body}");
        assert!(body["error"].is_string(), "{body}");
    }
    assert!(
        harness.client.enroll(&link, "phone", None).await.is_ok(),
        "the link still works"
    );
    harness.running.stop().await;
}

/// Posts a signed enrollment message as a device would; an answer, never a dropped connection.
async fn post_enroll(harness: &Harness, signed: &str) -> reqwest::Response {
    harness
        .http
        .post(format!("{}/v1/device/enroll", harness.base))
        .json(&json!({"message": signed}))
        .send()
        .await
        .expect("an answer, not a dropped connection")
}
