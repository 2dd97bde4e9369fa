//! The demo site on a real server, on SQLite: not served when the server listens beyond
//! loopback unless asked for, sign-ups and password tries limited per minute, and old demo
//! accounts purged with their devices revoked, so that a name signed up again inherits nothing.

mod common;

use common::{Db, Harness};
use serde_json::{Value, json};
use tessera_push::{EnrollLink, ProtocolError};
use tessera_server::push::Pushers;
use tessera_server::{Settings, Store};

/// A server listening on all addresses (not loopback), reached here through 127.0.0.1.
async fn listening_everywhere(
    demo: Option<bool>,
) -> (tessera_server::Running, String, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let store = Store::sqlite(folder.path()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let mut settings = Settings::new(base.clone());
    settings.demo = demo;
    let running = tessera_server::start(store, settings, Pushers::none(), listener)
        .await
        .unwrap();
    (running, base, folder)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_is_not_served_beyond_loopback_unless_asked_for() {
    let http = reqwest::Client::new();
    let (running, base, _folder) = listening_everywhere(None).await;
    for path in ["/", "/demo", "/demo/demo.js"] {
        let response = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    let response = http
        .post(format!("{base}/demo/api/sign-up"))
        .json(&json!({ "username": "alice", "password": "correct horse battery" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "no_such_endpoint");
    let users = sqlx::query("SELECT username FROM demo_users")
        .fetch_all(&running.server.store.pool)
        .await
        .unwrap();
    assert!(users.is_empty());
    running.stop().await;

    let (running, base, _folder) = listening_everywhere(Some(true)).await;
    let response = http.get(format!("{base}/demo")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    running.stop().await;
}

async fn demo(harness: &Harness, path: &str, username: &str, password: &str) -> (u16, Value) {
    let response = harness
        .http
        .post(format!("{}{path}", harness.base))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The clock minute now: the limits count in whole clock minutes.
fn minute() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        / 60_000
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_tries_for_one_username_are_limited_per_minute() {
    // A run that straddles two clock minutes counts in two windows: run again on a new server.
    for run in 0..3 {
        let harness = Harness::start(Db::Sqlite).await;
        let right = "correct horse battery";
        assert_eq!(
            demo(&harness, "/demo/api/sign-up", "bob", right).await.0,
            201
        );
        let started = minute();
        for _ in 0..10 {
            let (code, body) = demo(&harness, "/demo/api/sign-in", "bob", "wrong guess").await;
            assert_eq!(
                (code, body["error"].as_str()),
                (401, Some("wrong_password")),
                "{body}"
            );
        }
        let (code, body) = demo(&harness, "/demo/api/sign-in", "bob", right).await;
        harness.running.stop().await;
        if minute() != started && run < 2 {
            continue;
        }
        assert_eq!(
            (code, body["error"].as_str()),
            (429, Some("too_many_attempts")),
            "{body}"
        );
        assert!(
            body["retry_after"].as_u64().is_some_and(|wait| wait <= 60),
            "{body}"
        );
        return;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ups_from_one_address_are_limited_per_minute() {
    let password = "correct horse battery";
    for run in 0..3 {
        let harness = Harness::start(Db::Sqlite).await;
        let started = minute();
        for index in 0..20 {
            let name = format!("user{index}");
            let (code, body) = demo(&harness, "/demo/api/sign-up", &name, password).await;
            assert_eq!(code, 201, "{body}");
        }
        let (code, body) = demo(&harness, "/demo/api/sign-up", "user20", password).await;
        if minute() != started && run < 2 {
            harness.running.stop().await;
            continue;
        }
        assert_eq!(
            (code, body["error"].as_str()),
            (429, Some("too_many_attempts")),
            "{body}"
        );
        let (code, _) = demo(&harness, "/demo/api/sign-in", "user20", password).await;
        assert_eq!(code, 401, "the refused sign-up made no account");
        harness.running.stop().await;
        return;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_demo_accounts_are_purged_and_their_devices_revoked() {
    let harness = Harness::start(Db::Sqlite).await;
    let password = "correct horse battery";
    assert_eq!(
        demo(&harness, "/demo/api/sign-up", "carol", password)
            .await
            .0,
        201
    );
    let (_, enrollment) = demo(&harness, "/demo/api/enroll", "carol", password).await;
    let link = EnrollLink::parse(enrollment["link"].as_str().unwrap()).unwrap();
    let device = harness
        .client
        .enroll(&link, "carol's phone", None)
        .await
        .unwrap();
    let pool = &harness.running.server.store.pool;
    let eight_days = 8 * 24 * 60 * 60 * 1000_i64;
    sqlx::query("UPDATE demo_users SET created_at = created_at - $1")
        .bind(eight_days)
        .execute(pool)
        .await
        .unwrap();
    tessera_server::http::demo_guard::purge(&harness.running.server)
        .await
        .unwrap();
    let refused = harness.client.pending(&device).await.unwrap_err();
    assert!(
        matches!(refused, ProtocolError::Refused { status: 401, ref code, .. } if code == "device_revoked"),
        "{refused:?}"
    );
    assert_eq!(
        demo(&harness, "/demo/api/sign-up", "carol", "another password")
            .await
            .0,
        201
    );
    let (code, body) = demo(&harness, "/demo/api/sign-in", "carol", "another password").await;
    assert_eq!(
        (code, body["error"].as_str()),
        (409, Some("no_device")),
        "{body}"
    );
    harness.running.stop().await;
}
