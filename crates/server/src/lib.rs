//! Tessera's approval server: sign-in approvals with number matching, for any site that asks
//! and any device that enrolled.
//!
//! A relying party (a site) creates an approval for one of its accounts; the server wakes the
//! account's devices with a push that carries nothing, each device fetches the approval with a
//! signed request, and the first answer wins; the site waits (Server-Sent Events or long-poll)
//! and redeems the result once. The protocol is `tessera-push` and `docs/protocol.md`; this
//! crate holds the rules, the storage (SQLite embedded, or Postgres for several instances), the
//! HTTP API, push wake-ups, and the demo sign-in site.
//!
//! It is not a device (that is `tessera-push`'s client) and keeps no user passwords except the
//! demo's own.

pub mod approvals;
pub mod audit;
pub mod backoff;
pub mod devices;
pub mod error;
pub mod events;
pub mod http;
mod ids;
pub mod not_me;
pub mod outgoing;
pub mod push;
pub mod rate_limit;
pub mod relying_party;
pub mod serve;
pub mod server_key;
pub mod settings;
pub mod shown;
pub mod sql;
pub mod sqlite_thread;
pub mod state;
pub mod store;
pub mod time;
pub mod users;
pub mod wakeups;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use settings::Settings;
pub use state::Server;
pub use store::Store;

/// A server listening, and the handle to stop it.
pub struct Running {
    /// Where it listens.
    pub address: SocketAddr,
    /// The server's shared state (for tests and tools that need the database).
    pub server: Arc<Server>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting requests, gives open requests two seconds, then ends the rest (event
    /// streams never end by themselves).
    pub async fn stop(mut self) {
        let _ = self.stop.send(());
        if tokio::time::timeout(Duration::from_secs(2), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

/// Builds a server over `store` with `settings`, and starts serving on `listener`.
pub async fn start(
    store: Store,
    mut settings: Settings,
    pushers: push::Pushers,
    listener: tokio::net::TcpListener,
) -> Result<Running, store::StoreError> {
    let address = listener
        .local_addr()
        .map_err(|error| store::StoreError::Open(error.to_string()))?;
    // The demo's sign-up needs nothing: on a server others can reach, only if asked for.
    settings.demo = Some(settings.demo.unwrap_or(address.ip().is_loopback()));
    let key = server_key::load_or_create(&store.pool).await?;
    relying_party::demo(&store.pool).await?;
    let bus = events::Bus::start(store.clone()).await?;
    let http = outgoing::client()
        .build()
        .map_err(|error| store::StoreError::Http(error.to_string()))?;
    let server = Arc::new(Server {
        store,
        settings,
        key,
        bus,
        pushers: Arc::new(pushers),
        parties: relying_party::KeyCache::default(),
        http,
        wake_limit: wakeups::HostLimit::default(),
        demo_hashing: http::demo_guard::hashing_slots(),
    });
    let sweeper = server.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            let _ = devices::sweep_seen_messages(&sweeper).await;
            let _ = rate_limit::sweep(sweeper.pool()).await;
            if let Err(error) = http::demo_guard::purge(&sweeper).await {
                eprintln!("tessera-server: could not purge old demo rows: {error}");
            }
        }
    });
    let app = http::router(server.clone());
    let limits = server.settings.connections;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve::serve(listener, app, limits, stopped));
    Ok(Running {
        address,
        server,
        stop,
        task,
    })
}
