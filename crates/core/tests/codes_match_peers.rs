//! Tessera's codes agree with independent implementations on thousands of generated cases:
//! oathtool wherever it has an option for the case, a small Python implementation elsewhere.

mod peer;

use peer::{
    Cases, Moving, PeerCode, PythonCase, oathtool, oathtool_hotp, oathtool_totp, python_codes,
};
use tessera_core::{Account, Algorithm, Kind, Secret};

/// The moments the issue names: the epoch, the RFC vectors' times, past 2038 and past 32 bits.
const NAMED_TIMES: [u64; 5] = [0, 59, 1_111_111_109, 2_000_000_000, 20_000_000_000];
const SECRET_LENGTHS: [usize; 6] = [10, 10, 16, 20, 32, 64];

fn account(key: &[u8], algorithm: Algorithm, digits: u8, kind: Kind) -> Account {
    let mut account = Account::totp(
        Some("Peer"),
        "case",
        Secret::from_bytes(key.to_vec()).unwrap(),
    );
    account.algorithm = algorithm;
    account.digits = digits;
    account.kind = kind;
    account
}

fn algorithm_of(cases: &mut Cases) -> (Algorithm, &'static str) {
    cases.pick(&[
        (Algorithm::Sha1, "SHA1"),
        (Algorithm::Sha256, "SHA256"),
        (Algorithm::Sha512, "SHA512"),
    ])
}

/// Runs the oathtool comparisons on both cores; each case is (ours, oathtool arguments, digits
/// to keep from oathtool's answer).
fn compare_with_oathtool(cases: Vec<(String, Vec<String>, usize)>) -> usize {
    let chunk = cases.len().div_ceil(4).max(1);
    std::thread::scope(|scope| {
        for part in cases.chunks(chunk) {
            scope.spawn(move || {
                for (ours, args, keep) in part {
                    let theirs = oathtool(args);
                    let theirs = &theirs[theirs.len() - keep..];
                    assert_eq!(ours, theirs, "oathtool {}", args.join(" "));
                }
            });
        }
    });
    cases.len()
}

#[test]
fn totp_codes_match_oathtool() {
    let mut cases = Cases::new(0x7e55_e7a1);
    let mut comparisons = Vec::new();
    for round in 0..1500 {
        let key = cases.secret(&SECRET_LENGTHS);
        let (algorithm, name) = algorithm_of(&mut cases);
        let period = match round % 5 {
            0 => 30,
            1 => cases.pick(&[1, 600]),
            _ => 1 + cases.below(600) as u32,
        };
        let time = if round < 300 {
            NAMED_TIMES[round % NAMED_TIMES.len()]
        } else {
            cases.below(1 << 36)
        };
        // oathtool writes 6 to 8 digits; 4 and 5 digits are the last digits of the 8-digit code.
        let digits = cases.pick(&[4u8, 5, 6, 7, 8]);
        let ours = account(&key, algorithm, digits, Kind::Totp { period })
            .code_at(time)
            .text;
        let asked = if digits < 6 { 8 } else { digits };
        comparisons.push((
            ours,
            oathtool_totp(&key, name, asked, period, time),
            usize::from(digits),
        ));
    }
    assert_eq!(compare_with_oathtool(comparisons), 1500);
}

#[test]
fn hotp_codes_match_oathtool_up_to_the_largest_counter() {
    let mut cases = Cases::new(0x4077_c0de);
    let named = [
        0u64,
        1,
        9,
        u64::from(u32::MAX),
        1 << 32,
        1 << 63,
        u64::MAX - 1,
        u64::MAX,
    ];
    let mut comparisons = Vec::new();
    for round in 0..1000 {
        let key = cases.secret(&SECRET_LENGTHS);
        let counter = if round < named.len() * 4 {
            named[round % named.len()]
        } else {
            cases.next()
        };
        let digits = cases.pick(&[4u8, 5, 6, 7, 8]);
        let ours = account(&key, Algorithm::Sha1, digits, Kind::Hotp { counter })
            .code_at(0)
            .text;
        let asked = if digits < 6 { 8 } else { digits };
        comparisons.push((
            ours,
            oathtool_hotp(&key, asked, counter),
            usize::from(digits),
        ));
    }
    assert_eq!(compare_with_oathtool(comparisons), 1000);
}

#[test]
fn codes_oathtool_cannot_make_match_the_python_peer() {
    let mut cases = Cases::new(0x5eed_0009);
    let mut ours = Vec::new();
    let mut theirs_input = Vec::new();
    for round in 0..2000u64 {
        let key = cases.secret(&SECRET_LENGTHS);
        let (algorithm, name) = algorithm_of(&mut cases);
        let (kind, digits, steam) = match round % 3 {
            // HOTP over every algorithm, which oathtool only offers for SHA1.
            0 => (
                Kind::Hotp {
                    counter: if round < 30 {
                        u64::MAX - round
                    } else {
                        cases.next()
                    },
                },
                cases.pick(&[6u8, 8, 9, 10]),
                false,
            ),
            // TOTP with 9 and 10 digits.
            1 => (
                Kind::Totp {
                    period: 1 + cases.below(600) as u32,
                },
                cases.pick(&[9u8, 10]),
                false,
            ),
            // Steam Guard.
            _ => (Kind::Steam { period: 30 }, 5, true),
        };
        let time = if round < 50 {
            NAMED_TIMES[(round % 5) as usize]
        } else {
            cases.below(1 << 36)
        };
        let code = account(&key, algorithm, digits, kind).code_at(time);
        let moving = match kind {
            Kind::Hotp { counter } => Moving::Counter(counter),
            Kind::Totp { period } | Kind::Steam { period } => Moving::Time {
                unix_seconds: time,
                period,
            },
        };
        theirs_input.push(PythonCase {
            key,
            algorithm: name,
            moving,
            digits,
            steam,
        });
        ours.push(PeerCode {
            text: code.text,
            counter: code.counter,
        });
    }
    let theirs = python_codes(&theirs_input);
    assert_eq!(theirs.len(), ours.len());
    for (index, (ours, theirs)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(ours, theirs, "case {index}");
    }
}

#[test]
fn the_counter_of_a_totp_code_is_the_time_step() {
    // RFC 6238's own example times (appendix B), whose time steps the RFC prints in hex.
    let account = account(
        b"12345678901234567890",
        Algorithm::Sha1,
        8,
        Kind::Totp { period: 30 },
    );
    assert_eq!(account.code_at(1_111_111_109).counter, 37_037_036);
    assert_eq!(account.code_at(20_000_000_000).counter, 666_666_666);
}
