//! Vault figures: opening with the device slot, listing and computing the codes of 1,000 accounts;
//! adding one account with a durable commit; and what the password slot's calibration chose.
//!
//! Needs the platform key store: `scripts/with-keyring.sh cargo bench -p tessera-core --bench vault`
//! (the test command runs it so). Prints figures; asserts nothing about speed.

use std::time::{Duration, Instant};

use tessera_core::vault::key_store::DesktopKeyStore;
use tessera_core::vault::slots::password::{self, PasswordParams};
use tessera_core::vault::{Details, Device, Duplicates, LockedVault, NewDevice};
use tessera_core::{Account, Algorithm, Kind, Secret, Vault};

fn percentile(samples: &mut [Duration], share: f64) -> f64 {
    samples.sort_unstable();
    let index = ((samples.len() as f64 - 1.0) * share).round() as usize;
    samples[index].as_secs_f64() * 1_000.0
}

fn account(n: usize) -> Account {
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
    account
}

fn main() {
    let store =
        DesktopKeyStore::connect().expect("a key store: run through scripts/with-keyring.sh");
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("vault.tessera");
    let (mut vault, _) = Vault::create(&path, &NewDevice(&store)).expect("create");
    vault
        .add_all(
            (0..1_000)
                .map(|n| (account(n), Details::default()))
                .collect(),
            Duplicates::KeepBoth,
        )
        .expect("add 1,000");
    drop(vault);

    let mut open_list_codes = Vec::new();
    let mut key_store_only = Vec::new();
    for _ in 0..30 {
        let started = Instant::now();
        let vault = LockedVault::open(&path)
            .and_then(|locked| locked.unlock(&Device(&store)))
            .expect("unlock");
        let listing = vault.list().expect("list");
        let codes = vault.codes_at(1_700_000_000).expect("codes");
        open_list_codes.push(started.elapsed());
        assert_eq!((listing.entries.len(), codes.len()), (1_000, 900));
        let started = Instant::now();
        store
            .load(&format!("vault {} slot 1", vault_id(&path)))
            .expect("load");
        key_store_only.push(started.elapsed());
    }
    println!(
        "vault: open + device unlock + list + codes, 1,000 accounts: median {:.1} ms, p95 {:.1} ms (target < 50 ms); of which the key store's answer: median {:.1} ms",
        percentile(&mut open_list_codes, 0.5),
        percentile(&mut open_list_codes, 0.95),
        percentile(&mut key_store_only, 0.5)
    );

    let mut vault = LockedVault::open(&path)
        .and_then(|locked| locked.unlock(&Device(&store)))
        .expect("unlock");
    let mut adds = Vec::new();
    for n in 1_000..1_200 {
        let started = Instant::now();
        vault
            .add(account(n), Details::default(), Duplicates::KeepBoth)
            .expect("add");
        adds.push(started.elapsed());
    }
    println!(
        "vault: add one account, durable commit (WAL, synchronous=FULL): median {:.2} ms, p95 {:.2} ms (target < 10 ms)",
        percentile(&mut adds, 0.5),
        percentile(&mut adds, 0.95)
    );

    let params = PasswordParams::calibrate().expect("calibrate");
    let started = Instant::now();
    password::derive("benchmark", &params).expect("derive");
    println!(
        "vault: password slot calibrated to Argon2id m={} MiB, t={}, p={}: one unlock takes {} ms here (target about 500 ms)",
        params.memory_kib / 1024,
        params.iterations,
        params.parallelism,
        started.elapsed().as_millis()
    );
}

use tessera_core::vault::KeyStore;

fn vault_id(path: &std::path::Path) -> String {
    let raw = rusqlite::Connection::open(path).expect("open");
    raw.query_row("SELECT vault_id FROM vault", [], |row| row.get(0))
        .expect("vault id")
}
