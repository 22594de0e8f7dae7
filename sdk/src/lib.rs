//! # narrative-keys
//!
//! Manage Narrative API keys safely: the permission model, the key model, an
//! async client for the API-key endpoints, and the key-safety workflows.
//!
//! ```no_run
//! # async fn run() -> narrative_keys::Result<()> {
//! use narrative_keys::{Client, NewKey, Preset};
//!
//! let client = Client::from_env()?;
//! // Expires in 90 days (`DEFAULT_EXPIRATION_DAYS`) unless `.expires(..)` says
//! // otherwise; `Expiration::Never` only on purpose.
//! let key = NewKey::builder("nightly ingestion")
//!     .preset(Preset::DataIngestion, &[])
//!     .build()?; // every validation problem at once, before anything is sent
//! let created = client.create_key(&key).await?;
//! println!("store this now, it is shown once: {}", created.secret.expose());
//! # Ok(()) }
//! ```

pub mod access;
pub mod catalog;
pub mod client;
pub mod deliver;
pub mod environment;
pub mod error;
pub mod expiration;
pub mod instant;
pub mod json_path;
pub mod key;
mod order;
pub mod permission;
pub mod preset;
pub mod resource;
pub mod retry;
pub mod secret;
mod transport;
pub mod validation;
pub mod whoami;
mod wire;

pub use access::AccessLevel;
pub use catalog::{CATALOG, CatalogEntry, Group};
pub use client::{Client, ClientBuilder};
pub use environment::{BaseUrl, Environment};
pub use error::{ApiError, Error, Result, TransportKind};
pub use expiration::{DEFAULT_EXPIRATION_DAYS, Expiration, Span};
pub use key::{ApiKey, CreatedKey, KeyStatus, KeyUpdate, NewKey, NewKeyBuilder, StatusPolicy};
pub use permission::{NotInCatalog, Permission, PermissionSet};
pub use preset::Preset;
pub use resource::Resource;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use validation::{Field, Problem, Severity, ValidationReport};
pub use whoami::Whoami;

// Key-safety workflows.
pub mod audit;
pub mod explain;
pub mod incident;
pub mod revoke;
pub mod rotate;

pub use audit::{AuditOptions, Finding, FindingKind, FindingSeverity, audit};
pub use explain::{Explanation, can, explain};
pub use revoke::{RevokeManyOptions, RevokeManyReport, RevokeResult, revoke_many};
pub use rotate::{OldKey, OldKeyPolicy, OldKeyStops, RotateOptions, Rotation, clone_key, rotate};
