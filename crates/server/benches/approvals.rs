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

/// The real `tessera-server` in its own process, so that its CPU time can be told apart from
/// the load generator's.
struct ServerProcess {
    child: std::process::Child,
    base: String,
    key: String,
}

impl ServerProcess {
    fn start(data: &std::path::Path, database: Option<&str>) -> ServerProcess {
        let binary = env!("CARGO_BIN_EXE_tessera-server");
        let mut common = vec!["--data".to_string(), data.display().to_string()];
        if let Some(url) = database {
            common.extend(["--database".to_string(), url.to_string()]);
        }
        let registered = std::process::Command::new(binary)
            .args(&common)
            .args(["add-relying-party", "Bench shop"])
            .output()
            .unwrap();
        assert!(
            registered.status.success(),
            "{}",
            String::from_utf8_lossy(&registered.stderr)
        );
        let key = String::from_utf8_lossy(&registered.stdout)
            .lines()
            .last()
            .unwrap()
            .trim()
            .to_string();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(binary)
            .args(&common)
            .args([
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--account-per-minute",
                "1000000000",
                "--relying-party-per-minute",
                "1000000000",
                "--account-per-day",
                "1000000000",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        ServerProcess { child, base, key }
    }

    /// The server's CPU time so far (user + system), from /proc.
    fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks = |index: usize| {
            fields
                .get(index)
                .and_then(|field| field.parse::<u64>().ok())
                .unwrap_or(0)
        };
        // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in
        // clock ticks of 1/100 s on Linux.
        Duration::from_millis((ticks(11) + ticks(12)) * 10)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn run(label: &str, database: Option<&str>) {
    let folder = tempfile::tempdir().unwrap();
    let process = ServerProcess::start(folder.path(), database);
    let (base, key) = (process.base.clone(), process.key.clone());
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

    let cpu_before = process.cpu();
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
    let server_cpu = (process.cpu() - cpu_before).as_secs_f64();
    println!(
        "{label}: {flows} flows in {elapsed:.1} s = {:.0} flows/s (ask, fetch, answer, redeem; {CONCURRENCY} at once; {DEVICES} devices; load generator on the same 2 cores)",
        flows as f64 / elapsed
    );
    println!(
        "{label}: the server process used {server_cpu:.1} CPU-seconds: {:.2} ms per flow, {:.0} flows per CPU-second of server",
        server_cpu * 1000.0 / flows as f64,
        flows as f64 / server_cpu.max(0.001)
    );

    // Latency: a device with its event stream open; the site asks; how long until it is told.
    let (account, device) = &devices[0];
    let mut stream = bench.client.events(device).await.unwrap();
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for _ in 0..LATENCY_SAMPLES {
        let asked = Instant::now();
        let (id, number) = bench.ask(account).await;
        loop {
            match stream.next().await.unwrap() {
                Some(ServerEvent::Approval(told)) if told == id => break,
                Some(_) => continue,
                None => panic!("the stream ended"),
            }
        }
        samples.push(asked.elapsed());
        // Answered, not left to be superseded: unanswered approvals now count toward the
        // account's backoff, as an attacker's would.
        bench
            .client
            .answer(device, &id, Answer::Approve { number })
            .await
            .unwrap();
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
    drop(process);
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    run("SQLite", None).await;
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
            run("Postgres", Some(&format!("{base}/tessera_bench"))).await;
        }
        Err(_) => {
            println!("Postgres: skipped (run through scripts/with-postgres.sh to measure it)")
        }
    }
}
