//! Import figures: reading an encrypted Aegis file of 1,000 accounts, with the key derivation
//! (scrypt at Aegis's N = 2^15, r = 8, p = 1) timed apart, since it costs the same for any number
//! of accounts and Aegis chose it. The target for the rest is under 200 ms.
//!
//! Run with `cargo bench -p tessera-core --bench import`. Prints figures; asserts nothing about
//! speed, which depends on the machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tessera_core::export::aegis::write_aegis;
use tessera_core::import::Format;
use tessera_core::import::formats::aegis::Aegis;
use tessera_core::vault::Details;
use tessera_core::{Account, Algorithm, Kind, Secret};

const ACCOUNTS: usize = 1_000;
const ROUNDS: usize = 9;
const PASSWORD: &str = "a password for the benchmark";

fn accounts() -> Vec<(Account, Details)> {
    (0..ACCOUNTS)
        .map(|n| {
            let secret = Secret::from_bytes((0..20).map(|i| (n * 31 + i * 7) as u8).collect())
                .expect("not empty");
            let mut account = Account::totp(
                Some(&format!("Issuer {n}")),
                &format!("user{n}@example.com"),
                secret,
            );
            account.algorithm = Algorithm::ALL[n % 3];
            if n.is_multiple_of(10) {
                account.kind = Kind::Hotp { counter: n as u64 };
            }
            let details = Details {
                icon: None,
                note: if n.is_multiple_of(4) {
                    format!("recovery codes for account {n} are in the safe")
                } else {
                    String::new()
                },
                group: Some(format!("Group {}", n % 12)),
            };
            (account, details)
        })
        .collect()
}

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_unstable_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn time<T>(work: impl FnOnce() -> T) -> (T, f64) {
    let started = Instant::now();
    let result = work();
    (result, milliseconds(started.elapsed()))
}

/// The key derivation alone, as the reader runs it for the file's one password slot.
fn scrypt_once() -> f64 {
    let params = scrypt::Params::new(15, 8, 1).expect("Aegis's parameters");
    let mut key = [0u8; 32];
    time(|| {
        scrypt::scrypt(
            black_box(PASSWORD.as_bytes()),
            black_box(&[7u8; 32]),
            &params,
            &mut key,
        )
    })
    .1
}

fn main() {
    let accounts = accounts();
    let (file, export) = time(|| write_aegis(&accounts, PASSWORD).expect("export"));

    let (mut reads, mut derivations, mut rest) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let derivation = scrypt_once();
        let (found, read) = time(|| Aegis.read(black_box(&file), Some(PASSWORD)));
        assert_eq!(found.expect("the file reads").accounts.len(), ACCOUNTS);
        reads.push(read);
        derivations.push(derivation);
        rest.push(read - derivation);
    }
    println!(
        "Aegis import, {ACCOUNTS} accounts ({} KiB encrypted), median of {ROUNDS}:",
        file.len() / 1024
    );
    println!(
        "  read without the key derivation: {:>8.1} ms (target: under 200 ms)",
        median(&mut rest)
    );
    println!(
        "  scrypt (N=2^15, r=8, p=1):       {:>8.1} ms",
        median(&mut derivations)
    );
    println!(
        "  whole read:                      {:>8.1} ms",
        median(&mut reads)
    );
    println!("  export (one run, with scrypt):   {export:>8.1} ms");
}
