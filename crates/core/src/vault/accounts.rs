//! What the user does with accounts in an unlocked vault: add, list, edit, reorder, remove to
//! the trash and restore, advance a counter, and read the codes.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::entry::{AccountId, Details, Edit, Entry, TrashedEntry};
use super::manifest::{Manifest, Table, row_context};
use super::seal::Key;
use super::{TRASH_DAYS, Vault, VaultError, now, record};
use crate::account::{Account, Kind};
use crate::otp::Code;

/// What to do when an account being added is already in the vault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplicates {
    /// Refuse it, naming the account already there.
    Refuse,
    /// Add it anyway.
    KeepBoth,
    /// Leave it out and add the others (as an import does unless asked otherwise); an account
    /// given twice in one batch is added once.
    Skip,
}

/// The accounts in the user's order, and those whose records could not be read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// The readable accounts, in the user's order.
    pub entries: Vec<Entry>,
    /// The numbers of accounts whose records are damaged: changed, moved from another row, older
    /// than the one the vault last wrote, with an edited removal time, or deleted from the file.
    pub unreadable: Vec<AccountId>,
}

/// The associated data that binds a sealed account to its row and schema version.
fn account_context(vault_id: &str, id: AccountId, version: i64) -> Vec<u8> {
    row_context(Table::Accounts, vault_id, id, version)
}

/// An account row as read: where it belongs, as the vault's list of sealed records says
/// (`Some(time)`: in the trash since then), and the account if its row opened and is the one
/// last written, with the removal time it was given.
struct ReadRow {
    id: AccountId,
    removed_at: Option<i64>,
    opened: Option<(Account, Details)>,
}

/// The same account: same secret, kind, algorithm and digits, at the same issuer and name.
fn same_account(a: &Account, b: &Account) -> bool {
    a.secret == b.secret
        && a.issuer() == b.issuer()
        && a.name == b.name
        && a.algorithm == b.algorithm
        && a.digits == b.digits
        && std::mem::discriminant(&a.kind) == std::mem::discriminant(&b.kind)
}

impl Vault {
    /// Adds an account at the end of the list.
    pub fn add(
        &mut self,
        account: Account,
        details: Details,
        duplicates: Duplicates,
    ) -> Result<AccountId, VaultError> {
        // One account skipped would leave no number to return: skipping means refusing here.
        let duplicates = match duplicates {
            Duplicates::Skip => Duplicates::Refuse,
            other => other,
        };
        Ok(self.add_all(vec![(account, details)], duplicates)?[0])
    }

    /// Adds several accounts at once, all or none (as an import should).
    pub fn add_all(
        &mut self,
        accounts: Vec<(Account, Details)>,
        duplicates: Duplicates,
    ) -> Result<Vec<AccountId>, VaultError> {
        for (account, _) in &accounts {
            account.validate()?;
        }
        let existing = if duplicates == Duplicates::KeepBoth {
            Vec::new()
        } else {
            self.list()?.entries
        };
        let mut kept: Vec<(Account, Details)> = Vec::with_capacity(accounts.len());
        for (account, details) in accounts {
            let there = existing
                .iter()
                .find(|entry| same_account(&entry.account, &account));
            match (duplicates, there) {
                (Duplicates::Refuse, Some(entry)) => {
                    return Err(VaultError::Duplicate {
                        existing: entry.id,
                        label: account.to_string(),
                    });
                }
                (Duplicates::Skip, Some(_)) => continue,
                (Duplicates::Skip, None)
                    if kept.iter().any(|(other, _)| same_account(other, &account)) =>
                {
                    continue;
                }
                _ => kept.push((account, details)),
            }
        }
        let accounts = kept;
        let (vault_id, key) = (self.vault_id.clone(), self.key.clone());
        let path = self.path.clone();
        let storage = super::database::failed(&path);
        let (transaction, mut manifest) = self.begin_sealed_write()?;
        let mut ids = Vec::with_capacity(accounts.len());
        let time = now();
        for (account, details) in &accounts {
            let position: i64 = transaction
                .query_row(
                    "SELECT coalesce(max(position), 0) + 1 FROM accounts",
                    [],
                    |row| row.get(0),
                )
                .map_err(storage)?;
            transaction
                .execute(
                    "INSERT INTO accounts (position, sealed, sealed_version, created_at, updated_at) VALUES (?1, x'', ?2, ?3, ?3)",
                    params![position, super::SCHEMA_VERSION, time],
                )
                .map_err(storage)?;
            let id = transaction.last_insert_rowid();
            let sealed = key.seal(
                &record::encode(account, details),
                &account_context(&vault_id, id, super::SCHEMA_VERSION),
            )?;
            transaction
                .execute(
                    "UPDATE accounts SET sealed = ?1 WHERE id = ?2",
                    params![sealed, id],
                )
                .map_err(storage)?;
            manifest.record(Table::Accounts, id, &sealed, None);
            ids.push(id);
        }
        manifest.save(&transaction, &vault_id, &key, &path)?;
        transaction.commit().map_err(storage)?;
        if !ids.is_empty() {
            self.back_up_after_change();
        }
        Ok(ids)
    }

    /// For each account, the one already in the vault that it duplicates, if any: the vault is
    /// read once, however many accounts are asked about.
    pub fn duplicates_of(
        &self,
        accounts: &[Account],
    ) -> Result<Vec<Option<AccountId>>, VaultError> {
        let entries = self.list()?.entries;
        Ok(accounts
            .iter()
            .map(|account| {
                entries
                    .iter()
                    .find(|entry| same_account(&entry.account, account))
                    .map(|entry| entry.id)
            })
            .collect())
    }

    /// The account already in the vault that `account` duplicates (same secret, kind, algorithm
    /// and digits at the same issuer and name), if any.
    pub fn find_duplicate(&self, account: &Account) -> Result<Option<AccountId>, VaultError> {
        Ok(self
            .list()?
            .entries
            .iter()
            .find(|entry| same_account(&entry.account, account))
            .map(|entry| entry.id))
    }

    /// The accounts in the user's order (not those in the trash).
    pub fn list(&self) -> Result<Listing, VaultError> {
        let snapshot = self
            .connection
            .unchecked_transaction()
            .map_err(self.storage())?;
        list_in(&snapshot, &self.vault_id, &self.key, &self.path)
            .map_err(|error| self.explain(&snapshot, error))
    }

    /// One account.
    pub fn get(&self, id: AccountId) -> Result<Entry, VaultError> {
        let (rows, _) = self.read_rows(&format!("WHERE id = {id}"))?;
        match rows.into_iter().next() {
            Some(ReadRow {
                removed_at: None,
                opened: Some((account, details)),
                ..
            }) => Ok(Entry {
                id,
                account,
                details,
            }),
            Some(ReadRow {
                removed_at: None,
                opened: None,
                ..
            }) => Err(VaultError::UnreadableAccount(id)),
            _ => Err(VaultError::AccountNotFound(id)),
        }
    }

    /// Changes an account's issuer, name, icon, note or group.
    pub fn edit(&mut self, id: AccountId, edit: Edit) -> Result<Entry, VaultError> {
        self.rewrite(id, |account, details| {
            if let Some(issuer) = &edit.issuer {
                account.set_issuer(issuer.as_deref());
            }
            if let Some(name) = &edit.name {
                account.name = name.trim().to_string();
            }
            if let Some(icon) = &edit.icon {
                details.icon = icon.clone();
            }
            if let Some(note) = &edit.note {
                details.note = note.clone();
            }
            if let Some(group) = &edit.group {
                details.group = group
                    .as_ref()
                    .map(|group| group.trim().to_string())
                    .filter(|group| !group.is_empty());
            }
            account.validate().map_err(VaultError::from)
        })
        .map(|(entry, _)| entry)
    }

    /// Puts the accounts in this order. Accounts not named keep their relative order after those
    /// named.
    pub fn reorder(&mut self, order: &[AccountId]) -> Result<(), VaultError> {
        let path = self.path.clone();
        let storage = super::database::failed(&path);
        let transaction = super::database::begin_write(&mut self.connection, &path)?;
        let current: Vec<AccountId> = {
            let mut statement = transaction
                .prepare("SELECT id FROM accounts WHERE removed_at IS NULL ORDER BY position, id")
                .map_err(storage)?;
            let ids = statement.query_map([], |row| row.get(0)).map_err(storage)?;
            ids.collect::<Result<_, _>>().map_err(storage)?
        };
        if let Some(missing) = order.iter().find(|id| !current.contains(id)) {
            return Err(VaultError::AccountNotFound(*missing));
        }
        let rest = current.iter().filter(|id| !order.contains(id));
        for (position, id) in order.iter().chain(rest).enumerate() {
            transaction
                .execute(
                    "UPDATE accounts SET position = ?1 WHERE id = ?2",
                    params![position as i64 + 1, id],
                )
                .map_err(storage)?;
        }
        transaction.commit().map_err(storage)?;
        self.back_up_after_change();
        Ok(())
    }

    /// Moves an account to a place in the list (0 is the top).
    pub fn move_to(&mut self, id: AccountId, place: usize) -> Result<(), VaultError> {
        let mut order: Vec<AccountId> = self.list()?.entries.iter().map(|entry| entry.id).collect();
        let from = order
            .iter()
            .position(|other| *other == id)
            .ok_or(VaultError::AccountNotFound(id))?;
        order.remove(from);
        order.insert(place.min(order.len()), id);
        self.reorder(&order)
    }

    /// Moves an account to the trash, where it stays for 30 days. An account that is damaged
    /// can be removed too (it is not shown in the trash).
    pub fn remove(&mut self, id: AccountId) -> Result<(), VaultError> {
        self.move_between_list_and_trash(id, Some(now()))
    }

    /// The accounts in the trash, most recently removed first.
    pub fn trash(&self) -> Result<Vec<TrashedEntry>, VaultError> {
        let mut trashed = Vec::new();
        for row in self.read_rows("ORDER BY id")?.0 {
            if let (Some(removed_at), Some((account, details))) = (row.removed_at, row.opened) {
                trashed.push(TrashedEntry {
                    entry: Entry {
                        id: row.id,
                        account,
                        details,
                    },
                    removed_at,
                });
            }
        }
        trashed.sort_by_key(|trashed| std::cmp::Reverse(trashed.removed_at));
        Ok(trashed)
    }

    /// Takes an account out of the trash, back to the end of the list.
    pub fn restore(&mut self, id: AccountId) -> Result<(), VaultError> {
        self.move_between_list_and_trash(id, None)
    }

    /// Removes an account to the trash (`Some(time)`) or restores it (`None`): the plain column
    /// and the vault's list of sealed records, in one transaction.
    fn move_between_list_and_trash(
        &mut self,
        id: AccountId,
        removed_at: Option<i64>,
    ) -> Result<(), VaultError> {
        let (vault_id, key, path) = (self.vault_id.clone(), self.key.clone(), self.path.clone());
        let storage = super::database::failed(&path);
        let (transaction, mut manifest) = self.begin_sealed_write()?;
        let stored: Option<Option<i64>> = transaction
            .query_row(
                "SELECT removed_at FROM accounts WHERE id = ?1",
                [id],
                |row| row.get(0),
            )
            .optional()
            .map_err(storage)?;
        let Some(stored) = stored else {
            // Its row was deleted from the file: removing it forgets it (there is nothing to
            // keep in the trash).
            if removed_at.is_some() && manifest.listed(Table::Accounts).any(|listed| listed == id) {
                manifest.forget(Table::Accounts, id);
                manifest.save(&transaction, &vault_id, &key, &path)?;
                transaction.commit().map_err(storage)?;
                self.back_up_after_change();
                return Ok(());
            }
            return Err(VaultError::AccountNotFound(id));
        };
        let in_trash = manifest.removed_at(Table::Accounts, id, stored);
        if in_trash.is_some() == removed_at.is_some() {
            return Err(VaultError::AccountNotFound(id));
        }
        transaction
            .execute(
                "UPDATE accounts SET removed_at = ?1,
                     position = CASE WHEN ?1 IS NULL
                         THEN (SELECT coalesce(max(position), 0) + 1 FROM accounts WHERE removed_at IS NULL)
                         ELSE position END
                 WHERE id = ?2",
                params![removed_at, id],
            )
            .map_err(storage)?;
        manifest.set_removed_at(Table::Accounts, id, removed_at);
        manifest.save(&transaction, &vault_id, &key, &path)?;
        transaction.commit().map_err(storage)?;
        self.back_up_after_change();
        Ok(())
    }

    /// Deletes for good what has been in the trash for more than 30 days. Unlocking does this
    /// first, and so also gives a vault from before schema version 3 its list of sealed records.
    pub fn purge_expired_trash(&mut self) -> Result<usize, VaultError> {
        self.purge_expired_trash_at(now())
    }

    /// Deletes for good what had been in the trash for more than 30 days at `unix_seconds`. The
    /// removal time is the one in the vault's sealed list of records: an account whose plain
    /// `removed_at` was edited in the file is not deleted.
    pub fn purge_expired_trash_at(&mut self, unix_seconds: i64) -> Result<usize, VaultError> {
        let cutoff = unix_seconds.saturating_sub(TRASH_DAYS * 24 * 60 * 60);
        let (vault_id, key, path) = (self.vault_id.clone(), self.key.clone(), self.path.clone());
        let storage = super::database::failed(&path);
        let (transaction, mut manifest) = self.begin_sealed_write()?;
        let expired = manifest.removed_before(Table::Accounts, cutoff);
        let mut deleted = 0;
        for id in &expired {
            deleted += transaction
                .execute("DELETE FROM accounts WHERE id = ?1", [id])
                .map_err(storage)?;
            manifest.forget(Table::Accounts, *id);
        }
        if !expired.is_empty() {
            manifest.save(&transaction, &vault_id, &key, &path)?;
        }
        transaction.commit().map_err(storage)?;
        Ok(deleted)
    }

    /// Shows the next code of a counter-based account: the code at the stored counter, which moves
    /// on by one in the same transaction, so no code is ever shown twice.
    pub fn next_hotp_code(&mut self, id: AccountId) -> Result<Code, VaultError> {
        let mut shown = None;
        self.rewrite(id, |account, _| match account.kind {
            Kind::Hotp { counter } => {
                shown = Some(account.code_at(0));
                account.kind = Kind::Hotp {
                    counter: counter.checked_add(1).ok_or(VaultError::CounterExhausted)?,
                };
                Ok(())
            }
            _ => Err(VaultError::NotCounterBased(id)),
        })?;
        shown.ok_or(VaultError::NotCounterBased(id))
    }

    /// The codes of every time-based account at a moment, in the user's order. Counter-based
    /// accounts show a code only when asked ([`Vault::next_hotp_code`]), so they are left out.
    pub fn codes_at(&self, unix_seconds: u64) -> Result<Vec<(AccountId, Code)>, VaultError> {
        Ok(self
            .list()?
            .entries
            .iter()
            .filter(|entry| !matches!(entry.account.kind, Kind::Hotp { .. }))
            .map(|entry| (entry.id, entry.account.code_at(unix_seconds)))
            .collect())
    }

    /// Reads, changes and re-seals one account in one transaction.
    fn rewrite(
        &mut self,
        id: AccountId,
        change: impl FnOnce(&mut Account, &mut Details) -> Result<(), VaultError>,
    ) -> Result<(Entry, ()), VaultError> {
        let (vault_id, key) = (self.vault_id.clone(), self.key.clone());
        let path = self.path.clone();
        let storage = super::database::failed(&path);
        let (transaction, mut manifest) = self.begin_sealed_write()?;
        let (mut account, mut details) = open_row(&transaction, &manifest, &vault_id, &key, id)
            .map_err(|error| match error {
                RowError::Missing => VaultError::AccountNotFound(id),
                RowError::Unreadable => VaultError::UnreadableAccount(id),
                RowError::Storage(error) => storage(error),
            })?;
        change(&mut account, &mut details)?;
        let sealed = key.seal(
            &record::encode(&account, &details),
            &account_context(&vault_id, id, super::SCHEMA_VERSION),
        )?;
        transaction
            .execute(
                "UPDATE accounts SET sealed = ?1, sealed_version = ?2, updated_at = ?3 WHERE id = ?4",
                params![sealed, super::SCHEMA_VERSION, now(), id],
            )
            .map_err(storage)?;
        manifest.record(Table::Accounts, id, &sealed, None);
        manifest.save(&transaction, &vault_id, &key, &path)?;
        transaction.commit().map_err(storage)?;
        // A counter advanced is a change worth keeping too: a backup restored with an older
        // counter would show codes the site has already taken.
        self.back_up_after_change();
        Ok((
            Entry {
                id,
                account,
                details,
            },
            (),
        ))
    }

    /// Reads and opens the rows `clause` picks, in one snapshot (see [`read_rows_in`]).
    fn read_rows(&self, clause: &str) -> Result<(Vec<ReadRow>, Manifest), VaultError> {
        let snapshot = self
            .connection
            .unchecked_transaction()
            .map_err(self.storage())?;
        read_rows_in(&snapshot, &self.vault_id, &self.key, &self.path, clause)
            .map_err(|error| self.explain(&snapshot, error))
    }
}

/// The accounts in the user's order, read in a transaction already open (a snapshot, or the
/// write lock an automatic backup holds).
pub(super) fn list_in(
    connection: &Connection,
    vault_id: &str,
    key: &Key,
    path: &Path,
) -> Result<Listing, VaultError> {
    let mut listing = Listing::default();
    let (rows, manifest) = read_rows_in(connection, vault_id, key, path, "ORDER BY position, id")?;
    let present: std::collections::HashSet<AccountId> = rows.iter().map(|row| row.id).collect();
    for row in rows {
        match (row.removed_at, row.opened) {
            (Some(_), _) => {}
            (None, Some((account, details))) => listing.entries.push(Entry {
                id: row.id,
                account,
                details,
            }),
            (None, None) => listing.unreadable.push(row.id),
        }
    }
    // An account the vault wrote whose row was deleted from the file is named too.
    listing.unreadable.extend(
        manifest
            .listed(Table::Accounts)
            .filter(|id| !present.contains(id)),
    );
    Ok(listing)
}

/// Reads and opens the rows `clause` picks (`WHERE …`, `ORDER BY …`) with the vault's list of
/// sealed records (returned too), in the transaction `connection` is in; a row that does not
/// open, or is not the one last written, is returned unopened.
fn read_rows_in(
    connection: &Connection,
    vault_id: &str,
    key: &Key,
    path: &Path,
    clause: &str,
) -> Result<(Vec<ReadRow>, Manifest), VaultError> {
    let storage = super::database::failed(path);
    let manifest = Manifest::for_reading(connection, vault_id, key, path)?;
    let mut statement = connection
        .prepare(&format!(
            "SELECT id, sealed, sealed_version, removed_at FROM accounts {clause}"
        ))
        .map_err(storage)?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, AccountId>(0)?,
                row.get::<_, Vec<u8>>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, Option<i64>>(3)?,
            ))
        })
        .map_err(storage)?;
    let mut read = Vec::new();
    for row in rows {
        let (id, sealed, version, stored_removed_at) = row.map_err(storage)?;
        let opened = manifest
            .vouches_for(Table::Accounts, id, &sealed, stored_removed_at)
            .then(|| {
                key.open(&sealed, &account_context(vault_id, id, version))
                    .ok()
            })
            .flatten()
            .and_then(|bytes| record::decode(&bytes).ok());
        read.push(ReadRow {
            id,
            removed_at: manifest.removed_at(Table::Accounts, id, stored_removed_at),
            opened,
        });
    }
    drop(statement);
    Ok((read, manifest))
}

enum RowError {
    Missing,
    Unreadable,
    Storage(rusqlite::Error),
}

/// Opens an account in the list (not the trash) for a change: it must be the row last written.
fn open_row(
    transaction: &Transaction<'_>,
    manifest: &Manifest,
    vault_id: &str,
    key: &Key,
    id: AccountId,
) -> Result<(Account, Details), RowError> {
    let row: Option<(Vec<u8>, i64, Option<i64>)> = transaction
        .query_row(
            "SELECT sealed, sealed_version, removed_at FROM accounts WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()
        .map_err(RowError::Storage)?;
    let (sealed, version, stored_removed_at) = row.ok_or(RowError::Missing)?;
    if manifest
        .removed_at(Table::Accounts, id, stored_removed_at)
        .is_some()
    {
        return Err(RowError::Missing);
    }
    if !manifest.vouches_for(Table::Accounts, id, &sealed, stored_removed_at) {
        return Err(RowError::Unreadable);
    }
    let bytes = key
        .open(&sealed, &account_context(vault_id, id, version))
        .map_err(|_| RowError::Unreadable)?;
    record::decode(&bytes).map_err(|_| RowError::Unreadable)
}
