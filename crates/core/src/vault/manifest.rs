//! The vault's list of its sealed records (schema version 3): for every sealed row, which one it
//! is, whether and when it was removed, and the SHA-256 of its current sealed value, sealed
//! whole under the vault key in the `vault` row.
//!
//! A sealed row is bound to its place by its associated data, but not to its *time*: an older
//! sealed value of the same row still opens (a HOTP counter that shows a code again), a row
//! deleted or purged can be put back, and the plain `removed_at` column can be edited so that
//! the next unlock purges an account. Every write updates this list in the same transaction,
//! and every read checks a row against it, so a row that is not the one last written, or whose
//! removal time is not the one the user gave it, is refused as damaged. What it cannot see is
//! the whole file, list included, put back as it was at one moment: see the threat model in
//! `docs/vault-format.md`.

use std::collections::BTreeMap;

use ring::digest::{SHA256, digest};
use rusqlite::{Connection, OptionalExtension, params};

use super::seal::Key;
use super::{VaultError, database};

/// The table a sealed row is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Table {
    /// `accounts`.
    Accounts = 1,
    /// `approval_servers`.
    ApprovalServers = 2,
    /// `automatic_backups` (since version 4).
    AutomaticBackups = 3,
}

impl Table {
    fn from_byte(byte: u8) -> Option<Table> {
        match byte {
            1 => Some(Table::Accounts),
            2 => Some(Table::ApprovalServers),
            3 => Some(Table::AutomaticBackups),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Table::Accounts => "accounts",
            Table::ApprovalServers => "approval_servers",
            Table::AutomaticBackups => "automatic_backups",
        }
    }
}

/// What the list says about one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seal {
    removed_at: Option<i64>,
    digest: [u8; DIGEST_LEN],
}

const DIGEST_LEN: usize = 32;
/// table (1) ‖ id (8) ‖ removed (1) ‖ removed_at (8) ‖ SHA-256 of the sealed value (32).
const ENTRY_LEN: usize = 1 + 8 + 1 + 8 + DIGEST_LEN;
/// No sealed value has this digest: the entry of a row whose value is not known to be good.
const MATCHES_NOTHING: [u8; DIGEST_LEN] = [0; DIGEST_LEN];

/// The list of sealed records, opened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    entries: BTreeMap<(Table, i64), Seal>,
}

/// The associated data of the sealed list.
fn context(vault_id: &str) -> Vec<u8> {
    format!("tessera/manifest/{vault_id}").into_bytes()
}

fn digest_of(sealed: &[u8]) -> [u8; DIGEST_LEN] {
    let mut out = [0u8; DIGEST_LEN];
    out.copy_from_slice(digest(&SHA256, sealed).as_ref());
    out
}

fn damaged(path: &std::path::Path, what: &str) -> VaultError {
    VaultError::Damaged(format!("{} ({what})", path.display()))
}

impl Manifest {
    /// The list as stored, or `None` if the vault has none yet (made by an older Tessera, or
    /// just created).
    fn load(
        connection: &Connection,
        vault_id: &str,
        key: &Key,
        path: &std::path::Path,
    ) -> Result<Option<Manifest>, VaultError> {
        let sealed: Option<Vec<u8>> = connection
            .query_row("SELECT manifest FROM vault WHERE id = 1", [], |row| {
                row.get(0)
            })
            .optional()
            .map_err(database::failed(path))?
            .flatten();
        let Some(sealed) = sealed else {
            return Ok(None);
        };
        let bytes = key
            .open(&sealed, &context(vault_id))
            .map_err(|_| damaged(path, "its list of sealed records does not open"))?;
        Manifest::decode(&bytes)
            .map(Some)
            .ok_or_else(|| damaged(path, "its list of sealed records is not readable"))
    }

    /// The list for reading: a vault without one yet has nothing that can be checked, so
    /// nothing in it is taken as good (the unlock makes the list before anything is read).
    pub fn for_reading(
        connection: &Connection,
        vault_id: &str,
        key: &Key,
        path: &std::path::Path,
    ) -> Result<Manifest, VaultError> {
        Ok(Manifest::load(connection, vault_id, key, path)?.unwrap_or_default())
    }

    /// The list for a write, inside its transaction. A vault that has none yet gets one: every
    /// row it has is sealed again under the current schema version and listed (rows that do not
    /// open stay as they are, unlisted, and so unreadable as before). A vault with rows sealed
    /// under version 3 or later and no list lost it, and is refused as damaged: otherwise
    /// removing the list would let an older row back in.
    pub fn for_writing(
        connection: &Connection,
        vault_id: &str,
        key: &Key,
        path: &std::path::Path,
    ) -> Result<Manifest, VaultError> {
        if let Some(manifest) = Manifest::load(connection, vault_id, key, path)? {
            return Ok(manifest);
        }
        let mut manifest = Manifest::default();
        for table in TABLES {
            let rows = sealed_rows(connection, table, path)?;
            if rows.iter().any(|row| row.version >= 3) {
                return Err(damaged(path, "its list of sealed records is missing"));
            }
            for row in rows {
                let Ok(plaintext) = key.open(
                    &row.sealed,
                    &row_context(table, vault_id, row.id, row.version),
                ) else {
                    continue;
                };
                let resealed =
                    replace_sealed(connection, table, vault_id, row.id, key, &plaintext, path)?;
                manifest.record(table, row.id, &resealed, row.removed_at);
            }
        }
        manifest.save(connection, vault_id, key, path)?;
        Ok(manifest)
    }

    /// Seals every row again under the vault key `new`, and the list with them, in the current
    /// transaction: the rows' half of a re-key. Only the rows this list vouches for are sealed
    /// again; any other (damaged, or an older value put back) is left as it is, unreadable as
    /// before, since sealing it again would vouch for it.
    pub fn reseal_all(
        connection: &Connection,
        vault_id: &str,
        old: &Key,
        new: &Key,
        path: &std::path::Path,
    ) -> Result<(), VaultError> {
        let mut manifest = Manifest::for_writing(connection, vault_id, old, path)?;
        for table in TABLES {
            for row in sealed_rows(connection, table, path)? {
                if !manifest.vouches_for(table, row.id, &row.sealed, row.removed_at) {
                    continue;
                }
                let Ok(plaintext) = old.open(
                    &row.sealed,
                    &row_context(table, vault_id, row.id, row.version),
                ) else {
                    continue;
                };
                let resealed =
                    replace_sealed(connection, table, vault_id, row.id, new, &plaintext, path)?;
                manifest.record(table, row.id, &resealed, row.removed_at);
            }
        }
        manifest.save(connection, vault_id, new, path)
    }

    /// Stores the list, sealed, in the current transaction.
    pub fn save(
        &self,
        connection: &Connection,
        vault_id: &str,
        key: &Key,
        path: &std::path::Path,
    ) -> Result<(), VaultError> {
        let sealed = key.seal(&self.encode(), &context(vault_id))?;
        connection
            .execute("UPDATE vault SET manifest = ?1 WHERE id = 1", [sealed])
            .map_err(database::failed(path))?;
        Ok(())
    }

    /// Whether a row is the one last written, with the removal time it was given.
    pub fn vouches_for(
        &self,
        table: Table,
        id: i64,
        sealed: &[u8],
        removed_at: Option<i64>,
    ) -> bool {
        self.entries.get(&(table, id)).is_some_and(|seal| {
            seal.removed_at == removed_at
                && seal.digest != MATCHES_NOTHING
                && seal.digest == digest_of(sealed)
        })
    }

    /// Where the list says a row belongs: `Some(time)` in the trash, `None` in the list. For a
    /// row it does not know, the plain column is all there is.
    pub fn removed_at(&self, table: Table, id: i64, stored: Option<i64>) -> Option<i64> {
        self.entries
            .get(&(table, id))
            .map_or(stored, |seal| seal.removed_at)
    }

    /// Records a row's new sealed value and removal time.
    pub fn record(&mut self, table: Table, id: i64, sealed: &[u8], removed_at: Option<i64>) {
        self.entries.insert(
            (table, id),
            Seal {
                removed_at,
                digest: digest_of(sealed),
            },
        );
    }

    /// Moves a row to the trash or out of it, without vouching for a value it did not vouch
    /// for before.
    pub fn set_removed_at(&mut self, table: Table, id: i64, removed_at: Option<i64>) {
        self.entries
            .entry((table, id))
            .or_insert(Seal {
                removed_at,
                digest: MATCHES_NOTHING,
            })
            .removed_at = removed_at;
    }

    /// Forgets a row that was deleted.
    pub fn forget(&mut self, table: Table, id: i64) {
        self.entries.remove(&(table, id));
    }

    /// The rows of `table` that the list has in the list (not in the trash).
    pub fn listed(&self, table: Table) -> impl Iterator<Item = i64> + '_ {
        self.entries
            .iter()
            .filter(move |((in_table, _), seal)| *in_table == table && seal.removed_at.is_none())
            .map(|((_, id), _)| *id)
    }

    /// The rows of `table` that the list says were removed before `cutoff`.
    pub fn removed_before(&self, table: Table, cutoff: i64) -> Vec<i64> {
        self.entries
            .iter()
            .filter(|((in_table, _), seal)| {
                *in_table == table && seal.removed_at.is_some_and(|at| at < cutoff)
            })
            .map(|((_, id), _)| *id)
            .collect()
    }

    fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.entries.len() * ENTRY_LEN);
        for ((table, id), seal) in &self.entries {
            bytes.push(*table as u8);
            bytes.extend_from_slice(&id.to_be_bytes());
            bytes.push(u8::from(seal.removed_at.is_some()));
            bytes.extend_from_slice(&seal.removed_at.unwrap_or(0).to_be_bytes());
            bytes.extend_from_slice(&seal.digest);
        }
        bytes
    }

    fn decode(bytes: &[u8]) -> Option<Manifest> {
        if !bytes.len().is_multiple_of(ENTRY_LEN) {
            return None;
        }
        let mut entries = BTreeMap::new();
        for entry in bytes.chunks_exact(ENTRY_LEN) {
            let table = Table::from_byte(entry[0])?;
            let id = i64::from_be_bytes(entry[1..9].try_into().ok()?);
            let time = i64::from_be_bytes(entry[10..18].try_into().ok()?);
            let removed_at = match entry[9] {
                0 => None,
                1 => Some(time),
                _ => return None,
            };
            let digest = entry[18..].try_into().ok()?;
            entries.insert((table, id), Seal { removed_at, digest });
        }
        Some(Manifest { entries })
    }
}

/// Every table of sealed rows.
const TABLES: [Table; 3] = [
    Table::Accounts,
    Table::ApprovalServers,
    Table::AutomaticBackups,
];

/// A sealed row as stored.
struct SealedRow {
    id: i64,
    sealed: Vec<u8>,
    version: i64,
    /// The plain removal time (`None` in a table without one).
    removed_at: Option<i64>,
}

/// Every row of `table`, as stored.
fn sealed_rows(
    connection: &Connection,
    table: Table,
    path: &std::path::Path,
) -> Result<Vec<SealedRow>, VaultError> {
    let storage = database::failed(path);
    let removed = match table {
        Table::Accounts => "removed_at",
        Table::ApprovalServers | Table::AutomaticBackups => "NULL",
    };
    let mut statement = connection
        .prepare(&format!(
            "SELECT id, sealed, sealed_version, {removed} FROM {}",
            table.name()
        ))
        .map_err(storage)?;
    let rows = statement
        .query_map([], |row| {
            Ok(SealedRow {
                id: row.get(0)?,
                sealed: row.get(1)?,
                version: row.get(2)?,
                removed_at: row.get(3)?,
            })
        })
        .map_err(storage)?;
    rows.collect::<Result<_, _>>().map_err(storage)
}

/// Seals a row's plaintext under `key` with the current schema version, writes it to the row,
/// and returns the sealed value.
fn replace_sealed(
    connection: &Connection,
    table: Table,
    vault_id: &str,
    id: i64,
    key: &Key,
    plaintext: &[u8],
    path: &std::path::Path,
) -> Result<Vec<u8>, VaultError> {
    let sealed = key.seal(
        plaintext,
        &row_context(table, vault_id, id, database::SCHEMA_VERSION),
    )?;
    connection
        .execute(
            &format!(
                "UPDATE {} SET sealed = ?1, sealed_version = ?2 WHERE id = ?3",
                table.name()
            ),
            params![sealed, database::SCHEMA_VERSION, id],
        )
        .map_err(database::failed(path))?;
    Ok(sealed)
}

/// The associated data of a sealed row (`docs/vault-format.md`).
pub fn row_context(table: Table, vault_id: &str, id: i64, version: i64) -> Vec<u8> {
    format!("tessera/{}/{vault_id}/{id}/{version}", table.name()).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_reads_back_from_its_stored_form() {
        let mut manifest = Manifest::default();
        manifest.record(Table::Accounts, 1, b"sealed one", None);
        manifest.record(Table::Accounts, 7, b"sealed seven", Some(1_795_000_000));
        manifest.record(Table::ApprovalServers, 1, b"enrollment", None);
        assert_eq!(Manifest::decode(&manifest.encode()), Some(manifest.clone()));
        assert_eq!(manifest.encode().len(), 3 * ENTRY_LEN);
        assert_eq!(Manifest::decode(&manifest.encode()[1..]), None);
    }

    #[test]
    fn only_the_last_value_with_its_removal_time_is_vouched_for() {
        let mut manifest = Manifest::default();
        manifest.record(Table::Accounts, 1, b"old", None);
        manifest.record(Table::Accounts, 1, b"new", None);
        assert!(manifest.vouches_for(Table::Accounts, 1, b"new", None));
        assert!(!manifest.vouches_for(Table::Accounts, 1, b"old", None));
        assert!(!manifest.vouches_for(Table::Accounts, 1, b"new", Some(5)));
        assert!(!manifest.vouches_for(Table::ApprovalServers, 1, b"new", None));
        manifest.set_removed_at(Table::Accounts, 1, Some(5));
        assert!(manifest.vouches_for(Table::Accounts, 1, b"new", Some(5)));
        manifest.set_removed_at(Table::Accounts, 2, Some(5));
        assert!(!manifest.vouches_for(Table::Accounts, 2, b"", Some(5)));
        assert_eq!(manifest.removed_before(Table::Accounts, 6), vec![1, 2]);
    }
}
