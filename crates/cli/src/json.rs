//! The JSON shapes the command line prints.

use serde::Serialize;
use tessera_core::Account;
use tessera_core::link::migration::{ExportBatch, UnusableEntry};

/// An account as `tessera inspect` prints it.
#[derive(Serialize)]
pub struct AccountJson {
    kind: &'static str,
    issuer: Option<String>,
    account: String,
    secret: String,
    algorithm: &'static str,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
}

impl From<&Account> for AccountJson {
    fn from(account: &Account) -> AccountJson {
        AccountJson {
            kind: account.kind.name(),
            issuer: account.issuer().map(str::to_string),
            account: account.name.clone(),
            secret: account.secret.to_base32().to_string(),
            algorithm: account.algorithm.name(),
            digits: account.digits,
            period: account.kind.period(),
            counter: account.kind.counter(),
        }
    }
}

/// A Google Authenticator export as `tessera inspect` prints it: the accounts, where the parts
/// read sit in the export, and the entries that cannot be used.
#[derive(Serialize)]
pub struct ExportJson {
    accounts: Vec<AccountJson>,
    batch: BatchJson,
    unusable: Vec<UnusableJson>,
}

#[derive(Serialize)]
struct BatchJson {
    id: i32,
    size: i32,
    read: Vec<i32>,
    missing: Vec<i32>,
}

#[derive(Serialize)]
struct UnusableJson {
    part: i32,
    position: usize,
    label: String,
    reason: String,
}

impl From<&ExportBatch> for ExportJson {
    fn from(batch: &ExportBatch) -> ExportJson {
        let unusable = batch
            .parts()
            .flat_map(|part| {
                part.unusable
                    .iter()
                    .map(move |entry: &UnusableEntry| (part.part_of.index, entry))
            })
            .map(|(part, entry)| UnusableJson {
                part,
                position: entry.position,
                label: entry.label.clone(),
                reason: entry.reason.to_string(),
            })
            .collect();
        ExportJson {
            accounts: batch.accounts().map(AccountJson::from).collect(),
            batch: BatchJson {
                id: batch.batch_id(),
                size: batch.size(),
                read: batch.parts().map(|part| part.part_of.index).collect(),
                missing: batch.missing(),
            },
            unusable,
        }
    }
}
