//! What the user is shown, on SQLite: words that would display other than they are stored
//! (bidirectional overrides, zero-width characters) are refused wherever a relying party or a
//! device names something, and the demo takes a sign-in's address from `X-Forwarded-For` only
//! when the operator says a proxy in front sets it.

mod common;

use common::{Db, Harness};
use reqwest::Method;
use serde_json::{Value, json};
use tessera_push::{EnrollLink, ProtocolError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_name_with_a_right_to_left_override_is_refused() {
    let harness = Harness::start(Db::Sqlite).await;
    let _device = harness.device("alice").await;
    for context in [
        json!({ "site": "Example\u{202e}koob" }),
        json!({ "site": "Example shop", "place": "Utrecht\u{200b}" }),
        json!({ "site": "Example shop", "browser": "\u{2067}Firefox" }),
    ] {
        let (code, body) = harness
            .rp(
                Method::POST,
                "/v1/approvals",
                Some(json!({ "account": "alice", "context": context })),
            )
            .await;
        assert_eq!(
            (code, body["error"].as_str()),
            (400, Some("invalid_context")),
            "{body}"
        );
    }
    assert_eq!(harness.count("approvals").await, 0);
    harness.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_and_account_names_with_hidden_characters_are_refused() {
    let harness = Harness::start(Db::Sqlite).await;
    let link = harness.link("alice").await;
    let refused = harness
        .client
        .enroll(&link, "Alice\u{202e}s Pixel", None)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ProtocolError::Refused { status: 400, ref code, .. } if code == "invalid_device_name"),
        "{refused:?}"
    );
    let device = harness
        .client
        .enroll(&link, "Alice's Pixel", None)
        .await
        .unwrap();
    let (code, body) = harness
        .rp(
            Method::PATCH,
            &format!("/v1/accounts/alice/devices/{}", device.device_id),
            Some(json!({ "name": "Pixel\u{200d} 8" })),
        )
        .await;
    assert_eq!(
        (code, body["error"].as_str()),
        (400, Some("invalid_device_name")),
        "{body}"
    );
    let (_, devices) = harness
        .rp(Method::GET, "/v1/accounts/alice/devices", None)
        .await;
    assert_eq!(devices[0]["name"], "Alice's Pixel");
    let (code, body) = harness
        .rp(
            Method::POST,
            "/v1/enrollments",
            Some(json!({ "account": "bob\u{feff}@example.com" })),
        )
        .await;
    assert_eq!(
        (code, body["error"].as_str()),
        (400, Some("invalid_account")),
        "{body}"
    );
    harness.running.stop().await;
}

/// Signs up on the demo, enrolls a device, signs in sending `X-Forwarded-For: 203.0.113.7`, and
/// returns the context the device is shown.
async fn demo_sign_in_through_a_proxy(harness: &Harness) -> Value {
    let credentials = json!({ "username": "mallory", "password": "correct horse battery" });
    let post = |path: &str| {
        harness
            .http
            .post(format!("{}{path}", harness.base))
            .header("x-forwarded-for", "198.51.100.1, 203.0.113.7")
            .json(&credentials)
    };
    assert_eq!(
        post("/demo/api/sign-up").send().await.unwrap().status(),
        201
    );
    let enrollment: Value = post("/demo/api/enroll")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = EnrollLink::parse(enrollment["link"].as_str().unwrap()).unwrap();
    let device = harness.client.enroll(&link, "phone", None).await.unwrap();
    let signed_in = post("/demo/api/sign-in").send().await.unwrap();
    assert_eq!(signed_in.status(), 200);
    let pending = harness.client.pending(&device).await.unwrap();
    serde_json::to_value(&pending[0].context).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_ignores_x_forwarded_for_unless_told_to_trust_it() {
    let harness = Harness::start(Db::Sqlite).await;
    let context = demo_sign_in_through_a_proxy(&harness).await;
    assert_eq!(
        (context["ip"].as_str(), context["place"].as_str()),
        (Some("127.0.0.1"), Some("this computer"))
    );
    harness.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_demo_records_the_address_the_proxy_saw() {
    let harness =
        Harness::start_with(Db::Sqlite, |settings| settings.trust_forwarded_for = true).await;
    let context = demo_sign_in_through_a_proxy(&harness).await;
    assert_eq!(
        (context["ip"].as_str(), context["place"].as_str()),
        (Some("203.0.113.7"), Some("the internet"))
    );
    harness.running.stop().await;
}
