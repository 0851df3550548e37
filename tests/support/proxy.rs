//! A round-robin HTTP proxy, as a load balancer without sticky sessions spreads requests over
//! the replicas of a server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

/// A proxy on a free loopback port sending each request to the next of its upstreams in turn
/// (not each connection: one client's requests land on every replica), and to the one after
/// when an upstream refuses the connection (a replica that died). Responses stream through, so
/// SSE streams do. Stopped when dropped.
pub struct RoundRobinProxy {
    port: u16,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RoundRobinProxy {
    /// Starts one in front of the servers listening on `upstreams` (loopback ports).
    pub fn start(upstreams: &[u16]) -> Self {
        assert!(!upstreams.is_empty(), "a proxy needs an upstream");
        let upstreams: Arc<[SocketAddr]> = upstreams
            .iter()
            .map(|&port| SocketAddr::from(([127, 0, 0, 1], port)))
            .collect();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let port = listener.local_addr().expect("a bound listener").port();
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime for the proxy");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("a tokio listener");
                let next = Arc::new(AtomicUsize::new(0));
                tokio::select! {
                    _ = accept(listener, upstreams, next) => {}
                    _ = stopped => {}
                }
            });
            // Streams still open end with the runtime.
            runtime.shutdown_background();
        });
        Self {
            port,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for RoundRobinProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept(listener: TcpListener, upstreams: Arc<[SocketAddr]>, next: Arc<AtomicUsize>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let upstreams = upstreams.clone();
        let next = next.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                forward(
                    request,
                    upstreams.clone(),
                    next.fetch_add(1, Ordering::Relaxed),
                )
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Sends `request` to upstream `turn` (modulo their number), or the next that accepts a
/// connection; 502 when none does.
async fn forward(
    request: Request<Incoming>,
    upstreams: Arc<[SocketAddr]>,
    turn: usize,
) -> Result<Response<Incoming>, BadGateway> {
    for attempt in 0..upstreams.len() {
        let upstream = upstreams[(turn + attempt) % upstreams.len()];
        let Ok(stream) = TcpStream::connect(upstream).await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|_| BadGateway)?;
        tokio::spawn(connection);
        return sender.send_request(request).await.map_err(|_| BadGateway);
    }
    Err(BadGateway)
}

/// No upstream could take the request: the client's connection is closed.
#[derive(Debug)]
struct BadGateway;

impl std::fmt::Display for BadGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: no upstream answered", StatusCode::BAD_GATEWAY)
    }
}

impl std::error::Error for BadGateway {}
