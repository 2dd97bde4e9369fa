//! Writers killed with SIGKILL at random moments lose nothing they had reported saved, and leave
//! nothing half-written.
//!
//! The test runs itself again as the writer: with `TESSERA_CRASH_WRITER` set, the test function
//! opens the vault and writes until it is killed, printing a line after each commit.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use tessera_core::vault::slots::password::PasswordParams;
use tessera_core::vault::{Details, Duplicates, LockedVault, NewPassword, Password};
use tessera_core::{Account, Kind, Secret, Vault};

const WRITER: &str = "TESSERA_CRASH_WRITER";
const PASSWORD: &str = "crash test";
const ROUNDS: u64 = 30;

#[test]
fn killed_writers_lose_nothing_they_reported_saved() {
    if let Ok(path) = std::env::var(WRITER) {
        write_until_killed(&path);
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("vault.tessera");
    let (mut vault, _) = Vault::create(
        &path,
        &NewPassword(PASSWORD, PasswordParams::new(8 * 1024, 1, 1).unwrap()),
    )
    .unwrap();
    let mut hotp = Account::totp(
        Some("Bank"),
        "token",
        Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
    );
    hotp.kind = Kind::Hotp { counter: 0 };
    let hotp_id = vault
        .add(hotp, Details::default(), Duplicates::Refuse)
        .unwrap();
    drop(vault);

    let mut random = 0x9e37_79b9_7f4a_7c15u64;
    let mut saved_names = Vec::new();
    let mut highest_counter = 0u64;
    for round in 0..ROUNDS {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "killed_writers_lose_nothing_they_reported_saved",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WRITER, &path)
            .env("TESSERA_CRASH_ROUND", round.to_string())
            .env("TESSERA_CRASH_HOTP", hotp_id.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
        });
        // Between 20 and 220 ms: sometimes while unlocking, mostly in the middle of writes.
        std::thread::sleep(Duration::from_millis(20 + random % 200));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // The test harness starts its "test … ..." line before the writer's first line, so the
        // markers are looked for anywhere in a line.
        for line in reader.join().unwrap() {
            if let Some((_, name)) = line.split_once("saved account ") {
                saved_names.push(name.to_string());
            } else if let Some((_, counter)) = line.split_once("saved counter ") {
                highest_counter = highest_counter.max(counter.parse().unwrap());
            }
        }
    }
    println!(
        "{} accounts and a counter at {highest_counter} were reported saved over {ROUNDS} killed writers",
        saved_names.len()
    );
    assert!(
        saved_names.len() >= 100,
        "hundreds of writes: only {} were made",
        saved_names.len()
    );

    let vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Password(PASSWORD))
        .unwrap();
    let listing = vault.list().unwrap();
    assert!(
        listing.unreadable.is_empty(),
        "half-written records: {:?}",
        listing.unreadable
    );
    let names: Vec<&str> = listing
        .entries
        .iter()
        .map(|entry| entry.account.name.as_str())
        .collect();
    for name in &saved_names {
        assert!(
            names.contains(&name.as_str()),
            "{name} was reported saved but is missing"
        );
    }
    // Per writer: the accounts in the vault are its first ones, in order, and at most one more
    // than it reported (killed between the commit and the print); nothing else may appear.
    let strangers: Vec<&&str> = names
        .iter()
        .filter(|name| {
            **name != "token" && writer_and_number(name).is_none_or(|(round, _)| round >= ROUNDS)
        })
        .collect();
    assert!(
        strangers.is_empty(),
        "accounts no writer made: {strangers:?}"
    );
    for round in 0..ROUNDS {
        let reported = saved_names
            .iter()
            .filter(|name| writer_and_number(name).is_some_and(|(writer, _)| writer == round))
            .count() as u64;
        let mut held: Vec<u64> = names
            .iter()
            .filter_map(|name| writer_and_number(name))
            .filter(|(writer, _)| *writer == round)
            .map(|(_, number)| number)
            .collect();
        held.sort_unstable();
        let exactly: Vec<u64> = (0..reported).collect();
        let one_more: Vec<u64> = (0..=reported).collect();
        assert!(
            held == exactly || held == one_more,
            "writer {round} reported its first {reported} accounts saved, and the vault holds its \
             accounts {held:?}"
        );
    }
    let Kind::Hotp { counter } = vault.get(hotp_id).unwrap().account.kind else {
        panic!("still HOTP")
    };
    assert!(
        counter >= highest_counter,
        "the counter went back from {highest_counter} to {counter}"
    );
    let check: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

/// The writer and the account's number in a name that `write_until_killed` made.
fn writer_and_number(name: &str) -> Option<(u64, u64)> {
    let (round, number) = name.strip_prefix("writer")?.split_once('-')?;
    Some((round.parse().ok()?, number.parse().ok()?))
}

fn write_until_killed(path: &str) {
    let round = std::env::var("TESSERA_CRASH_ROUND").unwrap();
    let hotp_id: i64 = std::env::var("TESSERA_CRASH_HOTP")
        .unwrap()
        .parse()
        .unwrap();
    let mut vault = LockedVault::open(path.as_ref())
        .unwrap()
        .unlock(&Password(PASSWORD))
        .unwrap();
    let mut stdout = std::io::stdout();
    for n in 0.. {
        let name = format!("writer{round}-{n}");
        let secret = Secret::from_bytes(format!("{name} secret").into_bytes()).unwrap();
        vault
            .add(
                Account::totp(Some("Crash"), &name, secret),
                Details::default(),
                Duplicates::KeepBoth,
            )
            .unwrap();
        writeln!(stdout, "saved account {name}").unwrap();
        if n % 3 == 0 {
            let code = vault.next_hotp_code(hotp_id).unwrap();
            writeln!(stdout, "saved counter {}", code.counter + 1).unwrap();
        }
        stdout.flush().unwrap();
    }
}
