//! Whole approval flows over real HTTP, on SQLite and on Postgres: the relying party asks, the
//! device (tessera-push's client) answers, the relying party waits and redeems.

mod common;

use std::time::{Duration, Instant};

use common::{Db, Harness};
use reqwest::Method;
use serde_json::json;
use tessera_push::{Answer, DenyReason, ProtocolError, ServerEvent, Status};

async fn status_of(harness: &Harness, id: &str, wait: u64) -> serde_json::Value {
    let (code, body) = harness
        .rp(
            Method::GET,
            &format!("/v1/approvals/{id}?wait={wait}"),
            None,
        )
        .await;
    assert_eq!(code, 200, "{body}");
    body
}

/// Long enough that a waiting long-poll never reads again by itself while a test runs: only the
/// event that the approval closed can end its wait.
const NO_RECHECK: Duration = Duration::from_secs(3600);

/// Well under the one second at which a long-poll would read again by itself, so that a wait
/// ended within it was ended by the event.
const AT_ONCE: Duration = Duration::from_millis(500);

async fn approving_with_the_right_number_signs_in_once(db: Db) {
    let harness = Harness::start_with(db, |settings| settings.wait_recheck = NO_RECHECK).await;
    let device = harness.device("alice").await;
    let (id, number) = harness.approval("alice").await;
    let waiting = harness.client.pending(&device).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].id, id);
    assert_eq!(
        waiting[0].context.browser.as_deref(),
        Some("Firefox on Linux")
    );
    assert_eq!(waiting[0].relying_party, "Example shop");
    let waiter = harness.long_poll(&id);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!waiter.is_finished(), "the long-poll waits while pending");
    let outcome = harness
        .client
        .answer(&device, &id, Answer::Approve { number })
        .await
        .unwrap();
    assert_eq!(outcome.status, Status::Approved);
    let seen = tokio::time::timeout(AT_ONCE, waiter)
        .await
        .expect("the long-poll returns at once when the device answers, told by the event")
        .unwrap();
    assert_eq!(seen["status"], "approved");
    let (code, redeemed) = harness
        .rp(Method::POST, &format!("/v1/approvals/{id}/redeem"), None)
        .await;
    assert_eq!((code, redeemed["status"].as_str()), (200, Some("approved")));
    let (code, again) = harness
        .rp(Method::POST, &format!("/v1/approvals/{id}/redeem"), None)
        .await;
    assert_eq!(
        (code, again["error"].as_str()),
        (409, Some("already_redeemed"))
    );
    assert_eq!(
        tessera_server::audit::count(&harness.running.server.store.pool, "approved")
            .await
            .unwrap(),
        1
    );
    harness.running.stop().await;
}

async fn a_wrong_number_denies_for_good(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("alice").await;
    let (id, number) = harness.approval("alice").await;
    let wrong = if number == 99 { 10 } else { number + 1 };
    let outcome = harness
        .client
        .answer(&device, &id, Answer::Approve { number: wrong })
        .await
        .unwrap();
    assert_eq!(
        (outcome.status, outcome.reason),
        (Status::Denied, Some(DenyReason::WrongNumber))
    );
    let again = harness
        .client
        .answer(&device, &id, Answer::Approve { number })
        .await
        .unwrap_err();
    assert!(
        matches!(again, ProtocolError::Refused { status: 409, ref code, .. } if code == "approval_closed"),
        "{again:?}"
    );
    assert_eq!(status_of(&harness, &id, 0).await["reason"], "wrong_number");
    harness.running.stop().await;
}

async fn a_new_approval_supersedes_the_pending_one(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("alice").await;
    let (first, number) = harness.approval("alice").await;
    let (second, _) = harness.approval("alice").await;
    assert_eq!(status_of(&harness, &first, 0).await["status"], "superseded");
    let waiting = harness.client.pending(&device).await.unwrap();
    assert_eq!(
        waiting.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        vec![second.as_str()]
    );
    assert!(
        harness
            .client
            .answer(&device, &first, Answer::Approve { number })
            .await
            .is_err()
    );
    harness.running.stop().await;
}

async fn an_expired_approval_cannot_be_answered(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("alice").await;
    let (id, number) = harness.approval("alice").await;
    sqlx::query("UPDATE approvals SET expires_at = $1 WHERE id = $2")
        .bind(tessera_server::time::now_ms() - 1)
        .bind(&id)
        .execute(&harness.running.server.store.pool)
        .await
        .unwrap();
    let error = harness
        .client
        .answer(&device, &id, Answer::Approve { number })
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProtocolError::Refused { status: 409, ref message, .. } if message.contains("expired")),
        "{error:?}"
    );
    assert_eq!(status_of(&harness, &id, 0).await["status"], "expired");
    let (code, redeemed) = harness
        .rp(Method::POST, &format!("/v1/approvals/{id}/redeem"), None)
        .await;
    assert_eq!((code, redeemed["status"].as_str()), (200, Some("expired")));
    harness.running.stop().await;
}

async fn another_accounts_device_cannot_see_or_answer(db: Db) {
    let harness = Harness::start(db).await;
    let _alice = harness.device("alice").await;
    let bob = harness.device("bob").await;
    let (id, number) = harness.approval("alice").await;
    assert!(harness.client.pending(&bob).await.unwrap().is_empty());
    let fetched = harness.client.fetch(&bob, &id).await.unwrap_err();
    assert!(
        matches!(fetched, ProtocolError::Refused { status: 404, .. }),
        "{fetched:?}"
    );
    let answered = harness
        .client
        .answer(&bob, &id, Answer::Approve { number })
        .await
        .unwrap_err();
    assert!(
        matches!(answered, ProtocolError::Refused { status: 404, .. }),
        "{answered:?}"
    );
    assert_eq!(status_of(&harness, &id, 0).await["status"], "pending");
    harness.running.stop().await;
}

async fn a_revoked_device_is_refused_and_its_stream_ends(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("alice").await;
    let mut stream = harness.client.events(&device).await.unwrap();
    let (code, devices) = harness
        .rp(Method::GET, "/v1/accounts/alice/devices", None)
        .await;
    assert_eq!(code, 200);
    assert_eq!(devices[0]["name"], "test phone");
    let (code, _) = harness
        .rp(
            Method::PATCH,
            &format!("/v1/accounts/alice/devices/{}", device.device_id),
            Some(json!({"name": "Pixel"})),
        )
        .await;
    assert_eq!(code, 204);
    let (code, _) = harness
        .rp(
            Method::DELETE,
            &format!("/v1/accounts/alice/devices/{}", device.device_id),
            None,
        )
        .await;
    assert_eq!(code, 204);
    let ended = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("the stream ends");
    assert_eq!(ended.unwrap(), None);
    let error = harness.client.pending(&device).await.unwrap_err();
    assert!(
        matches!(error, ProtocolError::Refused { status: 401, ref code, .. } if code == "device_revoked"),
        "{error:?}"
    );
    let (code, body) = harness.ask("alice").await;
    assert_eq!((code, body["error"].as_str()), (409, Some("no_device")));
    let (_, devices) = harness
        .rp(Method::GET, "/v1/accounts/alice/devices", None)
        .await;
    assert_eq!(devices[0]["name"], "Pixel");
    assert!(devices[0]["revoked_at"].is_number());
    harness.running.stop().await;
}

async fn two_answers_at_once_exactly_one_wins(db: Db) {
    let harness = Harness::start_with(db, |settings| {
        settings.account_per_minute = 1000;
        settings.backoff_after_denials = 1000;
    })
    .await;
    let (phone, tablet) = (harness.device("alice").await, harness.device("alice").await);
    for _ in 0..15 {
        let (id, number) = harness.approval("alice").await;
        let (a, b) = tokio::join!(
            harness
                .client
                .answer(&phone, &id, Answer::Approve { number }),
            harness.client.answer(
                &tablet,
                &id,
                Answer::Deny {
                    reason: DenyReason::Declined
                }
            ),
        );
        assert_eq!(
            a.is_ok() as u8 + b.is_ok() as u8,
            1,
            "exactly one answer wins: {a:?} / {b:?}"
        );
        let loser = a.err().or(b.err()).unwrap();
        assert!(
            matches!(loser, ProtocolError::Refused { status: 409, .. }),
            "{loser:?}"
        );
        let (code, redeemed) = harness
            .rp(Method::POST, &format!("/v1/approvals/{id}/redeem"), None)
            .await;
        assert_eq!(code, 200);
        assert!(redeemed["status"] == "approved" || redeemed["status"] == "denied");
    }
    harness.running.stop().await;
}

async fn this_was_not_me_denies_mutes_and_tells_the_site(db: Db) {
    let (hook, mut reports) = webhook_receiver().await;
    let harness = Harness::start(db).await;
    let (_, key) = tessera_server::relying_party::create(
        &harness.running.server.store.pool,
        "Shop with webhook",
        Some(&hook),
    )
    .await
    .unwrap();
    let harness = Harness {
        rp_key: key,
        ..harness
    };
    let device = harness.device("carol").await;
    let (id, _) = harness.approval("carol").await;
    let outcome = harness
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
    assert_eq!(outcome.reason, Some(DenyReason::NotMe));
    let (code, body) = harness.ask("carol").await;
    assert_eq!(
        (code, body["error"].as_str()),
        (429, Some("account_muted")),
        "{body}"
    );
    let (signature, report) = tokio::time::timeout(Duration::from_secs(10), reports.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report["event"], "not_me");
    assert_eq!(report["account"], "carol");
    assert_eq!(report["approval_id"], id.as_str());
    let server_key = harness.running.server.key.public_key().clone();
    let message = tessera_push::jws::Unverified::parse(&signature).unwrap();
    assert_eq!(message.header().typ, "tessera-not-me+jwt");
    let claims: serde_json::Value = message
        .verify(&server_key)
        .expect("signed with the server key");
    assert_eq!(claims["body"]["approval_id"], id.as_str());
    harness.running.stop().await;
}

/// A loopback receiver for the not-me webhook: (its address, the reports it got).
async fn webhook_receiver() -> (
    String,
    tokio::sync::mpsc::Receiver<(String, serde_json::Value)>,
) {
    use axum::routing::post;
    let (sender, receiver) = tokio::sync::mpsc::channel(8);
    let app = axum::Router::new().route(
        "/hook",
        post(
            move |headers: axum::http::HeaderMap, body: axum::Json<serde_json::Value>| {
                let sender = sender.clone();
                async move {
                    let signature = headers
                        .get("tessera-signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    let _ = sender.send((signature, body.0)).await;
                    axum::http::StatusCode::NO_CONTENT
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}/hook"), receiver)
}

async fn an_account_asked_too_often_must_wait(db: Db) {
    // Unanswered approvals bring a backoff too (fatigue.rs); here only the rate is looked at.
    let harness = Harness::start_with(db, |settings| {
        settings.account_per_minute = 3;
        settings.backoff_after_denials = 1000;
    })
    .await;
    let _device = harness.device("dave").await;
    for _ in 0..3 {
        harness.approval("dave").await;
    }
    let (code, body) = harness.ask("dave").await;
    assert_eq!(
        (code, body["error"].as_str()),
        (429, Some("too_many_attempts")),
        "{body}"
    );
    harness.running.stop().await;
}

async fn denials_in_a_row_bring_a_backoff(db: Db) {
    let harness = Harness::start_with(db, |settings| settings.backoff_after_denials = 2).await;
    let device = harness.device("erin").await;
    for _ in 0..2 {
        let (id, _) = harness.approval("erin").await;
        harness
            .client
            .answer(
                &device,
                &id,
                Answer::Deny {
                    reason: DenyReason::Declined,
                },
            )
            .await
            .unwrap();
    }
    let (code, body) = harness.ask("erin").await;
    assert_eq!(
        (code, body["error"].as_str()),
        (429, Some("backoff")),
        "{body}"
    );
    harness.running.stop().await;
}

async fn an_enrollment_link_works_once(db: Db) {
    let harness = Harness::start(db).await;
    let link = harness.link("frank").await;
    harness.client.enroll(&link, "phone", None).await.unwrap();
    let again = harness
        .client
        .enroll(&link, "another phone", None)
        .await
        .unwrap_err();
    assert!(
        matches!(again, ProtocolError::Refused { status: 410, .. }),
        "{again:?}"
    );
    let mut pinned_elsewhere = harness.link("frank").await;
    pinned_elsewhere.fingerprint = tessera_push::SigningKey::generate()
        .unwrap()
        .public_key()
        .thumbprint();
    let error = harness
        .client
        .enroll(&pinned_elsewhere, "phone", None)
        .await
        .unwrap_err();
    assert_eq!(error, ProtocolError::ServerKeyMismatch);
    harness.running.stop().await;
}

async fn the_event_stream_announces_each_new_approval(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("gina").await;
    let (waiting, _) = harness.approval("gina").await;
    let mut stream = harness.client.events(&device).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        first,
        Some(ServerEvent::Approval(waiting)),
        "approvals already waiting are announced first"
    );
    let started = Instant::now();
    let (next, _) = harness.approval("gina").await;
    let second = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second, Some(ServerEvent::Approval(next)));
    eprintln!("create → device told: {:?}", started.elapsed());
    harness.running.stop().await;
}

async fn the_site_hears_the_decision_over_server_sent_events(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("hank").await;
    let (id, number) = harness.approval("hank").await;
    let mut response = harness
        .http
        .get(format!("{}/v1/approvals/{id}/events", harness.base))
        .bearer_auth(&harness.rp_key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    harness
        .client
        .answer(&device, &id, Answer::Approve { number })
        .await
        .unwrap();
    let mut text = String::new();
    while !text.contains("\n\n") || !text.contains("event: status") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), response.chunk())
            .await
            .unwrap()
            .unwrap()
            .expect("more of the stream");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.contains("\"status\":\"approved\""), "{text}");
    harness.running.stop().await;
}

/// A sign-in without a password: the device must say it verified the user, the number is typed,
/// and the site sees both marks.
async fn a_sign_in_without_a_password_needs_the_user_verified(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("pat").await;
    let context = json!({ "site": "Example shop" });
    let (code, refused) = harness
        .rp(
            Method::POST,
            "/v1/approvals",
            Some(json!({ "account": "pat", "context": context, "passwordless": true, "mode": "choose" })),
        )
        .await;
    assert_eq!(
        (code, refused["error"].as_str()),
        (400, Some("invalid_mode"))
    );
    // The modes of other servers' tokens are not a site's to ask for: no number at all would
    // take away the proof that the user sees the sign-in screen.
    for mode in ["no_number", "pick"] {
        let (code, refused) = harness
            .rp(
                Method::POST,
                "/v1/approvals",
                Some(json!({ "account": "pat", "context": context, "mode": mode })),
            )
            .await;
        assert_eq!(
            (code, refused["error"].as_str()),
            (400, Some("invalid_mode")),
            "{mode}"
        );
    }
    let (code, created) = harness
        .rp(
            Method::POST,
            "/v1/approvals",
            Some(json!({ "account": "pat", "context": context, "passwordless": true })),
        )
        .await;
    assert_eq!(code, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let number = created["number"].as_u64().unwrap() as u8;
    let shown = harness.client.fetch(&device, &id).await.unwrap();
    assert!(shown.passwordless, "the device is told");

    let unverified = harness
        .client
        .answer(&device, &id, Answer::Approve { number })
        .await
        .unwrap_err();
    assert!(
        matches!(&unverified, ProtocolError::Refused { status: 400, code, .. } if code == "user_verification_needed"),
        "{unverified:?}"
    );
    let still = status_of(&harness, &id, 0).await;
    assert_eq!(
        (still["status"].as_str(), still["user_verified"].as_bool()),
        (Some("pending"), Some(false)),
        "refused without a change: the device may verify the user and answer again"
    );

    let outcome = harness
        .client
        .answer(&device, &id, Answer::ApproveVerified { number })
        .await
        .unwrap();
    assert_eq!(outcome.status, Status::Approved);
    let decided = status_of(&harness, &id, 0).await;
    assert_eq!(decided["passwordless"], true);
    assert_eq!(decided["user_verified"], true);

    // An ordinary approval is not marked, and its device's verification is recorded too.
    let (plain, number) = harness.approval("pat").await;
    assert!(
        !harness
            .client
            .fetch(&device, &plain)
            .await
            .unwrap()
            .passwordless
    );
    harness
        .client
        .answer(&device, &plain, Answer::Approve { number })
        .await
        .unwrap();
    let view = status_of(&harness, &plain, 0).await;
    assert_eq!(
        (
            view["passwordless"].as_bool(),
            view["user_verified"].as_bool()
        ),
        (Some(false), Some(false))
    );
    harness.running.stop().await;
}

on_both!(
    a_sign_in_without_a_password_needs_the_user_verified,
    approving_with_the_right_number_signs_in_once,
    a_wrong_number_denies_for_good,
    a_new_approval_supersedes_the_pending_one,
    an_expired_approval_cannot_be_answered,
    another_accounts_device_cannot_see_or_answer,
    a_revoked_device_is_refused_and_its_stream_ends,
    two_answers_at_once_exactly_one_wins,
    this_was_not_me_denies_mutes_and_tells_the_site,
    an_account_asked_too_often_must_wait,
    denials_in_a_row_bring_a_backoff,
    an_enrollment_link_works_once,
    the_event_stream_announces_each_new_approval,
    the_site_hears_the_decision_over_server_sent_events,
);

/// With Postgres, instances share the work: an approval asked for on one instance reaches a
/// device connected to another (LISTEN/NOTIFY), and the answer given there reaches the site
/// waiting on the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_on_one_postgres_share_the_work() {
    let first = Harness::start(Db::Postgres).await;
    let second = first
        .second_instance_with(|settings| settings.wait_recheck = NO_RECHECK)
        .await;
    let device = first.device("ivy").await;
    let mut stream = first.client.events(&device).await.unwrap();
    let (id, number) = second.approval("ivy").await;
    let told = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(told, Some(ServerEvent::Approval(id.clone())));
    let waiter = second.long_poll(&id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiter.is_finished(), "the long-poll waits while pending");
    first
        .client
        .answer(&device, &id, Answer::Approve { number })
        .await
        .unwrap();
    let seen = tokio::time::timeout(AT_ONCE, waiter)
        .await
        .expect("the waiting instance heard at once, by NOTIFY, not by reading again")
        .unwrap();
    assert_eq!(seen["status"], "approved");
    second.running.stop().await;
    first.running.stop().await;
}
