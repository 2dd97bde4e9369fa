//! One import session on a real vault file: the preview marks what the vault has already, and
//! confirming adds everything in one transaction or nothing.

use std::path::Path;

use tessera_core::import::{ImportError, ImportSession};
use tessera_core::link::migration::write_export_with_batch_id;
use tessera_core::link::write_otpauth;
use tessera_core::vault::slots::password::PasswordParams;
use tessera_core::vault::{Details, Duplicates, NewPassword};
use tessera_core::{Account, Secret, Vault};

use crate::expected;

fn new_vault(folder: &Path) -> Vault {
    let params = PasswordParams::new(8 * 1024, 1, 1).unwrap();
    Vault::create(
        &folder.join("vault.tessera"),
        &NewPassword("a passphrase", params),
    )
    .unwrap()
    .0
}

fn names(vault: &Vault) -> Vec<String> {
    let listing = vault.list().unwrap();
    listing
        .entries
        .iter()
        .map(|entry| entry.account.to_string())
        .collect()
}

#[test]
fn the_preview_marks_what_the_vault_has_and_confirming_skips_it() {
    let folder = tempfile::tempdir().unwrap();
    let mut vault = new_vault(folder.path());
    let accounts = expected::all();
    let there = vault
        .add(accounts[0].clone(), Details::default(), Duplicates::Refuse)
        .unwrap();

    let mut session = ImportSession::new();
    let list: Vec<String> = accounts.iter().map(write_otpauth).collect();
    session
        .add_file(list.join("\n").as_bytes(), None, None)
        .unwrap();
    let preview = session.preview(&vault).unwrap();
    assert_eq!(preview.accounts.len(), accounts.len());
    assert_eq!(preview.accounts[0].duplicate_of, Some(there));
    assert!(
        preview.accounts[1..]
            .iter()
            .all(|account| account.duplicate_of.is_none())
    );

    let added = session.add_to(&mut vault, Duplicates::Skip).unwrap();
    assert_eq!(added.len(), accounts.len() - 1);
    let expected_names: Vec<String> = accounts.iter().map(Account::to_string).collect();
    assert_eq!(names(&vault), expected_names);
}

#[test]
fn an_entry_that_cannot_be_used_is_listed_and_the_rest_are_added() {
    let folder = tempfile::tempdir().unwrap();
    let mut vault = new_vault(folder.path());
    let mut session = ImportSession::new();
    session
        .add_scanned("otpauth://totp/Good:one?secret=JBSWY3DPEHPK3PXP")
        .unwrap();
    let file = "otpauth://totp/Bad:two?secret=JBSWY3DP&digits=11";
    session.add_file(file.as_bytes(), None, None).unwrap();
    let preview = session.preview(&vault).unwrap();
    assert_eq!(
        preview.accounts.len(),
        1,
        "the 11-digit entry is listed as unusable"
    );
    assert_eq!(preview.unusable.len(), 1);
    assert_eq!(
        session.add_to(&mut vault, Duplicates::Skip).unwrap().len(),
        1
    );
    assert_eq!(names(&vault), ["Good (one)"]);
}

#[test]
fn export_parts_in_any_order_make_one_import_and_a_missing_part_blocks_it() {
    let folder = tempfile::tempdir().unwrap();
    let mut vault = new_vault(folder.path());
    let many: Vec<Account> = (0..23)
        .map(|n| {
            Account::totp(
                Some("Batch"),
                &format!("user{n}"),
                Secret::from_bytes(vec![n as u8 + 1; 10]).unwrap(),
            )
        })
        .collect();
    let links = write_export_with_batch_id(&many, 77).links;
    assert_eq!(links.len(), 3);

    let mut session = ImportSession::new();
    session.add_scanned(&links[2]).unwrap();
    session.add_scanned(&links[0]).unwrap();
    let preview = session.preview(&vault).unwrap();
    assert_eq!(
        (preview.missing_parts.clone(), preview.parts_total),
        (vec![2], 3)
    );
    assert!(matches!(
        ImportSession::add_to(std::mem::take(&mut session), &mut vault, Duplicates::Skip),
        Err(ImportError::ExportIncomplete)
    ));
    assert!(names(&vault).is_empty());

    for link in [&links[1], &links[0], &links[2]] {
        session.add_scanned(link).unwrap();
    }
    assert!(session.preview(&vault).unwrap().missing_parts.is_empty());
    assert_eq!(
        session.add_to(&mut vault, Duplicates::Skip).unwrap().len(),
        23
    );
}
