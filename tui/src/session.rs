//! Turning the global options into a client: the demo, or real credentials
//! from the flags, the environment variables or a profile (`auth login`).

use narrative_keys::{Client, ClientBuilder, Environment, Secret};

use crate::cli::GlobalArgs;
use crate::demo;
use crate::error::CliError;
use crate::profiles::{self, Profiles};

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
    /// Where the API key came from: `--api-key`, a variable's name,
    /// `profile NAME (keyring)` or `--demo`.
    pub key_source: String,
    /// Where the environment came from: `--environment`, a variable's name,
    /// `profile NAME`, `default` (prod) or `--demo`.
    pub environment_source: String,
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
        /// Where the key came from: `--api-key`, a variable's name, or
        /// `profile NAME (keyring)`.
        key_source: String,
        /// Where the environment came from.
        environment_source: String,
        /// The profile the key came from, if any.
        profile: Option<String>,
    },
    /// Neither `--demo` nor an API key nor a profile was given.
    Missing,
}

/// The profile the key comes from when no flag or key variable gives one:
/// `NARRATIVE_PROFILE`'s, else the default; `None` when neither names one.
/// The second value says which named it.
pub fn implicit_profile(profiles: &Profiles) -> Option<(String, &'static str)> {
    match std::env::var(profiles::PROFILE_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        Some(name) => Some((name.trim().to_owned(), profiles::PROFILE_VAR)),
        None => profiles
            .config
            .default
            .clone()
            .map(|name| (name, "the default profile")),
    }
}

/// Reads the credentials from the flags, the environment variables and the
/// profiles; nothing is sent. Flags first, as in aws: `--api-key` >
/// `--profile` > `NARRATIVE_API_KEY` > `NARRATIVE_API_TOKEN` >
/// `NARRATIVE_PROFILE`'s profile, else the default profile. The environment:
/// `--environment` > `--profile`'s > `NARRATIVE_ENVIRONMENT` >
/// `NARRATIVE_API_URL` > `NARRATIVE_PROFILE`'s profile's, else the default
/// profile's, whichever key is used (as aws takes the profile's region with
/// `AWS_ACCESS_KEY_ID`: a key meant for a dev profile never goes to prod
/// unasked) > prod.
// long: the precedence, in one place, as the docs list it.
pub fn credentials(global: &GlobalArgs) -> Result<Credentials, CliError> {
    // An empty `--api-key` is a mistake (`--api-key "$(cat missing-file)"`),
    // never a reason to use another key.
    let flag_key = match &global.api_key {
        Some(key) if key.expose().trim().is_empty() => {
            return Err(CliError::usage("--api-key is empty").hint(
                "give the key itself (or leave --api-key out to use NARRATIVE_API_KEY or your profile); check the command that produced it",
            ));
        }
        key => key.clone(),
    };
    if global.demo {
        return Ok(Credentials::Demo);
    }
    let flag_environment = match &global.environment {
        Some(text) => Some((
            parse_environment("--environment", text)?,
            "--environment".to_owned(),
        )),
        None => None,
    };
    let env_var_environment = || -> Result<Option<(Environment, String)>, CliError> {
        match narrative_keys::client::env_var(&narrative_keys::client::ENVIRONMENT_VARS) {
            Some((name, text)) => Ok(Some((parse_environment(name, &text)?, name.to_owned()))),
            None => Ok(None),
        }
    };
    let real = |api_key, key_source, (environment, environment_source), profile| {
        Ok(Credentials::Real {
            api_key,
            environment,
            key_source,
            environment_source,
            profile,
        })
    };
    let prod = || (Environment::Prod, "default".to_owned());
    // `--profile`: that profile's environment, and its key unless `--api-key`.
    if let Some(name) = &global.profile {
        profiles::check_name(name)?;
        let profiles = Profiles::load()?;
        let profile = profiles.get(name, "--profile")?;
        let environment = match flag_environment {
            Some(e) => e,
            None => (
                profile.environment(name, &profiles.config_path())?,
                format!("profile {name}"),
            ),
        };
        let (key, source) = match flag_key {
            Some(key) => (key, "--api-key".to_owned()),
            None => (
                profiles.key(&profiles.vault(), name)?,
                format!("profile {name} ({})", profile.storage.name()),
            ),
        };
        return real(key, source, environment, Some(name.clone()));
    }
    let key = match flag_key {
        Some(key) => Some((key, "--api-key".to_owned())),
        None => variable_key()?,
    };
    let environment = match flag_environment {
        Some(e) => Some(e),
        None => env_var_environment()?,
    };
    if let Some((key, source)) = key {
        let environment = match environment {
            Some(e) => e,
            None => match implicit_profiles()? {
                Some(profiles) => implicit_environment(&profiles)?.unwrap_or_else(prod),
                None => prod(),
            },
        };
        return real(key, source, environment, None);
    }
    let Some(profiles) = implicit_profiles()? else {
        return Ok(Credentials::Missing);
    };
    let Some((name, named_by)) = implicit_profile(&profiles) else {
        return Ok(Credentials::Missing);
    };
    profiles::check_name(&name)?;
    let profile = profiles.get(&name, named_by)?;
    let key = profiles.key(&profiles.vault(), &name)?;
    let environment = match environment {
        Some(e) => e,
        None => (
            profile.environment(&name, &profiles.config_path())?,
            format!("profile {name}"),
        ),
    };
    let source = format!("profile {name} ({})", profile.storage.name());
    real(key, source, environment, Some(name))
}

/// The key in `NARRATIVE_API_KEY`, else `NARRATIVE_API_TOKEN`, and which.
/// One set but blank is an error, not a reason to use another key: it is
/// most often a substitution that failed (`$(pass show missing)`) or a CI
/// secret that does not exist, and going on would act with another
/// credential than the one meant. `unset` it to use a profile.
fn variable_key() -> Result<Option<(Secret, String)>, CliError> {
    for name in narrative_keys::client::API_KEY_VARS {
        match std::env::var(name) {
            Ok(value) if value.trim().is_empty() => {
                return Err(
                    CliError::usage(format!("{name} is set but empty")).hint(format!(
                        "give it the key, or `unset {name}` to use --api-key or your profile"
                    )),
                );
            }
            Ok(value) => return Ok(Some((Secret::new(value), name.to_owned()))),
            Err(_) => {}
        }
    }
    Ok(None)
}

/// The profiles, or `None` without a home (then there are none, unless a
/// variable names one, which is an error).
fn implicit_profiles() -> Result<Option<Profiles>, CliError> {
    match profiles::config_dir() {
        Ok(dir) => Profiles::load_from(dir).map(Some),
        Err(_) if std::env::var_os(profiles::PROFILE_VAR).is_none() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The environment of the profile `NARRATIVE_PROFILE` names, else of the
/// default profile, and the source naming both: `profile dev
/// (NARRATIVE_PROFILE)`.
fn implicit_environment(profiles: &Profiles) -> Result<Option<(Environment, String)>, CliError> {
    let Some((name, named_by)) = implicit_profile(profiles) else {
        return Ok(None);
    };
    profiles::check_name(&name)?;
    let profile = profiles.get(&name, named_by)?;
    let environment = profile.environment(&name, &profiles.config_path())?;
    Ok(Some((environment, format!("profile {name} ({named_by})"))))
}

fn parse_environment(source: &str, text: &str) -> Result<Environment, CliError> {
    text.parse::<Environment>()
        .map_err(|e| CliError::usage(format!("{source}: {e}")))
}

/// A client builder with the options every session shares (`--timeout`),
/// and the process's stop flag, which signals set.
pub(crate) fn builder(global: &GlobalArgs) -> ClientBuilder {
    let builder = Client::builder().interrupt(crate::signals::interrupt().clone());
    match global.timeout {
        Some(timeout) => builder.timeout(timeout),
        None => builder,
    }
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
            let source = (key_source.to_owned(), "--demo".to_owned());
            (api_key, environment, Some(emulator), source.0, source.1)
        }
        Credentials::Real {
            api_key,
            environment,
            key_source,
            environment_source,
            ..
        } => (api_key, environment, None, key_source, environment_source),
        Credentials::Missing => {
            return Err(CliError::usage("no API key").hint(if cfg!(feature = "demo") {
                "sign in with `narrative-keys auth login`, pass --api-key, set NARRATIVE_API_KEY (and NARRATIVE_ENVIRONMENT for dev or a URL; NARRATIVE_API_TOKEN and NARRATIVE_API_URL are read too), or try --demo"
            } else {
                "sign in with `narrative-keys auth login`, pass --api-key, or set NARRATIVE_API_KEY (and NARRATIVE_ENVIRONMENT for dev or a URL; NARRATIVE_API_TOKEN and NARRATIVE_API_URL are read too)"
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
