//! Keys as code: the keys an account should have, in one file
//! (`narrative-keys.toml`); [`plan`] shows the drift, [`apply`] fixes it,
//! delivering every new secret before anything is retired; [`import`] writes
//! entries for existing keys.
//!
//! The server is the state: a `[[key]]` is matched to a live key by its
//! pinned `id`, else by its exact name among keys that are not retiring
//! ([`ApiKey::retiring`](crate::ApiKey::retiring)). Keys in their overlap
//! are never drift, duplicates, or the key the file names. After an apply
//! cut off between creating a successor and retiring the old key, a name
//! has two live keys, either of whose secrets may sit in a target: that
//! plans a rotation, which makes one successor, delivers it, and retires
//! every older key of the name with the overlap. An apply's journal
//! ([`ApplyJournal`], no secret) refines this: a key whose delivery never
//! started is revoked at once.
//!
//! Native only: the npm package does not carry it.

mod apply;
mod file;
mod import;
mod journal;
mod plan;

pub use apply::{
    ApplyOptions, ApplyReport, DEFAULT_JOBS, OnOutcome, Outcome, Pins, Retired, apply,
    check_targets,
};
pub use file::{
    DEFAULT_FILE, FileSpan, KeySpec, KeysFile, KeysFileError, Lifetime, SCHEMA_FILE, Targets,
    json_schema, permissions_from,
};
pub use import::import;
pub use journal::{ApplyJournal, CreateRecord, Stage};
pub use plan::{Action, ActionKind, FieldChange, Plan, due, plan};
