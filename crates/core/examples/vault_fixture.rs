//! Writes the vault file that `tests/vault_fixture.rs` opens, so that every later version of
//! Tessera is checked against a file this version wrote.
//!
//! ```text
//! cargo run -p tessera-core --example vault_fixture -- crates/core/tests/fixtures/vault-schema-2.tessera
//! ```
//!
//! Run it only when the schema version changes, into a new file named after the new version;
//! the files already checked in stay as they are, since they stand for vaults users have.
//! The accounts written here are the ones the test expects, so change both together.

use std::path::PathBuf;

use tessera_core::vault::slots::password::PasswordParams;
use tessera_core::vault::{Details, Duplicates, NewPassword, SCHEMA_VERSION};
use tessera_core::{Account, Algorithm, Kind, Secret, Vault};

/// The fixture's password (the test must know it).
const PASSWORD: &str = "fixture password, not a secret";

fn main() {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: vault_fixture PATH (for schema version {SCHEMA_VERSION})");
        std::process::exit(2);
    };
    // Small Argon2id parameters: the fixture guards the format, not a secret.
    let params = PasswordParams::new(1024, 1, 1).expect("the system has randomness");
    let (mut vault, _) = Vault::create(&path, &NewPassword(PASSWORD, params))
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    // The HOTP secret is RFC 4226's, "12345678901234567890", so its codes are published.
    let secret = |base32: &str| Secret::from_base32(base32).expect("a valid base32 secret");

    let mut github = Account::totp(Some("GitHub"), "octocat", secret("JBSWY3DPEHPK3PXP"));
    github.extra_parameters = vec![("image".into(), "https://example.com/octocat.png".into())];
    let github_details = Details {
        icon: Some("github".into()),
        note: "backup codes in the drawer".into(),
        group: Some("Work".into()),
    };

    let bank = Account {
        issuer: Some("Café Bank".into()),
        label_issuer: None,
        name: "zoë@example.com".into(),
        secret: secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        algorithm: Algorithm::Sha1,
        digits: 8,
        kind: Kind::Hotp { counter: 5 },
        extra_parameters: Vec::new(),
    };

    let steam = Account {
        issuer: Some("Steam".into()),
        label_issuer: Some("Steam".into()),
        name: "gabe".into(),
        secret: secret("MFRGGZDFMZTWQ2LK"),
        algorithm: Algorithm::Sha1,
        digits: 5,
        kind: Kind::Steam { period: 30 },
        extra_parameters: Vec::new(),
    };

    let old = Account {
        issuer: None,
        label_issuer: Some("Old Mail".into()),
        name: "me@old.example".into(),
        secret: secret("KRSXG5CTMVRXEZLU"),
        algorithm: Algorithm::Sha512,
        digits: 7,
        kind: Kind::Totp { period: 60 },
        extra_parameters: Vec::new(),
    };

    for (account, details) in [
        (github, github_details),
        (bank, Details::default()),
        (steam, Details::default()),
    ] {
        vault
            .add(account, details, Duplicates::Refuse)
            .expect("the account is added");
    }
    let old = vault
        .add(
            old,
            Details {
                note: "closed in 2025".into(),
                ..Details::default()
            },
            Duplicates::Refuse,
        )
        .expect("the account is added");
    vault.remove(old).expect("the account goes to the trash");
    drop(vault);
    println!("wrote {} (schema version {SCHEMA_VERSION})", path.display());
}
