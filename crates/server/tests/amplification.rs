//! Amplification, on SQLite: one sign-in must not make the server call any number of addresses
//! of someone's choosing. An account takes at most ten devices, each push address is woken once
//! per approval, and wake-ups to one UnifiedPush host are limited per minute.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Db, Harness};
use reqwest::Method;
use tessera_push::{ProtocolError, PushChannel, PushKind};
use tessera_server::push::{Pushers, Wake, WakeFuture};

/// A UnifiedPush service that records the addresses it was asked to wake.
#[derive(Debug, Default, Clone)]
struct Recorder {
    woken: Arc<Mutex<Vec<String>>>,
}

impl Wake for Recorder {
    fn kind(&self) -> PushKind {
        PushKind::UnifiedPush
    }

    fn wake<'a>(&'a self, channel: &'a PushChannel) -> WakeFuture<'a> {
        self.woken.lock().unwrap().push(channel.address.clone());
        Box::pin(async { Ok(()) })
    }
}

async fn harness_with(recorder: &Recorder, per_host: i64) -> Harness {
    Harness::start_on(
        None,
        tempfile::tempdir().unwrap(),
        Pushers::none().with(recorder.clone()),
        move |settings| settings.wakeups_per_host_per_minute = per_host,
    )
    .await
}

fn endpoint(address: &str) -> Option<PushChannel> {
    Some(PushChannel {
        kind: PushKind::UnifiedPush,
        address: address.to_string(),
    })
}

/// The addresses woken once `expected` wake-ups arrived, and a moment after, sorted.
async fn woken_after(recorder: &Recorder, expected: usize) -> Vec<String> {
    for _ in 0..100 {
        if recorder.woken.lock().unwrap().len() >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Any wake-up beyond those expected would be sent in the same task, right after them.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut woken = recorder.woken.lock().unwrap().clone();
    woken.sort();
    woken
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_takes_at_most_ten_devices() {
    let harness = Harness::start(Db::Sqlite).await;
    let mut devices = Vec::new();
    for _ in 0..10 {
        devices.push(harness.device("alice").await);
    }
    let link = harness.link("alice").await;
    let refused = harness
        .client
        .enroll(&link, "eleventh", None)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ProtocolError::Refused { status: 409, ref code, .. } if code == "too_many_devices"),
        "{refused:?}"
    );
    let (code, _) = harness
        .rp(
            Method::DELETE,
            &format!("/v1/accounts/alice/devices/{}", devices[0].device_id),
            None,
        )
        .await;
    assert_eq!(code, 204);
    harness
        .client
        .enroll(&link, "eleventh", None)
        .await
        .expect("the refused enrollment left the link usable");
    harness.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_sharing_one_push_address_are_woken_once() {
    let recorder = Recorder::default();
    let harness = harness_with(&recorder, 120).await;
    for address in [
        "https://push.example.net/up/shared",
        "https://push.example.net/up/shared",
        "https://push.example.net/up/shared",
        "https://push.example.net/up/own",
    ] {
        let link = harness.link("bob").await;
        harness
            .client
            .enroll(&link, "phone", endpoint(address))
            .await
            .unwrap();
    }
    harness.approval("bob").await;
    assert_eq!(
        woken_after(&recorder, 2).await,
        [
            "https://push.example.net/up/own",
            "https://push.example.net/up/shared"
        ]
    );
    harness.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wake_ups_to_one_host_are_limited_per_minute() {
    let recorder = Recorder::default();
    let harness = harness_with(&recorder, 3).await;
    for index in 0..5 {
        let link = harness.link("carol").await;
        let address = format!("https://push.example.net/up/{index}");
        harness
            .client
            .enroll(&link, "phone", endpoint(&address))
            .await
            .unwrap();
    }
    let link = harness.link("carol").await;
    harness
        .client
        .enroll(&link, "phone", endpoint("https://other.example.org/up/x"))
        .await
        .unwrap();
    harness.approval("carol").await;
    let woken = woken_after(&recorder, 4).await;
    assert_eq!(woken.len(), 4, "{woken:?}");
    assert_eq!(
        woken
            .iter()
            .filter(|address| address.contains("push.example.net"))
            .count(),
        3
    );
    assert!(woken.contains(&"https://other.example.org/up/x".to_string()));
    harness.running.stop().await;
}
