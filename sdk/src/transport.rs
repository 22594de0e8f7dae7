//! One HTTP exchange, and nothing else: reqwest natively, the platform's
//! `fetch` on wasm32.
//!
//! Retries, status handling and decoding live in `client`, the same on every
//! target. On wasm32 `fetch` is called directly rather than through reqwest:
//! reqwest's wasm backend, with the `http` and `url` crates it brings, was a
//! fifth of the npm package's compressed size, for a call the platform makes
//! itself.

use std::time::Duration;

use crate::error::{Error, TransportKind};
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What came back: any status, with the body read whole.
pub(crate) struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    /// The raw `Retry-After` header, if any.
    pub retry_after: Option<String>,
}

/// A header name is an RFC 9110 token.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A header value is visible ASCII, spaces and tabs (no line breaks).
fn valid_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

/// Checks the extra headers and the credentials once, when the client is
/// built, so a bad one is a configuration error rather than a failed request.
/// A header's value is never echoed: a custom header may carry a credential.
/// Neither is a name that is not valid: it may be a whole `name: value` line
/// pasted in the wrong place.
pub(crate) fn check_headers(headers: &[(String, String)], api_key: &Secret) -> Result<(), Error> {
    for (name, value) in headers {
        if !valid_name(name) {
            return Err(Error::Config(
                "a header name is not valid in HTTP: use letters, digits and !#$%&'*+-.^_`|~ only, with no space or colon".to_owned(),
            ));
        }
        if !valid_value(value) {
            return Err(Error::Config(format!(
                "the value of header `{name}` is not valid in HTTP"
            )));
        }
    }
    if !valid_value(api_key.expose()) {
        return Err(Error::Config(
            "the API key holds characters not allowed in HTTP".to_owned(),
        ));
    }
    Ok(())
}

/// How long a connection may take to open natively, unless the timeout is
/// shorter. Far less than the whole request's limit: a host that does not
/// even accept a connection in this time is not there.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The message of a timed-out attempt: what was asked of which URL, and how
/// long it waited (the URL holds no credential: see `environment`).
fn timed_out(method: Method, url: &str, what: &str, waited: Duration) -> String {
    format!(
        "{method} {url}: {what} within {}",
        crate::retry::duration_text(waited)
    )
}

#[cfg(target_arch = "wasm32")]
pub(crate) use fetch::Transport;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::Transport;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
    use zeroize::Zeroize;

    use super::*;

    pub(crate) struct Transport {
        http: reqwest::Client,
        /// Every header of every request, the credentials included (marked
        /// sensitive, so reqwest's and http's `Debug` hide them).
        headers: HeaderMap,
        /// The limit for opening a connection, when this transport set it
        /// (a `reqwest::Client` given by the caller keeps its own).
        connect_timeout: Option<Duration>,
    }

    impl Transport {
        /// `headers` were checked by [`check_headers`]. Without `http`, a
        /// client whose connections must open within [`CONNECT_TIMEOUT`], or
        /// `timeout` when that is shorter.
        pub(crate) fn new(
            http: Option<reqwest::Client>,
            headers: &[(String, String)],
            api_key: &Secret,
            timeout: Duration,
        ) -> Result<Self, Error> {
            let invalid = || Error::Config("a header is not valid in HTTP".to_owned());
            let mut map = HeaderMap::new();
            for (name, value) in headers {
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
                let mut value = HeaderValue::from_str(value).map_err(|_| invalid())?;
                value.set_sensitive(true);
                map.insert(name, value);
            }
            // Last, so a custom header cannot replace the credentials. The
            // text it is built from is zeroed at once.
            let mut text = format!("Bearer {}", api_key.expose());
            let value = HeaderValue::from_str(&text);
            text.zeroize();
            let mut value = value.map_err(|_| invalid())?;
            value.set_sensitive(true);
            map.insert(AUTHORIZATION, value);
            let (http, connect_timeout) = match http {
                Some(http) => (http, None),
                None => {
                    let limit = CONNECT_TIMEOUT.min(timeout);
                    let http = reqwest::Client::builder()
                        .connect_timeout(limit)
                        .build()
                        .map_err(|e| {
                            Error::Config(format!("could not set up the HTTP client: {e}"))
                        })?;
                    (http, Some(limit))
                }
            };
            Ok(Self {
                http,
                headers: map,
                connect_timeout,
            })
        }

        pub(crate) async fn send(
            &self,
            method: Method,
            url: &str,
            body: Option<&[u8]>,
            timeout: Duration,
        ) -> Result<Response, Error> {
            let failed =
                |e: reqwest::Error| transport_error(e, method, url, timeout, self.connect_timeout);
            let http_method = match method {
                Method::Get => reqwest::Method::GET,
                Method::Post => reqwest::Method::POST,
                Method::Put => reqwest::Method::PUT,
                Method::Delete => reqwest::Method::DELETE,
            };
            let mut request = self
                .http
                .request(http_method, url)
                .headers(self.headers.clone())
                .timeout(timeout);
            if let Some(body) = body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.to_vec());
            }
            let response = request.send().await.map_err(failed)?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = response.bytes().await.map_err(failed)?.to_vec();
            Ok(Response {
                status,
                body,
                retry_after,
            })
        }
    }

    /// `Connect` only for a connection that could not be opened: hyper
    /// reports those before writing any of the request, so the server
    /// provably did nothing (the client may then retry even a create).
    fn transport_error(
        e: reqwest::Error,
        method: Method,
        url: &str,
        timeout: Duration,
        connect_timeout: Option<Duration>,
    ) -> Error {
        if e.is_timeout() {
            let message = if e.is_connect() {
                match connect_timeout {
                    Some(limit) => timed_out(method, url, "no connection", limit),
                    None => format!(
                        "{method} {url}: no connection within the HTTP client's connect timeout"
                    ),
                }
            } else {
                timed_out(method, url, "no answer", timeout)
            };
            return Error::Transport {
                kind: TransportKind::Timeout,
                message,
            };
        }
        let kind = if e.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Interrupted
        };
        // reqwest's text names the URL, never headers, so no credential is in it.
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(inner) = source {
            message.push_str(": ");
            message.push_str(&inner.to_string());
            source = inner.source();
        }
        Error::Transport { kind, message }
    }
}

#[cfg(target_arch = "wasm32")]
mod fetch {
    use js_sys::{Promise, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{AbortSignal, Headers, RequestInit, Response as JsResponse};

    use super::*;

    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        /// The global `fetch`: the same in browsers, workers and Node 18+.
        /// Given the URL and options rather than a `Request`, which it would
        /// copy into a new one (with a new abort signal) anyway.
        #[wasm_bindgen(js_name = fetch)]
        fn global_fetch(url: &str, init: &RequestInit) -> Promise;

        /// A `RequestInit` seen through the one field web-sys has no setter for.
        type KeepaliveInit;

        /// `keepalive`: the request goes on after the page that sent it is gone.
        #[wasm_bindgen(method, setter = keepalive)]
        fn set_keepalive(this: &KeepaliveInit, keepalive: bool);
    }

    pub(crate) struct Transport {
        headers: Vec<(String, String)>,
        /// `Bearer …`, zeroed on drop.
        authorization: Secret,
    }

    impl Transport {
        /// `headers` were checked by [`check_headers`].
        pub(crate) fn new(headers: &[(String, String)], api_key: &Secret) -> Result<Self, Error> {
            Ok(Self {
                headers: headers.to_vec(),
                authorization: Secret::new(format!("Bearer {}", api_key.expose())),
            })
        }

        pub(crate) async fn send(
            &self,
            method: Method,
            url: &str,
            body: Option<&[u8]>,
            timeout: Duration,
        ) -> Result<Response, Error> {
            let failed = |kind: TransportKind, e: &JsValue| failed(kind, e, method, url, timeout);
            let headers = Headers::new().map_err(|e| failed(TransportKind::Connect, &e))?;
            let set = |name: &str, value: &str| {
                headers
                    .set(name, value)
                    .map_err(|_| Error::Config(format!("the header `{name}` was refused")))
            };
            // `accept` is among them (see `ClientBuilder::build`).
            for (name, value) in &self.headers {
                set(name, value)?;
            }
            // Last, so a custom header cannot replace the credentials.
            set("authorization", self.authorization.expose())?;
            let init = RequestInit::new();
            init.set_method(method.as_str());
            // A revocation sent as a page goes away (a web page revoking a
            // new key whose secret was never stored) must still arrive:
            // `keepalive`, which web-sys's RequestInit has no setter for.
            if method == Method::Delete {
                init.unchecked_ref::<KeepaliveInit>().set_keepalive(true);
            }
            if let Some(body) = body {
                set("content-type", "application/json")?;
                init.set_body(&Uint8Array::from(body));
            }
            init.set_headers(&headers);
            let millis = crate::retry::timer_millis(timeout);
            init.set_signal(Some(&AbortSignal::timeout_with_u32(millis)));
            // A rejected fetch means no response at all: the server was not
            // reached, the connection broke, or the timeout fired. Unlike
            // hyper, fetch does not say whether the request had left, so the
            // client never takes this `Connect` for "nothing was sent".
            let response: JsResponse = JsFuture::from(global_fetch(url, &init))
                .await
                .map_err(|e| failed(TransportKind::Connect, &e))?
                .unchecked_into();
            let status = response.status();
            let retry_after = response.headers().get("retry-after").ok().flatten();
            let buffer = match response.array_buffer() {
                Ok(p) => JsFuture::from(p).await,
                Err(e) => Err(e),
            }
            .map_err(|e| failed(TransportKind::Interrupted, &e))?;
            Ok(Response {
                status,
                body: Uint8Array::new(&buffer).to_vec(),
                retry_after,
            })
        }
    }

    fn failed(
        kind: TransportKind,
        error: &JsValue,
        method: Method,
        url: &str,
        timeout: Duration,
    ) -> Error {
        if error_name(error).as_deref() == Some("TimeoutError") {
            return Error::Transport {
                kind: TransportKind::Timeout,
                message: timed_out(method, url, "no answer", timeout),
            };
        }
        // fetch's errors name the URL at most, never a header.
        Error::Transport {
            kind,
            message: describe(error),
        }
    }

    fn field(value: &JsValue, name: &str) -> Option<String> {
        js_sys::Reflect::get(value, &JsValue::from_str(name))
            .ok()?
            .as_string()
    }

    fn error_name(error: &JsValue) -> Option<String> {
        if error.is_object() {
            field(error, "name")
        } else {
            None
        }
    }

    /// `TypeError: fetch failed (ECONNREFUSED)`: the error, and its cause
    /// where Node gives one. Only `name`, `message` and `code` are read.
    fn describe(error: &JsValue) -> String {
        if !error.is_object() {
            return error
                .as_string()
                .unwrap_or_else(|| "fetch failed".to_owned());
        }
        let mut text = match (field(error, "name"), field(error, "message")) {
            (Some(name), Some(message)) => format!("{name}: {message}"),
            (None, Some(message)) => message,
            (Some(name), None) => name,
            (None, None) => "fetch failed".to_owned(),
        };
        if let Ok(cause) = js_sys::Reflect::get(error, &JsValue::from_str("cause"))
            && cause.is_object()
        {
            if let Some(code) = field(&cause, "code") {
                text.push_str(&format!(" ({code})"));
            } else if let Some(message) = field(&cause, "message") {
                text.push_str(": ");
                text.push_str(&message);
            }
        }
        text
    }
}
