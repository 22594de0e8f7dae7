//! # narrative-keys
//!
//! Manage Narrative API keys safely: the permission model, the key model, an
//! async client for the API-key endpoints, and the key-safety workflows.

pub mod catalog;
