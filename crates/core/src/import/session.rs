//! One import, as the user goes through it: things are read in (scans, pastes, pictures' codes,
//! files), the user sees a preview, and on confirming everything is added at once or nothing is.

use crate::account::Kind;
use crate::link::migration::ExportBatch;
use crate::link::{LinkError, Scanned, Warning, read_scanned};
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
}

impl ImportSession {
    /// An empty session.
    pub fn new() -> ImportSession {
        ImportSession::default()
    }

    /// Reads a scanned, pasted or typed text: an account link or a part of a Google export (the
    /// parts may come in any order).
    pub fn add_scanned(&mut self, text: &str) -> Result<(), LinkError> {
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

    /// Whether any Google export still has parts to scan.
    pub fn is_incomplete(&self) -> bool {
        self.exports.iter().any(|batch| !batch.is_complete())
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
        })
    }

    /// Adds every account to the vault in one transaction: accounts it has already are skipped
    /// (or added again with [`Duplicates::KeepBoth`]). Refused while an export has parts missing.
    pub fn add_to(
        self,
        vault: &mut Vault,
        duplicates: Duplicates,
    ) -> Result<Vec<AccountId>, ImportError> {
        if self.is_incomplete() {
            return Err(ImportError::ExportIncomplete);
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
