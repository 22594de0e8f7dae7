//! Turning the global options into a client: the demo, or real credentials.

use narrative_keys::{Client, ClientBuilder, Environment, Interrupt, Secret};

use crate::cli::GlobalArgs;
use crate::demo;
use crate::error::CliError;

/// The in-process emulator behind `--demo`.
#[cfg(feature = "demo")]
pub type DemoEmulator = narrative_keys_emulator::RunningEmulator;
/// The in-process emulator behind `--demo`: none in a build without the
/// `demo` feature.
#[cfg(not(feature = "demo"))]
pub type DemoEmulator = std::convert::Infallible;

/// A connected client, and the demo emulator behind it when there is one.
pub struct Session {
    /// The SDK client.
    pub client: Client,
    /// `DEMO`, `prod`, `dev` or the URL: shown in headers and reports.
    pub label: String,
    /// The in-process emulator, with `--demo`.
    pub demo: Option<DemoEmulator>,
    /// Where the API key came from: `--api-key`, a variable's name, or `--demo`.
    pub key_source: &'static str,
    /// Where the environment came from: `--environment`, a variable's name,
    /// `default` (prod) or `--demo`.
    pub environment_source: &'static str,
    /// The API key's last four characters (`Secret::last_four`), never more.
    pub key_last_four: Option<String>,
}

impl Session {
    /// Whether the session runs on the demo emulator.
    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }
}

/// Where credentials come from, resolved but not yet connected.
pub enum Credentials {
    /// `--demo`: the in-process emulator.
    Demo,
    /// An API key and an environment.
    Real {
        /// The API key.
        api_key: Secret,
        /// The environment.
        environment: Environment,
        /// Where the key came from.
        key_source: &'static str,
        /// Where the environment came from.
        environment_source: &'static str,
    },
    /// Neither `--demo` nor an API key was given.
    Missing,
}

/// Reads the credentials from the flags and the environment variables; nothing is sent.
pub fn credentials(global: &GlobalArgs) -> Result<Credentials, CliError> {
    if global.demo {
        return Ok(Credentials::Demo);
    }
    let api_key = match &global.api_key {
        Some(key) => Some(("--api-key", key.clone())),
        None => narrative_keys::client::env_var(&narrative_keys::client::API_KEY_VARS)
            .map(|(name, v)| (name, Secret::new(v))),
    }
    .filter(|(_, k)| !k.expose().trim().is_empty());
    let env_text = match &global.environment {
        Some(text) => Some(("--environment", text.clone())),
        None => narrative_keys::client::env_var(&narrative_keys::client::ENVIRONMENT_VARS),
    };
    let (environment, environment_source) = match env_text {
        Some((source, text)) => (
            text.parse::<Environment>()
                .map_err(|e| CliError::usage(format!("{source}: {e}")))?,
            source,
        ),
        None => (Environment::Prod, "default"),
    };
    Ok(match api_key {
        Some((key_source, api_key)) => Credentials::Real {
            api_key,
            environment,
            key_source,
            environment_source,
        },
        None => Credentials::Missing,
    })
}

/// A client builder with the options every session shares (`--timeout`).
fn builder(global: &GlobalArgs) -> ClientBuilder {
    let builder = Client::builder().interrupt(interrupt().clone());
    match global.timeout {
        Some(timeout) => builder.timeout(timeout),
        None => builder,
    }
}

/// The process's stop flag, carried by every client it builds: a signal
/// requests it, and the workflows stop between two steps.
pub fn interrupt() -> &'static Interrupt {
    static INTERRUPT: std::sync::OnceLock<Interrupt> = std::sync::OnceLock::new();
    INTERRUPT.get_or_init(Interrupt::new)
}

/// Connects: the demo emulator started, or a client for the credentials.
pub async fn connect(global: &GlobalArgs) -> Result<Session, CliError> {
    let (api_key, environment, demo, key_source, environment_source) = match credentials(global)? {
        #[cfg(not(feature = "demo"))]
        Credentials::Demo => return Err(demo::unavailable("--demo")),
        #[cfg(feature = "demo")]
        Credentials::Demo => {
            let emulator = demo::start(global.demo_db.as_deref(), global.reset).await?;
            let environment = emulator
                .url()
                .parse::<Environment>()
                .map_err(|e| CliError::failed(e.to_string()))?;
            // `--api-key` picks another key of the demo's store (one made
            // read-only, say); the environment variables are never sent
            // here, since they may hold a real key.
            let (api_key, key_source) = match &global.api_key {
                Some(key) => (key.clone(), "--api-key"),
                None => (Secret::new(demo::DEMO_ADMIN_KEY), "--demo"),
            };
            (api_key, environment, Some(emulator), key_source, "--demo")
        }
        Credentials::Real {
            api_key,
            environment,
            key_source,
            environment_source,
        } => (api_key, environment, None, key_source, environment_source),
        Credentials::Missing => {
            return Err(CliError::usage("no API key").hint(if cfg!(feature = "demo") {
                "pass --api-key, set NARRATIVE_API_KEY (and NARRATIVE_ENVIRONMENT for dev or a URL; NARRATIVE_API_TOKEN and NARRATIVE_API_URL are read too), or try --demo"
            } else {
                "pass --api-key, or set NARRATIVE_API_KEY (and NARRATIVE_ENVIRONMENT for dev or a URL; NARRATIVE_API_TOKEN and NARRATIVE_API_URL are read too)"
            }));
        }
    };
    let label = if demo.is_some() {
        "DEMO".to_owned()
    } else {
        environment.name()
    };
    let key_last_four = api_key.last_four();
    let client = builder(global)
        .api_key(api_key)
        .environment(environment)
        .build()?;
    Ok(Session {
        client,
        label,
        demo,
        key_source,
        environment_source,
        key_last_four,
    })
}
