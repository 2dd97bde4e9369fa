//! Against MFA fatigue, on SQLite and on Postgres: someone who knows a user's password asks for
//! approval after approval, hoping the user taps "approve" to make it stop. Ignoring the phone
//! slows them down as denying does, an account is asked a limited number of times a day, the
//! site is told when an account is flooded, and wrong picks in `choose` mode weigh more.
//!
//! Waiting is simulated by moving the account's times in the database back, as if the time had
//! passed: the rules read only those times and the clock.

mod common;

use common::{Db, Harness};
use reqwest::Method;
use serde_json::{Value, json};
use tessera_push::{Answer, Enrollment};

/// Moves every time the rules keep about `account` back by `seconds`, as if they had passed.
async fn time_passes(harness: &Harness, account: &str, seconds: u64) {
    let ms = (seconds * 1000) as i64;
    let pool = &harness.running.server.store.pool;
    sqlx::query(
        "UPDATE users SET last_denied_at = last_denied_at - $1, muted_until = muted_until - $1 WHERE account = $2",
    )
    .bind(ms)
    .bind(account)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE approvals SET created_at = created_at - $1, expires_at = expires_at - $1 \
         WHERE user_id IN (SELECT id FROM users WHERE account = $2)",
    )
    .bind(ms)
    .bind(account)
    .execute(pool)
    .await
    .unwrap();
}

/// A number that is not `number`.
fn wrong(number: u8) -> u8 {
    if number == 99 { 10 } else { number + 1 }
}

/// Asks for `account` 40 times; each approval made is answered with a wrong number by `device`,
/// or left unanswered without one. Each `backoff` refusal is waited out. Returns how many
/// approvals were made and the waits asked for, in order.
async fn forty_tries(
    harness: &Harness,
    account: &str,
    device: Option<&Enrollment>,
) -> (u32, Vec<u64>) {
    let (mut made, mut waits) = (0, Vec::new());
    for _ in 0..40 {
        let (code, body) = harness.ask(account).await;
        match code {
            201 => {
                made += 1;
                if let Some(device) = device {
                    let id = body["id"].as_str().unwrap();
                    let number = wrong(body["number"].as_u64().unwrap() as u8);
                    harness
                        .client
                        .answer(device, id, Answer::Approve { number })
                        .await
                        .unwrap();
                }
            }
            429 => {
                assert_eq!(body["error"], "backoff", "{body}");
                let wait = body["retry_after"].as_u64().unwrap();
                waits.push(wait);
                time_passes(harness, account, wait).await;
            }
            _ => panic!("unexpected answer {code}: {body}"),
        }
    }
    (made, waits)
}

async fn forty_ignored_approvals_are_slowed_down_like_wrong_answers(db: Db) {
    // The per-minute limit would stop both accounts first, as no real time passes here.
    let harness = Harness::start_with(db, |settings| settings.account_per_minute = 1000).await;
    let answering = harness.device("wrong-numbers").await;
    let _ignored = harness.device("ignored").await;
    let (made_wrong, waits_wrong) = forty_tries(&harness, "wrong-numbers", Some(&answering)).await;
    let (made_ignored, waits_ignored) = forty_tries(&harness, "ignored", None).await;
    assert_eq!(waits_ignored, waits_wrong);
    assert_eq!(made_ignored, made_wrong);
    assert_eq!(waits_ignored[..7], [10, 20, 40, 80, 160, 320, 640]);
    assert_eq!(
        waits_ignored.last(),
        Some(&900),
        "the wait grows to 15 minutes"
    );
    assert!(
        made_ignored <= 21,
        "{made_ignored} approvals were made in 40 tries"
    );
    harness.running.stop().await;
}

async fn a_request_refused_by_the_backoff_leaves_the_users_own_sign_in_pending(db: Db) {
    let harness = Harness::start(db).await;
    let device = harness.device("frank").await;
    harness.approval("frank").await;
    harness.approval("frank").await;
    let (own, number) = harness.approval("frank").await;
    let (code, body) = harness.ask("frank").await;
    assert_eq!(
        (code, body["error"].as_str()),
        (429, Some("backoff")),
        "{body}"
    );
    let outcome = harness
        .client
        .answer(&device, &own, Answer::Approve { number })
        .await
        .unwrap();
    assert_eq!(outcome.status, tessera_push::Status::Approved);
    harness.running.stop().await;
}

async fn an_account_is_asked_at_most_its_daily_cap(db: Db) {
    let harness = Harness::start_with(db, |settings| {
        settings.account_per_day = 3;
        settings.backoff_after_denials = 1000;
    })
    .await;
    let _device = harness.device("grace").await;
    for _ in 0..3 {
        harness.approval("grace").await;
    }
    let (code, body) = harness.ask("grace").await;
    assert_eq!(
        (code, body["error"].as_str()),
        (429, Some("daily_limit")),
        "{body}"
    );
    let wait = body["retry_after"].as_u64().unwrap();
    assert!((86_000..=86_400).contains(&wait), "{wait} s to wait");
    assert_eq!(harness.count("approvals").await, 3);
    time_passes(&harness, "grace", wait).await;
    harness.approval("grace").await;
    harness.running.stop().await;
}

async fn the_site_is_told_when_an_account_is_flooded(db: Db) {
    let harness = Harness::start(db).await;
    let _device = harness.device("heidi").await;
    let mut told = Vec::new();
    for _ in 0..3 {
        let (code, body) = harness.ask("heidi").await;
        assert_eq!(code, 201, "{body}");
        told.push((body["denied_in_a_row"].as_i64(), body["flooded"].as_bool()));
    }
    assert_eq!(
        told,
        [
            (Some(0), Some(false)),
            (Some(1), Some(false)),
            (Some(2), Some(true))
        ]
    );
    harness.running.stop().await;
}

/// Asks for `account` in `choose` mode: (id, number).
async fn ask_to_choose(harness: &Harness, account: &str) -> (u16, Value) {
    harness
        .rp(
            Method::POST,
            "/v1/approvals",
            Some(json!({ "account": account, "context": { "site": "Example shop" }, "mode": "choose" })),
        )
        .await
}

async fn a_wrong_pick_weighs_more_than_a_wrong_typed_number(db: Db) {
    let harness = Harness::start_with(db, |settings| settings.backoff_after_denials = 1000).await;
    let picker = harness.device("ivan").await;
    let typist = harness.device("judy").await;
    let (_, body) = ask_to_choose(&harness, "ivan").await;
    let number = wrong(body["number"].as_u64().unwrap() as u8);
    harness
        .client
        .answer(
            &picker,
            body["id"].as_str().unwrap(),
            Answer::Approve { number },
        )
        .await
        .unwrap();
    let (id, number) = harness.approval("judy").await;
    harness
        .client
        .answer(
            &typist,
            &id,
            Answer::Approve {
                number: wrong(number),
            },
        )
        .await
        .unwrap();
    let (_, picked) = ask_to_choose(&harness, "ivan").await;
    let (_, typed) = harness.ask("judy").await;
    assert_eq!(
        (
            picked["denied_in_a_row"].as_i64(),
            typed["denied_in_a_row"].as_i64()
        ),
        (Some(2), Some(1))
    );
    harness.running.stop().await;
}

async fn two_wrong_picks_in_a_row_mute_the_account(db: Db) {
    let harness = Harness::start_with(db, |settings| settings.backoff_after_denials = 1000).await;
    let device = harness.device("ken").await;
    for _ in 0..2 {
        let (code, body) = ask_to_choose(&harness, "ken").await;
        assert_eq!(code, 201, "{body}");
        let number = wrong(body["number"].as_u64().unwrap() as u8);
        harness
            .client
            .answer(
                &device,
                body["id"].as_str().unwrap(),
                Answer::Approve { number },
            )
            .await
            .unwrap();
    }
    let (code, body) = ask_to_choose(&harness, "ken").await;
    assert_eq!(
        (code, body["error"].as_str()),
        (429, Some("account_muted")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("picked"),
        "{body}"
    );
    // Two wrong typed numbers mute nothing.
    let typist = harness.device("lena").await;
    for _ in 0..2 {
        let (id, number) = harness.approval("lena").await;
        harness
            .client
            .answer(
                &typist,
                &id,
                Answer::Approve {
                    number: wrong(number),
                },
            )
            .await
            .unwrap();
    }
    harness.approval("lena").await;
    harness.running.stop().await;
}

on_both!(
    forty_ignored_approvals_are_slowed_down_like_wrong_answers,
    a_request_refused_by_the_backoff_leaves_the_users_own_sign_in_pending,
    an_account_is_asked_at_most_its_daily_cap,
    the_site_is_told_when_an_account_is_flooded,
    a_wrong_pick_weighs_more_than_a_wrong_typed_number,
    two_wrong_picks_in_a_row_mute_the_account,
);
