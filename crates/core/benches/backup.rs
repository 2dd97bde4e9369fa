//! Backup figures: writing and reading a 1,000-account backup without the key derivation (the
//! protection is derived once and kept; reading starts from an unwrapped data key), and the key
//! derivations apart: Argon2id with the parameters calibrated as for the vault's password slot,
//! and the recovery code's HKDF. Prints figures; asserts nothing about speed.
//!
//! `cargo bench -p tessera-core --bench backup`

use std::time::{Duration, Instant};

use tessera_core::backup::{Protection, SealedBackup, body, write_backup};
use tessera_core::vault::Details;
use tessera_core::vault::slots::password::PasswordParams;
use tessera_core::vault::slots::recovery::RecoveryCode;
use tessera_core::{Account, Algorithm, Kind, Secret};

const ACCOUNTS: usize = 1_000;
const SAMPLES: usize = 30;

fn percentile(samples: &mut [Duration], share: f64) -> f64 {
    samples.sort_unstable();
    let index = ((samples.len() as f64 - 1.0) * share).round() as usize;
    samples[index].as_secs_f64() * 1_000.0
}

fn account(n: usize) -> (Account, Details) {
    let secret =
        Secret::from_bytes((0..20).map(|i| (n * 31 + i * 7) as u8).collect()).expect("not empty");
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
        icon: n.is_multiple_of(4).then(|| "github".to_string()),
        note: if n.is_multiple_of(20) {
            "Backup codes are in the drawer.".into()
        } else {
            String::new()
        },
        group: n.is_multiple_of(3).then(|| "Work".to_string()),
    };
    (account, details)
}

fn timed<T>(samples: &mut Vec<Duration>, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = work();
    samples.push(started.elapsed());
    result
}

fn main() {
    let accounts: Vec<_> = (0..ACCOUNTS).map(account).collect();
    let code = RecoveryCode::generate().expect("a code");

    let started = Instant::now();
    let params = PasswordParams::calibrate().expect("calibrated parameters");
    let calibration = started.elapsed();
    let mut password_kdf = Vec::new();
    let mut recovery_kdf = Vec::new();
    let mut protection = None;
    for _ in 0..5 {
        protection = Some(timed(&mut password_kdf, || {
            Protection::password("correct horse battery staple", params.clone())
                .expect("password protection")
        }));
        timed(&mut recovery_kdf, || {
            Protection::recovery_code(&code).expect("recovery protection")
        });
    }
    let protection = protection
        .expect("made")
        .with_recovery_code(&code)
        .expect("and a recovery code");

    let mut writes = Vec::new();
    let mut file = Vec::new();
    for _ in 0..SAMPLES {
        file = timed(&mut writes, || {
            write_backup(&accounts, &protection).expect("written")
        });
    }

    let sealed = SealedBackup::parse(&file).expect("a backup");
    let mut unlock_password = Vec::new();
    let mut unlock_code = Vec::new();
    for _ in 0..5 {
        timed(&mut unlock_password, || {
            sealed
                .unlock("correct horse battery staple")
                .expect("unlocked")
        });
        timed(&mut unlock_code, || {
            sealed.unlock(&code.display()).expect("unlocked")
        });
    }
    let key = sealed.unlock(&code.display()).expect("unlocked");
    let mut reads = Vec::new();
    for _ in 0..SAMPLES {
        let found = timed(&mut reads, || {
            SealedBackup::parse(&file)
                .and_then(|sealed| sealed.open(&key))
                .expect("read")
        });
        assert_eq!(found.accounts.len(), ACCOUNTS);
    }

    let json = String::from_utf8(body::encode(&accounts).to_vec()).expect("UTF-8");
    let json_len = json.trim_end().len();
    println!(
        "backup: {ACCOUNTS} accounts, {} bytes ({} bytes of JSON, {:.0} per account, padded to {} KiB)",
        file.len(),
        json_len,
        json_len as f64 / ACCOUNTS as f64,
        body::encode(&accounts).len() / 1024,
    );
    println!(
        "backup: write without key derivation: median {:.2} ms, p95 {:.2} ms ({SAMPLES} runs)",
        percentile(&mut writes, 0.5),
        percentile(&mut writes, 0.95),
    );
    println!(
        "backup: read without key derivation (header, decrypt, {ACCOUNTS} accounts): median {:.2} ms, p95 {:.2} ms ({SAMPLES} runs)",
        percentile(&mut reads, 0.5),
        percentile(&mut reads, 0.95),
    );
    println!(
        "backup: key derivation, password (Argon2id m={} KiB, t={}, p=1; calibrated in {:.0} ms): making the protection median {:.0} ms, unlocking median {:.0} ms",
        params.memory_kib,
        params.iterations,
        calibration.as_secs_f64() * 1_000.0,
        percentile(&mut password_kdf, 0.5),
        percentile(&mut unlock_password, 0.5),
    );
    println!(
        "backup: key derivation, recovery code (HKDF-SHA256): making the protection median {:.3} ms, unlocking median {:.3} ms",
        percentile(&mut recovery_kdf, 0.5),
        percentile(&mut unlock_code, 0.5),
    );
}
