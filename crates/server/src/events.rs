//! Telling waiting parties that something changed: devices that an approval is waiting, sites
//! that an approval was answered, event streams that a device was revoked.
//!
//! Events are hints, never the truth: whoever receives one reads the database. On SQLite (one
//! instance) they go through an in-process channel; on Postgres they go through
//! `NOTIFY tessera_events`, and every instance's listener feeds its own channel, so a device
//! connected to one instance hears of an approval created on another.

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use tokio::sync::broadcast;

use crate::store::{Backend, Store};

/// The Postgres channel events travel on.
const CHANNEL: &str = "tessera_events";

/// Something that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// An approval is waiting for the devices of `user_id`.
    Created {
        /// The account's user id.
        user_id: String,
        /// The approval.
        approval_id: String,
    },
    /// An approval was answered, superseded or closed.
    Closed {
        /// The approval.
        approval_id: String,
    },
    /// A device was revoked or unenrolled: its event stream ends.
    DeviceGone {
        /// The device.
        device_id: String,
    },
}

/// The event bus of one server instance.
#[derive(Clone, Debug)]
pub struct Bus {
    local: broadcast::Sender<Event>,
    store: Store,
}

impl Bus {
    /// A bus over `store`; on Postgres, starts the listener that feeds it.
    pub async fn start(store: Store) -> Result<Bus, sqlx::Error> {
        let (local, _) = broadcast::channel(4096);
        if let (Backend::Postgres, Some(url)) = (store.backend, &store.postgres_url) {
            let mut listener = PgListener::connect(url).await?;
            listener.listen(CHANNEL).await?;
            let sender = local.clone();
            tokio::spawn(async move {
                loop {
                    match listener.recv().await {
                        Ok(notification) => {
                            if let Ok(event) = serde_json::from_str(notification.payload()) {
                                let _ = sender.send(event);
                            }
                        }
                        // PgListener reconnects by itself; a notification lost meanwhile is
                        // covered by the receivers' periodic re-reads.
                        Err(error) => {
                            eprintln!("tessera-server: event listener: {error}");
                            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        }
                    }
                }
            });
        }
        Ok(Bus { local, store })
    }

    /// Tells every instance.
    pub async fn publish(&self, event: Event) {
        match self.store.backend {
            Backend::Sqlite => {
                let _ = self.local.send(event);
            }
            Backend::Postgres => {
                let payload = serde_json::to_string(&event).unwrap_or_default();
                let sent = sqlx::query("SELECT count(*) FROM (SELECT pg_notify($1, $2)) AS sent")
                    .bind(CHANNEL)
                    .bind(payload)
                    .execute(&self.store.pool)
                    .await;
                if let Err(error) = sent {
                    eprintln!("tessera-server: could not publish an event: {error}");
                    let _ = self.local.send(event);
                }
            }
        }
    }

    /// Listens from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }
}
