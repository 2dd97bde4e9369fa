//! The accounts every fixture holds (as far as its format can carry them), and the checks every
//! importer must pass.

#![allow(dead_code)]

use tessera_core::account::Kind;
use tessera_core::import::{Format, Found, ImportError};
use tessera_core::{Account, Algorithm, Secret};

/// What a format can carry; the expected set is filtered by it.
#[derive(Clone, Copy, Debug)]
pub struct Carries {
    /// Counter-based accounts.
    pub hotp: bool,
    /// Steam Guard accounts.
    pub steam: bool,
    /// Algorithms other than SHA1.
    pub algorithms: bool,
    /// Digits other than 6.
    pub digits: bool,
    /// Periods other than 30 seconds.
    pub periods: bool,
}

impl Carries {
    /// A format that carries everything Tessera computes.
    pub const ALL: Carries = Carries {
        hotp: true,
        steam: true,
        algorithms: true,
        digits: true,
        periods: true,
    };
}

fn account(
    issuer: &str,
    name: &str,
    secret: &str,
    algorithm: Algorithm,
    digits: u8,
    kind: Kind,
) -> Account {
    let mut account = Account::totp(
        (!issuer.is_empty()).then_some(issuer),
        name,
        Secret::from_base32(secret).expect("a valid secret"),
    );
    account.algorithm = algorithm;
    account.digits = digits;
    account.kind = kind;
    account
}

/// The shared accounts: TOTP, HOTP and Steam; SHA1, SHA256 and SHA512; 6 to 8 digits; odd periods
/// and counters; names in other scripts and with characters that formats must escape.
pub fn all() -> Vec<Account> {
    use Algorithm::*;
    vec![
        account(
            "Example",
            "alice@example.com",
            "JBSWY3DPEHPK3PXP",
            Sha1,
            6,
            Kind::Totp { period: 30 },
        ),
        account(
            "Bank of Zürich",
            "Jörg SStraße",
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            Sha256,
            8,
            Kind::Totp { period: 60 },
        ),
        account(
            "Mail",
            "小林 <kobayashi@example.jp>",
            "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ",
            Sha512,
            7,
            Kind::Totp { period: 15 },
        ),
        account(
            "Forge & \"Co\"",
            "bob",
            "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI",
            Sha1,
            6,
            Kind::Hotp { counter: 0 },
        ),
        account(
            "VPN",
            "ops@example.net",
            "ONSWG4TFORZWK3DMN5XGK",
            Sha256,
            8,
            Kind::Hotp { counter: 1_234_567 },
        ),
        account(
            "Steam",
            "gamer",
            "IZSGK2LOMVZXG5DSMVXGIZLSMVZQ",
            Sha1,
            5,
            Kind::Steam { period: 30 },
        ),
        account(
            "",
            "no issuer here",
            "NB2W45DFOIZA",
            Sha1,
            6,
            Kind::Totp { period: 30 },
        ),
    ]
}

/// The shared accounts a format can carry.
pub fn carried(carries: Carries) -> Vec<Account> {
    all()
        .into_iter()
        .filter(|account| match account.kind {
            Kind::Hotp { .. } => carries.hotp,
            Kind::Steam { .. } => carries.steam,
            Kind::Totp { period } => carries.periods || period == 30,
        })
        .filter(|account| carries.algorithms || account.algorithm == Algorithm::Sha1)
        .filter(|account| {
            carries.digits || account.digits == 6 || matches!(account.kind, Kind::Steam { .. })
        })
        .collect()
}

/// What two accounts must share to be the same account to a user: issuer, name, secret,
/// algorithm, digits and kind (with its period or counter).
fn essentials(account: &Account) -> (Option<String>, String, String, Algorithm, usize, Kind) {
    (
        account.issuer().map(str::to_string),
        account.name.clone(),
        account.secret.to_base32().to_string(),
        account.algorithm,
        account.code_length(),
        account.kind,
    )
}

/// Asserts that `found` holds exactly `expected`, in order, and nothing unusable.
pub fn assert_yields(found: &Found, expected: &[Account]) {
    let got: Vec<_> = found
        .accounts
        .iter()
        .map(|found| essentials(&found.account))
        .collect();
    let want: Vec<_> = expected.iter().map(essentials).collect();
    assert_eq!(got, want);
    assert!(found.unusable.is_empty(), "{:?}", found.unusable);
}

/// Reads `file` as `format` and recognised from its content, and asserts the expected accounts.
pub fn assert_reads(
    format: &dyn Format,
    file: &[u8],
    password: Option<&str>,
    expected: &[Account],
) {
    assert!(
        format.recognises(file),
        "{} does not recognise its own file",
        format.id()
    );
    let recognised = tessera_core::import::recognise(file).expect("the file is recognised");
    assert_eq!(recognised.id(), format.id(), "recognised as another format");
    assert_yields(
        &format.read(file, password).expect("the file reads"),
        expected,
    );
}

/// An encrypted file: no password asks for one, a wrong one is refused as wrong, and no bit of
/// the file can be changed unnoticed.
pub fn assert_encrypted(format: &dyn Format, file: &[u8], password: &str) {
    assert!(
        matches!(
            format.read(file, None),
            Err(ImportError::NeedsPassword { .. })
        ),
        "no password"
    );
    assert_eq!(
        format
            .read(file, Some(&format!("{password}x")))
            .unwrap_err(),
        ImportError::WrongPassword
    );
    for position in spread(file.len()) {
        let mut flipped = file.to_vec();
        flipped[position] ^= 0x01;
        let read = format.read(&flipped, Some(password));
        assert!(
            read.is_err() || read.as_ref().ok() == format.read(file, Some(password)).ok().as_ref(),
            "a bit flipped at {position} of {} was not noticed",
            file.len()
        );
    }
}

/// Every shortened copy of the file is refused with an error (never a panic, never accounts).
pub fn assert_truncation_refused(format: &dyn Format, file: &[u8], password: Option<&str>) {
    for length in spread(file.len()) {
        let read = format.read(&file[..length], password);
        assert!(
            read.is_err(),
            "{} read a file cut to {length} of {} bytes",
            format.id(),
            file.len()
        );
    }
}

/// Positions spread over a file of `length` bytes: the first and last few, and about 60 between.
fn spread(length: usize) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..length.min(8)).collect();
    positions.extend((0..60).map(|step| step * length / 60));
    positions.extend(length.saturating_sub(8)..length);
    positions.sort_unstable();
    positions.dedup();
    positions.retain(|position| *position < length);
    positions
}
