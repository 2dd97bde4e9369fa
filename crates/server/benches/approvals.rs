//! Approval flows per second (the site asks, the device fetches and answers, the site
//! redeems) with 1,000 enrolled devices, over real HTTP on loopback, on SQLite and — when
//! scripts/with-postgres.sh provides one — on Postgres; and the latency from the site's request
//! to the device being told over its event stream (p50, p99).
//!
//! Figures only: nothing is asserted. Client and server share this machine's cores.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tessera_push::{Answer, Client, EnrollLink, Enrollment, ServerEvent};
use tessera_server::push::Pushers;
use tessera_server::{Settings, Store};

const DEVICES: usize = 1000;
const CONCURRENCY: usize = 32;
const RUN: Duration = Duration::from_secs(6);
const LATENCY_SAMPLES: usize = 300;

struct Bench {
    base: String,
    key: String,
    http: reqwest::Client,
    client: Client,
}

impl Bench {
    async fn ask(&self, account: &str) -> (String, u8) {
        let response = self
            .http
            .post(format!("{}/v1/approvals", self.base))
            .bearer_auth(&self.key)
            .json(&json!({ "account": account, "context": { "site": "Bench shop", "browser": "Firefox on Linux" } }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        let body: serde_json::Value = response.json().await.unwrap();
        (
            body["id"].as_str().unwrap().to_string(),
            body["number"].as_u64().unwrap() as u8,
        )
    }

    async fn redeem(&self, id: &str) {
        let response = self
            .http
            .post(format!("{}/v1/approvals/{id}/redeem", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
    }

    async fn enroll(&self, account: &str) -> Enrollment {
        let response = self
            .http
            .post(format!("{}/v1/enrollments", self.base))
            .bearer_auth(&self.key)
            .json(&json!({ "account": account }))
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = response.json().await.unwrap();
        let link = EnrollLink::parse(body["link"].as_str().unwrap()).unwrap();
        self.client
            .enroll(&link, "bench device", None)
            .await
            .unwrap()
    }
}

async fn run(label: &str, store: Store) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = Settings::new(base.clone());
    settings.account_per_minute = i64::MAX;
    settings.relying_party_per_minute = i64::MAX;
    settings.backoff_after_denials = i64::MAX;
    let (_, key) = tessera_server::relying_party::create(&store.pool, "Bench shop", None)
        .await
        .unwrap();
    let running = tessera_server::start(store, settings, Pushers::none(), listener)
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY * 2)
        .build()
        .unwrap();
    let bench = Arc::new(Bench {
        base,
        key,
        http,
        client: Client::new(),
    });

    let enrolling = Instant::now();
    let mut devices = Vec::with_capacity(DEVICES);
    let numbers: Vec<usize> = (0..DEVICES).collect();
    for chunk in numbers.chunks(CONCURRENCY) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|&n| {
                let bench = bench.clone();
                tokio::spawn(async move {
                    (format!("user{n}"), bench.enroll(&format!("user{n}")).await)
                })
            })
            .collect();
        for task in tasks {
            devices.push(task.await.unwrap());
        }
    }
    println!(
        "{label}: enrolled {DEVICES} devices in {:.1} s",
        enrolling.elapsed().as_secs_f64()
    );
    let devices = Arc::new(devices);

    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|worker| {
            let (bench, devices) = (bench.clone(), devices.clone());
            tokio::spawn(async move {
                let mut flows = 0usize;
                let mut index = worker;
                while started.elapsed() < RUN {
                    let (account, device) = &devices[index % DEVICES];
                    let (id, number) = bench.ask(account).await;
                    let approval = bench.client.fetch(device, &id).await.unwrap();
                    assert_eq!(approval.account, *account);
                    bench
                        .client
                        .answer(device, &id, Answer::Approve { number })
                        .await
                        .unwrap();
                    bench.redeem(&id).await;
                    flows += 1;
                    index += CONCURRENCY;
                }
                flows
            })
        })
        .collect();
    let mut flows = 0;
    for task in tasks {
        flows += task.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{label}: {flows} flows in {elapsed:.1} s = {:.0} flows/s (ask, fetch, answer, redeem; {CONCURRENCY} at once; {DEVICES} devices)",
        flows as f64 / elapsed
    );

    // Latency: a device with its event stream open; the site asks; how long until it is told.
    let (account, device) = &devices[0];
    let mut stream = bench.client.events(device).await.unwrap();
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for _ in 0..LATENCY_SAMPLES {
        let asked = Instant::now();
        let (id, _) = bench.ask(account).await;
        loop {
            match stream.next().await.unwrap() {
                Some(ServerEvent::Approval(told)) if told == id => break,
                Some(_) => continue,
                None => panic!("the stream ended"),
            }
        }
        samples.push(asked.elapsed());
    }
    samples.sort();
    let at = |q: f64| {
        samples[((samples.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
    };
    println!(
        "{label}: site asks → device told over SSE: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({LATENCY_SAMPLES} approvals)",
        at(0.5),
        at(0.99),
        at(1.0)
    );
    running.stop().await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let folder = tempfile::tempdir().unwrap();
    run("SQLite", Store::sqlite(folder.path()).await.unwrap()).await;
    match std::env::var("TESSERA_TEST_POSTGRES") {
        Ok(admin) => {
            use sqlx::Connection;
            let mut connection = sqlx::postgres::PgConnection::connect(&admin).await.unwrap();
            sqlx::Executor::execute(&mut connection, "DROP DATABASE IF EXISTS tessera_bench")
                .await
                .unwrap();
            sqlx::Executor::execute(&mut connection, "CREATE DATABASE tessera_bench")
                .await
                .unwrap();
            let (base, _) = admin.rsplit_once('/').unwrap();
            run(
                "Postgres",
                Store::postgres(&format!("{base}/tessera_bench"))
                    .await
                    .unwrap(),
            )
            .await;
        }
        Err(_) => {
            println!("Postgres: skipped (run through scripts/with-postgres.sh to measure it)")
        }
    }
}
