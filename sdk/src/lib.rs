#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod access;
pub mod catalog;
pub mod client;
pub mod create;
pub mod deliver;
pub mod environment;
pub mod error;
pub mod expiration;
pub mod instant;
pub mod interrupt;
pub mod journal;
pub mod json_object;
pub mod json_path;
pub mod json_reader;
#[cfg(not(target_arch = "wasm32"))]
mod json_schema;
pub mod key;
pub mod key_ref;
mod order;
pub mod permission;
pub mod preset;
pub mod resource;
pub mod retiring;
pub mod retry;
mod search;
pub mod secret;
pub mod suggest;
mod transport;
pub mod validation;
pub mod whoami;
mod wire;

/// The date and time library the API's types use (`DateTime<Utc>`), re-exported
/// so callers name the same version.
pub use chrono;

pub use access::AccessLevel;
pub use catalog::{CATALOG, CatalogEntry, Group};
pub use client::{Client, ClientBuilder};
pub use environment::{BaseUrl, Environment};
pub use error::{ApiError, ERROR_CODES, Error, ErrorInfo, Result, TransportKind};
pub use expiration::{DEFAULT_EXPIRATION_DAYS, Expiration, Span};
pub use interrupt::Interrupt;
pub use journal::{Journal, NoJournal};
pub use key::{
    ApiKey, Change, CreatedKey, KeyDiff, KeyStatus, KeyUpdate, NewKey, NewKeyBuilder, ShownKey,
    StatusPolicy,
};
pub use key_ref::{KEY_REF_CODES, KeyRef, KeyRefError};
pub use permission::{NotInCatalog, Permission, PermissionDiff, PermissionSet};
pub use preset::{Preset, PresetInfo};
pub use resource::Resource;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use validation::{Field, Problem, Severity, ValidationReport};
pub use whoami::Whoami;

// Key-safety workflows.
pub mod audit;
pub mod explain;
pub mod incident;
#[cfg(not(target_arch = "wasm32"))]
pub mod keys_as_code;
pub mod revoke;
pub mod rotate;

pub use audit::{AuditOptions, Finding, FindingKind, FindingSeverity, audit};
pub use explain::{Explanation, can, explain};
pub use revoke::{RevokeManyOptions, RevokeManyReport, RevokeResult, revoke_many};
pub use rotate::{
    OldKeyOutcome, OldKeyPolicy, OldKeyStops, RotateOptions, Rotation, clone_key, rotate,
};
