//! `tessera approvals` standing in for a phone, against a real approval server on loopback:
//! enrolling, watching sign-ins arrive, answering, leaving; and bad links refused.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::Run;
use serde_json::{Value, json};

/// A server in the background, reached through its demo site (which needs no API key).
struct Server {
    base: String,
    runtime: tokio::runtime::Runtime,
    _folder: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let folder = tempfile::tempdir().unwrap();
        let base = runtime.block_on(async {
            let store = tessera_server::Store::sqlite(folder.path()).await.unwrap();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let settings = tessera_server::Settings::new(base.clone());
            let running = tessera_server::start(
                store,
                settings,
                tessera_server::push::Pushers::none(),
                listener,
            )
            .await
            .unwrap();
            std::mem::forget(running); // serves until the runtime is dropped with the test
            base
        });
        Server {
            base,
            runtime,
            _folder: folder,
        }
    }

    fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        self.runtime.block_on(async move {
            let response = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.json().await.unwrap_or(Value::Null),
            )
        })
    }
}

fn credentials() -> Value {
    json!({ "username": "alice", "password": "correct horse battery" })
}

#[test]
fn the_command_line_enrolls_watches_answers_and_leaves() {
    let server = Server::start();
    let folder = tempfile::tempdir().unwrap();
    let vault = folder.path().join("vault.tessera");
    let run = Run::new(&vault)
        .without_key_store()
        .env("TESSERA_PASSWORD", "the phone's vault");
    run.ok(&["init", "--password"]);
    run.refused(
        &["approvals", "list"],
        "not enrolled with any approval server",
    );
    run.refused(
        &["approvals", "enroll", "otpauth://totp/x?secret=AAAA"],
        "not a Tessera enrollment link",
    );
    run.refused(&["approvals", "enroll", "tessera://enroll?v=1&server=http%3A%2F%2Fexample.com&token=AAAAAAAAAAAAAAAAAAAAAA&fp=n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"], "does not use https");

    assert_eq!(server.post("/demo/api/sign-up", credentials()).0, 201);
    let (_, enrollment) = server.post("/demo/api/enroll", credentials());
    let link = enrollment["link"].as_str().unwrap();
    let enrolled = run.ok(&["approvals", "enroll", link, "--name", "test laptop"]);
    assert!(
        enrolled.starts_with("enrolled 1\tDemo shop as alice"),
        "{enrolled}"
    );
    run.refused(
        &["approvals", "enroll", link],
        "expired or was already used",
    );

    // Watch prints each sign-in as it arrives.
    let mut watch = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["approvals", "watch", "--json"])
        .env("TESSERA_VAULT", &vault)
        .env("TESSERA_PASSWORD", "the phone's vault")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/tessera-test-bus",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, arrived) = mpsc::channel();
    let stdout = watch.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    std::thread::sleep(Duration::from_millis(700));
    let (status, sign_in) = server.post("/demo/api/sign-in", credentials());
    assert_eq!(status, 200, "{sign_in}");
    let line = arrived
        .recv_timeout(Duration::from_secs(15))
        .expect("watch prints the sign-in");
    let _ = watch.kill();
    let _ = watch.wait();
    let approval: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(approval["relying_party"], "Demo shop");
    assert_eq!(approval["account"], "alice");
    let id = approval["id"].as_str().unwrap();

    let shown = run.ok(&["approvals", "show", id]);
    assert!(shown.contains("Sign-in to Demo shop"), "{shown}");
    let number = sign_in["number"].as_u64().unwrap().to_string();
    assert_eq!(
        run.ok(&["approvals", "approve", id, "--number", &number])
            .trim(),
        format!("approved {id}")
    );
    run.refused(
        &["approvals", "approve", id, "--number", &number],
        "already approved",
    );

    assert!(
        run.ok(&["approvals", "servers"])
            .contains("Demo shop\talice")
    );
    run.ok(&["approvals", "unenroll", "1"]);
    run.refused(
        &["approvals", "list"],
        "not enrolled with any approval server",
    );
    let (status, refused) = server.post("/demo/api/sign-in", credentials());
    assert_eq!(
        (status, refused["error"].as_str()),
        (409, Some("no_device")),
        "the server forgot the device too"
    );
}
