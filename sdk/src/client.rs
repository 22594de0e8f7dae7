//! The async HTTP client for the API-key endpoints.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use zeroize::Zeroize;

use crate::environment::Environment;
use crate::error::{Error, Result, TransportKind};
use crate::interrupt::Interrupt;
use crate::key::{ApiKey, CreatedKey, KeyUpdate, NewKey};
use crate::retry::{self, RetryPolicy};
use crate::secret::Secret;
use crate::transport::{self, Method, Transport};
use crate::validation::check_key_id;
use crate::whoami::Whoami;
use crate::wire;

const KEYS_PATH: &str = "access-tokens/tokens";

/// The limit for each attempt of a request unless the builder sets one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client for one set of credentials. Cheap to clone; clones share the
/// connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Beside the shared part: [`Client::with_interrupt`] gives a copy its own.
    interrupt: Interrupt,
}

struct Inner {
    transport: Transport,
    environment: Environment,
    /// Ends in `/`.
    base: String,
    timeout: Duration,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("environment", &self.inner.environment)
            .field("api_key", &"[REDACTED]")
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Sets up a [`Client`]. Only the API key is required.
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<Secret>,
    environment: Environment,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
    interrupt: Interrupt,
    #[cfg(not(target_arch = "wasm32"))]
    http: Option<reqwest::Client>,
}

/// Header values are left out: a custom header may carry a credential.
impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("environment", &self.environment)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("header_names", &header_names)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The stop flag the workflows run with this client look at between
    /// steps (a signal handler or a closing UI sets it); by default one
    /// that nothing sets.
    pub fn interrupt(mut self, interrupt: Interrupt) -> Self {
        self.interrupt = interrupt;
        self
    }

    /// The API key to send as the bearer token (required).
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Which API to talk to (default: production).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The limit for each attempt of a request: connecting, sending it and
    /// reading the whole answer (default 30 s). An attempt that times out is
    /// not retried, so a server that never answers makes a call fail after
    /// about this long, with an error naming the URL. Natively a connection
    /// must also open within 10 s (or this limit, if shorter); a
    /// `reqwest::Client` given with [`http_client`](Self::http_client) keeps
    /// its own connect timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How failed requests are retried (default: 3 retries with backoff).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header (default natively: `narrative-keys/<version>`; browsers send their own).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Use this `reqwest::Client` (proxies, custom TLS roots, a shared pool).
    /// On wasm32 requests go through the platform's `fetch`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Reads `NARRATIVE_API_KEY` and `NARRATIVE_ENVIRONMENT` (`prod` when
    /// unset), or, when those are unset, `NARRATIVE_API_TOKEN` and
    /// `NARRATIVE_API_URL`, the names Narrative's own MCP servers read.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_env() -> Result<Self> {
        let mut builder = Client::builder();
        if let Some((_, key)) = env_var(&API_KEY_VARS) {
            builder = builder.api_key(key);
        }
        if let Some((name, env)) = env_var(&ENVIRONMENT_VARS) {
            let env = env
                .parse()
                .map_err(|e| Error::Config(format!("{name}: {e}")))?;
            builder = builder.environment(env);
        }
        Ok(builder)
    }

    /// The client; fails when no API key was given or the environment is not usable.
    pub fn build(self) -> Result<Client> {
        let api_key = self
            .api_key
            .filter(|k| !k.expose().trim().is_empty())
            .ok_or_else(|| {
                Error::Config(
                    "no API key: pass one to the client or set NARRATIVE_API_KEY".to_owned(),
                )
            })?;
        let mut headers = self.headers;
        if let Some(ua) = self.user_agent.or_else(default_user_agent) {
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case("user-agent"));
            headers.push(("user-agent".to_owned(), ua));
        }
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("accept"));
        headers.push(("accept".to_owned(), "application/json".to_owned()));
        transport::check_headers(&headers, &api_key)?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(Error::Config(
                "the timeout must be more than zero (the default is 30 s)".to_owned(),
            ));
        }
        #[cfg(not(target_arch = "wasm32"))]
        let transport = Transport::new(self.http, &headers, &api_key, timeout)?;
        #[cfg(target_arch = "wasm32")]
        let transport = Transport::new(&headers, &api_key)?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                base: self.environment.base_url(),
                environment: self.environment,
                timeout,
                retry: self.retry,
            }),
            interrupt: self.interrupt,
        })
    }
}

/// Where the API key is read from, in order: Narrative's SDK convention,
/// then the name Narrative's MCP servers read.
pub const API_KEY_VARS: [&str; 2] = ["NARRATIVE_API_KEY", "NARRATIVE_API_TOKEN"];
/// Where the environment (`prod`, `dev` or a URL) is read from, in order.
pub const ENVIRONMENT_VARS: [&str; 2] = ["NARRATIVE_ENVIRONMENT", "NARRATIVE_API_URL"];

/// The first of `names` that is set to something other than blanks, and its
/// value.
#[cfg(not(target_arch = "wasm32"))]
pub fn env_var(names: &[&'static str]) -> Option<(&'static str, String)> {
    names.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*name, v))
    })
}

fn default_user_agent() -> Option<String> {
    // Browsers refuse a script-set User-Agent; send one only natively.
    if cfg!(target_arch = "wasm32") {
        None
    } else {
        Some(concat!("narrative-keys/", env!("CARGO_PKG_VERSION")).to_owned())
    }
}

/// Whether a request may be sent again after a failure that might have
/// reached the server.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Idempotent {
    Yes,
    No,
}

/// Whether the request may be sent again after `error`: an idempotent one
/// whenever the error is retryable, any other only when the server provably
/// did nothing with it.
fn may_retry(idempotent: Idempotent, error: &Error) -> bool {
    match idempotent {
        Idempotent::Yes => error.is_retryable(),
        Idempotent::No => matches!(error, Error::RateLimited { .. }) || nothing_sent(error),
    }
}

/// A connection that could not be opened: natively hyper says so only
/// before writing any of the request. In a browser a rejected `fetch` may
/// come after the request left, so there it proves nothing.
fn nothing_sent(error: &Error) -> bool {
    cfg!(not(target_arch = "wasm32"))
        && matches!(
            error,
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            }
        )
}

struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Client {
    /// A builder: the API key, the environment, timeouts, retries.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `NARRATIVE_API_KEY` and `NARRATIVE_ENVIRONMENT` (or
    /// their fallbacks, see [`ClientBuilder::from_env`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }

    /// The API this client talks to.
    pub fn environment(&self) -> &Environment {
        &self.inner.environment
    }

    /// The limit for each attempt of a request.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The stop flag the builder was given: workflows look at it between steps.
    pub fn interrupt(&self) -> &Interrupt {
        &self.interrupt
    }

    /// This client (its credentials and connections) with a stop flag of
    /// its own: one workflow can then be stopped while the others, using
    /// the original, go on (the terminal UI stops a keys file's apply on
    /// its way out, and still revokes the keys nobody stored).
    pub fn with_interrupt(&self, interrupt: Interrupt) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            interrupt,
        }
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Every key these credentials can see.
    pub async fn list_keys(&self) -> Result<Vec<ApiKey>> {
        let (status, body) = self.list_keys_body().await?;
        decode::list(status, &body)
    }

    /// [`list_keys`](Self::list_keys)' answer as the server sent it: the
    /// status and body of a success (an error status is the same error),
    /// for a caller that passes the JSON on (the npm package);
    /// [`decode::list`] reads it into keys.
    #[doc(hidden)]
    pub async fn list_keys_body(&self) -> Result<(u16, Vec<u8>)> {
        let reply = self
            .send(Method::Get, KEYS_PATH, None, Idempotent::Yes)
            .await?;
        Ok((reply.status, reply.body))
    }

    /// The key `id` (a full id; [`key_ref`](crate::key_ref) resolves prefixes and names).
    pub async fn get_key(&self, id: &str) -> Result<ApiKey> {
        check_key_id(id).map_err(Error::InvalidInput)?;
        let path = format!("{KEYS_PATH}/{id}");
        let reply = self.send(Method::Get, &path, None, Idempotent::Yes).await?;
        decode::get(reply.status, &reply.body)
    }

    /// Creates a key and returns it with its secret, which is shown only now.
    ///
    /// Retried only when the server provably did nothing with the request:
    /// it answered 429, or (natively) the connection could not be opened.
    /// After any other failure the answer may have been lost, and a retry
    /// could create a second key. The request is validated first and nothing
    /// is sent when it is invalid.
    pub async fn create_key(&self, key: &NewKey) -> Result<CreatedKey> {
        let report = key.validate(Utc::now());
        if report.has_errors() {
            return Err(Error::InvalidInput(report));
        }
        let body = to_json(&wire::CreateRequest::from(key))?;
        let mut reply = self
            .send(Method::Post, KEYS_PATH, Some(body), Idempotent::No)
            .await?;
        let created = decode::created(reply.status, &reply.body);
        // The raw body holds the secret; do not leave it in freed memory.
        reply.body.zeroize();
        created
    }

    /// Changes a key's name, permissions (replaced whole) or expiration.
    pub async fn update_key(&self, id: &str, update: &KeyUpdate) -> Result<ApiKey> {
        check_key_id(id).map_err(Error::InvalidInput)?;
        let report = update.validate(Utc::now());
        if report.has_errors() {
            return Err(Error::InvalidInput(report));
        }
        let body = to_json(&wire::UpdateRequest::from(update))?;
        let path = format!("{KEYS_PATH}/{id}");
        let reply = self
            .send(Method::Put, &path, Some(body), Idempotent::Yes)
            .await?;
        decode::updated(reply.status, &reply.body)
    }

    /// Revokes (deletes) a key. It stops working at once.
    ///
    /// A 404 on a retry after an attempt whose outcome is unknown (the
    /// connection broke, the server failed with 500, or a gateway failed)
    /// means that attempt revoked the key, and counts as success.
    pub async fn revoke_key(&self, id: &str) -> Result<()> {
        self.revoke_after(id, false).await.map_err(|(e, _)| e)
    }

    /// [`revoke_key`](Self::revoke_key), for a key an earlier call may have
    /// revoked already (`applied_before`: its outcome was unknown), so that
    /// a 404 counts as success. A failure says whether any attempt of this
    /// call may have been applied.
    pub(crate) async fn revoke_after(
        &self,
        id: &str,
        applied_before: bool,
    ) -> Result<(), (Error, bool)> {
        check_key_id(id).map_err(|r| (Error::InvalidInput(r), false))?;
        let path = format!("{KEYS_PATH}/{id}");
        match self
            .send(Method::Delete, &path, None, Idempotent::Yes)
            .await
        {
            Ok(_) => Ok(()),
            Err(SendFailure {
                error: Error::NotFound(_),
                maybe_applied,
            }) if maybe_applied || applied_before => Ok(()),
            Err(e) => {
                let maybe_applied = e.maybe_applied || outcome_unknown(&e.error);
                Err((e.error, maybe_applied))
            }
        }
    }

    /// The user and company the credentials belong to.
    pub async fn whoami(&self) -> Result<Whoami> {
        let reply = self
            .send(Method::Get, "whoami", None, Idempotent::Yes)
            .await?;
        decode::whoami(reply.status, &reply.body)
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        idempotent: Idempotent,
    ) -> Result<Reply, SendFailure> {
        let inner = &self.inner;
        let url = format!("{}{path}", inner.base);
        let mut attempts = 0;
        let mut maybe_applied = false;
        loop {
            attempts += 1;
            let sent = inner
                .transport
                .send(method, &url, body.as_deref(), inner.timeout)
                .await;
            let error = match sent {
                Ok(reply) if (200..300).contains(&reply.status) => {
                    return Ok(Reply {
                        status: reply.status,
                        body: reply.body,
                    });
                }
                Ok(reply) => {
                    let retry_after = reply
                        .retry_after
                        .as_deref()
                        .and_then(|v| retry::parse_retry_after(v, Utc::now()));
                    decode::error(reply.status, &reply.body, retry_after)
                }
                Err(e) => e,
            };
            let retries_left = attempts <= inner.retry.max_retries;
            if !retries_left || !may_retry(idempotent, &error) {
                return Err(SendFailure {
                    error,
                    maybe_applied,
                });
            }
            maybe_applied |= outcome_unknown(&error);
            let retry_after = match &error {
                Error::RateLimited { retry_after, .. } => *retry_after,
                _ => None,
            };
            if retry_after.is_some_and(|d| d > inner.retry.max_retry_after) {
                return Err(SendFailure {
                    error,
                    maybe_applied,
                });
            }
            let delay = inner.retry.delay(attempts - 1, retry_after);
            tracing::debug!(%method, path, attempts, ?delay, code = error.code(), "retrying");
            retry::sleep(delay).await;
        }
    }
}

/// An error, and whether an earlier attempt of the same request may have
/// been applied by the server although its answer was lost.
struct SendFailure {
    error: Error,
    maybe_applied: bool,
}

/// A broken connection, a timeout, a 500 or a gateway error leaves it
/// unknown whether the server acted; a 429 or 503 says it did not, and so
/// does a connection that could not be opened.
pub(crate) fn outcome_unknown(error: &Error) -> bool {
    match error {
        Error::Transport { .. } => !nothing_sent(error),
        Error::Server(api) => matches!(api.status, 500 | 502 | 504),
        _ => false,
    }
}

impl From<SendFailure> for Error {
    fn from(e: SendFailure) -> Self {
        e.error
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, SendFailure> {
    serde_json::to_vec(value).map_err(|e| SendFailure {
        error: Error::Config(format!("could not encode the request: {e}")),
        maybe_applied: false,
    })
}

/// The response decoders, exactly as the client uses them; public (hidden)
/// so that property tests and fuzz targets exercise the real code.
#[doc(hidden)]
pub mod decode {
    use std::time::Duration;

    use serde::de::DeserializeOwned;

    use super::reason;
    use crate::error::without_values;
    use crate::error::{ApiError, Error, Result};
    use crate::key::{ApiKey, CreatedKey};
    use crate::whoami::Whoami;
    use crate::wire;

    fn body<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T> {
        crate::json_object::from_slice(bytes).map_err(|e| Error::Decode {
            status,
            path: crate::json_path::of_error(bytes, &e),
            message: without_values(&e.to_string()),
        })
    }

    pub fn list(status: u16, bytes: &[u8]) -> Result<Vec<ApiKey>> {
        Ok(body::<wire::ListResponse>(status, bytes)?.records)
    }

    pub fn get(status: u16, bytes: &[u8]) -> Result<ApiKey> {
        Ok(body::<wire::GetResponse>(status, bytes)?.record)
    }

    pub fn updated(status: u16, bytes: &[u8]) -> Result<ApiKey> {
        body(status, bytes)
    }

    pub fn whoami(status: u16, bytes: &[u8]) -> Result<Whoami> {
        body(status, bytes)
    }

    pub fn created(status: u16, bytes: &[u8]) -> Result<CreatedKey> {
        let c = body::<wire::CreateResponse>(status, bytes)?;
        Ok(CreatedKey {
            key: ApiKey {
                id: c.id,
                name: c.name,
                permissions: c.permissions,
                expires_at: c.expires_at,
            },
            secret: c.access_token,
        })
    }

    /// The error for a non-success status, keeping the server's words.
    pub fn error(status: u16, bytes: &[u8], retry_after: Option<Duration>) -> Error {
        let (error, description) = match crate::json_object::from_slice::<wire::ErrorBody>(bytes) {
            Ok(b) => (b.error, b.error_description),
            Err(_) => (String::new(), String::new()),
        };
        let reason = reason(status);
        let api = ApiError {
            status,
            error: if error.is_empty() {
                reason.to_owned()
            } else {
                error
            },
            description,
        };
        match status {
            400 => Error::BadRequest(api),
            401 => Error::Unauthorized(api),
            403 => Error::Forbidden(api),
            404 => Error::NotFound(api),
            429 => Error::RateLimited { api, retry_after },
            500..=599 => Error::Server(api),
            _ => Error::UnexpectedStatus(api),
        }
    }
}

/// The standard reason phrase of the statuses the API answers with.
fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_name_the_path_and_hide_values() {
        let body = br#"{"records":[{"id":"a","name":"n","permissions":[{"access":"read","resource":5}]}]}"#;
        let err = decode::list(200, body).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("records[0].permissions[0].resource"),
            "{text}"
        );
        let text = decode::list(200, br#"{"records":"s3cr3t-value"}"#)
            .unwrap_err()
            .to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
    }

    #[test]
    fn error_bodies_keep_the_servers_words() {
        let e = decode::error(
            403,
            br#"{"error":"Forbidden","error_description":"This key lacks write:access_tokens."}"#,
            None,
        );
        assert_eq!(e.code(), "forbidden");
        assert_eq!(
            e.to_string(),
            "forbidden: This key lacks write:access_tokens. (403 Forbidden)"
        );
        let e = decode::error(502, b"<html>", None);
        assert_eq!(e.to_string(), "server error: 502 Bad Gateway");
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_copy_with_its_own_interrupt_stops_alone() {
        let client = Client::builder()
            .api_key("not-a-real-key")
            .environment("http://127.0.0.1:9".parse().unwrap())
            .build()
            .unwrap();
        let apply = client.with_interrupt(Interrupt::new());
        apply.interrupt().request();
        assert!(apply.interrupt().is_requested());
        assert!(!client.interrupt().is_requested(), "the original goes on");
        assert!(!client.clone().interrupt().is_requested());
        assert_eq!(apply.environment(), client.environment());
    }
}
