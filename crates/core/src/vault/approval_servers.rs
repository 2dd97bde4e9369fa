//! The approval servers the user enrolled with: for each, what the device side of the approval
//! protocol keeps (the server, its pinned key, the device's id and private key), sealed like an
//! account. The vault does not read these bytes; `tessera-push` writes and reads them.

use rusqlite::{OptionalExtension, params};
use zeroize::Zeroizing;

use super::manifest::{Table, row_context};
use super::{Vault, VaultError, now};

/// The vault's number for an enrolled approval server.
pub type ApprovalServerId = i64;

/// An enrollment as the vault gives it back: its number and its opened bytes.
pub type StoredEnrollment = (ApprovalServerId, Zeroizing<Vec<u8>>);

/// The associated data that binds a sealed enrollment to its row and schema version.
fn context(vault_id: &str, id: ApprovalServerId, version: i64) -> Vec<u8> {
    row_context(Table::ApprovalServers, vault_id, id, version)
}

impl Vault {
    /// Keeps a new enrollment (sealed) and returns its number.
    pub fn add_approval_server(
        &mut self,
        enrollment: &[u8],
    ) -> Result<ApprovalServerId, VaultError> {
        let (vault_id, key, path) = (self.vault_id.clone(), self.key.clone(), self.path.clone());
        let storage = super::database::failed(&path);
        let (transaction, mut manifest) = self.begin_sealed_write()?;
        let time = now();
        transaction
            .execute(
                "INSERT INTO approval_servers (sealed, sealed_version, created_at, updated_at) VALUES (x'', ?1, ?2, ?2)",
                params![super::SCHEMA_VERSION, time],
            )
            .map_err(storage)?;
        let id = transaction.last_insert_rowid();
        let sealed = key.seal(enrollment, &context(&vault_id, id, super::SCHEMA_VERSION))?;
        transaction
            .execute(
                "UPDATE approval_servers SET sealed = ?1 WHERE id = ?2",
                params![sealed, id],
            )
            .map_err(storage)?;
        manifest.record(Table::ApprovalServers, id, &sealed, None);
        manifest.save(&transaction, &vault_id, &key, &path)?;
        transaction.commit().map_err(storage)?;
        Ok(id)
    }

    /// Every enrollment, oldest first, opened. A row that does not open, or is not the one the
    /// vault wrote last (one removed and put back in the file), is an error: the device key in
    /// it is the only copy.
    pub fn approval_servers(&self) -> Result<Vec<StoredEnrollment>, VaultError> {
        let storage = self.storage();
        let snapshot = self.connection.unchecked_transaction().map_err(storage)?;
        let manifest = self.sealed_list(&snapshot)?;
        let mut statement = snapshot
            .prepare("SELECT id, sealed, sealed_version FROM approval_servers ORDER BY id")
            .map_err(storage)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, Vec<u8>>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .map_err(storage)?;
        let mut opened = Vec::new();
        for row in rows {
            let (id, sealed, version) = row.map_err(storage)?;
            let bytes = manifest
                .vouches_for(Table::ApprovalServers, id, &sealed, None)
                .then(|| {
                    self.key
                        .open(&sealed, &context(&self.vault_id, id, version))
                })
                .and_then(Result::ok)
                .ok_or_else(|| {
                    VaultError::Damaged(format!("{} (approval server {id})", self.path.display()))
                })?;
            opened.push((id, bytes));
        }
        Ok(opened)
    }

    /// Forgets an enrollment (after unenrolling, or when the server is gone).
    pub fn remove_approval_server(&mut self, id: ApprovalServerId) -> Result<(), VaultError> {
        let (vault_id, key, path) = (self.vault_id.clone(), self.key.clone(), self.path.clone());
        let storage = super::database::failed(&path);
        let (transaction, mut manifest) = self.begin_sealed_write()?;
        let found: Option<i64> = transaction
            .query_row(
                "SELECT id FROM approval_servers WHERE id = ?1",
                [id],
                |row| row.get(0),
            )
            .optional()
            .map_err(storage)?;
        if found.is_none() {
            return Err(VaultError::ApprovalServerNotFound(id));
        }
        transaction
            .execute("DELETE FROM approval_servers WHERE id = ?1", [id])
            .map_err(storage)?;
        manifest.forget(Table::ApprovalServers, id);
        manifest.save(&transaction, &vault_id, &key, &path)?;
        transaction.commit().map_err(storage)
    }
}
