//! Turning the global options into a client: the demo, or real credentials.

use narrative_keys::{Client, ClientBuilder, Environment, Secret};
use narrative_keys_emulator::RunningEmulator;

use crate::cli::GlobalArgs;
use crate::demo;
use crate::error::CliError;

/// A connected client, and the demo emulator behind it when there is one.
pub struct Session {
    pub client: Client,
    /// `DEMO`, `prod`, `dev` or the URL: shown in headers and reports.
    pub label: String,
    pub demo: Option<RunningEmulator>,
}

impl Session {
    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }
}

/// Where credentials come from, resolved but not yet connected.
pub enum Credentials {
    Demo,
    Real {
        api_key: Secret,
        environment: Environment,
    },
    /// Neither `--demo` nor an API key was given.
    Missing,
}

pub fn credentials(global: &GlobalArgs) -> Result<Credentials, CliError> {
    if global.demo {
        return Ok(Credentials::Demo);
    }
    let api_key = global
        .api_key
        .clone()
        .or_else(|| std::env::var("NARRATIVE_API_KEY").ok().map(Secret::new))
        .filter(|k| !k.expose().trim().is_empty());
    let env_text = global
        .environment
        .clone()
        .or_else(|| std::env::var("NARRATIVE_ENVIRONMENT").ok());
    let environment = match env_text {
        Some(text) => text
            .parse::<Environment>()
            .map_err(|e| CliError::usage(e.to_string()))?,
        None => Environment::Prod,
    };
    Ok(match api_key {
        Some(api_key) => Credentials::Real {
            api_key,
            environment,
        },
        None => Credentials::Missing,
    })
}

/// A client builder with the options every session shares (`--timeout`).
fn builder(global: &GlobalArgs) -> ClientBuilder {
    match global.timeout {
        Some(timeout) => Client::builder().timeout(timeout),
        None => Client::builder(),
    }
}

pub async fn connect(global: &GlobalArgs) -> Result<Session, CliError> {
    match credentials(global)? {
        Credentials::Demo => {
            let emulator = demo::start(global.demo_db.as_deref()).await?;
            let environment = emulator
                .url()
                .parse::<Environment>()
                .map_err(|e| CliError::failed(e.to_string()))?;
            let client = builder(global)
                .api_key(demo::DEMO_ADMIN_KEY)
                .environment(environment)
                .build()?;
            Ok(Session {
                client,
                label: "DEMO".to_owned(),
                demo: Some(emulator),
            })
        }
        Credentials::Real {
            api_key,
            environment,
        } => {
            let label = environment.name();
            let client = builder(global)
                .api_key(api_key)
                .environment(environment)
                .build()?;
            Ok(Session {
                client,
                label,
                demo: None,
            })
        }
        Credentials::Missing => Err(CliError::usage("no API key").hint(
            "pass --api-key, set NARRATIVE_API_KEY (and NARRATIVE_ENVIRONMENT for dev or a URL), or try --demo",
        )),
    }
}
