//! Writing accounts as Google Authenticator export links.
//!
//! Google Authenticator imports only what it can show: SHA1, six digits, and (for time-based
//! codes) a 30-second period. Other accounts are reported as not exportable in this format rather
//! than written in a way Google would mangle.

use base64::Engine;
use prost::Message;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::proto::{self, MigrationPayload, OtpParameters};
use crate::account::{Account, DEFAULT_PERIOD, Kind};
use crate::link::percent;
use crate::otp::Algorithm;

/// Google Authenticator puts at most this many accounts in one QR code.
pub const ACCOUNTS_PER_LINK: usize = 10;

/// An account that this format cannot carry, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotExportable {
    /// The account's position in the list given, from 0.
    pub position: usize,
    /// Why Google Authenticator could not take it.
    pub reason: &'static str,
    /// The reason's stable name, for translated messages: `algorithm`, `steam`, `digits`,
    /// `period` or `counter`.
    pub code: &'static str,
}

/// The links of one export, and the accounts left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportLinks {
    /// One link per QR code, in order; empty when nothing could be exported.
    pub links: Vec<String>,
    /// The accounts left out.
    pub not_exportable: Vec<NotExportable>,
}

/// Writes accounts as export links, with a random batch id.
pub fn write_export(accounts: &[Account]) -> ExportLinks {
    let mut bytes = [0u8; 4];
    // The batch id only tells one export's codes from another's; if the system has no randomness
    // to spare, a fixed one does no harm.
    let _ = SystemRandom::new().fill(&mut bytes);
    write_export_with_batch_id(accounts, i32::from_be_bytes(bytes) & i32::MAX)
}

/// Writes accounts as export links with the given batch id.
pub fn write_export_with_batch_id(accounts: &[Account], batch_id: i32) -> ExportLinks {
    let mut exportable = Vec::new();
    let mut not_exportable = Vec::new();
    for (position, account) in accounts.iter().enumerate() {
        match why_not_exportable(account) {
            Some((code, reason)) => not_exportable.push(NotExportable {
                position,
                reason,
                code,
            }),
            None => exportable.push(account),
        }
    }
    let chunks: Vec<_> = exportable.chunks(ACCOUNTS_PER_LINK).collect();
    let batch_size = i32::try_from(chunks.len()).unwrap_or(i32::MAX);
    let links = chunks
        .iter()
        .enumerate()
        .map(|(index, chunk)| {
            let payload = MigrationPayload {
                otp_parameters: chunk.iter().map(|account| to_entry(account)).collect(),
                version: 1,
                batch_size,
                batch_index: i32::try_from(index).unwrap_or(i32::MAX),
                batch_id,
            };
            let bytes = Zeroizing::new(payload.encode_to_vec());
            let data =
                Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes.as_slice()));
            format!(
                "otpauth-migration://offline?data={}",
                percent::encode(&data)
            )
        })
        .collect();
    ExportLinks {
        links,
        not_exportable,
    }
}

/// Why Google Authenticator could not take an account: the reason's name and its words.
fn why_not_exportable(account: &Account) -> Option<(&'static str, &'static str)> {
    if account.algorithm != Algorithm::Sha1 {
        return Some((
            "algorithm",
            "Google Authenticator imports only SHA1 accounts",
        ));
    }
    match account.kind {
        Kind::Steam { .. } => Some((
            "steam",
            "Google Authenticator cannot show Steam Guard codes",
        )),
        _ if account.digits != 6 => Some((
            "digits",
            "Google Authenticator imports only six-digit accounts",
        )),
        Kind::Totp { period } if period != DEFAULT_PERIOD => Some((
            "period",
            "Google Authenticator imports only accounts whose codes last 30 seconds",
        )),
        Kind::Hotp { counter } if i64::try_from(counter).is_err() => Some((
            "counter",
            "the account's counter is too large for Google Authenticator",
        )),
        _ => None,
    }
}

fn to_entry(account: &Account) -> OtpParameters {
    // As in an otpauth label: a name with a colon needs an empty issuer before it.
    let name = match &account.label_issuer {
        Some(issuer) => format!("{issuer}:{}", account.name),
        None if account.name.contains(':') => format!(":{}", account.name),
        None => account.name.clone(),
    };
    let (kind, counter) = match account.kind {
        Kind::Hotp { counter } => (proto::TYPE_HOTP, i64::try_from(counter).unwrap_or(i64::MAX)),
        Kind::Totp { .. } | Kind::Steam { .. } => (proto::TYPE_TOTP, 0),
    };
    OtpParameters {
        secret: account.secret.as_bytes().to_vec(),
        name,
        issuer: account.issuer.clone().unwrap_or_default(),
        algorithm: proto::ALGORITHM_SHA1,
        digits: proto::DIGITS_SIX,
        r#type: kind,
        counter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::migration::{ExportBatch, read_export};
    use crate::otp::Secret;

    fn account(number: usize) -> Account {
        let secret = Secret::from_bytes(format!("secret number {number:04}").into_bytes()).unwrap();
        Account::totp(
            Some(&format!("Issuer {number}")),
            &format!("user{number}@example.com"),
            secret,
        )
    }

    #[test]
    fn twenty_five_accounts_make_three_codes_that_read_back() {
        let accounts: Vec<Account> = (0..25).map(account).collect();
        let export = write_export_with_batch_id(&accounts, 1234);
        assert_eq!(export.links.len(), 3);
        assert!(export.not_exportable.is_empty());
        let parts: Vec<_> = export
            .links
            .iter()
            .map(|link| read_export(link).unwrap())
            .collect();
        assert_eq!(
            parts.iter().map(|p| p.accounts.len()).collect::<Vec<_>>(),
            vec![10, 10, 5]
        );
        let batches = ExportBatch::gather(parts).unwrap();
        assert_eq!(batches.len(), 1);
        assert!(batches[0].is_complete());
        assert_eq!(batches[0].accounts().cloned().collect::<Vec<_>>(), accounts);
    }

    #[test]
    fn accounts_google_cannot_show_are_left_out_and_named() {
        let mut accounts: Vec<Account> = (0..5).map(account).collect();
        accounts[1].algorithm = Algorithm::Sha256;
        accounts[2].digits = 8;
        accounts[3].kind = Kind::Totp { period: 60 };
        accounts[4].kind = Kind::Steam { period: 30 };
        accounts[4].digits = 5;
        let export = write_export(&accounts);
        assert_eq!(
            export
                .not_exportable
                .iter()
                .map(|n| n.position)
                .collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
        assert_eq!(export.links.len(), 1);
        assert_eq!(
            read_export(&export.links[0]).unwrap().accounts,
            vec![accounts[0].clone()]
        );
    }

    #[test]
    fn hotp_accounts_keep_their_counter() {
        let mut hotp = account(1);
        hotp.kind = Kind::Hotp { counter: 99 };
        let export = write_export(std::slice::from_ref(&hotp));
        assert_eq!(read_export(&export.links[0]).unwrap().accounts, vec![hotp]);
    }

    #[test]
    fn nothing_to_export_makes_no_links() {
        assert_eq!(write_export(&[]).links, Vec::<String>::new());
    }
}
