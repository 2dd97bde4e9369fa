//! Codes per second for 1,000 accounts of every kind and algorithm, next to totp-rs (the peer on
//! the project's card) for the time-based SHA1 accounts both can compute.
//!
//! Run with `cargo bench -p tessera-core --bench codes`. Prints figures; asserts nothing about
//! speed, which depends on the machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tessera_core::{Account, Algorithm, Kind, Secret};

const ACCOUNTS: usize = 1_000;
const MEASURE_FOR: Duration = Duration::from_secs(2);

fn thousand_accounts() -> Vec<Account> {
    let kinds = [
        Kind::Totp { period: 30 },
        Kind::Hotp { counter: 1_000_000 },
        Kind::Steam { period: 30 },
        Kind::Totp { period: 60 },
    ];
    (0..ACCOUNTS)
        .map(|n| {
            // 80-, 160-, 256- and 512-bit secrets, as found in the wild.
            let length = [10, 20, 32, 64][n % 4];
            let secret = Secret::from_bytes((0..length).map(|i| (n * 31 + i * 7) as u8).collect())
                .expect("not empty");
            let mut account = Account::totp(Some("Bench"), &format!("user{n}"), secret);
            account.algorithm = Algorithm::ALL[n % 3];
            account.kind = kinds[(n / 3) % kinds.len()];
            account.digits = if matches!(account.kind, Kind::Steam { .. }) {
                5
            } else {
                [6, 8, 7, 10][n % 4]
            };
            account
        })
        .collect()
}

/// Runs `round` (which computes `per_round` codes) for about two seconds; returns codes per second.
fn rate(per_round: usize, mut round: impl FnMut(u64)) -> f64 {
    let started = Instant::now();
    let mut rounds = 0u64;
    while started.elapsed() < MEASURE_FOR {
        round(1_700_000_000 + rounds);
        rounds += 1;
    }
    (rounds as f64 * per_round as f64) / started.elapsed().as_secs_f64()
}

fn main() {
    let accounts = thousand_accounts();
    let all = rate(accounts.len(), |time| {
        for account in &accounts {
            black_box(account.code_at(black_box(time)));
        }
    });
    println!(
        "tessera-core: {all:>12.0} codes/s over {ACCOUNTS} accounts (TOTP, HOTP, Steam; SHA1, SHA256, SHA512)"
    );
    println!(
        "tessera-core: {:>12.3} ms for the codes of all {ACCOUNTS} accounts",
        1_000.0 * ACCOUNTS as f64 / all
    );

    // The peer: totp-rs over the same secrets, SHA1, 6 digits, 30 s. It refuses secrets under
    // 128 bits, so those accounts get a 160-bit secret in both runs.
    let secrets: Vec<Vec<u8>> = (0..ACCOUNTS)
        .map(|n| (0..20).map(|i| (n * 31 + i * 7) as u8).collect())
        .collect();
    let ours: Vec<Account> = secrets
        .iter()
        .map(|secret| {
            Account::totp(
                None,
                "peer",
                Secret::from_bytes(secret.clone()).expect("not empty"),
            )
        })
        .collect();
    let peer: Vec<totp_rs::TOTP> = secrets
        .iter()
        .map(|secret| {
            totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, secret.clone()).expect("valid")
        })
        .collect();
    assert_eq!(
        ours[7].code_at(1_700_000_000).text,
        peer[7].generate(1_700_000_000),
        "the peer agrees"
    );
    let ours_rate = rate(ours.len(), |time| {
        for account in &ours {
            black_box(account.code_at(black_box(time)));
        }
    });
    let peer_rate = rate(peer.len(), |time| {
        for totp in &peer {
            black_box(totp.generate(black_box(time)));
        }
    });
    println!("tessera-core: {ours_rate:>12.0} codes/s, TOTP SHA1 6 digits, 160-bit secrets");
    println!("totp-rs 5:    {peer_rate:>12.0} codes/s, same accounts");
    let refuses_80_bits =
        totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, vec![1; 10]).is_err();
    println!("totp-rs 5 refuses an 80-bit secret: {refuses_80_bits} (tessera-core accepts it)");
}
