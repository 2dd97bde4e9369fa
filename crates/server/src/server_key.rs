//! The server's signing key: one ECDSA P-256 key shared by every instance (it lives in the
//! database), pinned by devices through the enrollment link's thumbprint.
//!
//! The database therefore holds a private key: protect it as the server's TLS key is protected.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sqlx::AnyPool;
use tessera_push::SigningKey;
use zeroize::Zeroizing;

use crate::store::StoreError;
use crate::time::now_ms;

/// Loads the server key, making it the first time. When instances start together, the first
/// insert wins and every instance reads that one.
pub async fn load_or_create(pool: &AnyPool) -> Result<SigningKey, StoreError> {
    let fresh = SigningKey::generate().map_err(|error| StoreError::Open(error.to_string()))?;
    sqlx::query(
        "INSERT INTO server_keys (id, pkcs8, created_at) VALUES ('current', $1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(URL_SAFE_NO_PAD.encode(fresh.pkcs8()))
    .bind(now_ms())
    .execute(pool)
    .await?;
    let row = sqlx::query("SELECT pkcs8 FROM server_keys WHERE id = 'current'")
        .fetch_one(pool)
        .await?;
    let stored: Zeroizing<String> = Zeroizing::new(crate::store::column(&row, "pkcs8")?);
    let pkcs8 = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(stored.as_bytes())
            .map_err(|_| StoreError::Open("the server key in the database is damaged".into()))?,
    );
    SigningKey::from_pkcs8(&pkcs8)
        .map_err(|_| StoreError::Open("the server key in the database is damaged".into()))
}
