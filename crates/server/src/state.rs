//! Everything a request handler needs, shared by all of them.

use std::sync::Arc;

use tessera_push::SigningKey;

use crate::events::Bus;
use crate::push::Pushers;
use crate::settings::Settings;
use crate::store::Store;

/// One server instance.
pub struct Server {
    /// The database.
    pub store: Store,
    /// The rules.
    pub settings: Settings,
    /// The server's signing key.
    pub key: SigningKey,
    /// Where changes are announced.
    pub bus: Bus,
    /// How devices are woken.
    pub pushers: Arc<Pushers>,
    /// Relying parties recently seen, by API key hash.
    pub parties: crate::relying_party::KeyCache,
    /// For calling relying parties' webhooks.
    pub http: reqwest::Client,
    /// Wake-ups sent to each UnifiedPush host this minute.
    pub wake_limit: crate::wakeups::HostLimit,
    /// Slots for the demo's Argon2 hashes.
    pub demo_hashing: tokio::sync::Semaphore,
}

impl Server {
    /// The database pool.
    pub fn pool(&self) -> &sqlx::AnyPool {
        &self.store.pool
    }
}
