//! The device client against a server that turns hostile after enrollment: a redirect must not
//! carry a signed message elsewhere, and an endless answer must not be read to its end.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Db, Harness};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A loopback server that reads a request's start, then writes `head` and, if `endless`, zeros
/// until the client hangs up; and how many connections it has had.
async fn hostile(head: String, endless: bool) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let head = head.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let zeros = vec![b'0'; 64 * 1024];
                while endless && stream.write_all(&zeros).await.is_ok() {}
            });
        }
    });
    (address, hits)
}

#[tokio::test]
async fn a_redirect_does_not_resend_the_signed_message_elsewhere() {
    let harness = Harness::start(Db::Sqlite).await;
    let mut device = harness.device("erin").await;
    let (elsewhere, hit_elsewhere) = hostile(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]".into(),
        false,
    )
    .await;
    let (redirecting, _) = hostile(
        format!(
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: {elsewhere}/v1/device/approvals\r\n\
             Content-Length: 0\r\n\r\n"
        ),
        false,
    )
    .await;
    device.server = redirecting;

    let refused = harness.client.pending(&device).await.unwrap_err();

    assert!(refused.to_string().contains("307"), "{refused}");
    assert_eq!(hit_elsewhere.load(Ordering::SeqCst), 0);
    harness.running.stop().await;
}

#[tokio::test]
async fn an_endless_answer_is_refused_not_read_to_its_end() {
    let harness = Harness::start(Db::Sqlite).await;
    let mut device = harness.device("frank").await;
    let (endless, _) = hostile(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n".into(),
        true,
    )
    .await;
    device.server = endless;

    let refused = harness.client.pending(&device).await.unwrap_err();

    assert!(refused.to_string().contains("KiB"), "{refused}");
    harness.running.stop().await;
}
