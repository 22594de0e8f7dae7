//! wasm-bindgen-test suites (run in Node by wasm-bindgen-test-runner) for what
//! the JavaScript suites cannot reach: SDK errors no server of ours produces,
//! the JSON envelope, and the executor's contract.
#![cfg(target_arch = "wasm32")]
// Test code: wasm_bindgen_test functions are not seen as tests by clippy.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::Duration;

use narrative_keys::{ApiError, Error, TransportKind};
use narrative_keys_wasm::error::{ErrorInfo, envelope};
use narrative_keys_wasm::runtime::{poll_task, spawn, start_runtime};
use serde_json::{Value, json};
use wasm_bindgen_test::*;

fn api(status: u16) -> ApiError {
    ApiError {
        status,
        error: "Teapot".into(),
        description: "I refuse.".into(),
    }
}

fn info(e: Error) -> Value {
    let text = envelope(Err(ErrorInfo::from(e)));
    let v: Value = serde_json::from_str(&text).expect("envelope is JSON");
    assert_eq!(v["ok"], json!(false));
    v["error"].clone()
}

#[wasm_bindgen_test]
fn every_sdk_error_maps_to_a_code() {
    let e = info(Error::UnexpectedStatus(api(418)));
    assert_eq!(e["code"], "server");
    assert_eq!(e["status"], 418);
    assert_eq!(e["serverError"], "Teapot");
    assert_eq!(e["description"], "I refuse.");

    let e = info(Error::RateLimited {
        api: api(429),
        retry_after: Some(Duration::from_millis(1500)),
    });
    assert_eq!(e["code"], "rate_limited");
    assert_eq!(e["retryAfterMs"], 1500);

    let e = info(Error::Config("no API key".into()));
    assert_eq!(e["code"], "invalid_input");
    assert!(e.get("status").is_none(), "no status without a response");

    let e = info(Error::Transport {
        kind: TransportKind::Interrupted,
        message: "reset".into(),
    });
    assert_eq!(e["code"], "network");

    let e = info(Error::Decode {
        status: 200,
        path: "records[0]".into(),
        message: "bad".into(),
    });
    assert_eq!(e["code"], "decode");
    assert_eq!(e["status"], 200);

    let e = info(Error::Server(ApiError {
        status: 502,
        error: String::new(),
        description: String::new(),
    }));
    assert_eq!(e["code"], "server");
    assert!(e.get("serverError").is_none() && e.get("description").is_none());
}

#[wasm_bindgen_test]
fn the_envelope_carries_values_verbatim() {
    let text = envelope(Ok(r#"{"name":"ключ 🔑","n":1}"#.into()));
    let v: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v, json!({"ok": true, "value": {"name": "ключ 🔑", "n": 1}}));
}

#[wasm_bindgen_test]
fn tasks_finish_when_polled_and_unknown_ids_read_as_pending() {
    let noop = js_sys::Function::new_no_args("");
    start_runtime(noop.clone(), noop);
    assert_eq!(poll_task(u32::MAX), None);
    let id = spawn(async { envelope(Ok("42".into())) });
    assert_eq!(poll_task(id).as_deref(), Some(r#"{"ok":true,"value":42}"#));
    assert_eq!(poll_task(id), None, "a finished task is gone");
}

#[wasm_bindgen_test]
async fn a_pending_task_wakes_the_wrapper() {
    let woken = js_sys::Array::new();
    let wake = js_sys::Function::new_with_args("id", "this.push(id)");
    let wake = wake.bind0(&woken);
    start_runtime(wake, js_sys::Function::new_no_args(""));
    let promise = js_sys::Promise::resolve(&wasm_bindgen::JsValue::from(7));
    let id = spawn(async move {
        let v = wasm_bindgen_futures::JsFuture::from(promise).await;
        envelope(Ok(format!(
            "{}",
            v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
        )))
    });
    assert_eq!(poll_task(id), None, "pending on the promise");
    // Let the promise settle: the waker calls the wrapper's callback with the id.
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::from(0)))
        .await
        .ok();
    assert_eq!(woken.length(), 1);
    assert_eq!(woken.get(0).as_f64(), Some(f64::from(id)));
    assert_eq!(poll_task(id).as_deref(), Some(r#"{"ok":true,"value":7}"#));
}
