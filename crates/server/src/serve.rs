//! Accepting connections, with the limits that keep slow or idle clients from holding the server:
//! a connection must send a request's head within `header_timeout` (which is also how long an
//! idle keep-alive connection waits for its next request); a connection on which no byte moves
//! either way for `idle_timeout` is closed, even in the middle of a request (a body sent a byte at
//! a time); and at most `max_connections` are open at once, `max_connections_per_address` from
//! any one address other than loopback (a proxy on the same machine brings every client). A
//! connection over a cap is closed as soon as it is accepted.
//!
//! The idle timeout is longer than the longest silence of a request the server serves: a
//! long-poll waits at most 60 s, an event stream sends a keep-alive every 15 s, and an approval
//! lives at most 300 s. Put a TLS proxy in front all the same (docs/protocol.md).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// The limits on connections (see the module's comment).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long a connection may take to send a request's head, or wait idle for the next one.
    pub header_timeout: Duration,
    /// How long no byte may move on a connection, either way.
    pub idle_timeout: Duration,
    /// Connections open at once, in all.
    pub max_connections: usize,
    /// Connections open at once from one address.
    pub max_connections_per_address: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(330),
            max_connections: 1024,
            max_connections_per_address: 64,
        }
    }
}

/// The connections open now: in all, and per address.
#[derive(Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// A place among the open connections, given back when the connection ends.
struct Place {
    open: Arc<Mutex<Open>>,
    address: IpAddr,
}

impl Place {
    fn take(open: &Arc<Mutex<Open>>, address: IpAddr, limits: &Limits) -> Option<Place> {
        let mut counts = open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let from_address = counts.by_address.get(&address).copied().unwrap_or(0);
        // A loopback peer is a proxy on this machine (or the operator): every client comes
        // through it, so only the cap in all applies.
        let over_for_address =
            !address.is_loopback() && from_address >= limits.max_connections_per_address;
        if counts.total >= limits.max_connections || over_for_address {
            return None;
        }
        counts.total += 1;
        counts.by_address.insert(address, from_address + 1);
        Some(Place {
            open: open.clone(),
            address,
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut counts = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        counts.total = counts.total.saturating_sub(1);
        if let Some(count) = counts.by_address.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                counts.by_address.remove(&self.address);
            }
        }
    }
}

/// Milliseconds since `start` when a byte last moved.
struct Watched {
    stream: TcpStream,
    start: Instant,
    last: Arc<AtomicU64>,
}

impl Watched {
    fn moved(&self) {
        let now = self.start.elapsed().as_millis() as u64;
        self.last.store(now, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.moved();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.moved();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Serves `router` on `listener` until `stop` fires, then lets open connections finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let open = Arc::new(Mutex::new(Open::default()));
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait rather than spin.
                    eprintln!("tessera-server: could not accept a connection: {error}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let Some(place) = Place::take(&open, peer.ip(), &limits) else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let watched = Watched {
            stream,
            start: Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
        };
        let (start, last) = (watched.start, watched.last.clone());
        let service = connection_service(router.clone(), peer);
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(watched), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _place = place;
            tokio::pin!(connection);
            loop {
                let quiet_since = start + Duration::from_millis(last.load(Ordering::Relaxed));
                tokio::select! {
                    _ = &mut connection => break,
                    _ = tokio::time::sleep_until(quiet_since + limits.idle_timeout) => {
                        let quiet_since =
                            start + Duration::from_millis(last.load(Ordering::Relaxed));
                        if quiet_since.elapsed() >= limits.idle_timeout {
                            break;
                        }
                    }
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// The router for one connection: every request carries the peer's address, for
/// [`ConnectInfo`].
fn connection_service(
    router: Router,
    peer: SocketAddr,
) -> hyper_util::service::TowerToHyperService<
    axum::middleware::AddExtension<Router, ConnectInfo<SocketAddr>>,
> {
    hyper_util::service::TowerToHyperService::new(tower_layer::Layer::layer(
        &axum::Extension(ConnectInfo(peer)),
        router,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_per_address_holds_for_remote_addresses_and_not_for_a_local_proxy() {
        let limits = Limits {
            max_connections: 10,
            max_connections_per_address: 2,
            ..Limits::default()
        };
        let open = Arc::new(Mutex::new(Open::default()));
        let remote: IpAddr = "203.0.113.7".parse().unwrap();
        let first = Place::take(&open, remote, &limits).unwrap();
        let _second = Place::take(&open, remote, &limits).unwrap();
        assert!(Place::take(&open, remote, &limits).is_none());
        let other: IpAddr = "198.51.100.1".parse().unwrap();
        assert!(Place::take(&open, other, &limits).is_some());
        let local: Vec<Place> = (0..3)
            .map(|_| Place::take(&open, IpAddr::from([127, 0, 0, 1]), &limits).unwrap())
            .collect();
        assert_eq!(local.len(), 3);
        drop(first);
        assert!(Place::take(&open, remote, &limits).is_some());
    }
}
