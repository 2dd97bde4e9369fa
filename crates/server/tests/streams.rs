//! A revoked device's event stream ends even when the event that says so never arrives: lost
//! (as when a Postgres listener reconnects) or among the events a slow stream lagged behind.
//! The device is revoked here straight in the database, so that no `DeviceGone` event is sent.

mod common;

use std::time::Duration;

use common::{Db, Harness};
use tessera_server::events::Event;

async fn revoke_without_an_event(harness: &Harness, device_id: &str) {
    sqlx::query("UPDATE devices SET revoked_at = $1 WHERE id = $2")
        .bind(1_i64)
        .bind(device_id)
        .execute(&harness.running.server.store.pool)
        .await
        .unwrap();
}

async fn a_revoked_devices_stream_ends_even_if_the_event_is_lost(db: Db) {
    let harness = Harness::start_with(db, |settings| {
        settings.stream_recheck = Duration::from_secs(1)
    })
    .await;
    let device = harness.device("alice").await;
    let mut stream = harness.client.events(&device).await.unwrap();
    revoke_without_an_event(&harness, &device.device_id).await;
    let ended = tokio::time::timeout(Duration::from_secs(30), stream.next())
        .await
        .expect("the stream ends at its next check");
    assert_eq!(ended.unwrap(), None);
    harness.running.stop().await;
}

on_both!(a_revoked_devices_stream_ends_even_if_the_event_is_lost);

// One thread: the stream cannot read the bus while the test fills it, so it surely lags.
#[tokio::test(flavor = "current_thread")]
async fn a_revoked_devices_stream_ends_when_it_lagged_behind_the_events() {
    // A check on the timer would come only after the test gives up: only the lag can end it.
    let harness = Harness::start_with(Db::Sqlite, |settings| {
        settings.stream_recheck = Duration::from_secs(3600)
    })
    .await;
    let device = harness.device("alice").await;
    let mut stream = harness.client.events(&device).await.unwrap();
    revoke_without_an_event(&harness, &device.device_id).await;
    for index in 0..5000 {
        let approval_id = format!("ap_other{index}");
        harness
            .running
            .server
            .bus
            .publish(Event::Closed { approval_id })
            .await;
    }
    let ended = tokio::time::timeout(Duration::from_secs(30), stream.next())
        .await
        .expect("the stream ends once it finds it lagged");
    assert_eq!(ended.unwrap(), None);
    harness.running.stop().await;
}
