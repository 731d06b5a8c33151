//! `fastgpt-mock`: a local FastGPT-compatible HTTP server with fault injection. See README.md for
//! the behaviour contract; [`spawn`] runs one in-process for tests.

mod body;
mod chat;
mod clock;
mod dataset;
mod envelope;
mod faults;
mod fixtures;
mod logs;
mod multipart;
mod records;
mod routes;
mod state;

use std::io;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

/// The API key accepted when none is configured.
pub const DEFAULT_KEY: &str = "fastgpt-mockkey";
/// The app used when a completion does not name one.
pub const APP_ID: &str = "66e29b870b24ce35330c0f08";
/// A workflow-tool (plugin) app: completions on it run in detail mode whatever the request says.
pub const PLUGIN_APP_ID: &str = "66e29b870b24ce35330c0f0a";

#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Accepted API keys (`Authorization: Bearer <key>`).
    pub keys: Vec<String>,
    /// Interval of the empty heartbeat answer chunks in streams; 0 disables them.
    pub heartbeat_ms: u64,
    /// Log one line per request (method, path, status) to stderr.
    pub verbose: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig { keys: vec![DEFAULT_KEY.to_string()], heartbeat_ms: 10_000, verbose: false }
    }
}

pub(crate) struct Shared {
    pub config: MockConfig,
    state: Arc<Mutex<state::State>>,
    /// Stream producer tasks still running.
    pub streams: Arc<AtomicUsize>,
}

impl Shared {
    /// The state, even after a panicking handler poisoned the lock: one bad request must not
    /// take the whole server down.
    pub fn state(&self) -> std::sync::MutexGuard<'_, state::State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A handle on the state for cleanups that may run after the server is gone.
    pub fn state_handle(&self) -> std::sync::Weak<Mutex<state::State>> {
        Arc::downgrade(&self.state)
    }
}

/// A running mock server. Dropping it stops the server and every connection and stream task.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl MockServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (the loopback address when bound to an unspecified one).
    pub fn base_url(&self) -> String {
        let ip = self.addr.ip();
        match ip {
            _ if ip.is_unspecified() && ip.is_ipv4() => {
                format!("http://127.0.0.1:{}", self.addr.port())
            }
            _ if ip.is_unspecified() => format!("http://[::1]:{}", self.addr.port()),
            std::net::IpAddr::V4(v4) => format!("http://{v4}:{}", self.addr.port()),
            std::net::IpAddr::V6(v6) => format!("http://[{v6}]:{}", self.addr.port()),
        }
    }

    /// How many requests carrying `x-mock-id: id` the server has seen (as `/mock/stats`).
    pub fn request_count(&self, id: &str) -> u64 {
        let st = self.shared.state();
        st.stats.get(id).map_or(0, |s| s.requests)
    }
}

impl MockServer {
    /// Streams still being produced. It drops back when a stream ends or its client goes away,
    /// so tests can check that cancelling a request really closed its connection.
    pub fn active_streams(&self) -> usize {
        self.shared.streams.load(Ordering::SeqCst)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a server on `127.0.0.1:0` on its own thread and runtime; returns once it is listening.
pub fn spawn(config: MockConfig) -> io::Result<MockServer> {
    spawn_on(SocketAddr::from(([127, 0, 0, 1], 0)), config)
}

/// Like [`spawn`], on the given address (port 0 picks a free port).
pub fn spawn_on(addr: SocketAddr, config: MockConfig) -> io::Result<MockServer> {
    // Bind here so a bind error is returned to the caller, not lost in the thread.
    let std_listener = StdListener::bind(addr)?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("fastgpt-mock")
        .enable_all()
        .build()?;
    let shared = Arc::new(Shared {
        config,
        state: Arc::new(Mutex::new(state::State::default())),
        streams: Arc::new(AtomicUsize::new(0)),
    });
    let (tx, rx) = oneshot::channel();
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(std_listener)?
    };
    let thread_shared = shared.clone();
    let thread = std::thread::Builder::new().name("fastgpt-mock".into()).spawn(move || {
        runtime.block_on(serve(listener, thread_shared, rx));
        // Dropping the runtime cancels every connection and stream producer task.
        drop(runtime);
    })?;
    Ok(MockServer { addr, shared, shutdown: Some(tx), thread: Some(thread) })
}

async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>, mut stop: oneshot::Receiver<()>) {
    loop {
        let tcp = tokio::select! {
            r = listener.accept() => match r {
                Ok((tcp, _)) => tcp,
                // Out of descriptors and the like: keep serving the connections we have.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = &mut stop => return,
        };
        let _ = tcp.set_nodelay(true);
        let shared = shared.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| routes::handle(shared.clone(), req));
            let _ = http1::Builder::new().serve_connection(TokioIo::new(tcp), svc).await;
        });
    }
}
