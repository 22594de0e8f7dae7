//! The test kit of the narrative-keys workspace: what the SDK's, the
//! emulator's and the terminal UI's integration tests and benchmarks share.
//!
//! - [`contract`]: the contract's OpenAPI document, read at run time from
//!   `../shared/narrative-api/` (never copied into the repository), and the
//!   schema check of a JSON value against one of its schemas;
//! - [`emulator`](mod@emulator): an in-process emulator on a loopback port with an admin
//!   key, keys seeded straight into its store, and a [`narrative_keys::Client`]
//!   for it;
//! - [`lost`]: the lost-writes check (the store against what the callers
//!   believe it holds);
//! - [`fixtures`]: a process's output as text or JSON, a file's mode.
//!
//! It is a dev-dependency only (`publish = false`). A crate's unit tests may
//! use it too (the SDK's check of its request bodies in `sdk/src/wire.rs`
//! does), but they then see the crate twice: pass only plain values, such as
//! `serde_json::Value`, between the two.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may unwrap

pub mod contract;

pub mod emulator;
pub mod fixtures;
pub mod lost;

pub use emulator::{
    client, client_builder, emulator, emulator_builder, fast_retries, seed, seed_days,
};
