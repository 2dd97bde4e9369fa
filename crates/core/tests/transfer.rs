//! Moving accounts to another device by QR codes, through the import session both the app and
//! the command line use, on real vault files: the sender's backup cut into parts, the parts
//! scanned in any order on the other side, the code given, every account and detail added, or
//! nothing when a part is missing, damaged or the code is wrong.

#[path = "import/expected.rs"]
mod expected;

use std::path::Path;

use tessera_core::import::{ImportError, ImportSession};
use tessera_core::link::LinkError;
use tessera_core::transfer::{
    CHUNK_BYTES, Transfer, TransferError, TransferPart, TransferParts, write_transfer,
};
use tessera_core::vault::slots::password::PasswordParams;
use tessera_core::vault::{Details, Duplicates, NewPassword};
use tessera_core::{Account, Secret, Vault};

fn new_vault(folder: &Path, name: &str) -> Vault {
    let params = PasswordParams::new(8 * 1024, 1, 1).unwrap();
    Vault::create(&folder.join(name), &NewPassword("a passphrase", params))
        .unwrap()
        .0
}

/// The shared accounts, then numbered ones up to `count`; every third with details.
fn accounts(count: usize) -> Vec<(Account, Details)> {
    let shared = expected::all();
    (0..count)
        .map(|n| {
            let account = shared.get(n).cloned().unwrap_or_else(|| {
                Account::totp(
                    Some(&format!("Service {n}")),
                    &format!("user{n}@example.com"),
                    Secret::from_bytes((0..20).map(|at| (n * 7 + at) as u8).collect()).unwrap(),
                )
            });
            let details = if n % 3 == 0 {
                Details {
                    icon: Some("github".into()),
                    note: format!("backup codes in drawer {n} — ✓"),
                    group: Some("Work".into()),
                }
            } else {
                Details::default()
            };
            (account, details)
        })
        .collect()
}

/// What the vault holds, in order: each account and its details.
fn held(vault: &Vault) -> Vec<(Account, Details)> {
    vault
        .list()
        .unwrap()
        .entries
        .into_iter()
        .map(|entry| (entry.account, entry.details))
        .collect()
}

/// A fixed shuffle: the parts in an order no one would scan them in.
fn shuffled(links: &[String]) -> Vec<String> {
    let mut order: Vec<usize> = (0..links.len()).collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for at in (1..order.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        order.swap(at, (seed % (at as u64 + 1)) as usize);
    }
    order.into_iter().map(|at| links[at].clone()).collect()
}

fn moved(count: usize) -> (Vec<(Account, Details)>, Transfer) {
    let accounts = accounts(count);
    let transfer = write_transfer(&accounts).unwrap();
    (accounts, transfer)
}

#[test]
fn one_three_and_three_hundred_accounts_move_with_every_detail_in_any_order() {
    for count in [1, 3, 300] {
        let folder = tempfile::tempdir().unwrap();
        let mut vault = new_vault(folder.path(), "new-phone.tessera");
        let (sent, transfer) = moved(count);
        assert!(transfer.links.len() >= 2, "a backup is at least 4 KiB");
        let links = shuffled(&transfer.links);

        let mut session = ImportSession::new();
        for (scanned, link) in links.iter().enumerate() {
            session.add_scanned(link).unwrap();
            // A part scanned again changes nothing.
            session.add_scanned(link).unwrap();
            let progress = session.preview(&vault).unwrap().transfers;
            assert_eq!(progress.len(), 1);
            assert_eq!(progress[0].id, transfer.id);
            assert_eq!(progress[0].count as usize, links.len());
            assert_eq!(progress[0].missing.len(), links.len() - scanned - 1);
        }
        let preview = session.preview(&vault).unwrap();
        assert!(preview.accounts.is_empty(), "nothing shows before the code");
        assert!(matches!(
            session.clone().add_to(&mut vault, Duplicates::Skip),
            Err(ImportError::Transfer(TransferError::NeedsCode))
        ));

        let typed = transfer.code.display().to_lowercase();
        assert_eq!(session.open_transfers(&typed).unwrap(), count);
        let preview = session.preview(&vault).unwrap();
        assert!(preview.transfers.is_empty());
        assert_eq!(preview.accounts.len(), count);
        assert!(preview.unusable.is_empty());
        session.add_to(&mut vault, Duplicates::Skip).unwrap();
        assert_eq!(held(&vault), sent, "{count} accounts");
    }
}

#[test]
fn a_missing_part_is_named_and_nothing_is_added() {
    let folder = tempfile::tempdir().unwrap();
    let mut vault = new_vault(folder.path(), "new-phone.tessera");
    let (_, transfer) = moved(40);
    let count = transfer.links.len();
    assert!(count >= 3);
    let mut session = ImportSession::new();
    for (at, link) in transfer.links.iter().enumerate() {
        if at != 2 {
            session.add_scanned(link).unwrap();
        }
    }
    let progress = &session.preview(&vault).unwrap().transfers[0];
    assert_eq!(progress.missing, vec![3], "part 3 of {count} is missing");
    assert_eq!(
        session.open_transfers(transfer.code.password()),
        Err(ImportError::Transfer(TransferError::NothingToOpen))
    );
    assert_eq!(
        session.clone().add_to(&mut vault, Duplicates::Skip),
        Err(ImportError::Transfer(TransferError::Incomplete(1)))
    );
    assert!(held(&vault).is_empty());
    session.add_scanned(&transfer.links[2]).unwrap();
    session.open_transfers(transfer.code.password()).unwrap();
    assert_eq!(
        session.add_to(&mut vault, Duplicates::Skip).unwrap().len(),
        40
    );
}

#[test]
fn a_wrong_code_opens_nothing_and_the_right_one_still_does() {
    let folder = tempfile::tempdir().unwrap();
    let vault = new_vault(folder.path(), "new-phone.tessera");
    let (_, transfer) = moved(3);
    let mut session = ImportSession::new();
    for link in &transfer.links {
        session.add_scanned(link).unwrap();
    }
    let right = transfer.code.password().to_string();
    // One character off, as a user might mistype it.
    let wrong: String = right
        .chars()
        .enumerate()
        .map(|(at, c)| match (at, c) {
            (0, '7') => '8',
            (0, _) => '7',
            (_, c) => c,
        })
        .collect();
    let before = session.preview(&vault).unwrap();
    assert_eq!(
        session.open_transfers(&wrong),
        Err(ImportError::Transfer(TransferError::WrongCode))
    );
    assert_eq!(
        session.open_transfers("not a code"),
        Err(ImportError::Transfer(TransferError::NotACode))
    );
    assert_eq!(session.preview(&vault).unwrap(), before, "nothing changed");
    assert_eq!(session.open_transfers(&right), Ok(3));
}

#[test]
fn a_bit_flipped_part_is_refused_when_scanned_and_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let vault = new_vault(folder.path(), "new-phone.tessera");
    let (_, transfer) = moved(3);
    let mut session = ImportSession::new();
    session.add_scanned(&transfer.links[0]).unwrap();
    let before = session.preview(&vault).unwrap();
    let link = &transfer.links[1];
    let data_at = link.find("&data=").unwrap() + "&data=".len();
    // Every bit of a few characters of the data, and of the check sum, flipped in turn (where the
    // result is still text).
    let sum_at = link.find("&sum=").unwrap() + "&sum=".len();
    for at in [
        data_at,
        data_at + 1,
        data_at + 400,
        sum_at - 6,
        sum_at,
        sum_at + 7,
    ] {
        for bit in 0..7 {
            let mut bytes = link.clone().into_bytes();
            bytes[at] ^= 1 << bit;
            let Ok(flipped) = String::from_utf8(bytes) else {
                continue;
            };
            assert!(
                matches!(
                    session.add_scanned(&flipped),
                    Err(LinkError::Transfer(TransferError::Damaged(_)))
                ),
                "bit {bit} at {at}"
            );
        }
    }
    assert_eq!(session.preview(&vault).unwrap(), before);
}

#[test]
fn moves_are_kept_apart_and_each_code_opens_only_its_own() {
    let folder = tempfile::tempdir().unwrap();
    let mut vault = new_vault(folder.path(), "new-phone.tessera");
    let (_, first) = moved(3);
    let (_, second) = moved(20);
    let mut session = ImportSession::new();
    for (one, two) in first.links.iter().zip(&second.links) {
        session.add_scanned(two).unwrap();
        session.add_scanned(one).unwrap();
    }
    for link in &second.links[first.links.len().min(second.links.len())..] {
        session.add_scanned(link).unwrap();
    }
    for link in &first.links[second.links.len().min(first.links.len())..] {
        session.add_scanned(link).unwrap();
    }
    let progress = session.preview(&vault).unwrap().transfers;
    assert_eq!(progress.len(), 2);
    assert!(progress.iter().all(|transfer| transfer.missing.is_empty()));
    assert_eq!(session.open_transfers(first.code.password()), Ok(3));
    let waiting = session.preview(&vault).unwrap().transfers;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].id, second.id);
    assert_eq!(session.open_transfers(second.code.password()), Ok(20));
    // The first three accounts of each are the same shared accounts: both kept, as asked.
    session.add_to(&mut vault, Duplicates::KeepBoth).unwrap();
    assert_eq!(held(&vault).len(), 23);
}

#[test]
fn a_newer_move_says_to_update() {
    let mut session = ImportSession::new();
    let error = session
        .add_scanned("tessera://move?v=2&id=K7QM2X9T&part=1&of=1&data=AA&sum=AAAAAAAA")
        .unwrap_err();
    assert_eq!(error, LinkError::Transfer(TransferError::NewerVersion(2)));
    assert!(error.to_string().contains("update Tessera"));
}

#[test]
fn the_joined_parts_are_an_ordinary_backup_the_code_opens() {
    let (sent, transfer) = moved(3);
    let parts: Vec<TransferPart> = transfer
        .links
        .iter()
        .map(|link| TransferPart::parse(link).unwrap())
        .collect();
    let file = TransferParts::gather(parts).unwrap()[0].backup().unwrap();
    let mut session = ImportSession::new();
    let format = session
        .add_file(&file, None, Some(transfer.code.password()))
        .unwrap();
    assert_eq!(format.id(), "tessera");
    let found: Vec<(Account, Details)> = session
        .accounts()
        .into_iter()
        .map(|found| (found.account, found.details))
        .collect();
    assert_eq!(found, sent);
}

#[test]
fn each_part_fits_a_qr_code_that_reads_back_at_three_pixels_a_module() {
    let (_, transfer) = moved(300);
    let mut largest = 0;
    for link in &transfer.links {
        assert!(
            link.len() <= 80 + CHUNK_BYTES.div_ceil(3) * 4,
            "{}",
            link.len()
        );
        let code = tessera_core::qr::encode(link.as_bytes()).unwrap();
        largest = largest.max(code.size());
    }
    // A version-v code has 17 + 4v modules, and four of quiet zone on each side.
    let version = (largest - 8 - 17) / 4;
    println!(
        "{} parts for 300 accounts; the largest code is version {version} ({largest} modules with its quiet zone)",
        transfer.links.len()
    );
    assert!(version <= 24, "version {version}");
    let first = tessera_core::qr::encode(transfer.links[0].as_bytes()).unwrap();
    let read = tessera_core::qr::cascade::decode(&first.to_grey(3)).codes;
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].text.as_deref(), Some(transfer.links[0].as_str()));
}

#[test]
fn debug_output_shows_neither_the_code_nor_the_links() {
    let (_, transfer) = moved(1);
    let shown = format!("{transfer:?}");
    assert!(!shown.contains(transfer.code.password()));
    assert!(!shown.contains("tessera://"));
    assert!(shown.contains(&transfer.id));
}
