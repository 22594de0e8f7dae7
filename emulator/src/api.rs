//! The HTTP surface: routes, authentication, and the middleware that turns
//! every failure into the JSON error shape and injects latency and faults.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tower_http::cors::{Any, CorsLayer};
use uuid::Uuid;

use crate::error::{ApiError, error_body};
use crate::faults::{FaultKind, Faults};
use crate::store::{Store, StoredKey, format_instant, generate_secret};
use crate::validate;

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The wire resource that governs key management.
const ACCESS_TOKENS: &str = "access_tokens";

/// The `Resource` enum of the whoami schema: the company-level permissions
/// `/whoami` reports.
const WHOAMI_RESOURCES: [&str; 20] = [
    "api_info",
    "attributes",
    "apps",
    "app_profiles",
    "resources",
    "charges",
    "datasets",
    "data_streams",
    "deliveries",
    "destinations",
    "forecasts",
    "installations",
    "lists",
    "mappings",
    "internal_reports",
    "subscriptions",
    "payment_methods",
    "uploads",
    "company_info",
    "schema_preset",
];

/// Who `/whoami` says the caller is. Every key in the emulator belongs to this
/// one user and company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The user's numeric id.
    pub user_id: i64,
    /// The user's display name.
    pub user_name: String,
    /// The company's numeric id.
    pub company_id: i64,
    /// The company's short name, as in URLs.
    pub company_slug: String,
    /// The company's display name.
    pub company_name: String,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
}

impl Default for Identity {
    fn default() -> Self {
        Identity {
            user_id: 1,
            user_name: "Emulator User".into(),
            company_id: 1,
            company_slug: "local-emulator".into(),
            company_name: "Local emulator".into(),
            created_at: DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default(),
        }
    }
}

/// Shared state of the handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    pub store: Store,
    /// The `/whoami` body: the identity never changes, so it is encoded once.
    pub whoami: Bytes,
    pub faults: Arc<Faults>,
    pub latency: Duration,
}

/// Marks a response whose connection must be dropped with no answer; the
/// connection-level service turns it into an error, and hyper closes the socket.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// Runs blocking store work off the async threads.
async fn blocking<T, F>(store: &Store, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T, crate::store::StoreError> + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::from)
}

/// The authenticated caller: a key that exists and has not expired.
pub(crate) struct Caller(StoredKey);

impl Caller {
    /// Requires `access` on `access_tokens`, for the action `doing`. Only the
    /// literal level counts: write does not imply read, and the wire-only
    /// levels `admin`, `create` and `revise` grant nothing here (the contract
    /// gives them no meaning, so the emulator refuses rather than guesses).
    fn require(&self, access: &str, doing: &str) -> Result<(), ApiError> {
        if self.0.has(access, ACCESS_TOKENS) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "This API key lacks {access}:{ACCESS_TOKENS}, which {doing} requires; use a key that holds it"
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::unauthorized(
                "This request has no Authorization header; send \"Authorization: Bearer <API key>\"",
            ));
        };
        let malformed = || {
            ApiError::unauthorized(
                "The Authorization header is malformed; send \"Authorization: Bearer <API key>\"",
            )
        };
        let value = value.to_str().map_err(|_| malformed())?;
        let (scheme, token) = value.trim().split_once(' ').ok_or_else(malformed)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(malformed());
        }
        let token = token.to_owned();
        let key = blocking(&state.store, move |s| s.find_by_secret(&token)).await?;
        let Some(key) = key else {
            return Err(ApiError::unauthorized(
                "This API key is not recognised: it was revoked or mistyped; check the key you sent",
            ));
        };
        if key.expired_at(Utc::now()) {
            return Err(ApiError::unauthorized(
                "This API key has expired; create a new key",
            ));
        }
        Ok(Caller(key))
    }
}

/// Serialises a key. A key without expiration is sent with
/// `"expires_at": null`: the document marks the field required, and the
/// contract says a missing or null value means "never expires".
pub(crate) fn key_json(key: &StoredKey) -> Value {
    let perms: Vec<Value> = key
        .permissions
        .iter()
        .map(|(a, r)| json!({"access": a, "resource": r}))
        .collect();
    json!({
        "id": key.id.to_string(),
        "name": key.name,
        "permissions": perms,
        "expires_at": key.expires_at.map(format_instant),
    })
}

/// The key id in the path. One that is not a UUID names no key, so it is a
/// 404, the one status the document gives every call on a key for an id that
/// does not exist (GET and DELETE document no 400).
fn key_id(path: Result<Path<String>, PathRejection>) -> Result<Uuid, ApiError> {
    const FORMAT: &str = "ids are UUIDs such as 546c65d6-e589-4d3c-b1fe-7e61711cc418";
    let Path(raw) = path.map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("The key id in the path is not valid UTF-8, so no key has it: {FORMAT}"),
        )
    })?;
    Uuid::parse_str(&raw).map_err(|_| {
        let shown: String = raw.chars().take(64).collect();
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{shown:?} is not an API key id, so no key has it: {FORMAT}"),
        )
    })
}

/// Reads a JSON body: it must be there, within [`BODY_LIMIT`], typed as JSON,
/// and parse.
fn json_body(headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Value, ApiError> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request("The request body could not be read; send it again")
        }
    })?;
    // The document requires a body; a request without one cannot be parsed (400).
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "The request has no body; send a JSON object with \"Content-Type: application/json\"",
        ));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        });
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The request body must be JSON; send \"Content-Type: application/json\"",
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "The request body is not valid JSON ({e}); send a JSON object"
        ))
    })
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("The request body is larger than {BODY_LIMIT} bytes; send a smaller one"),
    )
}

async fn list_keys(State(st): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require("read", "listing keys")?;
    let keys = blocking(&st.store, |s| s.list_keys()).await?;
    let records: Vec<Value> = keys.iter().map(key_json).collect();
    Ok(Json(json!({ "records": records })).into_response())
}

async fn get_key(
    State(st): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    caller.require("read", "reading a key")?;
    let id = key_id(path)?;
    let key = blocking(&st.store, move |s| s.get(id)).await?;
    let key = key.ok_or_else(|| ApiError::not_found_key(id))?;
    Ok(Json(json!({ "record": key_json(&key) })).into_response())
}

async fn create_key(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    caller.require("write", "creating keys")?;
    let body = json_body(&headers, body)?;
    let req = validate::create_request(&body, Utc::now())?;
    let secret = generate_secret()?;
    let secret_for_store = secret.clone();
    let key = blocking(&st.store, move |s| {
        s.create(
            &req.name,
            req.permissions,
            req.expires_at,
            &secret_for_store,
        )
    })
    .await?;
    tracing::info!(id = %key.id, "created key");
    let mut out = key_json(&key);
    if let Some(obj) = out.as_object_mut() {
        obj.insert("access_token".into(), Value::String(secret));
    }
    Ok(Json(out).into_response())
}

async fn update_key(
    State(st): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    caller.require("write", "updating keys")?;
    let id = key_id(path)?;
    let body = json_body(&headers, body)?;
    let update = validate::update_request(&body, Utc::now())?;
    let key = blocking(&st.store, move |s| s.update(id, update)).await?;
    let key = key.ok_or_else(|| ApiError::not_found_key(id))?;
    tracing::info!(id = %key.id, "updated key");
    Ok(Json(key_json(&key)).into_response())
}

async fn delete_key(
    State(st): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    caller.require("write", "revoking keys")?;
    let id = key_id(path)?;
    if !blocking(&st.store, move |s| s.delete(id)).await? {
        return Err(ApiError::not_found_key(id));
    }
    tracing::info!(%id, "revoked key");
    // 200 with an empty body, as the contract says.
    Ok(StatusCode::OK.into_response())
}

async fn whoami(State(st): State<AppState>, _caller: Caller) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        st.whoami.clone(),
    )
        .into_response()
}

impl Identity {
    /// The `/whoami` answer for this identity.
    pub(crate) fn whoami_body(&self) -> Bytes {
        let permissions: Vec<Value> = WHOAMI_RESOURCES
            .iter()
            .map(|r| json!({"resource": r, "access": ["read", "write"]}))
            .collect();
        // Optional fields are omitted rather than sent as null: the schema types
        // them as plain strings.
        let body = json!({
            "user_id": self.user_id,
            "name": self.user_name,
            "company_access_list": [self.company_id],
            "current_company_scope": {
                "company_id": self.company_id,
                "slug": self.company_slug,
                "name": self.company_name,
                "status": "active",
                "visibility": "visible",
            },
            "permissions": permissions,
            "created_at": format_instant(self.created_at),
        });
        Bytes::from(body.to_string())
    }
}

async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    let path: String = uri.path().chars().take(200).collect();
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "There is no endpoint {method} {path}; the emulator serves /access-tokens/tokens, /access-tokens/tokens/{{id}} and /whoami"
        ),
    )
}

/// Safety net: any error response that is not already JSON (axum's own
/// rejections, 405 from the method router) gets the JSON error body.
async fn json_errors(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return resp;
    }
    let description = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = match path.as_str() {
                "/whoami" => "GET",
                "/access-tokens/tokens" => "GET or POST",
                _ => "GET, PUT or DELETE",
            };
            format!("This endpoint does not accept {method}; use {allowed}")
        }
        StatusCode::PAYLOAD_TOO_LARGE => too_large().description,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "The request body must be JSON; send \"Content-Type: application/json\"".into()
        }
        s if s.is_server_error() => "The emulator failed to handle this request; retry".into(),
        _ => "The request was not understood; check the method, path, headers and body".into(),
    };
    let (mut parts, _) = resp.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(error_body(status, &description)))
}

/// Latency, fault injection and request logging. CORS preflights never get
/// here: the CORS layer outside answers them.
async fn latency_and_faults(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path: String = req.uri().path().chars().take(200).collect();
    if !st.latency.is_zero() {
        tokio::time::sleep(st.latency).await;
    }
    let fault = st.faults.pick(method.as_str());
    if let Some(kind) = fault {
        tracing::debug!(?kind, %method, %path, "injecting fault");
    }
    let resp = match fault {
        Some(FaultKind::InternalError) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Injected fault: the server failed; retry the request",
        )
        .into_response(),
        Some(FaultKind::Unavailable) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Injected fault: the service is unavailable; retry shortly",
        )
        .into_response(),
        Some(FaultKind::RateLimited) => {
            let secs = st.faults.config.retry_after_secs;
            let mut resp = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Injected fault: too many requests; retry after {secs} seconds"),
            )
            .into_response();
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            resp
        }
        Some(FaultKind::Drop) => {
            let mut resp = Response::new(Body::empty());
            resp.extensions_mut().insert(DropConnection);
            resp
        }
        Some(FaultKind::Slow) => {
            tokio::time::sleep(st.faults.config.slow).await;
            next.run(req).await
        }
        None => next.run(req).await,
    };
    tracing::debug!(
        %method,
        %path,
        status = resp.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    resp
}

/// The full application: routes plus every layer except the connection-level
/// drop handling.
pub(crate) fn router(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods(Any)
        .allow_headers(Any)
        .expose_headers([
            header::RETRY_AFTER,
            header::WWW_AUTHENTICATE,
            HeaderName::from_static("content-type"),
        ])
        .max_age(Duration::from_secs(600));
    Router::new()
        .route("/access-tokens/tokens", get(list_keys).post(create_key))
        .route(
            "/access-tokens/tokens/{id}",
            get(get_key).put(update_key).delete(delete_key),
        )
        .route("/whoami", get(whoami))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            latency_and_faults,
        ))
        .layer(cors)
        .with_state(state)
}
