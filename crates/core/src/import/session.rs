//! One import, as the user goes through it: things are read in (scans, pastes, pictures' codes,
//! files), the user sees a preview, and on confirming everything is added at once or nothing is.
//!
//! Parts of a Google export and of a move from another device may come over many scans, in any
//! order; the preview names the parts still missing. A move's parts, once all are in, are opened
//! with the code shown beside them ([`ImportSession::open_transfers`]), as a file is with its
//! password.

use crate::account::Kind;
use crate::backup::{BackupError, read_backup};
use crate::link::migration::ExportBatch;
use crate::link::{LinkError, Scanned, Warning, read_scanned};
use crate::transfer::{TransferCode, TransferError, TransferPart, TransferParts, is_transfer_link};
use crate::vault::{AccountId, Duplicates, Vault, VaultError};

use super::MAX_FILE_BYTES;
use super::error::ImportError;
use super::format::{Format, recognise};
use super::found::{FoundAccount, Unusable};

/// What has been read so far, waiting for the user to confirm.
#[derive(Clone, Debug, Default)]
pub struct ImportSession {
    accounts: Vec<FoundAccount>,
    warnings: Vec<Warning>,
    unusable: Vec<Unusable>,
    /// Google exports being scanned, a part at a time (in any order).
    exports: Vec<ExportBatch>,
    /// Moves from another device being scanned, a part at a time (in any order), until their
    /// code opens them.
    transfers: Vec<TransferParts>,
}

/// How far the scanning of a move from another device has come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferProgress {
    /// The move's id (the same in each of its parts).
    pub id: String,
    /// How many parts (QR codes) it has.
    pub count: u32,
    /// The parts (from 1) still to scan; none when it waits for its code.
    pub missing: Vec<u32>,
}

/// One account as the preview shows it: never its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewAccount {
    /// The issuer to show.
    pub issuer: Option<String>,
    /// The account name.
    pub name: String,
    /// The kind, with its period or counter.
    pub kind: Kind,
    /// How many characters a code has.
    pub digits: usize,
    /// The account already in the vault that this one is, if any (skipped unless asked).
    pub duplicate_of: Option<AccountId>,
}

/// What the user is shown before confirming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// The accounts, in the order they will be added.
    pub accounts: Vec<PreviewAccount>,
    /// What is worth knowing about links that were read nevertheless.
    pub warnings: Vec<Warning>,
    /// Entries that cannot be used, with the reason.
    pub unusable: Vec<Unusable>,
    /// The parts (from 1) of Google exports still to scan.
    pub missing_parts: Vec<i32>,
    /// How many parts the exports being scanned have in all (0 without any).
    pub parts_total: i32,
    /// The moves from another device being scanned, not yet opened with their code.
    pub transfers: Vec<TransferProgress>,
}

impl ImportSession {
    /// An empty session.
    pub fn new() -> ImportSession {
        ImportSession::default()
    }

    /// Reads a scanned, pasted or typed text: an account link, a part of a Google export or a
    /// part of a move from another device (the parts may come in any order; the same part twice
    /// is harmless). A text that cannot be read changes nothing.
    pub fn add_scanned(&mut self, text: &str) -> Result<(), LinkError> {
        if is_transfer_link(text) {
            let part = TransferPart::parse(text)?;
            match self
                .transfers
                .iter_mut()
                .find(|transfer| transfer.id() == part.id)
            {
                Some(transfer) => transfer.add(part)?,
                None => self.transfers.push(TransferParts::new(part)?),
            }
            return Ok(());
        }
        match read_scanned(text)? {
            Scanned::Account(parsed) => {
                self.warnings.extend(parsed.warnings);
                self.accounts.push(FoundAccount {
                    account: parsed.account,
                    details: Default::default(),
                });
            }
            Scanned::Export(part) => {
                match self
                    .exports
                    .iter_mut()
                    .find(|batch| batch.batch_id() == part.part_of.batch_id)
                {
                    Some(batch) => batch.add(part)?,
                    None => self.exports.push(ExportBatch::new(part)),
                }
            }
        }
        Ok(())
    }

    /// Reads a file of another app, or a Tessera backup: of the format given, or of the one its
    /// content is recognised as. Returns the format read.
    pub fn add_file(
        &mut self,
        file: &[u8],
        format: Option<&'static dyn Format>,
        password: Option<&str>,
    ) -> Result<&'static dyn Format, ImportError> {
        if file.len() > MAX_FILE_BYTES {
            return Err(ImportError::TooLarge);
        }
        let format = match format {
            Some(format) => format,
            None => recognise(file)?,
        };
        let found = format.read(file, password)?;
        self.accounts.extend(found.accounts);
        self.unusable.extend(found.unusable);
        Ok(format)
    }

    /// Opens every move whose parts are all in and that `typed` is the code of: its accounts
    /// (with their details) join the preview. Returns how many accounts it gave. A code that
    /// opens none of them is [`TransferError::WrongCode`], and changes nothing.
    pub fn open_transfers(&mut self, typed: &str) -> Result<usize, ImportError> {
        let code = TransferCode::parse(typed)?;
        let mut refused = None;
        let mut opened = Vec::new();
        for (place, transfer) in self.transfers.iter().enumerate() {
            if !transfer.is_complete() {
                continue;
            }
            match read_backup(&transfer.backup()?, code.password()) {
                Ok(found) => opened.push((place, found)),
                Err(BackupError::WrongPassword) => {
                    refused.get_or_insert(TransferError::WrongCode);
                }
                Err(error) => refused = Some(TransferError::Backup(error)),
            }
        }
        if opened.is_empty() {
            return Err(refused.unwrap_or(TransferError::NothingToOpen).into());
        }
        let mut count = 0;
        for (place, found) in opened.into_iter().rev() {
            self.transfers.remove(place);
            count += found.accounts.len();
            self.accounts.extend(found.accounts);
            self.unusable.extend(found.unusable);
        }
        Ok(count)
    }

    /// Whether a Google export still has parts to scan, or a move from another device parts or
    /// its code.
    pub fn is_incomplete(&self) -> bool {
        self.exports.iter().any(|batch| !batch.is_complete()) || !self.transfers.is_empty()
    }

    /// How far each move from another device being scanned has come.
    pub fn transfers(&self) -> Vec<TransferProgress> {
        self.transfers
            .iter()
            .map(|transfer| TransferProgress {
                id: transfer.id().to_string(),
                count: transfer.count(),
                missing: transfer.missing(),
            })
            .collect()
    }

    /// What is worth knowing about links that were read nevertheless.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The entries that cannot be used, with why: those of files, then those of Google exports.
    pub fn unusable(&self) -> Vec<Unusable> {
        let mut unusable = self.unusable.clone();
        for batch in &self.exports {
            unusable.extend(
                batch
                    .parts()
                    .flat_map(|part| &part.unusable)
                    .map(|entry| Unusable {
                        label: entry.label.clone(),
                        reason: entry.reason.into(),
                    }),
            );
        }
        unusable
    }

    /// The parts (from 1) of Google exports still to scan, and how many parts they have in all.
    pub fn missing_parts(&self) -> (Vec<i32>, i32) {
        let missing = self
            .exports
            .iter()
            .flat_map(|batch| batch.missing().into_iter().map(|index| index + 1))
            .collect();
        (missing, self.exports.iter().map(ExportBatch::size).sum())
    }

    /// What the user is shown: the accounts (each marked if the vault has it already), the
    /// warnings, the unusable entries and the export parts still missing.
    pub fn preview(&self, vault: &Vault) -> Result<Preview, VaultError> {
        let found = self.accounts();
        let accounts: Vec<_> = found.iter().map(|found| found.account.clone()).collect();
        let duplicates = vault.duplicates_of(&accounts)?;
        let (missing_parts, parts_total) = self.missing_parts();
        Ok(Preview {
            accounts: found
                .iter()
                .zip(duplicates)
                .map(|(found, duplicate_of)| PreviewAccount {
                    issuer: found.account.issuer().map(str::to_string),
                    name: found.account.name.clone(),
                    kind: found.account.kind,
                    digits: found.account.code_length(),
                    duplicate_of,
                })
                .collect(),
            warnings: self.warnings.clone(),
            unusable: self.unusable(),
            missing_parts,
            parts_total,
            transfers: self.transfers(),
        })
    }

    /// Adds every account to the vault in one transaction: accounts it has already are skipped
    /// (or added again with [`Duplicates::KeepBoth`]). Refused while an export has parts missing,
    /// and while a move from another device has parts missing or waits for its code.
    pub fn add_to(
        self,
        vault: &mut Vault,
        duplicates: Duplicates,
    ) -> Result<Vec<AccountId>, ImportError> {
        if self.exports.iter().any(|batch| !batch.is_complete()) {
            return Err(ImportError::ExportIncomplete);
        }
        let missing: usize = self
            .transfers
            .iter()
            .map(|transfer| transfer.missing().len())
            .sum();
        if missing > 0 {
            return Err(TransferError::Incomplete(missing).into());
        }
        if !self.transfers.is_empty() {
            return Err(TransferError::NeedsCode.into());
        }
        let accounts = self
            .accounts()
            .into_iter()
            .map(|found| (found.account, found.details))
            .collect();
        Ok(vault.add_all(accounts, duplicates)?)
    }

    /// Every account read so far, in the order they will be added: those of Google exports last,
    /// once all their parts are in.
    pub fn accounts(&self) -> Vec<FoundAccount> {
        let mut all = self.accounts.clone();
        for batch in self.exports.iter().filter(|batch| batch.is_complete()) {
            all.extend(batch.accounts().map(|account| FoundAccount {
                account: account.clone(),
                details: Default::default(),
            }));
        }
        all
    }
}
