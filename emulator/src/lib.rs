//! A local stand-in for Narrative's API-key ("system access token") API,
//! faithful enough that an SDK tested against it works against the real thing.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use narrative_keys_emulator::{Db, Emulator};
//! let emu = Emulator::builder().db(Db::Memory).start().await?;
//! println!("{} {:?}", emu.url(), emu.admin_key());
//! emu.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Authentication is real: every request needs `Authorization: Bearer <secret>`
//! of a stored, unexpired key. Listing and reading keys need
//! `read:access_tokens`; creating, updating and revoking need
//! `write:access_tokens`. Levels are independent (write does not imply read)
//! and the wire-only levels `admin`, `create` and `revise` grant nothing.

mod api;
mod error;
mod faults;
mod server;
mod store;
mod validate;

pub use api::{BODY_LIMIT, Identity};
pub use faults::{FaultConfig, FaultKind, FaultStats};
pub use server::{BOOTSTRAP_KEY_NAME, Emulator, EmulatorBuilder, EmulatorError, RunningEmulator};
pub use store::{Db, KeyUpdate, Store, StoreError, StoredKey, generate_secret, hash_secret};
pub use validate::{ACCESS_LEVELS, MAX_NAME_CHARS, MAX_PERMISSIONS};
