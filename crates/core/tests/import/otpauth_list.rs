//! A plain list of links, one a line, as Ente Auth's plain export and many scripts write it.

use tessera_core::import::formats::otpauth_list::OtpauthList;
use tessera_core::import::{Format, UnusableReason};
use tessera_core::link::write_otpauth;

use crate::expected::{self, Carries};

fn list() -> String {
    expected::all()
        .iter()
        .map(|account| write_otpauth(account).to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_list_of_links_yields_every_account() {
    expected::assert_reads(
        &OtpauthList,
        list().as_bytes(),
        None,
        &expected::carried(Carries::ALL),
    );
}

#[test]
fn a_line_that_is_not_an_account_is_listed_and_the_rest_are_read() {
    let file = format!("{}\notpauth://motp/x:y?secret=JBSWY3DPEHPK3PXP\n", list());
    let found = OtpauthList.read(file.as_bytes(), None).unwrap();
    assert_eq!(found.accounts.len(), expected::all().len());
    assert_eq!(found.unusable.len(), 1);
    assert_eq!(
        found.unusable[0].reason,
        UnusableReason::Kind("motp".into())
    );
}
