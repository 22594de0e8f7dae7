//! Starting and stopping the emulator: the builder, the accept loop, and the
//! handle a running emulator is controlled through.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::graceful::GracefulShutdown;
use narrative_keys::Secret;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt as _;

use crate::api::{self, AppState, DropConnection, Identity};
use crate::faults::{FaultConfig, FaultStats, Faults};
use crate::store::{Db, Store, StoreError, generate_secret};

/// Name of the key created at start.
pub const BOOTSTRAP_KEY_NAME: &str = "bootstrap admin";

/// Errors starting the emulator.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The key store could not be opened.
    #[error("cannot open the key store: {0}")]
    Store(#[from] StoreError),
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// The builder's settings do not make a working emulator.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Entry point: `Emulator::builder()`.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults [`EmulatorBuilder`] lists.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures an emulator. Defaults: in-memory store, `127.0.0.1:0`, no
/// bootstrap secret, no latency, no faults, the default [`Identity`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    db: Db,
    /// Redacted in `Debug`, zeroed on drop.
    bootstrap_key: Option<Secret>,
    latency: Duration,
    faults: FaultConfig,
    listen: SocketAddr,
    identity: Identity,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            db: Db::Memory,
            bootstrap_key: None,
            latency: Duration::ZERO,
            faults: FaultConfig::default(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            identity: Identity::default(),
        }
    }
}

impl EmulatorBuilder {
    /// Where keys are kept.
    pub fn db(mut self, db: Db) -> Self {
        self.db = db;
        self
    }

    /// A secret that must work as an admin key (`read` and `write` on
    /// `access_tokens`, no expiration). Inserted at start unless a key with this
    /// secret already exists.
    pub fn bootstrap_key(mut self, secret: Option<String>) -> Self {
        self.bootstrap_key = secret.map(Secret::from);
        self
    }

    /// A fixed delay added to every response (not to CORS preflights).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Fault injection; off unless `rate > 0`.
    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }

    /// The address to listen on; port 0 picks a free port.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Who `/whoami` reports.
    pub fn identity(mut self, identity: Identity) -> Self {
        self.identity = identity;
        self
    }

    /// Opens the store, bootstraps the admin key, binds, and serves on a
    /// tokio task.
    pub async fn start(self) -> Result<RunningEmulator, EmulatorError> {
        let rate = self.faults.rate;
        if !(0.0..=1.0).contains(&rate) {
            return Err(EmulatorError::Config(format!(
                "fault rate {rate} is outside [0, 1]"
            )));
        }
        let db = self.db.clone();
        let bootstrap = self.bootstrap_key.clone();
        let (store, admin_key, admin_key_fresh) =
            tokio::task::spawn_blocking(move || open_and_bootstrap(&db, bootstrap))
                .await
                .map_err(|e| EmulatorError::Config(format!("store task failed: {e}")))??;

        let listener =
            TcpListener::bind(self.listen)
                .await
                .map_err(|source| EmulatorError::Bind {
                    addr: self.listen,
                    source,
                })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: self.listen,
                source,
            })?;
        let faults = Arc::new(Faults::new(self.faults));
        let state = AppState {
            store: store.clone(),
            whoami: self.identity.whoami_body(),
            faults: faults.clone(),
            latency: self.latency,
        };
        let router = api::router(state);
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = tokio::spawn(serve(listener, router, stop_rx));
        tracing::info!(%addr, "emulator listening");
        Ok(RunningEmulator {
            url: format!("http://{addr}"),
            addr,
            admin_key,
            admin_key_fresh,
            store,
            faults,
            stop: stop_tx,
            task: Some(task),
        })
    }
}

/// Opens the store and applies the bootstrap rule. Returns the store, the
/// admin secret the emulator knows, and whether it was freshly generated.
fn open_and_bootstrap(
    db: &Db,
    bootstrap: Option<Secret>,
) -> Result<(Store, Option<Secret>, bool), StoreError> {
    let store = Store::open_db(db)?;
    let admin = vec![
        ("read".to_owned(), "access_tokens".to_owned()),
        ("write".to_owned(), "access_tokens".to_owned()),
    ];
    match bootstrap {
        Some(secret) => {
            if !store.secret_present(secret.expose())? {
                store.create(BOOTSTRAP_KEY_NAME, admin, None, secret.expose())?;
                tracing::info!("inserted the bootstrap admin key");
            }
            Ok((store, Some(secret), false))
        }
        None if store.count()? == 0 => {
            let secret = generate_secret()?;
            store.create(BOOTSTRAP_KEY_NAME, admin, None, &secret)?;
            tracing::info!("created a fresh admin key");
            Ok((store, Some(Secret::from(secret)), true))
        }
        None => Ok((store, None, false)),
    }
}

#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

/// The accept loop. Each connection is served by hyper; a response marked
/// [`DropConnection`] becomes a service error, on which hyper closes the
/// connection without answering.
async fn serve(listener: TcpListener, router: axum::Router, mut stop: watch::Receiver<bool>) {
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    let graceful = GracefulShutdown::new();
    let mut conns = JoinSet::new();
    loop {
        while conns.try_join_next().is_some() {}
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let router = router.clone();
                let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let router = router.clone();
                    async move {
                        let resp = match router.oneshot(req.map(Body::new)).await {
                            Ok(resp) => resp,
                            Err(never) => match never {},
                        };
                        if resp.extensions().get::<DropConnection>().is_some() {
                            Err(Dropped)
                        } else {
                            Ok::<_, Dropped>(resp)
                        }
                    }
                });
                let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), svc);
                let conn = graceful.watch(conn.into_owned());
                conns.spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!("connection ended: {e}");
                    }
                });
            }
        }
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(2), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::debug!("connections still open after 2s; closing them");
    }
    conns.abort_all();
    while conns.join_next().await.is_some() {}
}

/// A serving emulator. Dropping it stops the server too (without waiting);
/// [`RunningEmulator::shutdown`] waits until the port is released.
#[derive(Debug)]
pub struct RunningEmulator {
    url: String,
    addr: SocketAddr,
    /// Redacted in `Debug`, zeroed on drop.
    admin_key: Option<Secret>,
    admin_key_fresh: bool,
    store: Store,
    faults: Arc<Faults>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The secret of the admin key: the bootstrap secret when one was given,
    /// else the fresh key created because the store was empty; `None` when
    /// neither applies (a reopened store and no bootstrap secret).
    pub fn admin_key(&self) -> Option<&str> {
        self.admin_key.as_ref().map(Secret::expose)
    }

    /// Whether [`admin_key`](Self::admin_key) was generated by this start
    /// (and so has been seen by no one yet).
    pub fn admin_key_is_fresh(&self) -> bool {
        self.admin_key_fresh
    }

    /// Direct access to the store, for tests and inspection.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Injected faults so far, by kind.
    pub fn fault_stats(&self) -> FaultStats {
        self.faults.stats()
    }

    /// Stops accepting, lets in-flight requests finish (up to 2 s), closes
    /// every connection and releases the port.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take()
            && let Err(e) = task.await
        {
            tracing::warn!("server task ended abnormally: {e}");
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
