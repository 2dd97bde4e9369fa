//! Sign-in approvals in the app, through Tauri's IPC, against a real approval server on loopback
//! (its demo site stands in for the site): connecting from the enrollment link, sign-ins arriving
//! by themselves, answering them (app lock asks for the user first), leaving; bad links, a server
//! that is down, one that answers garbage, and one that restarts mid-stream.

mod common;

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use common::App;
use serde_json::{Value, json};
use tauri::Listener;

/// An approval server in the background, reached through its demo site.
struct Server {
    base: String,
    runtime: tokio::runtime::Runtime,
    folder: tempfile::TempDir,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

impl Server {
    fn start() -> Server {
        let mut server = Server {
            base: String::new(),
            runtime: runtime(),
            folder: tempfile::tempdir().unwrap(),
        };
        server.serve_on("127.0.0.1:0");
        server
    }

    fn serve_on(&mut self, address: &str) {
        let folder = self.folder.path().to_path_buf();
        let address = address.to_string();
        let running = self.runtime.block_on(async move {
            let store = tessera_server::Store::sqlite(&folder).await.unwrap();
            let listener = tokio::net::TcpListener::bind(address).await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let settings = tessera_server::Settings::new(base);
            tessera_server::start(
                store,
                settings,
                tessera_server::push::Pushers::none(),
                listener,
            )
            .await
            .unwrap()
        });
        self.base = format!("http://{}", running.address);
        std::mem::forget(running); // serves until its runtime ends
    }

    /// Ends the server as a crash would (every connection cut), then starts it again on the same
    /// port and database.
    fn restart(&mut self) {
        std::mem::replace(&mut self.runtime, runtime()).shutdown_background();
        let address = self.base.trim_start_matches("http://").to_string();
        self.serve_on(&address);
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

    fn get(&self, path: &str) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        self.runtime.block_on(async move {
            let response = reqwest::get(url).await.unwrap();
            (
                response.status().as_u16(),
                response.json().await.unwrap_or(Value::Null),
            )
        })
    }

    /// A new user on the demo site, and the enrollment link the site shows them.
    fn sign_up(&self, username: &str) -> String {
        let credentials = credentials(username);
        assert_eq!(self.post("/demo/api/sign-up", credentials.clone()).0, 201);
        let (status, enrollment) = self.post("/demo/api/enroll", credentials);
        assert_eq!(status, 200, "{enrollment}");
        enrollment["link"].as_str().unwrap().to_string()
    }

    /// Starts a sign-in on the demo site; returns the number it shows.
    fn sign_in(&self, username: &str) -> u64 {
        let (status, sign_in) = self.post("/demo/api/sign-in", credentials(username));
        assert_eq!(status, 200, "{sign_in}");
        sign_in["number"].as_u64().unwrap()
    }
}

fn credentials(username: &str) -> Value {
    json!({ "username": username, "password": "correct horse battery" })
}

/// The sign-ins the app tells the page about, as they arrive.
fn arrivals(app: &App) -> mpsc::Receiver<Value> {
    let (sender, arrived) = mpsc::channel();
    app.app.listen("approval_arrived", move |event| {
        let _ = sender.send(serde_json::from_str(event.payload()).unwrap());
    });
    arrived
}

fn next(arrived: &mpsc::Receiver<Value>) -> Value {
    arrived
        .recv_timeout(Duration::from_secs(15))
        .expect("the sign-in arrives by itself")
}

/// Connects the app to the server with this link; returns the server's id in the vault.
fn connect(app: &mut App, link: &str) -> i64 {
    let preview = app.ok("preview_link", json!({ "text": link }));
    let token = preview["connect"]["token"].as_str().unwrap().to_string();
    let server = app.ok(
        "connect_server",
        json!({ "token": token, "deviceName": "test phone" }),
    );
    server["id"].as_i64().unwrap()
}

fn the_link_token(link: &str) -> String {
    let url = url::Url::parse(link).unwrap();
    url.query_pairs()
        .find(|(name, _)| name == "token")
        .map(|(_, token)| token.into_owned())
        .unwrap()
}

#[test]
fn the_app_connects_sees_sign_ins_arrive_answers_them_and_leaves() {
    let server = Server::start();
    let link = server.sign_up("alice");
    let mut app = App::new();
    let arrived = arrivals(&app);

    let preview = app.ok("preview_link", json!({ "text": format!("  {link}\n") }));
    assert_eq!(preview["connect"]["server"], server.base.as_str());
    assert_eq!(preview["accounts"], json!([]));
    let token = preview["connect"]["token"].as_str().unwrap().to_string();
    let connected = app.ok(
        "connect_server",
        json!({ "token": token, "deviceName": "test phone" }),
    );
    assert_eq!(connected["relyingParty"], "Demo shop");
    assert_eq!(connected["account"], "alice");
    assert_eq!(connected["deviceName"], "test phone");
    // The server's answers told the clock; the app's agrees with it.
    let clock = app.ok("clock_status", json!({}));
    assert_eq!(clock["server"], server.base.as_str());
    assert!(
        clock["offsetSeconds"].as_i64().unwrap().abs() <= 2,
        "{clock}"
    );
    assert_eq!(clock["off"], false);
    assert_eq!(app.ok("check_clock", json!({}))["off"], false);
    let id = connected["id"].as_i64().unwrap();
    assert_eq!(
        app.call(
            "connect_server",
            json!({ "token": token, "deviceName": null })
        )
        .unwrap_err()["code"],
        "not_found",
        "a preview connects once"
    );

    // A sign-in on the site arrives by itself, and is pending.
    std::thread::sleep(Duration::from_millis(500));
    let number = server.sign_in("alice");
    let approval = next(&arrived);
    assert_eq!(approval["serverId"], id);
    assert_eq!(approval["server"], server.base.as_str());
    assert_eq!(approval["relyingParty"], "Demo shop");
    assert_eq!(approval["account"], "alice");
    assert!(approval["expiresAt"].as_i64() > approval["createdAt"].as_i64());
    let pending = app.ok("pending_approvals", json!({}));
    assert_eq!(pending["approvals"][0]["id"], approval["id"]);
    assert_eq!(pending["unreachable"], json!([]));

    // The vault has app lock on (a password only): approving asks for the user first.
    let answer = |number: u64| json!({ "serverId": id, "id": approval["id"], "answer": "approve", "number": number });
    let wrong = (number + 1) % 100;
    assert_eq!(
        app.call("answer_approval", answer(wrong)).unwrap_err()["code"],
        "unlock_needed"
    );
    assert_eq!(
        app.call("confirm_presence", json!({ "password": "not it" }))
            .unwrap_err()["code"],
        "wrong_password"
    );
    app.ok("confirm_presence", json!({ "password": "pw" }));
    // A wrong number refuses the sign-in for good.
    assert_eq!(app.ok("answer_approval", answer(wrong)), "wrongNumber");
    assert_eq!(app.ok("answer_approval", answer(number)), "gone");
    assert_eq!(
        app.ok("pending_approvals", json!({}))["approvals"],
        json!([])
    );

    // The right number approves.
    let first_number = number;
    let number = server.sign_in("alice");
    let approval = next(&arrived);
    let approve =
        json!({ "serverId": id, "id": approval["id"], "answer": "approve", "number": number });
    assert_eq!(app.ok("answer_approval", approve), "approved");

    // "This wasn't me" denies, and the site pauses approvals for the account.
    server.sign_in("alice");
    let approval = next(&arrived);
    let not_me = json!({ "serverId": id, "id": approval["id"], "answer": "notMe", "number": null });
    assert_eq!(app.ok("answer_approval", not_me), "notMe");
    let (status, paused) = server.post("/demo/api/sign-in", credentials("alice"));
    assert_ne!(
        status, 200,
        "approvals pause after 'this wasn't me': {paused}"
    );

    let servers = app.ok("list_servers", json!({}));
    assert_eq!(servers.as_array().unwrap().len(), 1);
    assert!(servers[0]["lastReached"].as_i64().is_some());
    assert!(!servers.to_string().contains("key"), "{servers}");

    app.ok("disconnect_server", json!({ "id": id }));
    assert_eq!(app.ok("list_servers", json!({})), json!([]));
    assert_eq!(
        app.call("disconnect_server", json!({ "id": id }))
            .unwrap_err()["code"],
        "not_found"
    );
    let (status, refused) = server.post("/demo/api/sign-in", credentials("alice"));
    assert_eq!(
        (status, refused["error"].as_str()),
        (409, Some("no_device")),
        "the server forgot the device too"
    );
    app.assert_never_answered(&the_link_token(&link));

    // The activity log tells what happened, and nothing a user would keep to themselves.
    let log = app.ok("activity_log", json!({}));
    let log = log.as_str().unwrap();
    for line in [
        format!("connected to {}", server.base),
        format!("a sign-in arrived from {}", server.base),
        "a sign-in was answered: refused, the number did not match".into(),
        "a sign-in was answered: approved".into(),
        "a sign-in was answered: denied and reported".into(),
        format!("disconnected from {}", server.base),
    ] {
        assert!(log.contains(&line), "{line:?} is not in the log:\n{log}");
    }
    assert!(
        !log.contains("alice") && !log.contains("test phone"),
        "{log}"
    );
    assert!(!log.contains(&the_link_token(&link)), "{log}");
    for line in log.lines() {
        let after_time = &line[line.find("Z ").unwrap() + 2..];
        let numbers: Vec<&str> = after_time
            .split(|character: char| !character.is_ascii_digit())
            .collect();
        for shown in [first_number, number] {
            assert!(
                !numbers.contains(&shown.to_string().as_str()),
                "a number in {line}"
            );
        }
    }
}

#[test]
fn plain_deny_needs_no_unlock_and_a_locked_vault_answers_nothing() {
    let server = Server::start();
    let link = server.sign_up("bob");
    let mut app = App::new();
    let arrived = arrivals(&app);
    let id = connect(&mut app, &link);
    std::thread::sleep(Duration::from_millis(500));
    server.sign_in("bob");
    let approval = next(&arrived);
    let deny = json!({ "serverId": id, "id": approval["id"], "answer": "deny", "number": null });
    assert_eq!(app.ok("answer_approval", deny.clone()), "denied");

    server.sign_in("bob");
    next(&arrived);
    assert_eq!(app.ok("lock_now", json!({})), true);
    assert_eq!(
        app.call("pending_approvals", json!({})).unwrap_err()["code"],
        "locked"
    );
    assert_eq!(
        app.call("answer_approval", deny).unwrap_err()["code"],
        "locked"
    );
    // Locked, the app follows no server: a sign-in now does not arrive.
    server.sign_in("bob");
    assert!(arrived.recv_timeout(Duration::from_secs(2)).is_err());
    // Unlocked, it follows again, and what came meanwhile is pending.
    app.ok("unlock_with_password", json!({ "password": "pw" }));
    let pending = app.ok("pending_approvals", json!({}));
    assert_eq!(
        pending["approvals"].as_array().unwrap().len(),
        1,
        "{pending}"
    );
}

#[test]
fn a_sign_in_without_a_password_needs_an_unlock_just_before_and_one_counts_once() {
    let server = Server::start();
    let link = server.sign_up("erin");
    let mut app = App::new();
    let arrived = arrivals(&app);
    let id = connect(&mut app, &link);
    // "Immediately": every approval asks; the unlock just before counts for the answer after it.
    app.ok(
        "set_settings",
        json!({"settings": {"language": "en", "theme": "system", "lockAfter": "immediately", "screenProtection": true, "hideCodes": false}}),
    );
    std::thread::sleep(Duration::from_millis(500));

    let (status, started) = server.post(
        "/demo/api/sign-in-with-tessera",
        json!({ "username": "erin" }),
    );
    assert_eq!(status, 200, "{started}");
    let number = started["number"].as_u64().unwrap();
    let approval = next(&arrived);
    assert_eq!(approval["passwordless"], true);
    let approve = |approval: &Value, number: u64| json!({ "serverId": id, "id": approval["id"], "answer": "approve", "number": number });
    assert_eq!(
        app.call("answer_approval", approve(&approval, number))
            .unwrap_err()["code"],
        "unlock_needed"
    );
    app.ok("confirm_presence", json!({ "password": "pw" }));
    assert_eq!(
        app.ok("answer_approval", approve(&approval, number)),
        "approved",
        "approved with the user verified: the server refuses it otherwise"
    );
    let sign_in = started["sign_in"].as_str().unwrap();
    let (_, state) = server.get(&format!("/demo/api/sign-in/{sign_in}"));
    assert_eq!(state["state"], "signed_in", "{state}");

    // The confirmation was used: the next approval asks again.
    let number = server.sign_in("erin");
    let approval = next(&arrived);
    assert_eq!(approval["passwordless"], false);
    assert_eq!(
        app.call("answer_approval", approve(&approval, number))
            .unwrap_err()["code"],
        "unlock_needed"
    );
    app.ok("confirm_presence", json!({ "password": "pw" }));
    assert_eq!(
        app.ok("answer_approval", approve(&approval, number)),
        "approved"
    );
}

#[test]
fn bad_links_and_bad_servers_are_explained_and_store_nothing() {
    let mut app = App::new();
    for (link, why) in [
        (
            "tessera://enroll?v=1&server=https%3A%2F%2Fexample.com",
            "token",
        ),
        (
            "tessera://enroll?v=1&server=http%3A%2F%2Fexample.com&token=AAAAAAAAAAAAAAAAAAAAAA&fp=n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg",
            "https",
        ),
        ("tessera://enroll?v=9", "newer"),
    ] {
        let error = app
            .call("preview_link", json!({ "text": link }))
            .unwrap_err();
        assert_eq!(error["code"], "enroll_link_invalid", "{link}");
        assert!(error["detail"].as_str().unwrap().contains(why), "{error}");
    }

    // Nobody listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let error = try_connect(&mut app, &link_to(&nowhere)).unwrap_err();
    assert_eq!(error["code"], "server_unreachable");
    assert_eq!(error["detail"], nowhere.as_str());

    assert_eq!(app.ok("clock_status", json!({})), Value::Null);
    assert_eq!(
        app.call("check_clock", json!({})).unwrap_err()["code"],
        "no_server"
    );

    // Something answers, but not as an approval server does (and its clock is two minutes ahead).
    let garbage = garbage_server();
    let error = try_connect(&mut app, &link_to(&garbage)).unwrap_err();
    assert_eq!(error["code"], "server_garbled", "{error}");
    let clock = app.ok("clock_status", json!({}));
    assert_eq!(clock["off"], true, "{clock}");
    assert!(
        (118..=122).contains(&clock["offsetSeconds"].as_i64().unwrap()),
        "{clock}"
    );

    // A real server, but not the key the link pinned.
    let server = Server::start();
    let link = server.sign_up("carol");
    let forged = format!(
        "{}fp=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        &link[..link.find("fp=").unwrap()]
    );
    let error = try_connect(&mut app, &forged).unwrap_err();
    assert_eq!(error["code"], "server_key_mismatch");

    assert_eq!(app.ok("list_servers", json!({})), json!([]));
    assert_eq!(
        app.call("pending_approvals", json!({})).unwrap(),
        json!({ "approvals": [], "unreachable": [] })
    );
}

#[test]
fn a_server_that_restarts_mid_stream_is_followed_again_without_duplicates() {
    let mut server = Server::start();
    let link = server.sign_up("dave");
    let mut app = App::new();
    let arrived = arrivals(&app);
    connect(&mut app, &link);
    std::thread::sleep(Duration::from_millis(500));
    server.sign_in("dave");
    let first = next(&arrived);

    server.restart();
    // The app reconnects by itself (after a second, then two, …).
    std::thread::sleep(Duration::from_secs(4));
    server.sign_in("dave");
    let second = next(&arrived);
    assert_ne!(second["id"], first["id"]);
    assert!(
        arrived.recv_timeout(Duration::from_secs(2)).is_err(),
        "each sign-in arrives once"
    );
}

fn try_connect(app: &mut App, link: &str) -> Result<Value, Value> {
    let preview = app.call("preview_link", json!({ "text": link }))?;
    let token = preview["connect"]["token"].clone();
    app.call(
        "connect_server",
        json!({ "token": token, "deviceName": null }),
    )
}

/// An enrollment link to `server`, with a made-up token and key.
fn link_to(server: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(server.as_bytes()).collect();
    format!(
        "tessera://enroll?v=1&server={encoded}&token=AAAAAAAAAAAAAAAAAAAAAA&fp=n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"
    )
}

/// A server on loopback that answers every request with JSON of the wrong shape.
fn garbage_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(Result::ok) {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let body = r#"{"surprise":[1,2,3]}"#;
            let ahead = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ndate: {ahead}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}
