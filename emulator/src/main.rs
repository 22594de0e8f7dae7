//! `narrative-keys-emulator`: serve the emulator until Ctrl-C or SIGTERM.
//!
//! The first line of stdout is the URL it bound; when it created a fresh admin
//! key, the next line shows that key's secret, once. Logs go to stderr and
//! never contain a secret or an Authorization header.

use std::io::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use narrative_keys_emulator::{Db, Emulator, FaultConfig, FaultKind};

// No `Debug`: the bootstrap key is among the arguments.
#[derive(Parser)]
#[command(
    version,
    about = "A local Narrative API-key server, for tests, examples and demos"
)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// SQLite file holding the keys, or `:memory:` for a throwaway store.
    #[arg(long, default_value = "narrative-keys-emulator.db")]
    db: String,
    /// A secret that must work as an admin key (read and write on
    /// access_tokens). Prefer the environment variable: arguments are visible
    /// to other local users.
    #[arg(
        long,
        env = "NARRATIVE_KEYS_EMULATOR_BOOTSTRAP_KEY",
        hide_env_values = true
    )]
    bootstrap_key: Option<String>,
    /// Fixed delay added to every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Fraction of requests, in [0, 1], that fail (500, 503, 429, slow answer
    /// or dropped connection, chosen uniformly).
    #[arg(long, default_value_t = 0.0)]
    faults: f64,
    /// Retry-After seconds sent with an injected 429.
    #[arg(long, default_value_t = 1)]
    fault_retry_after: u64,
    /// How long an injected slow answer waits, in milliseconds.
    #[arg(long, default_value_t = 1500)]
    fault_slow_ms: u64,
    /// Seed for reproducible fault choices.
    #[arg(long)]
    fault_seed: Option<u64>,
    /// Which faults to inject, comma separated: 500,503,429,slow,drop [default: all]
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    fault_kinds: Vec<FaultKind>,
    /// Fault only these HTTP methods, comma separated, e.g. DELETE [default: all]
    #[arg(long, value_delimiter = ',', value_name = "METHODS")]
    fault_methods: Vec<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args = Args::parse();
    if !(0.0..=1.0).contains(&args.faults) {
        anyhow::bail!("--faults must be between 0 and 1, not {}", args.faults);
    }
    let signals = Signals::install().context("installing signal handlers")?;
    let emu = Emulator::builder()
        .listen(args.listen)
        .db(Db::parse(&args.db))
        .bootstrap_key(args.bootstrap_key)
        .latency(Duration::from_millis(args.latency_ms))
        .faults(FaultConfig {
            rate: args.faults,
            retry_after_secs: args.fault_retry_after,
            slow: Duration::from_millis(args.fault_slow_ms),
            seed: args.fault_seed,
            kinds: args.fault_kinds,
            methods: args.fault_methods,
        })
        .start()
        .await
        .context("starting the emulator")?;

    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", emu.url())?;
        if emu.admin_key_is_fresh()
            && let Some(secret) = emu.admin_key()
        {
            writeln!(out, "admin key (shown once): {secret}")?;
        }
        out.flush()?;
    }

    signals.wait().await;
    tracing::info!("shutting down");
    emu.shutdown().await;
    Ok(())
}

/// Shutdown signals, registered before the URL is printed so that a SIGTERM
/// sent as soon as the URL appears is never missed.
#[cfg(unix)]
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn install() -> std::io::Result<Self> {
        Ok(Signals)
    }

    async fn wait(self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
