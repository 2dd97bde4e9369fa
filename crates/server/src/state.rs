//! Everything a request handler needs, shared by all of them.

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
    pub pushers: Pushers,
    /// For calling relying parties' webhooks.
    pub http: reqwest::Client,
}

impl Server {
    /// The database pool.
    pub fn pool(&self) -> &sqlx::AnyPool {
        &self.store.pool
    }
}
