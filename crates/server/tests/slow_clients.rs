//! Slow and idle clients, over real TCP connections to 127.0.0.1: a request's head must arrive
//! within the header timeout, a connection on which nothing moves is closed at the idle timeout
//! even in the middle of a body, a request being answered is not cut by either, and connections
//! beyond the cap are closed at once while the others still work. (The cap per address leaves
//! loopback out, as a proxy on the same machine brings every client: it is a unit test in
//! `serve.rs`.)

mod common;

use std::time::Duration;

use common::{Db, Harness};
use tessera_server::serve::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn harness(limits: Limits) -> Harness {
    Harness::start_with(Db::Sqlite, move |settings| settings.connections = limits).await
}

async fn connect(harness: &Harness) -> TcpStream {
    TcpStream::connect(harness.running.address).await.unwrap()
}

/// Reads until the server closes the connection (or 30 s pass, which fails the test): what it
/// sent before closing.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(read) => received.extend_from_slice(&buffer[..read]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&received).into_owned()
}

const KEY_REQUEST: &[u8] = b"GET /v1/server-key HTTP/1.1\r\nHost: localhost\r\n\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_request_head_is_closed_at_the_header_timeout() {
    let harness = harness(Limits {
        header_timeout: Duration::from_secs(1),
        ..Limits::default()
    })
    .await;
    let mut stream = connect(&harness).await;
    stream
        .write_all(b"GET /v1/server-key HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    let answer = until_closed(&mut stream).await;
    assert!(!answer.contains("200 OK"), "{answer}");
    harness.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_coming_is_closed_at_the_idle_timeout() {
    let harness = harness(Limits {
        idle_timeout: Duration::from_secs(2),
        ..Limits::default()
    })
    .await;
    let mut stream = connect(&harness).await;
    stream
        .write_all(
            b"POST /v1/approvals HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"account\":",
        )
        .await
        .unwrap();
    let answer = until_closed(&mut stream).await;
    assert!(!answer.contains("201"), "{answer}");
    harness.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_poll_outlasts_the_header_timeout() {
    let harness = harness(Limits {
        header_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(10),
        ..Limits::default()
    })
    .await;
    let _device = harness.device("alice").await;
    let (id, _) = harness.approval("alice").await;
    let mut stream = connect(&harness).await;
    let request = format!(
        "GET /v1/approvals/{id}?wait=3 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        harness.rp_key
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"status\":\"pending\""), "{answer}");
    harness.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_are_closed_at_once() {
    let harness = harness(Limits {
        max_connections: 3,
        ..Limits::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect(&harness).await);
    }
    // Each held connection is served: the server has taken all three.
    for stream in &mut held {
        stream.write_all(KEY_REQUEST).await.unwrap();
        let mut buffer = [0u8; 12];
        stream.read_exact(&mut buffer).await.unwrap();
        assert_eq!(&buffer, b"HTTP/1.1 200");
    }
    let mut fourth = connect(&harness).await;
    let _ = fourth.write_all(KEY_REQUEST).await;
    let answer = until_closed(&mut fourth).await;
    assert!(answer.is_empty(), "{answer}");
    drop(held.pop());
    // The place is given back once the server sees the connection end.
    let mut served = false;
    for _ in 0..50 {
        let mut again = connect(&harness).await;
        let _ = again.write_all(KEY_REQUEST).await;
        let mut buffer = [0u8; 12];
        if again.read_exact(&mut buffer).await.is_ok() && &buffer == b"HTTP/1.1 200" {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "a place came free when a connection closed");
    harness.running.stop().await;
}
