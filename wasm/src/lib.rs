//! JavaScript bindings for narrative-keys: the raw layer under the npm package.
//!
//! This crate is the Rust half of the `narrative-keys` npm package. It exposes
//! the SDK to JavaScript through `wasm-bindgen`; the hand-written ES module in
//! `js/` wraps these raw exports into the public API (`new NarrativeKeys(..)`,
//! `NarrativeKeysError`, automatic initialisation). JavaScript users never see
//! this layer directly.
//!
//! Design notes:
//! - One string each way: arguments arrive as JSON text (`JSON.stringify` in
//!   the wrapper) into the small input types of `inputs.rs`; results leave as
//!   a JSON envelope of the SDK's own types (`outputs.rs` adds the few shapes
//!   the SDK lacks), keys written in camelCase by the encoder. The
//!   `tsify` derives describe those shapes to TypeScript; nothing is mirrored
//!   field by field, which keeps the package small.
//! - Async calls run on the small executor in `runtime.rs`, polled from
//!   JavaScript, so that a panic (which traps: wasm32 has no unwinding on
//!   stable Rust) surfaces as an exception in a JavaScript call the wrapper
//!   controls and becomes a rejected promise; the panic hook schedules a fresh
//!   instance for the next call.
//! - No client object lives on the Rust side between calls: each call builds
//!   its `Client` from the options the JavaScript object holds, so a fresh
//!   instance after a panic loses nothing.

// Errors are built once, on the cold path, and turned into JavaScript objects
// at once: their size does not matter, and boxing them would only add noise.
#![allow(clippy::result_large_err)]

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod api;
pub mod error;
mod inputs;
pub mod listing;
mod listing_check;
pub mod outputs;
pub mod runtime;

pub use api::*;
pub use error::ErrorInfo;
pub use runtime::{poll_task, start_runtime};
